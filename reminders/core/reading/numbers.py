"""Numbers in a reply: which is the pain score, and what every other number is.

A number is a pain score only in a score's place. Otherwise it is a temperature ("temp
100.9", "102", "38.5"), an age ("I'm 72"), a dose ("took 2 tylenol", "400mg"), a time ("at
3pm", "10:30", "for 2 days", "day 3"), a percentage ("50%"), a date ("12/3"), a count ("3
ice packs"), a phone number or something else, and it is recorded as such. A score that
cannot be read without guessing (a range, a decimal, off the scale, two undated scores)
is reported as unclear, never resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reminders.core.reading.lexicon import (
    BEFORE,
    CURRENT,
    NUMBER_WORDS,
    PAST,
    PAST_AFTER,
    RANGE_LINKS,
    SCALE,
    SCALE_LINKS,
    SCORE_WORDS,
    UNIT_WORDS,
    WEAK_NUMBER_WORDS,
)
from reminders.core.reading.text import Token, TokenKind, is_sentence_end

_ORDINAL = frozenset({"st", "nd", "rd", "th", "ro", "do", "er", "to", "vo", "no", "ero", "da"})
_CHANGE_VERBS = frozenset({"went", "gone", "dropped", "drop", "came", "come", "down", "fell",
                           "improved", "decreased", "bajo", "bajado", "paso", "pasado",
                           "cambio", "baje", "subio", "subido", "up", "increased", "rose",
                           "jumped", "bajó", "from", "desde"})
_DIGITS = re.compile(r"\d")
_NOTHING = frozenset({"nada", "ninguno", "ninguna"})  # "nada, sigue igual": not a zero
_PAIN_WORDS = frozenset({"pain", "dolor", "score", "nivel", "level", "rating", "rate", "hurts",
                         "duele"})
_HALF = (("and", "a", "half"), ("y", "medio"), ("y", "media"), ("and", "half"))
_DATE_BEFORE = frozenset({"on", "el", "for", "by", "until", "due", "till", "hasta", "para",
                          "del", "date", "fecha", "appointment", "appt", "cita"})


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


@dataclass
class NumberReading:
    numbers: list[Number]
    ranges: list[tuple[int, int]]  # token spans of "4-6", "2 or 3", "entre 5 y 6"


def read_numbers(tokens: list[Token], whole_answer: bool) -> NumberReading:
    """Every number in `tokens`, classified. `whole_answer`: the reply is nothing but a
    number (give or take punctuation and pleasantries), so a weak word such as "one" or
    "nada" is an answer."""
    numbers: list[Number] = []
    consumed: set[int] = set()
    for i in range(len(tokens)):
        if i in consumed:
            continue
        number = _number_at(tokens, i, whole_answer)
        if number is None:
            continue
        numbers.append(number)
        consumed.update(range(number.first, number.last + 1))
    for number in numbers:
        if number.kind == "score":
            _classify(tokens, number)
    ranges = _ranges(tokens, numbers)
    _changes(tokens, numbers)
    for number in numbers:
        if number.kind == "score" and number.dated is None:
            number.dated = _dated(tokens, number)
    return NumberReading(numbers, ranges)


def _number_at(tokens: list[Token], i: int, whole_answer: bool) -> Number | None:
    number = _whole_number_at(tokens, i, whole_answer)
    if number is not None and number.kind == "score":
        following = tuple(t.norm for t in tokens[number.last + 1:number.last + 4])
        for half in _HALF:
            if following[:len(half)] == half:  # "5 and a half", "cuatro y medio"
                number.value += 0.5
                number.decimal = True
                number.last += len(half)
                break
    return number


def _whole_number_at(tokens: list[Token], i: int, whole_answer: bool) -> Number | None:
    spelled = _spelled(tokens, i)
    if spelled is not None:
        return spelled
    token = tokens[i]
    if token.kind == TokenKind.NUMBER:
        decimal = "." in token.norm
        number = Number(float(token.norm), i, i, decimal=decimal)
        _shape(tokens, number)
        return number
    if token.kind == TokenKind.WORD and token.norm in NUMBER_WORDS:
        number = Number(float(NUMBER_WORDS[token.norm]), i, i, word=True)
        scaled = _scale_after(tokens, i)
        if scaled is not None:
            number.scaled, number.last = True, scaled
        elif (token.norm in WEAK_NUMBER_WORDS and not whole_answer
              and not _score_place(tokens, i, strict=True) and not _alone(tokens, i)
              and not (i == 0 and token.norm not in _NOTHING and _at(tokens, 1) is not None
                       and tokens[1].norm in (",", "-", ":"))):
            return None  # "one thing", "no conozco a ninguna"; but "cero, ni lo siento"
        elif not whole_answer and _noun_follows(tokens, i) and not _score_place(tokens, i):
            return None  # "two days", "one thing", "tres veces"
        return number
    return None


_UNITS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "cero": 0, "uno": 1, "dos": 2, "tres": 3,
          "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "diez": 10,
          "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
          "diecisiete": 17, "dieciocho": 18, "diecinueve": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90, "veinte": 20, "treinta": 30, "cuarenta": 40,
         "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90}
_HUNDRED = {"hundred", "cien", "ciento"}


def _spelled(tokens: list[Token], i: int) -> Number | None:
    """A number spelled out in more than one word: "a hundred and one point five",
    "treinta y ocho punto cinco", "seven point five" (voice-to-text writes them so)."""
    words = []
    for token in tokens[i:i + 9]:
        if token.kind != TokenKind.WORD:
            break
        words.append(token.norm)
    value, k = 0, 0

    def at(n: int) -> str:
        return words[n] if n < len(words) else ""

    if at(0) in ("a", "one", "un") and at(1) in _HUNDRED:
        value, k = 100, 2
    elif at(0) in _HUNDRED:
        value, k = 100, 1
    if value and at(k) in ("and", "y"):
        k += 1
    if at(k) in _TENS:
        value += _TENS[at(k)]
        k += 1
        if at(k) == "y" and at(k + 1) in _UNITS:
            k += 1
        if at(k) in _UNITS and _UNITS[at(k)]:
            value += _UNITS[at(k)]
            k += 1
    elif at(k) in _TEENS:
        value += _TEENS[at(k)]
        k += 1
    elif at(k) in _UNITS and (value or at(k + 1) in ("point", "punto")):
        value += _UNITS[at(k)]
        k += 1
    if k == 0:
        return None
    decimals = ""
    if at(k) in ("point", "punto"):
        while at(k + 1 + len(decimals)) in _UNITS:
            decimals += str(_UNITS[at(k + 1 + len(decimals))])
        if decimals:
            k += 1 + len(decimals)
    if not decimals and value <= 10 and k == 1:
        return None  # a plain number word: the usual rules read it
    number = Number(float(f"{value}.{decimals}") if decimals else float(value), i, i + k - 1,
                    decimal=bool(decimals), word=True)
    return number


def _alone(tokens: list[Token], i: int) -> bool:
    """A word that is a sentence of its own: "Zero. No rash, no itch"."""
    before, after = _at(tokens, i - 1), _at(tokens, i + 1)
    return (before is None or is_sentence_end(before)) and (after is None or is_sentence_end(after))


def _shape(tokens: list[Token], number: Number) -> None:
    """What a written number's own shape says: 10:30, 3pm, 555-0123, 12/3, 3/10, 50%."""
    i = number.first
    text = tokens[i].norm
    nxt = _at(tokens, i + 1)
    after = _at(tokens, i + 2)
    if len(_DIGITS.findall(text)) >= 7:
        number.kind = "phone"
        return
    if nxt is not None and nxt.norm in ("-", ".") and after is not None and after.kind == TokenKind.NUMBER \
            and len(text) == 3 and len(after.norm) == 4 and nxt.end == after.start:
        number.kind, number.last = "phone", i + 2
        return
    if len(text) == 4 and not number.decimal and 1900 <= number.value <= 2100:
        number.kind = "year"
        return
    if text == "911":
        number.kind = "other"  # the emergency number
        return
    if nxt is not None and nxt.norm == ":" and after is not None and after.kind == TokenKind.NUMBER:
        number.kind, number.last = "time", i + 2
        return
    scaled = _scale_after(tokens, i)
    if scaled is not None:
        number.scaled, number.last = True, scaled
        before = _words(tokens, i - 1, -1)
        if tokens[i + 1].norm == "/" and before and before[-1] in _DATE_BEFORE:
            number.kind = "date"  # "see you on 8/10"
        return
    if nxt is not None and nxt.norm == "/" and after is not None and after.kind == TokenKind.NUMBER:
        number.kind, number.last = "date", i + 2
        if _at(tokens, i + 3) is not None and tokens[i + 3].norm == "/":
            number.last = i + 4
        return
    if nxt is not None and nxt.norm in ("%", "٪"):
        number.kind, number.last = "percent", i + 1
        return
    if nxt is not None and nxt.kind == TokenKind.WORD and nxt.norm in _ORDINAL and nxt.start == tokens[i].end:
        number.kind, number.last = "time", i + 1  # "3rd day", "2do día"
        return
    if nxt is not None and nxt.norm in ("°", "º") and nxt.start == tokens[i].end:
        number.kind = "temperature"


