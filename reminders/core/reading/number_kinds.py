"""What kind of number a reply's number is, from the words around it: a pain score, or a
temperature, glucose reading, age, dose, time, count, percentage or something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reminders.core.reading.answer_words import BEFORE, SCORE_WORDS, UNIT_WORDS
from reminders.core.reading.text import Token, TokenKind, token_at, words_near

NOTHING = frozenset({"nada", "ninguno", "ninguna"})  # "nada, sigue igual": not a zero

_PAIN_WORDS = frozenset({"pain", "dolor", "score", "nivel", "level", "rating", "rate", "hurts",
                         "duele"})


@dataclass
class Number:
    value: float
    first: int  # token indexes, both included
    last: int
    kind: str = "score"  # score | temperature | glucose | age | dose | time | percent | date |
    # count | phone | year | other | unknown | off_scale
    unit: str | None = None  # "F" or "C" for a temperature
    decimal: bool = False
    scaled: bool = False  # written against the scale ("3/10", "ocho de diez")
    dated: str | None = None  # "past" or "current"
    word: bool = False  # written as a word ("three", "ocho")
    detail: dict[str, Any] = field(default_factory=dict)


def classify(tokens: list[Token], number: Number) -> None:
    """Context around a number that may be a score: units after it, cues before it."""
    if number.scaled:
        if number.value > 10:
            number.kind = "off_scale"  # "12/10"
        return
    after = words_near(tokens, number.last + 1, 3)
    before = words_near(tokens, number.first - 1, -2)
    value = number.value
    next_word = after[0] if after else None
    two = " ".join(after[:2])
    if next_word in UNIT_WORDS["percent"] or two in UNIT_WORDS["percent"]:
        number.kind = "percent"
    elif any(w in BEFORE["glucose"] for w in words_near(tokens, number.first - 1, -4)) and value > 20:
        number.kind = "glucose"
    elif (next_word in UNIT_WORDS["temperature"] or any(w in BEFORE["temperature"] for w in before)
          or _looks_like_temperature(number)):
        number.kind = "temperature"
    elif two in UNIT_WORDS["age"] or next_word in ("yo", "y/o") or (
            next_word in ("years", "anos", "yrs") and "old" in after[1:2]) or (
            value > 10 and next_word in ("anos", "ano") and "tengo" in before) or (
            before and before[-1] in BEFORE["age"] and before[-1] not in ("tengo", "years")
            and value > 10):
        number.kind = "age"
    elif next_word in UNIT_WORDS["dose"] or (before and before[-1] in BEFORE["dose"]):
        number.kind = "dose"
    elif next_word in UNIT_WORDS["time"] or two in UNIT_WORDS["time"] or (
            before and before[-1] in BEFORE["time"] and not score_before(before)
            and not _pain_at(before)):
        number.kind = "time"
    elif next_word in UNIT_WORDS["count"]:
        number.kind = "count"
    elif before and before[-1] in BEFORE["other"]:
        number.kind = "other"
    if number.kind != "score":
        return
    if number.decimal and value > 10:
        number.kind = "unknown"
    elif value > 10:
        number.kind = "off_scale" if value <= 20 and (score_before(before) or not before) else "unknown"
    if number.kind == "temperature":
        number.unit = "F" if value >= 50 else "C"


def _pain_at(before: list[str]) -> bool:
    """"hip at 4", "pain at 6", "estoy en 4": a score's place, not a time."""
    return len(before) >= 2 and before[-1] in ("at", "en") and (
        before[-2] in SCORE_WORDS or before[-2] in _PAIN_PLACES)


_PAIN_PLACES = frozenset({"hip", "cadera", "im", "its", "estoy", "esta", "pain", "dolor", "is",
                          "sits", "stays", "still", "sigue", "anda", "ando", "now", "ahorita"})


def _looks_like_temperature(number: Number) -> bool:
    """"102", "100.9", "38.5": numbers no score or age is, that a thermometer reads."""
    value = number.value
    if number.decimal:
        return 94 <= value <= 108 or 34 <= value <= 43
    return 96 <= value <= 107


def score_before(before: list[str]) -> bool:
    return bool(before) and before[-1] in SCORE_WORDS and before[-1] not in ("at", "en", "about")


def score_place(tokens: list[Token], i: int, strict: bool = False) -> bool:
    """Whether the word before `i` puts a number in a score's place ("a 4", "pain 3");
    `strict`: only a word about pain does ("pain none", not "a ninguna")."""
    before = words_near(tokens, i - 1, -1)
    if not before:
        return False
    if strict:  # "un dos", "pain none"; not "no conozco a ninguna"
        return before[-1] in _PAIN_WORDS or (before[-1] in ("un", "una", "a", "an")
                                              and tokens[i].norm not in NOTHING)
    return before[-1] in SCORE_WORDS


def noun_follows(tokens: list[Token], i: int) -> bool:
    nxt = token_at(tokens, i + 1)
    return nxt is not None and nxt.kind == TokenKind.WORD and nxt.norm not in (
        "now", "today", "tonight", "ish", "maybe", "ahora", "hoy", "ahorita", "right", "at",
        "this", "pain", "dolor", "or", "o", "y", "and", "to", "a", "out", "of", "de", "sobre",
        "but", "pero", "still", "todavia", "thanks", "gracias", "lol", "jaja", "i", "im",
        "its", "it", "since", "after", "when", "cuando", "despues", "con", "with", "for",
        "in", "en", "while", "mientras", "por", "para", "most", "mostly", "all", "the",
        "then", "luego", "tho", "though", "yesterday", "ayer", "before", "antes", "walking",
        "sitting", "standing", "moving", "caminando", "sentado", "sentada", "parado",
        "parada", "again", "otra", "bien", "mejor", "better", "worse", "peor", "same", "igual",
        "nomas", "nada", "mas", "just", "only", "solamente", "solo", "creo", "ish", "tops",
        "max", "maximo", "masomenos", "or", "tal", "como", "probably", "prob", "probablemente")
