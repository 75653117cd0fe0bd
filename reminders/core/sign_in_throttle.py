"""When a sign-in attempt may have its password checked: the pure rules.

Two counters, kept apart so neither can be turned against staff:

- Per account: after `FREE_FAILURES` consecutive failures, each further attempt waits a
  delay that doubles from 2 seconds up to 15 minutes after the last failure. The delay
  holds only for addresses that themselves failed for that account since its last
  success: a correct password from anywhere else is always checked, so guessing from one
  address cannot keep the owner out.
- Per address: `ADDRESS_FAILURES` failures within `ADDRESS_WINDOW` (any names, made-up
  ones too) refuse that address until the window ends. Made-up names never touch a real
  account.

A refused attempt is not counted: it must not push the wait further out forever.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 3  # consecutive failures before the account's delay starts
FIRST_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=15)
ADDRESS_FAILURES = 10
ADDRESS_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Counter:
    """One counter's state: failures since `started_at` (the address window's start; for
    an account, the streak's), and when the last one was charged."""

    failures: int = 0
    started_at: datetime | None = None
    last_failure_at: datetime | None = None


def account_delay(failures: int) -> timedelta:
    """The wait after `failures` consecutive failures: none for the first few, then 2 s,
    4 s, 8 s ... up to 15 minutes."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = failures - FREE_FAILURES
    if doublings >= 10:  # 2 s * 2**10 is past the cap already; avoids huge powers
        return MAX_DELAY
    delay: timedelta = FIRST_DELAY * (2 ** doublings)
    return min(delay, MAX_DELAY)


def account_wait(account: Counter, address_failed: bool, now: datetime) -> timedelta:
    """How long this address must wait before a password for this account is checked."""
    if not address_failed or account.last_failure_at is None:
        return timedelta(0)
    until = account.last_failure_at + account_delay(account.failures)
    return max(until - now, timedelta(0))


def address_window(address: Counter, now: datetime) -> Counter:
    """The address's counter as of `now`: a window that has ended starts again at zero."""
    if address.started_at is None or now - address.started_at >= ADDRESS_WINDOW:
        return Counter(0, now, address.last_failure_at)
    return address


def address_wait(address: Counter, now: datetime) -> timedelta:
    """How long this address must wait before any password from it is checked."""
    current = address_window(address, now)
    if current.failures < ADDRESS_FAILURES or current.started_at is None:
        return timedelta(0)
    return max(current.started_at + ADDRESS_WINDOW - now, timedelta(0))


def wait(account: Counter, address: Counter, address_failed: bool,
         now: datetime) -> timedelta:
    """The longer of the two waits; zero when the password may be checked now."""
    return max(account_wait(account, address_failed, now), address_wait(address, now))


def whole_seconds(delay: timedelta) -> int:
    """A wait as whole seconds for people, rounded up (never "wait 0 seconds")."""
    return max(1, math.ceil(delay.total_seconds()))


def refusal(delay: timedelta) -> str:
    """What a refused attempt is told: how long to wait, and nothing about any account."""
    seconds = whole_seconds(delay)
    return (f"Too many failed sign-ins. Wait {seconds} second{'s' if seconds != 1 else ''} "
            "and try again.")
