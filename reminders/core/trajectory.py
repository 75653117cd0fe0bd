"""The pain trajectory for the patient page's chart (pure): each reported score at its
time since the injection, the baseline, and the score at or below which the protocol
counts pain as improved.

Short on purpose: the chart's data, apart from the page that draws it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reminders.core.improvement import improvement_line
from reminders.core.protocol import Improvement


@dataclass(frozen=True)
class Point:
    day: float  # days since the injection
    score: int
    label: str  # the question it answered (step), or "reply"


def trajectory(injected_at: datetime, baseline: int | None, threshold: Improvement,
               scores: Iterable[tuple[datetime, int, str | None]]) -> dict[str, Any]:
    """Chart data: `scores` are (received at, score, step answered or None)."""
    points = [Point(round((at - injected_at).total_seconds() / 86400, 3), score, step or "reply")
              for at, score, step in sorted(scores, key=lambda s: s[0])]
    return {"baseline": baseline,
            "threshold": improvement_line(baseline, threshold),
            "points": [p.__dict__ for p in points],
            "last_day": max([10.5, *(p.day + 0.5 for p in points)])}
