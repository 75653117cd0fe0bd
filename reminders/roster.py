"""The patients page's rows: each enrolment with its day number, next text, last reply
and open flags, found by name or the last digits of the phone, filtered as staff ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Exists, exists, func, select
from sqlalchemy.orm import Session, contains_eager

from reminders.core.statuses import EnrollmentStatus, FlagStatus, MessageStatus
from reminders.core.triage import Priority
from reminders.models import Enrollment, Flag, OutboxMessage, Patient, Reply

FILTERS = ("active", "flagged", "no_reply", "completed", "all")
LIMIT = 500


@dataclass(frozen=True)
class Row:
    enrollment: Enrollment
    day: int  # days since the injection, in the patient's calendar (day 0 = injection day)
    next_text: OutboxMessage | None
    last_reply: Reply | None
    open_flags: int
    top_priority: Priority | None


def day_number(injected_at: datetime, now: datetime, tz: ZoneInfo) -> int:
    return (now.astimezone(tz).date() - injected_at.astimezone(tz).date()).days


def _unresolved(enrollment_id) -> Exists:
    return exists().where(Flag.enrollment_id == enrollment_id, Flag.status != FlagStatus.RESOLVED)


def search(session: Session, now: datetime, *, query: str = "", show: str = "active") -> list[Row]:
    """Newest injection first, at most LIMIT rows."""
    if show not in FILTERS:
        raise ValueError(f"show must be one of {FILTERS}")
    stmt = (select(Enrollment).join(Enrollment.patient).options(contains_eager(Enrollment.patient))
            .order_by(Enrollment.injected_at.desc(), Enrollment.id.desc()).limit(LIMIT))
    if show == "completed":
        stmt = stmt.where(Enrollment.status == EnrollmentStatus.COMPLETED)
    elif show != "all":
        stmt = stmt.where(Enrollment.status == EnrollmentStatus.ACTIVE)
    if show == "flagged":
        stmt = stmt.where(_unresolved(Enrollment.id))
    elif show == "no_reply":
        stmt = stmt.where(~exists().where(Reply.enrollment_id == Enrollment.id))
    query = query.strip()
    if query.isascii() and query.isdigit():  # not "²" or "٣": not in a stored number
        stmt = stmt.where(Patient.phone.endswith(query[-4:]))
    elif query:
        stmt = stmt.where(func.lower(Patient.first_name).contains(query.lower(), autoescape=True))
    enrollments = list(session.scalars(stmt).unique())
    ids = [e.id for e in enrollments]
    nexts, replies, flags = (_next_texts(session, ids), _last_replies(session, ids),
                             _open_flags(session, ids))
    return [Row(e, day_number(e.injected_at, now, ZoneInfo(e.timezone)), nexts.get(e.id),
                replies.get(e.id), *flags.get(e.id, (0, None))) for e in enrollments]

def _next_texts(session: Session, ids: list[int]) -> dict[int, OutboxMessage]:
    if not ids:
        return {}
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.enrollment_id.in_(ids),
                                    OutboxMessage.status.in_((MessageStatus.PENDING,
                                                              MessageStatus.LEASED)))
        .order_by(OutboxMessage.send_at.desc(), OutboxMessage.id.desc()))
    # the earliest wins: it comes last (every row has an enrolment: it is one of `ids`)
    return {row.enrollment_id: row for row in rows if row.enrollment_id is not None}


def _last_replies(session: Session, ids: list[int]) -> dict[int, Reply]:
    if not ids:
        return {}
    rows = session.scalars(select(Reply).where(Reply.enrollment_id.in_(ids)).order_by(Reply.id))
    return {row.enrollment_id: row for row in rows  # the latest wins
            if row.enrollment_id is not None}


def _open_flags(session: Session, ids: list[int]) -> dict[int, tuple[int, Priority]]:
    if not ids:
        return {}
    found: dict[int, tuple[int, Priority]] = {}
    order = list(Priority)
    for enrollment_id, priority in session.execute(
            select(Flag.enrollment_id, Flag.priority).where(
                Flag.enrollment_id.in_(ids), Flag.status != FlagStatus.RESOLVED)):
        if enrollment_id is None:
            continue  # not selected (in_ never matches NULL); says so to the type checker
        count, top = found.get(enrollment_id, (0, priority))
        found[enrollment_id] = (count + 1, min(top, priority, key=order.index))
    return found
