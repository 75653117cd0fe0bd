"""Flags: work for staff, raised by replies, silence and delivery, and worked through
open → acknowledged → resolved (who, when, and an outcome note).

One open flag per kind and enrolment: a later cause of the same kind (a second reply to
review, another red-flag text) joins the open flag instead of piling up beside it. A flag
someone has acknowledged is theirs; a new cause then opens a new flag, so it is seen.

A flag may be addressed to a staff member (`assigned_to`): the patient answered their
text, or their text did not reach the patient. Everyone still sees it in the queue. A
cause for someone joining an open flag for anyone makes it theirs (they are in touch with
the patient now; its reason keeps every cause); the first staff member named keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, case, insert, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.protocol import Step, step_title
from reminders.core.reach import refusal_flag
from reminders.core.statuses import FlagStatus
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.delivery_events import Refused
from reminders.models import AuditEntry, Enrollment, Flag, OutboxMessage, flag_replies
from reminders.optout import opt_out
from reminders.protocol_files import ProtocolCache
from reminders.system_alerts import raise_alert
from reminders.transports.base import Refusal

# Which step escalates is in the enrolment's protocol snapshot; a snapshot never changes.
_PROTOCOLS = ProtocolCache()
_PRIORITY_ORDER = case({p.value: i for i, p in enumerate(Priority)}, value=Flag.priority)


# Built once (the webhook's hot path): see inbound.py.
_LOCK_ENROLLMENT = (select(Enrollment.id).where(Enrollment.id == bindparam("enrollment_id"))
                    .with_for_update())
_OPEN_FLAG = select(Flag.id, Flag.priority, Flag.reason, Flag.assigned_to).where(
    Flag.kind == bindparam("kind"), Flag.status == FlagStatus.OPEN)
_OPEN_FOR_ENROLLMENT = _OPEN_FLAG.where(Flag.enrollment_id == bindparam("enrollment_id"))
_OPEN_FOR_PHONE = _OPEN_FLAG.where(Flag.enrollment_id.is_(None), Flag.phone == bindparam("phone"))
_NEW_FLAG = insert(Flag).returning(Flag.id)
_CHANGE_FLAG = update(Flag).where(Flag.id == bindparam("flag_id"))
_LINK = insert(flag_replies)


def raise_flag(conn: Connection, request: FlagRequest, now: datetime, *,
               enrollment_id: int | None = None, patient_id: int | None = None,
               phone: str | None = None, message_id: int | None = None,
               reply_id: int | None = None) -> int:
    """Open a flag, or add this cause to the open flag of the same kind and enrolment
    (or, for a sender who is not a patient, the same number); returns the flag's id.
    In the caller's transaction."""
    if enrollment_id is not None:
        if conn.dialect.name == "postgresql":
            # serialises flag writers of one enrolment (SQLite writers are serial anyway);
            # the partial unique index on open flags is the backstop
            conn.execute(_LOCK_ENROLLMENT, {"enrollment_id": enrollment_id})
        flag = conn.execute(_OPEN_FOR_ENROLLMENT, {"kind": request.kind,
                                                   "enrollment_id": enrollment_id}).first()
    else:
        flag = conn.execute(_OPEN_FOR_PHONE, {"kind": request.kind, "phone": phone}).first()
    if flag is None:
        flag_id = conn.execute(_NEW_FLAG, dict(
            kind=request.kind, priority=request.priority, status=FlagStatus.OPEN,
            reason=request.reason, enrollment_id=enrollment_id, patient_id=patient_id,
            phone=phone, message_id=message_id, reply_id=reply_id, created_at=now,
            updated_at=now, assigned_to=request.assigned_to)).scalar_one()
    else:
        flag_id = flag.id
        changes: dict[str, object] = {"updated_at": now}
        if _rank(request.priority) < _rank(flag.priority):
            changes["priority"] = request.priority  # a more urgent cause raises the flag
        if request.reason not in flag.reason:
            changes["reason"] = f"{flag.reason}; {request.reason}"
        if flag.assigned_to is None and request.assigned_to is not None:
            changes["assigned_to"] = request.assigned_to
        conn.execute(_CHANGE_FLAG, {"flag_id": flag_id, **changes})
    if reply_id is not None:
        conn.execute(_LINK, {"flag_id": flag_id, "reply_id": reply_id})
    return flag_id


