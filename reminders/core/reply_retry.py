"""When a stored reply that could not be read is tried again, and when to stop (pure).

Short on purpose: the one rule the webhook and the reply sweep share, so a reply's
attempts are counted and spaced the same way whichever of them failed.

A reply is stored before it is read. The webhook reads it at once; if that fails, or the
process dies first, the sweep (reminders/reply_sweep.py) tries again, oldest first, with a
doubling delay. After `max_attempts` failures it stops, and an urgent flag asks a person
to read the reply: a reply is never left unread without someone being told.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 5  # the default of REPLY_MAX_ATTEMPTS
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(minutes=5)
# A reply just stored is the webhook's to read for this long; only then does the sweep
# take it (a webhook that died between storing and reading never comes back for it).
WEBHOOK_GRACE = timedelta(minutes=1)


def first_attempt_due(received_at: datetime) -> datetime:
    """When the sweep may first take a reply the webhook has just stored."""
    return received_at + WEBHOOK_GRACE


def backoff(failures: int) -> timedelta:
    """The wait after the `failures`-th failed attempt: 30 s, 1 min, 2 min, 4 min, 5 min…"""
    if failures < 1:
        raise ValueError(f"failures must be at least 1, got {failures}")
    return min(FIRST_DELAY * (1 << min(failures - 1, 16)), LONGEST_DELAY)


def next_attempt(failures: int, now: datetime, max_attempts: int = MAX_ATTEMPTS
                 ) -> datetime | None:
    """After `failures` failed attempts (the one that just failed included): when to try
    again, or None to give up and flag the reply for a person."""
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
    if failures >= max_attempts:
        return None
    return now + backoff(failures)
