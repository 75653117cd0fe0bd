"""The reply window: how long after a text its answer still counts as the answer to it.

Short on purpose: one rule that three paths share (reading a reply, the no-response
sweep, the simulation's clock); a window that closed for one of them has closed for all.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def window_closes(sent_at: datetime, window_seconds: int | None) -> datetime:
    """When the window of a text sent at `sent_at` closes (a text without one: at once)."""
    return sent_at + timedelta(seconds=window_seconds or 0)


def window_open(sent_at: datetime | None, window_seconds: int | None, now: datetime) -> bool:
    """Whether a reply at `now` still answers the text (never for a text not yet sent)."""
    return sent_at is not None and now < window_closes(sent_at, window_seconds)
