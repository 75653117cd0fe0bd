"""A reply as tokens, each knowing where it stands in the message as the patient typed it.

Normalising (lower case, accents and elongations removed, curly apostrophes straightened)
happens per token, so every finding can point back at the exact characters it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class TokenKind(StrEnum):
    WORD = "word"
    NUMBER = "number"  # digits, with a decimal point or comma when there is one
    SYMBOL = "symbol"  # emoji and other pictographs
    PUNCT = "punct"


@dataclass(frozen=True)
class Token:
    text: str  # as typed
    norm: str  # lower case, no accents, apostrophes dropped, runs of 3+ letters cut to 2
    kind: TokenKind
    start: int  # character offsets in the original message
    end: int


# Order matters: numbers (with one decimal separator) before words; words keep their
# inner apostrophes ("don't", "it's"); anything else that is not a space is one token.
# Texting shorthand that mixes digits into a word: a word, not a number ("better than b4").
_SHORTHAND = {"b4": "before", "2day": "today", "2nite": "tonight", "2night": "tonight",
              "2morrow": "tomorrow", "2moro": "tomorrow", "l8r": "later", "gr8": "great",
              "w8": "wait", "4ever": "forever", "sum1": "someone", "some1": "someone",
              "any1": "anyone", "ne1": "anyone", "every1": "everyone", "no1": "noone",
              "h8": "hate", "m8": "mate"}
_TOKEN = re.compile(
    r"(?P<shorthand>(?<![\w])(?:" + "|".join(sorted(_SHORTHAND, key=len, reverse=True))
    + r")(?![\w]))"
    r"|(?P<number>\d+(?:[.,]\d+)?)"
    r"|(?P<word>(?:[^\W\d_]|[\u0300-\u036f])+(?:['’`´](?:[^\W\d_]|[\u0300-\u036f])+)*)"
    r"|(?P<newline>\r?\n)"
    r"|(?P<other>[^\s])",
    re.UNICODE,
)
# "¿" and "¡" open a sentence (what comes before them may be part of it: "si sigo igual,
# ¿puedo…?"), so they do not end one.
_SENTENCE_END = frozenset(".!?;\n…")
# Voice-to-text spells punctuation out: "I'm fine period thank you".
_SPOKEN = {"period": ".", "comma": ","}
_NOT_SPOKEN_AFTER = frozenset({"my", "the", "a", "her", "this", "that", "mi", "el", "la", "su",
                               "un", "menstrual", "of", "de"})
_ELONGATED = re.compile(r"(.)\1{2,}")  # "feeeever", "peorrrr": three or more of a letter


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str, elongations: bool = True) -> str:
    """A word or phrase as the matcher compares it: case, accents and apostrophes folded,
    and a letter typed three times or more kept twice (a typo away from either spelling)."""
    folded = strip_accents(text.lower())
    folded = re.sub(r"['’`´]", "", folded)
    return _ELONGATED.sub(r"\1\1", folded) if elongations else folded


def tokenize(body: str) -> list[Token]:
    """Every token of `body`, with offsets into `body` as it is (a decomposed accent is
    part of its word; folding makes it agree with the composed one)."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(body):
        raw = match.group()
        if match.lastgroup == "shorthand":
            kind, norm = TokenKind.WORD, _SHORTHAND[raw.lower()]
        elif match.lastgroup == "number":
            kind, norm = TokenKind.NUMBER, raw.replace(",", ".")
        elif match.lastgroup == "word":
            kind, norm = TokenKind.WORD, fold(raw)
            if norm in _SPOKEN and tokens and tokens[-1].kind == TokenKind.WORD \
                    and tokens[-1].norm not in _NOT_SPOKEN_AFTER:
                kind, norm = TokenKind.PUNCT, _SPOKEN[norm]
        elif match.lastgroup == "newline":
            kind, norm = TokenKind.PUNCT, "\n"
        elif raw in "'’`´\"":
            continue  # a stray apostrophe or quote ("na' ha cambiao") says nothing
        elif _is_symbol(raw):
            kind, norm = TokenKind.SYMBOL, raw
        else:
            kind, norm = TokenKind.PUNCT, raw
        tokens.append(Token(raw, norm, kind, match.start(), match.end()))
    return tokens


def _is_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("So", "Sk") or (category == "Cn" and ord(char) > 0x2000)


def is_sentence_end(token: Token) -> bool:
    return token.kind == TokenKind.PUNCT and token.norm in _SENTENCE_END


def sentences(tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last+1) token indexes of each sentence; the ends are not included."""
    spans, first = [], 0
    for i, token in enumerate(tokens):
        if is_sentence_end(token):
            if i > first:
                spans.append((first, i))
            first = i + 1
    if first < len(tokens):
        spans.append((first, len(tokens)))
    return spans


def words_near(tokens: list[Token], start: int, count: int) -> list[str]:
    """Up to |count| word norms from `start`, forward (count > 0) or backward, within the
    sentence; backward results are in reading order."""
    step = 1 if count > 0 else -1
    found: list[str] = []
    k = start
    while 0 <= k < len(tokens) and len(found) < abs(count):
        token = tokens[k]
        if is_sentence_end(token) or token.kind == TokenKind.NUMBER:
            break
        if token.kind == TokenKind.WORD or token.norm in ("°", "º", "%"):
            found.append(token.norm)
        elif token.kind == TokenKind.PUNCT and token.norm not in ("'", '"', "(", ")"):
            break  # "1, ice pack on it now": the comma ends what the number is about
        k += step
    return found if step > 0 else found[::-1]


def token_at(tokens: list[Token], i: int) -> Token | None:
    return tokens[i] if 0 <= i < len(tokens) else None
