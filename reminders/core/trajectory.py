"""The pain trajectory for the patient page's chart (pure): each reported score at its
time since the injection, the baseline, the score at or below which the protocol
counts pain as improved, and how many days the chart spans (every text of the plan).

Short on purpose: the chart's data, apart from the page that draws it.
"""

from __future__ import annotations

import math
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
               scores: Iterable[tuple[datetime, int, str | None]],
               planned: Iterable[datetime] = ()) -> dict[str, Any]:
    """Chart data: `scores` are (received at, score, step answered or None); `planned`
    the send times of the enrolment's texts, so the days axis runs to the last of them
    (a score that comes later still fits), ending on a whole day."""
    points = [Point(_days(injected_at, at), score, step or "reply")
              for at, score, step in sorted(scores, key=lambda s: s[0])]
    # A "day 14" text goes on the 14th day whatever the injection's hour: 13.9 or 14.1
    # days after it, so the plan's days are rounded; a score gets half a day after it.
    ends = [*(round(_days(injected_at, at)) for at in planned),
            *(math.ceil(p.day + 0.5) for p in points)]
    return {"baseline": baseline,
            "threshold": improvement_line(baseline, threshold),
            "points": [p.__dict__ for p in points],
            "last_day": max([1, *ends])}


def _days(since: datetime, at: datetime) -> float:
    return round((at - since).total_seconds() / 86400, 3)
