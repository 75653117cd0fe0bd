"""How soon a flag must be acknowledged, counted in the clinic's business hours (pure).

Each priority has a deadline ("urgent: 15 minutes"); its clock runs only while the clinic
is open, in the clinic's zone, so a normal flag raised on Friday evening is due on Monday
morning, and an urgent one raised at night is due 15 minutes after opening (the patient's
answer told them to call the after-hours number or 911 meanwhile). The queue marks a flag
still open past its deadline as overdue. The same clock measures how long flags took to
be acknowledged and resolved (reports).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reminders.core.localtime import parse_clock, parse_duration
from reminders.core.triage import Priority

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DEADLINES = {Priority.URGENT: timedelta(minutes=15), Priority.HIGH: timedelta(hours=1),
                     Priority.NORMAL: timedelta(hours=4), Priority.INFO: timedelta(days=2)}
_SPAN = re.compile(r"^\s*(\w{3})\s*(?:-\s*(\w{3}))?\s*$")


@dataclass(frozen=True)
class BusinessHours:
    opens: time
    closes: time
    days: frozenset[int]  # Monday is 0
    zone: ZoneInfo

    def _open_on(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.days:
            return None
        return (datetime.combine(day, self.opens, self.zone),
                datetime.combine(day, self.closes, self.zone))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of open time after `start` (UTC, aware)."""
        left = duration
        day = start.astimezone(self.zone).date()
        for _ in range(3660):  # ten years of days: only a clinic that never opens gets here
            hours = self._open_on(day)
            if hours is not None:
                begin = max(hours[0], start)
                if begin < hours[1]:
                    if begin + left <= hours[1]:
                        return (begin + left).astimezone(start.tzinfo)
                    left -= hours[1] - begin
            day += timedelta(days=1)
        raise ValueError("the clinic is never open: check BUSINESS_HOURS and BUSINESS_DAYS")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The open time from `start` to `end` (zero when `end` is not later)."""
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            hours = self._open_on(day)
            if hours is not None:
                begin, finish = max(hours[0], start), min(hours[1], end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total


def parse_hours(value: str) -> tuple[time, time]:
    """'08:00-17:00' → (opens, closes). ValueError names what is wrong."""
    opens, sep, closes = value.partition("-")
    if not sep:
        raise ValueError(f"{value!r} is not a span of hours (use 08:00-17:00)")
    first, last = parse_clock(opens.strip()), parse_clock(closes.strip())
    if last <= first:
        raise ValueError(f"{value!r}: the clinic must close after it opens")
    return first, last


def parse_days(value: str) -> frozenset[int]:
    """'Mon-Fri', 'Mon-Fri,Sat', 'mon,wed,fri' → weekday numbers (Monday is 0)."""
    days: set[int] = set()
    for part in value.split(","):
        match = _SPAN.match(part.lower())
        if not match or match.group(1) not in DAYS or (match.group(2) or "mon") not in DAYS:
            raise ValueError(f"{part.strip()!r} is not a day or a span of days (use Mon-Fri)")
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        days.update(range(first, last + 1) if first <= last else [*range(first, 7),
                                                                     *range(last + 1)])
    return frozenset(days)


def parse_deadlines(value: str) -> dict[Priority, timedelta]:
    """'urgent=15m, high=1h' → those deadlines over the defaults."""
    deadlines = dict(DEFAULT_DEADLINES)
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, sep, duration = part.partition("=")
        try:
            priority = Priority(name.strip().lower())
        except ValueError:
            raise ValueError(f"{name.strip()!r} is not a priority (urgent, high, normal, "
                             "info)") from None
        if not sep:
            raise ValueError(f"{part!r}: write the priority, '=' and a duration (high=1h)")
        deadlines[priority] = parse_duration(duration.strip())
    return deadlines


def due_by(raised_at: datetime, priority: Priority, hours: BusinessHours,
           deadlines: Mapping[Priority, timedelta]) -> datetime:
    """When a flag raised at `raised_at` should have been acknowledged."""
    return hours.add(raised_at, deadlines[priority])


def overdue(waiting: bool, raised_at: datetime, priority: Priority, now: datetime,
            hours: BusinessHours, deadlines: Mapping[Priority, timedelta]) -> bool:
    """Whether a flag nobody has taken yet (`waiting`) is past its deadline at `now`."""
    return waiting and now > due_by(raised_at, priority, hours, deadlines)
