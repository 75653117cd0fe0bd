"""The audit log: who enrolled, changed, cancelled, acknowledged, resolved, exported or
viewed a patient's record. Entries are written in the transaction of the change itself,
so a change is never without its entry, and never updated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reminders.models import AuditEntry

VIA = ("web", "api", "cli", "sms")  # sms: a text (a staff ACK to a page, a patient's START)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff member (web, or sms from their paged phone), an API token
    (api) or an operator (cli)."""

    name: str
    via: str

    def __post_init__(self):
        if self.via not in VIA:
            raise ValueError(f"via {self.via!r} is not one of {VIA}")


def record(session: Session, actor: Actor, action: str, now: datetime, *,
           patient_id: int | None = None, enrollment_id: int | None = None,
           flag_id: int | None = None, detail: str = "") -> None:
    """Add an entry in the caller's transaction."""
    session.add(AuditEntry(at=now, actor=actor.name[:128], via=actor.via, action=action,
                           patient_id=patient_id, enrollment_id=enrollment_id,
                           flag_id=flag_id, detail=detail))


def entries(session: Session, *, patient_id: int | None = None, actor: str | None = None,
            action: str | None = None, limit: int = 200, before_id: int | None = None
            ) -> list[AuditEntry]:
    """Newest first; `before_id` pages back."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if patient_id is not None:
        query = query.where(AuditEntry.patient_id == patient_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