# The patient, as the actor of what their own text did (START): flag_history.py says so.
PATIENT = Actor("patient", "sms")
OPTED_BACK_IN = "opted_back_in"


def close_opt_out_flags(conn: Connection, patient_id: int, now: datetime, note: str) -> int:
    """Resolve the patient's open or acknowledged opt-out flags (they opted back in), each
    with an entry in its history, in the caller's transaction; how many were closed."""
    closed = conn.execute(
        update(Flag).where(Flag.patient_id == patient_id, Flag.kind == FlagKind.OPTED_OUT,
                           Flag.status != FlagStatus.RESOLVED)
        .values(status=FlagStatus.RESOLVED, resolved_by=PATIENT.name, resolved_at=now,
                resolution_note=note, updated_at=now)
        .returning(Flag.id, Flag.enrollment_id)).all()
    if closed:
        conn.execute(insert(AuditEntry), [dict(
            at=now, actor=PATIENT.name, via=PATIENT.via, action=OPTED_BACK_IN,
            patient_id=patient_id, enrollment_id=enrollment_id, flag_id=flag_id,
            detail=note) for flag_id, enrollment_id in closed])
    return len(closed)


def _rank(priority: Priority) -> int:
    return list(Priority).index(priority)


def list_flags(session: Session, *, include_resolved: bool = False,
               enrollment_id: int | None = None, flag_id: int | None = None) -> list[Flag]:
    """Most urgent first, then oldest first; each with its replies, enrolment and patient
    loaded (the pages and exports read them after the session closes)."""
    query = (select(Flag).options(selectinload(Flag.replies), selectinload(Flag.reply),
                                  selectinload(Flag.enrollment).selectinload(Enrollment.patient))
             .order_by(_PRIORITY_ORDER, Flag.created_at, Flag.id))
    if not include_resolved:
        query = query.where(Flag.status != FlagStatus.RESOLVED)
    if enrollment_id is not None:
        query = query.where(Flag.enrollment_id == enrollment_id)
    if flag_id is not None:
        query = query.where(Flag.id == flag_id)
    return list(session.scalars(query))


def _staff(by: str | None) -> str:
    by = (by or "").strip()
    if not by:
        raise ValidationError({"by": "is required: the staff member's name"})
    if len(by) > limits.PERSON:
        raise ValidationError({"by": f"is longer than {limits.PERSON} characters"})
    return by


def _flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id, with_for_update=True)
    if flag is None:
        raise NotFound(f"no flag {flag_id}")
    return flag


def acknowledge(sessions: sessionmaker[Session], flag_id: int, actor: Actor, now: datetime) -> None:
    with sessions.begin() as session:
        acknowledge_in(session, flag_id, actor, now)


def acknowledge_in(session: Session, flag_id: int, actor: Actor, now: datetime) -> None:
    """Take an open flag, in the caller's transaction (a page's ACK by text uses it too);
    it stops the flag's pages."""
    by = _staff(actor.name)
    flag = _flag(session, flag_id)
    if flag.status != FlagStatus.OPEN:
        who = flag.acknowledged_by if flag.status == FlagStatus.ACKNOWLEDGED else flag.resolved_by
        raise Conflict({"flag_id": f"flag {flag_id} is already {flag.status.value} "
                        f"(by {who})"})
    flag.status = FlagStatus.ACKNOWLEDGED
    flag.acknowledged_by, flag.acknowledged_at = by, now
    flag.updated_at = now
    _audit(session, actor, "acknowledged", flag, now, "by text" if actor.via == "sms" else "")


