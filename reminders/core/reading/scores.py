"""The score and the other numbers of a reply, as findings (pure): `numbers.read_numbers`
says what each number is; this turns them into findings, with temperatures at or above
the fever threshold and blood sugars at or above theirs as symptoms, and every reading
that cannot be one score (a range, a decimal, two scores) as unclear."""

from __future__ import annotations

from reminders.core.reading import answer_words, request_words
from reminders.core.reading.context import Scene, assertion_of
from reminders.core.reading.cue_words import Cue
from reminders.core.reading.findings import Finding, Unclear, What
from reminders.core.reading.number_kinds import Number
from reminders.core.reading.numbers import NumberReading
from reminders.core.reading.phrases import Match
from reminders.core.reading.spans import finding, plain
from reminders.core.reading.text import Token, TokenKind
from reminders.core.reading.vocabulary import Vocabulary

_NUMBER_CUES = {Cue.HYPOTHETICAL, Cue.OTHER_PERSON}


def read_scores(text: str, tokens: list[Token], reading: NumberReading, no_pain: list[Match],
             scene: Scene, vocabulary: Vocabulary) -> list[Finding]:
    found: list[Finding] = []
    scores: list[Number] = []
    by_first = {n.first: n for n in reading.numbers}
    in_range = {k for a, b in reading.ranges for k in range(a, b + 1)}
    for a, b in reading.ranges:
        low, high = sorted((int(by_first[a].value), int(_last_number(reading, b).value)))
        found.append(finding(text, tokens, What.UNCLEAR, Unclear.RANGE, a, b,
                             detail={"values": list(range(low, high + 1))}))
    for n in reading.numbers:
        if n.first in in_range:
            continue
        value = {"value": plain(n.value)}
        if n.kind == "score":
            assertion, _ = assertion_of(scene, n.first, n.last, "score", _NUMBER_CUES)
            if not assertion.affirmed:
                found.append(finding(text, tokens, What.NUMBER, "other", n.first, n.last,
                                     assertion=assertion, detail=value))
            elif n.decimal:
                low, high = int(n.value), int(n.value) + 1
                found.append(finding(text, tokens, What.UNCLEAR, Unclear.DECIMAL, n.first, n.last,
                                     detail={**value, "values": [low, min(high, 10)]}))
            else:
                scores.append(n)
        elif n.kind == "temperature":
            found.append(_temperature(text, tokens, n, vocabulary))
        elif n.kind == "glucose" and n.value >= vocabulary.blood_sugar.mg_dl:
            found.append(finding(text, tokens, What.SYMPTOM, vocabulary.blood_sugar.symptom,
                                 n.first, n.last, detail={**value, "blood_sugar": True}))
        elif n.kind == "off_scale":
            found.append(finding(text, tokens, What.UNCLEAR, Unclear.OFF_SCALE, n.first, n.last,
                                 detail=value))
        else:
            if n.kind == "percent":
                found.append(finding(text, tokens, What.UNCLEAR, Unclear.PERCENT, n.first, n.last,
                                     detail=value))
            found.append(finding(text, tokens, What.NUMBER, n.kind, n.first, n.last, detail=value))
    for m in no_pain if not scores else ():  # "ya no me duele, un 1": the number says how much
        assertion, _ = assertion_of(scene, m.first, m.last, "no_pain", _NUMBER_CUES)
        if assertion.affirmed:
            scores.append(Number(0, m.first, m.last, word=True))
    current = [n for n in scores if n.dated != "past"]
    for n in scores:
        detail = {"previous": True} if n.dated == "past" and current else {}
        found.append(finding(text, tokens, What.SCORE, str(int(n.value)), n.first, n.last,
                             detail=detail))
    values = {int(n.value) for n in current} or {int(n.value) for n in scores}
    if len(values) > 1:
        a, b = min(n.first for n in scores), max(n.last for n in scores)
        found.append(finding(text, tokens, What.UNCLEAR, Unclear.SCORES_DIFFER, a, b,
                             detail={"values": sorted(values)}))
    return found


def _last_number(reading: NumberReading, last: int) -> Number:
    return next(n for n in reading.numbers if n.first <= last <= n.last)


def _temperature(text: str, tokens: list[Token], n: Number, vocabulary: Vocabulary) -> Finding:
    unit = n.unit or ("F" if n.value >= 50 else "C")
    threshold = vocabulary.fever.fahrenheit if unit == "F" else vocabulary.fever.celsius
    detail = {"value": plain(n.value), "unit": unit}
    last = n.last + 1 if n.last + 1 < len(tokens) and tokens[n.last + 1].norm in ("°", "º") else n.last
    if n.value >= threshold:
        return finding(text, tokens, What.SYMPTOM, vocabulary.fever.symptom, n.first, last,
                       detail={**detail, "temperature": True})
    return finding(text, tokens, What.NUMBER, "temperature", n.first, last, detail=detail)


def only_a_number(tokens: list[Token]) -> bool:
    words = [t for t in tokens if t.kind in (TokenKind.WORD, TokenKind.NUMBER)]
    meaningful = [t for t in words if (t.norm not in request_words.POLITE
                                       and t.norm not in answer_words.PLEASANTRIES)
                  or t.norm in answer_words.NUMBER_WORDS]
    return len(meaningful) == 1 and (meaningful[0].kind == TokenKind.NUMBER
                                     or meaningful[0].norm in answer_words.NUMBER_WORDS)


_ALMOST = frozenset({"casi", "mero", "almost", "barely", "hardly", "nearly", "practically"})
_NOT_QUITE = frozenset({"tanto", "much", "mucho", "like", "como", "that", "so", "as", "asi"})


def qualified(tokens: list[Token], m: Match) -> bool:
    """"ya no me duele tanto", "almost no pain": less pain, not none."""
    before = tokens[m.first - 1].norm if m.first > 0 else ""
    after = tokens[m.last + 1].norm if m.last + 1 < len(tokens) else ""
    inside = {t.norm for t in tokens[m.first:m.last + 1]}
    return before in _ALMOST or after in _NOT_QUITE or after in _ALMOST or bool(inside & _ALMOST)
