"""A flag's history for staff: raised, each page (to whom, and whether it arrived), the
notice to the paging tool, and what staff did (from the audit log), in time order.

Short on purpose: one read model, used by the flag queue and the flag's own page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reminders.core.paging import CHAIN
from reminders.flags import OPTED_BACK_IN
from reminders.models import AuditEntry, Flag, Page, PageRound

_ROLE = {"on_call": "on call", "backup": "backup", "admins": "admin"}
_DONE = {"acknowledged": "Acknowledged", "resolved": "Resolved"}


@dataclass(frozen=True)
class Event:
    at: datetime
    what: str
    kind: str  # raised, page, notice, staff, patient: for styling and tests


def histories(session: Session, flags: list[Flag]) -> dict[int, list[Event]]:
    ids = [f.id for f in flags]
    events: dict[int, list[Event]] = defaultdict(list)
    for flag in flags:
        events[flag.id].append(Event(flag.created_at, "Raised", "raised"))
    rounds: Iterable[PageRound] = session.scalars(select(PageRound).where(PageRound.flag_id.in_(ids)).options(
        selectinload(PageRound.pages).selectinload(Page.staff),
        selectinload(PageRound.pages).selectinload(Page.text))) if ids else []
    for r in rounds:
        role = _ROLE[CHAIN[r.round - 1]]
        again = " again" if r.round > 1 and CHAIN[r.round - 2] == CHAIN[r.round - 1] else ""
        if not r.pages:
            events[r.flag_id].append(Event(
                r.created_at, f"Nobody could be paged ({role}): no mobile number on file",
                "page"))
        for page in r.pages:
            events[r.flag_id].append(Event(
                r.created_at, f"Paged {page.staff.name} ({role}){again} by text: "
                f"{page.text.status.value}", "page"))
        if r.notified_at is not None:
            events[r.flag_id].append(Event(r.notified_at, "Paging tool notified", "notice"))
    entries: Iterable[AuditEntry] = session.scalars(select(AuditEntry).where(AuditEntry.flag_id.in_(ids))
                              .order_by(AuditEntry.id)) if ids else []
    for entry in entries:
        if entry.action == OPTED_BACK_IN:  # the patient's own text closed it
            events[entry.flag_id or 0].append(Event(
                entry.at, "Closed: the patient opted back in by text; texts resumed", "patient"))
            continue
        verb = _DONE.get(entry.action, entry.action.replace("_", " ").capitalize())
        how = " by text" if entry.via == "sms" else ""
        events[entry.flag_id or 0].append(Event(entry.at, f"{verb} by {entry.actor}{how}", "staff"))
    return {k: sorted(v, key=lambda e: e.at) for k, v in events.items()}