def resolve(sessions: sessionmaker[Session], flag_id: int, note: str, actor: Actor,
            now: datetime) -> None:
    """Close a flag with its outcome. An open flag may be resolved directly: whoever
    resolves it has also taken it."""
    errors: dict[str, str] = {}
    try:
        by = _staff(actor.name)
    except ValidationError as exc:  # reported with the note's error, if any
        errors.update(exc.errors)
    note = (note or "").strip()
    if not note:
        errors["note"] = "is required: say what was done"
    elif len(note) > limits.NOTE:
        errors.update(limits.over("note", note, limits.NOTE))
    if errors:
        raise ValidationError(errors)
    with sessions.begin() as session:
        flag = _flag(session, flag_id)
        if flag.status == FlagStatus.RESOLVED:
            raise Conflict({"flag_id": f"flag {flag_id} was already resolved by "
                            f"{flag.resolved_by}"})
        if flag.acknowledged_at is None:
            flag.acknowledged_by, flag.acknowledged_at = by, now
        flag.status = FlagStatus.RESOLVED
        flag.resolved_by, flag.resolved_at, flag.resolution_note = by, now, note
        flag.updated_at = now
        _audit(session, actor, "resolved", flag, now, note)


def _audit(session: Session, actor: Actor, action: str, flag: Flag, now: datetime,
           detail: str = "") -> None:
    record(session, Actor(_staff(actor.name), actor.via), action, now,
           patient_id=flag.patient_id, enrollment_id=flag.enrollment_id, flag_id=flag.id,
           detail=f"{flag.kind.value} flag {flag.id}" + (f": {detail}" if detail else ""))


def flag_refusal(session: Session, message_id: int, refusal: Refusal, error: str,
                 now: datetime) -> int | None:
    """A text refused for good by the provider or the carrier, as work for staff, by the
    core's rule (`core.reach.refusal_flag`): a question that did not reach the patient
    ("not reached: call the patient"), a number that cannot get texts (undeliverable), or
    an opt-out at the carrier (every pending text is cancelled too). A refusal every
    patient gets alike also raises the operator's system alert. In the caller's
    transaction; returns the flag's id, if one was raised.
    """
    row = session.get_one(OutboxMessage, message_id)
    enrollment = row.enrollment
    if refusal.for_operator:
        raise_alert(session, refusal, error, now)
    if enrollment is None:  # a page: paging sends the next round at once (paging.py)
        return None
    if refusal == Refusal.OPTED_OUT:
        opt_out(session, enrollment.patient.phone, now, "patient opted out (reported by the provider)")
    step = next((s for s in _PROTOCOLS.get(session, enrollment.protocol_digest).steps
                 if s.id == row.step), None)
    request = refusal_flag(refusal, text_label(row, step), expects_reply=row.expects is not None,
                           escalates=step is not None and step.escalates, error=error)
    if request is None:
        return None
    if row.sent_by is not None and request.kind != FlagKind.OPTED_OUT:
        request = replace(request, assigned_to=row.sent_by)  # their text did not reach
    return raise_flag(session.connection(), request, now, enrollment_id=enrollment.id,
                      patient_id=enrollment.patient_id, message_id=row.id)


def text_label(row: OutboxMessage, step: Step | None = None) -> str:
    """A text as staff name it: its step's title, or whose text it was ("kim's text")."""
    if row.sent_by is not None:
        return f"{row.sent_by}'s text"
    return step.title_in() if step is not None else step_title(None, row.step)


def flag_refusals(sessions: sessionmaker[Session], refused: Iterable[Refused],
                  now: datetime) -> None:
    """The flags of refusals that stored status events showed, in a transaction of their
    own once the texts' new statuses are committed."""
    refused = list(refused)
    if refused:
        with sessions.begin() as session:
            for item in refused:
                flag_refusal(session, item.outbox_id, item.refusal, item.error, now)