def _scale_after(tokens: list[Token], i: int) -> int | None:
    """The last token of "/10", "out of 10", "de diez", "sobre 10" after token i."""
    k = i + 1
    links = 0
    while k < len(tokens) and tokens[k].norm in SCALE_LINKS and links < 2:
        k += 1
        links += 1
    if links and k < len(tokens) and tokens[k].norm in SCALE and not _more_digits(tokens, k):
        return k
    return None


def _more_digits(tokens: list[Token], k: int) -> bool:
    nxt = _at(tokens, k + 1)
    return nxt is not None and nxt.norm == "/" and _at(tokens, k + 2) is not None \
        and tokens[k + 2].kind == TokenKind.NUMBER


def _classify(tokens: list[Token], number: Number) -> None:
    """Context around a number that may be a score: units after it, cues before it."""
    if number.scaled:
        if number.value > 10:
            number.kind = "off_scale"  # "12/10"
        return
    after = _words(tokens, number.last + 1, 3)
    before = _words(tokens, number.first - 1, -2)
    value = number.value
    next_word = after[0] if after else None
    two = " ".join(after[:2])
    if next_word in UNIT_WORDS["percent"] or two in UNIT_WORDS["percent"]:
        number.kind = "percent"
    elif any(w in BEFORE["glucose"] for w in _words(tokens, number.first - 1, -4)) and value > 20:
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
            before and before[-1] in BEFORE["time"] and not _score_before(before)
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
        number.kind = "off_scale" if value <= 20 and (_score_before(before) or not before) else "unknown"
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


