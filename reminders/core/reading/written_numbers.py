"""Where a number is in a reply and how it is written: digits, a number word, a number
spelled out in several words ("a hundred and one point five", "treinta y ocho punto
cinco"), and what its own shape says (a phone number, a time, a date, a year, a score
against the scale, a percentage).
"""

from __future__ import annotations

import re

from reminders.core.reading.answer_words import NUMBER_WORDS, SCALE, SCALE_LINKS, WEAK_NUMBER_WORDS
from reminders.core.reading.number_kinds import NOTHING, Number, noun_follows, score_place
from reminders.core.reading.text import Token, TokenKind, is_sentence_end, token_at, words_near

_ORDINAL = frozenset({"st", "nd", "rd", "th", "ro", "do", "er", "to", "vo", "no", "ero", "da"})
_DIGITS = re.compile(r"\d")
_HALF = (("and", "a", "half"), ("y", "medio"), ("y", "media"), ("and", "half"))
_DATE_BEFORE = frozenset({"on", "el", "for", "by", "until", "due", "till", "hasta", "para",
                          "del", "date", "fecha", "appointment", "appt", "cita"})


def number_at(tokens: list[Token], i: int, whole_answer: bool) -> Number | None:
    """The number that starts at token `i`, if one does, with its kind as far as its shape
    tells (else "score", for number_kinds.classify to look around it)."""
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
              and not score_place(tokens, i, strict=True) and not _alone(tokens, i)
              and not (i == 0 and token.norm not in NOTHING and token_at(tokens, 1) is not None
                       and tokens[1].norm in (",", "-", ":"))):
            return None  # "one thing", "no conozco a ninguna"; but "cero, ni lo siento"
        elif not whole_answer and noun_follows(tokens, i) and not score_place(tokens, i):
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
    before, after = token_at(tokens, i - 1), token_at(tokens, i + 1)
    return (before is None or is_sentence_end(before)) and (after is None or is_sentence_end(after))


def _shape(tokens: list[Token], number: Number) -> None:
    """What a written number's own shape says: 10:30, 3pm, 555-0123, 12/3, 3/10, 50%."""
    i = number.first
    text = tokens[i].norm
    nxt = token_at(tokens, i + 1)
    after = token_at(tokens, i + 2)
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
        before = words_near(tokens, i - 1, -1)
        if tokens[i + 1].norm == "/" and before and before[-1] in _DATE_BEFORE:
            number.kind = "date"  # "see you on 8/10"
        return
    if nxt is not None and nxt.norm == "/" and after is not None and after.kind == TokenKind.NUMBER:
        number.kind, number.last = "date", i + 2
        if token_at(tokens, i + 3) is not None and tokens[i + 3].norm == "/":
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
    nxt = token_at(tokens, k + 1)
    return nxt is not None and nxt.norm == "/" and token_at(tokens, k + 2) is not None \
        and tokens[k + 2].kind == TokenKind.NUMBER
