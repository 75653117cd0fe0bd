"""Negation and context (a small ConText): is a finding said, denied, gone, supposed, or
someone else's?

A cue ("no", "sin", "ya no", "if", "my husband", "maybe") reaches forward (or, for some,
backward: "fever: none", "swelling is gone") over a bounded scope. The scope ends at a
sentence end, at a terminator ("but", "pero", "still"), at a comma that does not continue a
list ("no fever, chills or redness" continues; "no fever, the site is red" does not), and,
for the short-reach cues, at a pronoun that starts a new statement ("no fever my hip is
red"). The nearest cue that reaches a finding decides; when none does, the finding is
present. docs/replies.md explains why this is our own code and not medspaCy's ConText.
"""

from __future__ import annotations

from dataclasses import dataclass

from reminders.core.reading.cue_words import BACKWARD, BODY, FILLER, FORWARD, LIST_CONTINUATION, RESTART, Cue
from reminders.core.reading.findings import Assertion
from reminders.core.reading.text import Token, TokenKind, is_sentence_end

# How many counted words (not filler, not body words, not other findings) a cue reaches.
SHORT_REACH = {Cue.NEGATED: 4, Cue.RESOLVED: 4, Cue.POSSIBLE: 4}
BACKWARD_REACH = 3
LONG_BACKWARD_REACH = 12
# Whole-word backward cues that are only cues at the end of a statement: "fever: no".
_ANSWER_CUES = frozenset({"no", "none", "nope", "na", "nada", "zero", "cero", "negative",
                          "nothing", "negativo", "ninguna", "ninguno", "tampoco"})
_FIRST_PERSON = frozenset({"i", "im", "ive", "me", "my", "mine", "yo", "mi", "mis", "tengo",
                           "estoy", "siento", "says", "said", "thinks", "think", "dice",
                           "dijo", "cree", "noticed", "nota", "noto", "vio", "saw", "voy",
                           "puedo", "fui", "quiero", "necesito", "ando", "tuve"})
# Backward cues that also open a statement of their own: only at its end do they look back.
_OPENERS = frozenset({"ya no", "no more", "no longer", "ya no me", "ya no tengo", "ya no hay",
                      "ya no siento", "ya no esta", "ya no estoy"})
_REPORTING = frozenset({"says", "said", "thinks", "think", "dice", "dijo", "cree", "wants",
                        "quiere"})
_PRIORITY = [Cue.OTHER_PERSON, Cue.HYPOTHETICAL, Cue.RESOLVED, Cue.NEGATED, Cue.POSSIBLE]
_ASSERTION = {Cue.NEGATED: Assertion.NEGATED, Cue.RESOLVED: Assertion.RESOLVED,
              Cue.HYPOTHETICAL: Assertion.HYPOTHETICAL, Cue.OTHER_PERSON: Assertion.OTHER_PERSON,
              Cue.POSSIBLE: Assertion.POSSIBLE}


@dataclass(frozen=True)
class CueSpan:
    cue: Cue
    directions: tuple[str, ...]  # forward, backward or both
    first: int
    last: int
    text: str


@dataclass(frozen=True)
class Scene:
    """What the context rules need to know about the whole reply."""

    tokens: list[Token]
    cues: list[CueSpan]
    starts: frozenset[int]  # first tokens of every finding (a list continues into them)
    ends: frozenset[int]  # last tokens of every finding
    inside: dict[int, tuple[str, int]]  # every token in a finding: its group and first token


def assertion_of(scene: Scene, first: int, last: int, group: str,
                 cues: set[Cue] | None = None, backward: bool = True) -> tuple[Assertion, str | None]:
    """The assertion of the finding of `group` on tokens first..last, and the cue words
    behind it. `cues` limits the cues that count; `backward=False` ignores those that
    follow the finding."""
    reaching: list[tuple[int, int, int, CueSpan]] = []
    for cue in scene.cues:
        if cue.cue == Cue.TERMINATE or (cues is not None and cue.cue not in cues):
            continue
        # a cue may share its last words with the finding ("no está" + "está rojo")
        if FORWARD in cue.directions and cue.first < first and cue.last < last:
            reach = _forward(scene, cue, first, group)
        elif BACKWARD in cue.directions and cue.first > last and backward:
            reach = _backward(scene, cue, last, group)
        else:
            continue
        if reach is not None:
            gap = cue.first - last if cue.first > last else first - cue.last
            reaching.append((reach, gap, _PRIORITY.index(cue.cue), cue))
    if not reaching:
        answered = _answered_question(scene, last) if group == "symptom" and backward else None
        return answered or (Assertion.PRESENT, None)
    best = min(reaching, key=lambda r: r[:3])  # the nearest cue decides
    weightier = [r for r in reaching if r[3].cue in (Cue.RESOLVED, Cue.HYPOTHETICAL)]
    if best[3].cue == Cue.POSSIBLE and weightier:
        # a hedge says how much, "gone" or "just asking" says whether: "a little chill last
        # night, but it's gone" is gone, whichever cue is nearer
        best = min(weightier, key=lambda r: r[:3])
    cue = best[3]
    return _ASSERTION[cue.cue], cue.text


