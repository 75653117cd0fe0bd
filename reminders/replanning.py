"""Re-planning an enrolment's texts: correcting the injection time (with a preview of
what would change) and resuming after the patient texts START. What has been sent, or is
in flight, is never touched; stale advice is never revived."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.errors import ValidationError
from reminders.core.localtime import zone
from reminders.core.planner import EXPIRED, PlannedText, plan
from reminders.core.statuses import REPLANNABLE, EnrollmentStatus, MessageStatus
from reminders.core.validation import check_injection_time, parse_instant
from reminders.enrollments import active_enrollment
from reminders.models import Enrollment, OutboxMessage, Patient
from reminders.planned_rows import (
    MAY_HAVE_REACHED,
    facts_of,
    plan_context,
    plan_rows,
    rewrite,
    row_values,
)
from reminders.protocol_files import ProtocolCache
from reminders.services import Services
from reminders.settings import Settings


@dataclass(frozen=True)
class Change:
    """What correcting the injection time does to one text."""

    step: str
    action: str  # "move", "add", "cancel", "keep" (sent or in flight: untouched), "same"
    old_status: str | None
    old_send_at: datetime | None
    new_status: str | None
    new_send_at: datetime | None
    title: str = ""  # what staff call the text (the step's title)

    @property
    def label(self) -> str:
        """The change in staff's words; a text the new time makes already past is not
        "moved": it will not be sent at all."""
        if self.action in ("move", "add") and self.new_status == MessageStatus.EXPIRED:
            return "already past: not sent"
        return {"move": "moves", "add": "added", "cancel": "cancelled",
                "keep": "already sent: unchanged", "same": "unchanged"}[self.action]


def _correction(rows: dict[str, OutboxMessage], texts: list[PlannedText]) -> list[Change]:
    """Pure: the plan `texts` laid over the stored `rows`; sent texts are never touched."""
    changes = []
    rows = dict(rows)
    for text in texts:
        new_status = text.status
        row = rows.pop(text.step, None)
        if row is None:
            changes.append(Change(text.step, "add", None, None, new_status, text.send_at))
        elif row.status not in REPLANNABLE:
            changes.append(Change(text.step, "keep", row.status, row.send_at, row.status, row.send_at))
        else:
            same = row.send_at == text.send_at and row.status == new_status
            changes.append(Change(text.step, "same" if same else "move", row.status, row.send_at,
                                  new_status, text.send_at))
    for row in rows.values():  # steps the corrected plan no longer has
        if row.status in REPLANNABLE:
            changes.append(Change(row.step, "cancel", row.status, row.send_at,
                                  MessageStatus.CANCELLED, row.send_at))
        else:
            changes.append(Change(row.step, "keep", row.status, row.send_at, row.status, row.send_at))
    return sorted(changes, key=lambda c: (c.new_send_at or c.old_send_at, c.step))


def _corrected_plan(svc: Services, session: Session, enrollment_id: int,
                    injected_at: str | datetime, now: datetime):
    """The enrolment, the checked new injection time, its rows by step and the plan from
    that time. Writes nothing."""
    if isinstance(injected_at, str) and len(injected_at) > limits.SHORT:
        raise ValidationError(limits.over("injected_at", injected_at, limits.SHORT))
    enrollment = active_enrollment(session, enrollment_id)
    patient = enrollment.patient
    protocol = svc.snapshots.get(session, enrollment.protocol_digest)
    try:
        tz = zone(enrollment.timezone)  # the field is typed, and its errors shown, in it
        new_time = parse_instant(injected_at, tz)
        check_injection_time(new_time, protocol, now, tz)
    except ValueError as exc:
        raise ValidationError({"injected_at": str(exc)}) from None
    rows = plan_rows(enrollment)
    introduced = any(m.status in MAY_HAVE_REACHED for m in rows.values())
    facts = replace(facts_of(enrollment), injected_at=new_time)
    texts = plan(protocol, facts, now, plan_context(svc.settings, patient.first_name),
                 introduced=introduced)
    return enrollment, new_time, rows, texts


def preview_reschedule(svc: Services, enrollment_id: int, injected_at: str | datetime,
                       now: datetime) -> tuple[list[Change], ZoneInfo, datetime]:
    """What `reschedule` would do, without doing it, the patient's zone to show it in and
    the checked new injection time."""
    with svc.sessions() as session:
        enrollment, new_time, rows, texts = _corrected_plan(svc, session, enrollment_id, injected_at, now)
        protocol = svc.snapshots.get(session, enrollment.protocol_digest)
        changes = [replace(c, title=protocol.step_title(c.step)) for c in _correction(rows, texts)]
        return changes, zone(enrollment.timezone), new_time


def reschedule(svc: Services, enrollment_id: int, injected_at: str | datetime, actor: Actor,
               now: datetime) -> list[Change]:
    """Correct the injection time: re-plan what has not been sent; never touch what has."""
    with svc.sessions.begin() as session:
        enrollment, new_time, rows, texts = _corrected_plan(svc, session, enrollment_id,
                                                            injected_at, now)
        record(session, actor, "rescheduled", now, patient_id=enrollment.patient_id,
               enrollment_id=enrollment.id,
               detail=f"injection time {enrollment.injected_at.isoformat()} → {new_time.isoformat()}")
        enrollment.injected_at, enrollment.updated_at = new_time, now
        by_step = {t.step: t for t in texts}
        changes = _correction(rows, texts)
        for change in changes:
            if change.action == "add":
                session.add(OutboxMessage(enrollment_id=enrollment.id, created_at=now,
                                          updated_at=now, **row_values(by_step[change.step])))
            elif change.action in ("move", "same"):  # "same" may still read differently
                rewrite(rows[change.step], by_step[change.step], now)
            elif change.action == "cancel":
                row = rows[change.step]
                row.status = MessageStatus.CANCELLED
                row.reason = "not in the plan after the injection time was corrected"
                row.updated_at = now
        return changes


def resume_after_opt_in(session: Session, patient: Patient, settings: Settings,
                        snapshots: ProtocolCache, now: datetime) -> int:
    """The patient texted START: plan their latest enrolment's future texts again.

    Only texts the fresh plan still sends come back (as pending, at their planned time):
    what went stale while they were opted out stays cancelled or expired, and nothing
    already sent is touched. In the caller's transaction; returns how many came back.
    """
    enrollment = session.scalars(
        select(Enrollment).where(Enrollment.patient_id == patient.id)
        .order_by(Enrollment.id.desc()).limit(1).with_for_update()).first()
    if enrollment is None or enrollment.status not in (EnrollmentStatus.ACTIVE,
                                                       EnrollmentStatus.COMPLETED):
        return 0  # cancelled or superseded by staff: START does not undo that
    protocol = snapshots.get(session, enrollment.protocol_digest)
    rows = plan_rows(enrollment)
    introduced = any(m.status in MAY_HAVE_REACHED for m in rows.values())
    resumed = 0
    for text in plan(protocol, facts_of(enrollment), now,
                     plan_context(settings, patient.first_name), introduced=introduced):
        if text.status == EXPIRED:
            continue  # stale advice stays as it is
        row = rows.get(text.step)
        if row is None:
            session.add(OutboxMessage(enrollment_id=enrollment.id, created_at=now,
                                      updated_at=now, **row_values(text)))
        elif row.status in (*REPLANNABLE, MessageStatus.CANCELLED):
            rewrite(row, text, now)
        else:
            continue
        resumed += 1
    if resumed and enrollment.status == EnrollmentStatus.COMPLETED:
        enrollment.status = EnrollmentStatus.ACTIVE  # completed only because all was cancelled
    enrollment.updated_at = now
    return resumed
