"""Local wall-clock time, durations and quiet hours (pure: no clock is read here).

Every instant handed in or out is an aware datetime; UTC is the storage form and
`zoneinfo` converts to the patient's wall clock. DST rules from the brief: a local time
that does not exist (spring forward) moves to the first valid instant after the gap; an
ambiguous one (fall back) takes its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_duration(value: object) -> timedelta:
    """'90m', '2h', '1h30m', '10d' → timedelta. Raises ValueError on anything else."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        raise ValueError(f"{value!r} is not a duration (use forms like 30m, 2h, 1h30m, 3d)")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    return "".join(parts) or "0m"


def parse_clock(value: object) -> time:
    """'HH:MM' on a 24-hour clock → time. Raises ValueError on anything else."""
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if not match:
        hint = " in quotes, as YAML reads a bare 10:00 as a number" if isinstance(value, int) else ""
        raise ValueError(f"{value!r} is not a time (use HH:MM, 24-hour clock{hint})")
    return time(int(match.group(1)), int(match.group(2)))


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError when there is none."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError, TypeError) as exc:  # NotFound is a KeyError
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. America/Chicago)") from exc


def resolve_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `tz`, applying the DST rules above."""
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == wall:
        return utc  # exists; fold=0 already picks the first of two occurrences
    # In a gap: fold=0 reads the wall time with the old offset (an instant after the gap),
    # fold=1 with the new one (an instant before it). The transition lies between.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = utc
    after_offset = high.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(tz).utcoffset() == after_offset:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0)


@dataclass(frozen=True)
class QuietHours:
    """The local window in which texts may go out: [start, end)."""

    start: time
    end: time

    def contains(self, instant: datetime, tz: ZoneInfo) -> bool:
        local = instant.astimezone(tz).time()
        return self.start <= local < self.end

    def next_opening(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """`instant` if the window is open then, else the UTC instant the window next opens."""
        if self.contains(instant, tz):
            return instant
        local = instant.astimezone(tz)
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        return resolve_local(day, self.start, tz)
