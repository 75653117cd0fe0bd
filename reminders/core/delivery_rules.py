"""What to do with a claimed text right before sending, and after a failed try (pure).

The window a text may go out in has two parts. The protocol's quiet hours (default
09:00-20:00 local) hold every text; a staff member may let their own text go outside them
(`quiet_override`). The outer limit, 08:00-21:00 in the patient's zone (the US TCPA), holds
every text whatever the protocol or a staff member says: nothing can override it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from reminders.core.localtime import QuietHours

RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 5

# No text before 08:00 or from 21:00 in the patient's zone (brief §3, §8): never overridable.
OUTER_LIMIT = QuietHours(time(8, 0), time(21, 0))


def send_window(quiet_hours: QuietHours, *, quiet_override: bool = False) -> QuietHours:
    """The local window a text may go out in: the protocol's quiet hours, or the outer limit
    alone where staff chose to override them for their text. Never wider than the outer
    limit (a protocol's window is checked to lie inside it; this holds even if one did not)."""
    window = OUTER_LIMIT if quiet_override else quiet_hours
    return QuietHours(max(window.start, OUTER_LIMIT.start), min(window.end, OUTER_LIMIT.end))


@dataclass(frozen=True)
class SendContext:
    """Everything the last check before a send looks at."""

    enrollment_active: bool
    opted_out: bool
    consent_recorded: bool
    expires_at: datetime
    timezone: ZoneInfo
    quiet_hours: QuietHours | None  # the protocol's; None: a page to staff (no quiet hours)
    quiet_override: bool = False  # a staff text that may go outside them (not outside OUTER_LIMIT)


@dataclass(frozen=True)
class Send:
    pass


@dataclass(frozen=True)
class Cancel:
    reason: str


@dataclass(frozen=True)
class Expire:
    reason: str


@dataclass(frozen=True)
class Defer:
    until: datetime
    reason: str


def before_send(ctx: SendContext, now: datetime) -> Send | Cancel | Expire | Defer:
    """Re-check at send time: things may have changed since the text was planned."""
    if not ctx.enrollment_active:
        return Cancel("enrolment no longer active")
    if ctx.opted_out:
        return Cancel("patient opted out")
    if not ctx.consent_recorded:
        return Cancel("no consent on record")
    if now >= ctx.expires_at:
        return Expire("expired before it could be sent")
    window = (None if ctx.quiet_hours is None
              else send_window(ctx.quiet_hours, quiet_override=ctx.quiet_override))
    if window is not None and not window.contains(now, ctx.timezone):
        opening = window.next_opening(now, ctx.timezone)
        if opening >= ctx.expires_at:
            return Expire("quiet hours: the next opening is past its expiry")
        if ctx.quiet_override:
            return Defer(opening, f"outside {OUTER_LIMIT.start:%H:%M}-{OUTER_LIMIT.end:%H:%M} "
                         f"patient time: held until {OUTER_LIMIT.start:%H:%M}")
        return Defer(opening, "quiet hours: held until the window opens")
    return Send()


def retry_at(attempt: int, now: datetime, expires_at: datetime,
             rng: random.Random) -> datetime | None:
    """When to try again after `attempt` failed tries that were known not to send, or None
    to give up (too many tries, or the next try would be past the text's expiry).

    Exponential backoff with equal jitter: half the delay is fixed, half random, so many
    rows refused at once (a 429 burst) do not all come back in the same second.
    """
    if attempt >= MAX_ATTEMPTS:
        return None
    delay = min(RETRY_CAP, RETRY_BASE * 2 ** (attempt - 1))
    at = now + delay / 2 + delay / 2 * rng.random()
    return at if at < expires_at else None
