"""Findings from tokens: a finding's span and words, a whole-message span, and the small
helpers every part of the reader shares (pure).

Short on purpose: what every part of the reader shares, and nothing else.
"""

from __future__ import annotations

from typing import Any

from reminders.core.reading.findings import Assertion, Finding, What
from reminders.core.reading.phrases import Match
from reminders.core.reading.text import Token


def finding(text: str, tokens: list[Token], what: What, value: str, first: int, last: int,
            assertion: Assertion = Assertion.PRESENT, cue: str | None = None,
            detail: dict[str, Any] | None = None) -> Finding:
    start, end = tokens[first].start, tokens[last].end
    return Finding(what, str(value), start, end, text[start:end], assertion, cue, detail or {})


def whole(text: str) -> tuple[int, int, str]:
    """The span of the whole message, spaces around it left out."""
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    return start, max(start, end), text[start:end]


def how(m: Match) -> dict[str, str]:
    return {} if m.how == "exact" else {"matched": m.how, "term": m.term.text}


def without(matches: list[Match], exclusions: list[Match], same_tag: bool = False) -> list[Match]:
    """`matches` that no exclusion overlaps ("hot shower" takes "hot"); with `same_tag`,
    only an exclusion of the same concept counts ("blood sugar" is not bleeding, and
    still high blood sugar)."""
    def blocked(m: Match) -> bool:
        return any(e.first <= m.last and m.first <= e.last
                   and (not same_tag or e.term.tag == m.term.tag) for e in exclusions)
    return [m for m in matches if not blocked(m)]


def plain(value: float) -> float | int:
    return int(value) if value == int(value) else value
