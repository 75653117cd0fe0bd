"""What to do with a claimed text right before sending, and after a failed try (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reminders.core.localtime import QuietHours

RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SendContext:
    """Everything the last check before a send looks at."""

    enrollment_active: bool
    opted_out: bool
    consent_recorded: bool
    expires_at: datetime
    timezone: ZoneInfo
    quiet_hours: QuietHours | None  # None: a page to staff, whom quiet hours do not cover


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
    if ctx.quiet_hours is not None and not ctx.quiet_hours.contains(now, ctx.timezone):
        opening = ctx.quiet_hours.next_opening(now, ctx.timezone)
        if opening >= ctx.expires_at:
            return Expire("quiet hours: the next opening is past its expiry")
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
