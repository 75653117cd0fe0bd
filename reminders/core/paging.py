"""Who is paged about a flag, when, and what a staff member's text means (pure).

An urgent flag (or one of the kinds an admin chose) pages the person on call by text. A
page not acknowledged within the deadline goes again to the same person, then to the
backup, then to every admin: the chain below. A round whose texts all failed (a wrong
number, a phone that refuses texts) does not wait for the deadline: the next round goes
at once. The text names a flag number and a link, never the patient.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from reminders.core.triage import FlagKind, Priority

DEFAULT_ACK_MINUTES = 15

# Who each round pages, in order: the on-call person twice, the backup, then every admin.
CHAIN = ("on_call", "on_call", "backup", "admins")


@dataclass(frozen=True)
class Shift:
    """Who is on call from `starts_at` until `ends_at` (UTC); both None: the default."""

    id: int
    on_call: int  # a staff member's id
    backup: int | None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @property
    def is_default(self) -> bool:
        return self.starts_at is None


def on_call(shifts: Sequence[Shift], now: datetime) -> Shift | None:
    """The shift covering `now`: of those that do, the one that began last (a swap
    entered for one evening overrides the week it falls in), else the default."""
    covering = [s for s in shifts if not s.is_default and s.starts_at is not None
                and s.ends_at is not None and s.starts_at <= now < s.ends_at]
    if covering:
        return max(covering, key=lambda s: (s.starts_at, s.id))
    return next((s for s in shifts if s.is_default), None)


def pages_for(kind: FlagKind, priority: Priority, chosen: Collection[FlagKind]) -> bool:
    """Whether a flag pages: every urgent flag, and the kinds an admin chose."""
    return priority == Priority.URGENT or kind in chosen


@dataclass(frozen=True)
class RoundSoFar:
    """The latest round of pages sent about a flag."""

    number: int  # 1 for the first
    at: datetime
    all_failed: bool  # every text of the round failed or expired: nobody was reached


def next_round(latest: RoundSoFar | None, now: datetime, deadline: timedelta) -> int | None:
    """The round due now for an open flag that pages, or None (one is in its deadline, or
    the chain is over: the flag stays in the queue, overdue, for whoever signs in)."""
    if latest is None:
        return 1
    if latest.number >= len(CHAIN):
        return None
    if latest.all_failed or now >= latest.at + deadline:
        return latest.number + 1
    return None


def targets(round_number: int, shift: Shift | None, admins: Sequence[int]) -> tuple[int, ...]:
    """Whom a round pages (staff ids). A link of the chain that is missing (no rota, no
    backup) falls through to the admins, so somebody is always asked."""
    role = CHAIN[round_number - 1]
    if role == "on_call" and shift is not None:
        return (shift.on_call,)
    if role == "backup" and shift is not None and shift.backup is not None:
        return (shift.backup,)
    return tuple(admins)


def page_text(clinic_name: str, flag_id: int, link: str, round_number: int) -> str:
    """The page: a flag number and a link, no patient data (texts are not private)."""
    again = " (reminder: not acknowledged yet)" if round_number > 1 else ""
    return (f"{clinic_name}: flag {flag_id} needs you now{again}. {link} "
            f"Reply ACK {flag_id} when you have it.")


_ACK = re.compile(r"^\s*ack(?:nowledged?)?(?![a-z])[\s:#.,-]*(\d{1,9})?\s*[.!]*\s*$",
                  re.IGNORECASE)


@dataclass(frozen=True)
class StaffCommand:
    """What a text from a staff phone asks: `ack` with a flag number (None: the number
    was left out), or anything else (`ack` False: answered with how to acknowledge)."""

    ack: bool
    flag_id: int | None = None


def read_staff_text(body: str) -> StaffCommand:
    """"ACK 12", "ack #12", "Ack" (the flag of the latest page to that phone)."""
    match = _ACK.match(body or "")
    if match is None:
        return StaffCommand(ack=False)
    number = match.group(1)
    return StaffCommand(ack=True, flag_id=int(number) if number else None)
