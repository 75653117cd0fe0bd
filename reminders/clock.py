"""The shell's clock: the one place that asks what time it is (UTC, aware).

Short on purpose: the core never reads a clock (`now` is its argument); the shell reads
this one, so a test or a simulation has one thing to replace.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