def _forward(scene: Scene, cue: CueSpan, first: int, group: str) -> int | None:
    """Counted words from the cue to the finding, or None when the scope ends before it."""
    tokens, counted = scene.tokens, 0
    local = cue.cue in SHORT_REACH
    for k in range(cue.last + 1, first):
        other, start = scene.inside.get(k, (group, 0))
        if local and other != group and not cue.first <= start <= cue.last:
            return None  # "no dejen de mandar mensajes, me ayudan": the request took the "no"
        token = tokens[k]
        if is_sentence_end(token) or _terminates(scene, k):
            return None
        if token.kind == TokenKind.PUNCT:
            if local and (group != "symptom" or not _list_goes_on(scene, k, first)):
                return None  # lists of symptoms share a cue; "won't stop, worse" do not
            if not local and token.norm == "," and not _asks_next(scene, k):
                return None  # "if it swells I'll call, for now better"; but "si…, ¿puedo…?"
            continue
        if k in scene.inside or token.kind != TokenKind.WORD:
            continue
        if (cue.cue in (Cue.NEGATED, Cue.RESOLVED) and token.norm in RESTART
                and not _finding_follows(scene, k, first)):
            return None
        if cue.cue == Cue.OTHER_PERSON and token.norm in _FIRST_PERSON and (
                group == "symptom" or token.norm not in _REPORTING):
            return None  # "my wife says my hip is red" is mine; "…says to stop texting" is hers
        if token.norm not in FILLER and token.norm not in BODY:
            counted += 1
    if local and counted > SHORT_REACH[cue.cue]:
        return None
    if cue.cue == Cue.OTHER_PERSON and _first_person(scene, first):
        return None  # "a mi hijo le dio fiebre y no voy a poder ir": the second is mine
    return counted


def _first_person(scene: Scene, first: int) -> bool:
    _, start = scene.inside.get(first, ("", first))
    k = first
    while k < len(scene.tokens) and scene.inside.get(k, (None, None))[1] == start:
        if scene.tokens[k].norm in _FIRST_PERSON:
            return True
        k += 1
    return False


def _backward(scene: Scene, cue: CueSpan, last: int, group: str) -> int | None:
    if cue.text.lower() in _ANSWER_CUES and group != "symptom":
        return None  # "no me duele casi nada": Spanish doubles its negations
    if cue.text.lower() in _OPENERS and not _ends_statement(scene, cue.last):
        return None  # "tengo fiebre … y ya no quiero los mensajes": this "ya no" looks ahead
    tokens, counted = scene.tokens, 0
    # "…, but it's gone", "and it cleared up": a pronoun points back over the whole sentence
    said = cue.text.lower().replace("'", "").replace("’", "")
    pointing = said.split()[:2] in (
        ["but", "its"], ["but", "it"], ["and", "it"], ["it", "cleared"], ["it", "went"],
        ["its", "gone"], ["but", "thats"], ["pero", "ya"], ["y", "ya"])
    asking = cue.cue == Cue.HYPOTHETICAL  # "…? just asking": back over the question
    if asking and group != "symptom":
        return None  # "mejor, gracias por preguntar": a question is about symptoms
    for k in range(last + 1, cue.first):
        token = tokens[k]
        if asking and token.norm == "?":
            continue
        if is_sentence_end(token) or (not (pointing or asking)
                                      and (_terminates(scene, k) or token.norm == ",")):
            return None  # "better, hives are gone now": "gone" is the hives'
        if k in scene.inside:
            return None
        if token.kind != TokenKind.WORD:
            continue
        if token.norm not in FILLER and token.norm not in BODY:
            counted += 1
    if counted > (LONG_BACKWARD_REACH if pointing or asking else BACKWARD_REACH):
        return None
    if cue.text.lower() in _ANSWER_CUES and not _ends_statement(scene, cue.last):
        return None  # "swelling no fever": this "no" is about the fever, not the swelling
    return counted


def _terminates(scene: Scene, k: int) -> bool:
    return any(c.cue == Cue.TERMINATE and c.first <= k <= c.last for c in scene.cues)


def _asks_next(scene: Scene, k: int) -> bool:
    """Whether the clause after the comma at k is a question ("si sigo igual, ¿puedo…?")."""
    return k + 1 < len(scene.tokens) and scene.tokens[k + 1].norm == "¿"


def _list_goes_on(scene: Scene, k: int, first: int) -> bool:
    """A comma (or dash, slash…) at k continues the cue's list only between findings."""
    if k - 1 not in scene.ends:
        return False
    for j in range(k + 1, first + 1):
        token = scene.tokens[j]
        if token.kind == TokenKind.PUNCT:
            continue
        return j in scene.starts or token.norm in LIST_CONTINUATION
    return False


def _finding_follows(scene: Scene, k: int, first: int) -> bool:
    """Whether the word after a restart word at k leads straight to a finding."""
    for j in range(k + 1, first + 1):
        if j in scene.starts:
            return True
        token = scene.tokens[j]
        if token.kind != TokenKind.WORD or token.norm not in BODY:
            return False
    return False


def _ends_statement(scene: Scene, k: int) -> bool:
    following = scene.tokens[k + 1:k + 2]
    return not following or following[0].kind in (TokenKind.PUNCT, TokenKind.SYMBOL)


def _answered_question(scene: Scene, last: int) -> tuple[Assertion, str] | None:
    """"Fever? No." — a finding asked about and answered no in the next sentence."""
    tokens = scene.tokens
    k = last + 1
    while k < len(tokens) and tokens[k].kind == TokenKind.SYMBOL:
        k += 1
    if k >= len(tokens) or tokens[k].norm != "?":
        return None
    words = []
    for token in tokens[k + 1:]:
        if is_sentence_end(token) or token.norm == ",":
            break
        if token.kind == TokenKind.WORD:
            words.append(token.norm)
    if words and words[0] in _ANSWER_CUES and len(words) <= 2:
        return Assertion.NEGATED, " ".join(words)
    return None
