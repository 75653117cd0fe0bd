"""Reading a patient's reply (pure): what it says, and how sure we are. Never a guess.

English and Spanish. A reply can carry a keyword (STOP, START, HELP), a pain score 0-10,
better/same/worse, yes/no, and red-flag words; the triage rules decide what to do with
them. Two readings that disagree ("4-6", "2 or 8", "better but worse at night") make the
reply `ambiguous`: it is kept and flagged for a person, never resolved by guessing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum


class Kind(StrEnum):
    KEYWORD = "keyword"  # STOP / START / HELP: handled before anything else
    SCORE = "score"  # a pain score and nothing that contradicts it
    RELIEF = "relief"  # better / same / worse (a score may come with it)
    YES_NO = "yes_no"
    AMBIGUOUS = "ambiguous"  # readings that disagree: for a person to read
    RED_FLAG = "red_flag"  # only red-flag words were understood
    UNKNOWN = "unknown"  # nothing understood: for a person to read


@dataclass(frozen=True)
class Reading:
    kind: Kind
    score: int | None = None
    relief: str | None = None  # "better" | "same" | "worse"
    answer: str | None = None  # "yes" | "no"
    keyword: str | None = None  # "stop" | "start" | "help"
    red_flags: tuple[str, ...] = ()
    confidence: float = 0.0  # 1.0 exact, lower for phrases and misspellings


STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
START_WORDS = {"start", "unstop"}
HELP_WORDS = {"help", "info", "ayuda"}
_REVOCATIONS = re.compile(
    r"^(please )?stop( please| it| now)?$"
    r"|\b(stop (texting|sending|messaging|the (texts|messages))|no more (texts|messages)"
    r"|do not (text|message) me|don ?t (text|message) me|unsubscribe me|remove me"
    r"|no mas mensajes|dej(a|an|e|en) de (enviar|mandar)|no me (envien|manden)"
    r"|ya no (quiero (mensajes|recibir)|me envien))\b")

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}
_RELIEF_PHRASES = [  # "not better" is read before "better" (and is no improvement, not worse)
    ("same", r"not (any )?better|no (esta |estoy )?mejor|no mejora|no ha mejorado"),
    ("worse", r"mas dolor|more pain"),
    ("same", r"no change|not changed|unchanged|about the same|the same|same|no difference"
             r"|igual|lo mismo|sin cambios?|no ha cambiado|sigue igual|ni mejor ni peor"),
    ("better", r"better|improved|improving|less pain|mejor|mejorando|menos dolor|aliviad[oa]"),
    ("worse", r"worse|worst|peor|empeor\w*"),
]
_RELIEF_WORDS = {"better": "better", "worse": "worse", "same": "same", "mejor": "better",
                 "peor": "worse", "igual": "same", "improved": "better"}
_YES = {"yes", "yeah", "yep", "yup", "y", "si", "claro"}
_NO = {"no", "nope", "nah", "n"}
_RANGE = re.compile(r"\b(\d{1,2})\s*(-|–|to|or|o|y|and|a)\s*(\d{1,2})\b(?!\s*/)")
_NO_PAIN = re.compile(r"\b(no pain|pain free|sin dolor|nada de dolor|no me duele)\b")
_SCALE = re.compile(r"\b(\d{1,2})\s*(/|out of|of|de|sobre)\s*10\b")


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces (keeps '/' and '-')."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    cleaned = re.sub(r"[^\w/\-–]+", " ", stripped.lower())
    return re.sub(r"\s+", " ", cleaned).strip()


@functools.lru_cache(maxsize=64)
def _red_flag_patterns(words: tuple[str, ...]) -> tuple[tuple[str, re.Pattern], ...]:
    """Each word with its compiled whole-word pattern (a protocol's list is read once)."""
    return tuple((word, re.compile(rf"\b{re.escape(normalise(word))}\b"))
                 for word in dict.fromkeys(words))


def _red_flags(text: str, words: Iterable[str]) -> tuple[str, ...]:
    return tuple(word for word, pattern in _red_flag_patterns(tuple(words))
                 if pattern.search(text))


def _keyword(text: str) -> str | None:
    if text in STOP_WORDS or _REVOCATIONS.search(text):
        return "stop"
    if text in START_WORDS:
        return "start"
    if text in HELP_WORDS:
        return "help"
    return None


def _scores(text: str) -> tuple[list[int], bool]:
    """Scores 0-10 in `text`, and whether a range ("4-6", "2 or 8") makes them ambiguous."""
    if _RANGE.search(text):
        return [], True
    text = _SCALE.sub(lambda m: f" {m.group(1)} ", text)  # "7 out of 10" → 7, not 7 and 10
    found = [int(n) for n in re.findall(r"(?<![\d/])\b\d{1,2}\b(?![\d/])", text)]
    found += [0] if _NO_PAIN.search(text) else []
    found += [_NUMBER_WORDS[w] for w in text.split() if w in _NUMBER_WORDS]
    if any(n > 10 for n in found) or re.search(r"\d{3,}|\d+[.,]\d", text):
        return [], True  # a time, a year, a decimal: not something to read as a score
    return found, False


def _relief(text: str) -> tuple[set[str], float]:
    found: set[str] = set()
    rest = f" {text} "
    for label, pattern in _RELIEF_PHRASES:
        if re.search(rf"\b({pattern})\b", rest):
            found.add(label)
            rest = re.sub(rf"\b({pattern})\b", " ", rest)
    if found:
        return found, 1.0 if text in _RELIEF_WORDS else 0.9
    words = [w for w in text.split() if len(w) >= 5]
    for word in words:  # misspellings: "beter", "wrose", "mejr"
        match = get_close_matches(word, _RELIEF_WORDS, n=1, cutoff=0.8)
        if match:
            found.add(_RELIEF_WORDS[match[0]])
    return found, 0.7


def parse_reply(body: str, red_flag_words: Mapping[str, Iterable[str]]) -> Reading:
    """What `body` says. `red_flag_words` maps a language to its words (from the protocol);
    every language's words are looked for, whatever the patient's language."""
    text = normalise(body or "")
    flags = _red_flags(text, [w for words in red_flag_words.values() for w in words])
    if not text:
        return Reading(Kind.UNKNOWN, red_flags=flags)
    keyword = _keyword(text)
    if keyword:
        return Reading(Kind.KEYWORD, keyword=keyword, red_flags=flags, confidence=1.0)
    scores, ranged = _scores(text)
    relief, relief_confidence = _relief(text)
    answer = "yes" if text in _YES else "no" if text in _NO else None
    if ranged or len(set(scores)) > 1 or len(relief) > 1:
        return Reading(Kind.AMBIGUOUS, red_flags=flags)
    score = scores[0] if scores else None
    if relief:
        return Reading(Kind.RELIEF, score=score, relief=relief.pop(), red_flags=flags,
                       confidence=relief_confidence)
    if score is not None:
        exact = text.isdigit() or bool(_SCALE.fullmatch(text))
        return Reading(Kind.SCORE, score=score, red_flags=flags, confidence=1.0 if exact else 0.9)
    if answer:
        return Reading(Kind.YES_NO, answer=answer, red_flags=flags, confidence=1.0)
    return Reading(Kind.RED_FLAG if flags else Kind.UNKNOWN, red_flags=flags,
                   confidence=1.0 if flags else 0.0)