def _score_before(before: list[str]) -> bool:
    return bool(before) and before[-1] in SCORE_WORDS and before[-1] not in ("at", "en", "about")


def _score_place(tokens: list[Token], i: int, strict: bool = False) -> bool:
    """Whether the word before `i` puts a number in a score's place ("a 4", "pain 3");
    `strict`: only a word about pain does ("pain none", not "a ninguna")."""
    before = _words(tokens, i - 1, -1)
    if not before:
        return False
    if strict:  # "un dos", "pain none"; not "no conozco a ninguna"
        return before[-1] in _PAIN_WORDS or (before[-1] in ("un", "una", "a", "an")
                                              and tokens[i].norm not in _NOTHING)
    return before[-1] in SCORE_WORDS


def _noun_follows(tokens: list[Token], i: int) -> bool:
    nxt = _at(tokens, i + 1)
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


def _ranges(tokens: list[Token], numbers: list[Number]) -> list[tuple[int, int]]:
    """Two candidate scores joined as alternatives: "4-6", "4 or 5", "entre 5 y 6"."""
    ranges = []
    scores = [n for n in numbers if not n.scaled and n.kind in ("score", "time", "dose", "count")]
    by_first = {n.first: n for n in numbers}
    for n in scores:
        k = n.last + 1
        links: list[str] = []
        while k < len(tokens) and tokens[k].norm in RANGE_LINKS and len(links) < 2:
            links.append(tokens[k].norm)
            k += 1
        other = by_first.get(k)
        if not links or other is None:
            continue
        if n.kind != "score" and other.kind == "score" and links[0] in ("or", "o", "to", "-", "a"):
            other.kind = n.kind  # "day 4 or 5": both are days
            continue
        if other.kind in ("time", "dose", "count", "temperature", "age", "percent", "glucose"):
            n.kind, n.unit = other.kind, other.unit  # "2 a 5 días": both are days
            continue
        if other.kind != "score" or n.kind != "score":
            continue
        before = _words(tokens, n.first - 1, -3)
        if before[-1:] == ["from"] or (
                before[-1:] in (["de"], ["desde"]) and set(before) & _CHANGE_VERBS):
            continue  # "went from 8 to 4": a change, read by _changes
        ranges.append((n.first, other.last))
    return ranges


def _changes(tokens: list[Token], numbers: list[Number]) -> None:
    """"From 8 to 4", "bajó de 8 a 4": the first is the past score, the second the current."""
    by_first = {n.first: n for n in numbers}
    for n in numbers:
        if n.kind != "score":
            continue
        before = _words(tokens, n.first - 1, -3)
        if not before or before[-1] not in ("from", "de", "desde"):
            continue
        if before[-1] != "from" and not set(before) & _CHANGE_VERBS:
            continue
        k = n.last + 1
        if k < len(tokens) and tokens[k].norm in ("to", "a", "-", "hasta"):
            other = by_first.get(k + 1)
            if other is not None and other.kind == "score":
                n.dated, other.dated = "past", "current"


def _dated(tokens: list[Token], number: Number) -> str | None:
    """"was 8", "8 before the shot", "now 4": past or current, when the words say."""
    for word in _words(tokens, number.first - 1, -5)[::-1]:  # nearest first
        if word in PAST:
            return "past"
        if word in CURRENT:
            return "current"
    for word in _words(tokens, number.last + 1, 2):  # "8 before the shot", "4 now"
        if word in PAST_AFTER:
            return "past"
        if word in CURRENT:
            return "current"
    return None


def _words(tokens: list[Token], start: int, count: int) -> list[str]:
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


def _at(tokens: list[Token], i: int) -> Token | None:
    return tokens[i] if 0 <= i < len(tokens) else None
