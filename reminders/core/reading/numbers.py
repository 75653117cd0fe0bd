"""Numbers in a reply: which is the pain score, and what every other number is.

A number is a pain score only in a score's place. Otherwise it is a temperature ("temp
100.9", "102", "38.5"), an age ("I'm 72"), a dose ("took 2 tylenol", "400mg"), a time ("at
3pm", "10:30", "for 2 days", "day 3"), a percentage ("50%"), a date ("12/3"), a count ("3
ice packs"), a phone number or something else, and it is recorded as such. A score that
cannot be read without guessing (a range, a decimal, off the scale, two undated scores)
is reported as unclear, never resolved.

This module reads them all and then the relations between them (ranges, changes, dates);
written_numbers.py finds each number and number_kinds.py tells what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from reminders.core.reading.answer_words import CURRENT, PAST, PAST_AFTER, RANGE_LINKS
from reminders.core.reading.number_kinds import Number, classify
from reminders.core.reading.text import Token, words_near
from reminders.core.reading.written_numbers import number_at

_CHANGE_VERBS = frozenset({"went", "gone", "dropped", "drop", "came", "come", "down", "fell",
                           "improved", "decreased", "bajo", "bajado", "paso", "pasado",
                           "cambio", "baje", "subio", "subido", "up", "increased", "rose",
                           "jumped", "bajó", "from", "desde"})


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
        number = number_at(tokens, i, whole_answer)
        if number is None:
            continue
        numbers.append(number)
        consumed.update(range(number.first, number.last + 1))
    for number in numbers:
        if number.kind == "score":
            classify(tokens, number)
    ranges = _ranges(tokens, numbers)
    _changes(tokens, numbers)
    for number in numbers:
        if number.kind == "score" and number.dated is None:
            number.dated = _dated(tokens, number)
    return NumberReading(numbers, ranges)


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
        before = words_near(tokens, n.first - 1, -3)
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
        before = words_near(tokens, n.first - 1, -3)
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
    for word in words_near(tokens, number.first - 1, -5)[::-1]:  # nearest first
        if word in PAST:
            return "past"
        if word in CURRENT:
            return "current"
    for word in words_near(tokens, number.last + 1, 2):  # "8 before the shot", "4 now"
        if word in PAST_AFTER:
            return "past"
        if word in CURRENT:
            return "current"
    return None
