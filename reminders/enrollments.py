"""Enrolment, correction and cancellation: each one transaction, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.audit import Actor, record
from reminders.core.localtime import zone
from reminders.core.planner import EXPIRED, Facts, PlannedText, plan
from reminders.core.protocol import Protocol, ProtocolSet
from reminders.core.statuses import REPLANNABLE, EnrollmentStatus, MessageStatus
from reminders.core.validation import (
    EnrollmentInput,
    ValidationError,
    ValidEnrollment,
    check_injection_time,
    parse_instant,
    validate,
)
from reminders.models import Enrollment, OutboxMessage, Patient, ProtocolVersion
from reminders.outbox import cancel_pending
from reminders.protocol_files import protocol_from_snapshot
from reminders.settings import Settings


class NotFound(LookupError):
    """No enrolment with that id."""


# Texts in these states may have reached the patient: after one of them, no intro is needed.
_MAY_HAVE_REACHED = (MessageStatus.LEASED, MessageStatus.SENT, MessageStatus.DELIVERED,
                     MessageStatus.UNDELIVERED, MessageStatus.UNKNOWN)


@dataclass(frozen=True)
class Services:
    """What the enrolment operations need from the shell."""

    sessions: sessionmaker[Session]
    protocols: ProtocolSet
    settings: Settings


def facts_of(enrollment: Enrollment, patient: Patient) -> Facts:
    return Facts(injected_at=enrollment.injected_at, timezone=zone(patient.timezone),
                 language=patient.language, side=enrollment.side,
                 diabetic=enrollment.diabetic, pt_referral=enrollment.pt_referral)


def _context(settings: Settings, first_name: str) -> dict[str, str]:
    return {**settings.placeholders, "first_name": first_name}


def _row_values(text: PlannedText) -> dict:
    return dict(
        step=text.step, position=text.order, language=text.language, body=text.text,
        segments=text.segments, encoding=text.encoding, send_at=text.send_at,
        expires_at=text.expires_at, reason=text.reason, expects=text.expects,
        status=text.status,
        reply_window_seconds=int(text.reply_window.total_seconds()) if text.reply_window else None,
    )


def _store_version(session: Session, protocol: Protocol) -> None:
    if session.get(ProtocolVersion, protocol.digest) is None:
        session.add(ProtocolVersion(digest=protocol.digest, protocol_id=protocol.id,
                                    source=dict(protocol.source)))


def enroll(svc: Services, data: EnrollmentInput, now: datetime, actor: Actor | None = None) -> int:
    """Validate, then write patient, enrolment and its planned texts in one transaction.

    Raises ValidationError (nothing written) for bad input, an opted-out number, or a
    second active enrolment of the same phone without `supersede`. `actor` (default: the
    staff member who recorded consent, at the CLI) goes to the audit log.
    """
    valid = validate(data, svc.protocols, clinic_timezone=svc.settings.clinic_timezone,
                     default_region=svc.settings.default_region, now=now)
    try:
        with svc.sessions.begin() as session:
            return enroll_valid(session, svc.settings, valid, now,
                                actor or Actor(valid.consent_by, "cli"))
    except IntegrityError:  # another enrolment of this phone committed first
        raise ValidationError({"phone": "was enrolled by someone else just now; "
                               "check the list and try again"}) from None


def enroll_valid(session: Session, settings: Settings, valid: ValidEnrollment, now: datetime,
                 actor: Actor) -> int:
    """Write one checked enrolment in the caller's transaction (a CSV import enrols many
    in one). Raises ValidationError for an opted-out number or an active enrolment."""
    protocol = valid.protocol
    patient = session.scalars(
        select(Patient).where(Patient.phone == valid.phone).with_for_update()).first()
    if patient is not None and patient.opted_out_at is not None:
        raise ValidationError({"phone": "this number has opted out (STOP); the patient "
                               "must text START before they can be enrolled again"})
    active = [] if patient is None else list(session.scalars(
        select(Enrollment).where(Enrollment.patient_id == patient.id,
                                 Enrollment.status == EnrollmentStatus.ACTIVE)))
    if active and not valid.supersede:
        ids = ", ".join(str(e.id) for e in active)
        raise ValidationError({"phone": f"already has an active enrolment ({ids}); "
                               "supersede it (--supersede) to replace it"})
    if patient is None:
        patient = Patient(phone=valid.phone, created_at=now)
        session.add(patient)
    patient.first_name = valid.first_name
    patient.language = valid.language
    patient.timezone = valid.timezone.key
    patient.updated_at = now
    _store_version(session, protocol)
    enrollment = Enrollment(
        patient=patient, protocol_id=protocol.id, protocol_digest=protocol.digest,
        injected_at=valid.injected_at, side=valid.side, diabetic=valid.diabetic,
        pt_referral=valid.pt_referral, baseline_pain=valid.baseline_pain,
        consent_by=valid.consent_by, consent_at=now,
        consent_text=protocol.consent.render(valid.language, _context(
            settings, valid.first_name))[1],
        consent_unencrypted_sms=True, status=EnrollmentStatus.ACTIVE,
        created_by=actor.name[:128], created_at=now, updated_at=now)
    session.add(enrollment)
    session.flush()
    for old in active:
        old.status = EnrollmentStatus.SUPERSEDED
        old.superseded_by_id = enrollment.id
        old.updated_at = now
    if active:
        cancel_pending(session, [e.id for e in active],
                       f"superseded by enrolment {enrollment.id}", now)
    texts = plan(protocol, facts_of(enrollment, patient), now,
                 _context(settings, patient.first_name))
    session.add_all(OutboxMessage(enrollment_id=enrollment.id, created_at=now,
                                  updated_at=now, **_row_values(t)) for t in texts)
    record(session, actor, "enrolled", now, patient_id=patient.id,
           enrollment_id=enrollment.id, detail=protocol.id + (
               f"; supersedes {', '.join(str(e.id) for e in active)}" if active else ""))
    return enrollment.id


def _active(session: Session, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id, with_for_update=True)
    if enrollment is None:
        raise NotFound(f"no enrolment {enrollment_id}")
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError({"enrollment_id": f"enrolment {enrollment_id} is "
                               f"{enrollment.status.value}; only an active one can change"})
    return enrollment


def protocol_of(session: Session, enrollment: Enrollment) -> Protocol:
    version = session.get_one(ProtocolVersion, enrollment.protocol_digest)
    return protocol_from_snapshot(enrollment.protocol_id, version.source)


@dataclass(frozen=True)
class Change:
    """What correcting the injection time does to one text."""

    step: str
    action: str  # "move", "add", "cancel", "keep" (sent or in flight: untouched), "same"
    old_status: str | None
    old_send_at: datetime | None
    new_status: str | None
    new_send_at: datetime | None


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
    enrollment = _active(session, enrollment_id)
    patient = enrollment.patient
    protocol = protocol_of(session, enrollment)
    try:
        new_time = parse_instant(injected_at, zone(patient.timezone))
        check_injection_time(new_time, protocol, now)
    except ValueError as exc:
        raise ValidationError({"injected_at": str(exc)}) from None
    rows = {m.step: m for m in enrollment.messages}
    introduced = any(m.status in _MAY_HAVE_REACHED for m in rows.values())
    facts = replace(facts_of(enrollment, patient), injected_at=new_time)
    texts = plan(protocol, facts, now, _context(svc.settings, patient.first_name),
                 introduced=introduced)
    return enrollment, new_time, rows, texts


def preview_reschedule(svc: Services, enrollment_id: int, injected_at: str | datetime,
                       now: datetime) -> tuple[list[Change], ZoneInfo]:
    """What `reschedule` would do, without doing it, and the patient's zone to show it in."""
    with svc.sessions() as session:
        enrollment, _, rows, texts = _corrected_plan(svc, session, enrollment_id, injected_at, now)
        return _correction(rows, texts), zone(enrollment.patient.timezone)


def reschedule(svc: Services, enrollment_id: int, injected_at: str | datetime, now: datetime,
               actor: Actor) -> list[Change]:
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
                                          updated_at=now, **_row_values(by_step[change.step])))
            elif change.action in ("move", "same"):  # "same" may still read differently
                _rewrite(rows[change.step], by_step[change.step], now)
            elif change.action == "cancel":
                row = rows[change.step]
                row.status = MessageStatus.CANCELLED
                row.reason = "not in the plan after the injection time was corrected"
                row.updated_at = now
        return changes


def _rewrite(row: OutboxMessage, text: PlannedText, now: datetime) -> None:
    for key, value in _row_values(text).items():
        setattr(row, key, value)
    row.updated_at = now


def resume_after_opt_in(session: Session, patient: Patient, settings: Settings,
                        now: datetime) -> int:
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
    protocol = protocol_of(session, enrollment)
    rows = {m.step: m for m in enrollment.messages}
    introduced = any(m.status in _MAY_HAVE_REACHED for m in rows.values())
    resumed = 0
    for text in plan(protocol, facts_of(enrollment, patient), now,
                     _context(settings, patient.first_name), introduced=introduced):
        if text.status == EXPIRED:
            continue  # stale advice stays as it is
        row = rows.get(text.step)
        if row is None:
            session.add(OutboxMessage(enrollment_id=enrollment.id, created_at=now,
                                      updated_at=now, **_row_values(text)))
        elif row.status in (*REPLANNABLE, MessageStatus.CANCELLED):
            _rewrite(row, text, now)
        else:
            continue
        resumed += 1
    if resumed and enrollment.status == EnrollmentStatus.COMPLETED:
        enrollment.status = EnrollmentStatus.ACTIVE  # completed only because all was cancelled
    enrollment.updated_at = now
    return resumed


def cancel(svc: Services, enrollment_id: int, actor: Actor, now: datetime) -> int:
    """Stop an enrolment; its pending texts are cancelled. Returns how many."""
    with svc.sessions.begin() as session:
        enrollment = _active(session, enrollment_id)
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.updated_at = now
        count = cancel_pending(session, [enrollment.id], f"enrolment cancelled by {actor.name}", now)
        record(session, actor, "cancelled", now, patient_id=enrollment.patient_id,
               enrollment_id=enrollment.id, detail=f"{count} pending texts withdrawn")
        return count


def complete_finished(sessions: sessionmaker[Session], now: datetime) -> int:
    """Mark active enrolments with nothing left to send (or in flight) as completed."""
    open_rows = exists().where(
        OutboxMessage.enrollment_id == Enrollment.id,
        OutboxMessage.status.in_((MessageStatus.PENDING, MessageStatus.LEASED,
                                  MessageStatus.UNKNOWN)))
    with sessions.begin() as session:
        result = session.execute(
            update(Enrollment)
            .where(Enrollment.status == EnrollmentStatus.ACTIVE, ~open_rows)
            .values(status=EnrollmentStatus.COMPLETED, updated_at=now))
        return cast(CursorResult[Any], result).rowcount  # an UPDATE's result (sqlalchemy#12913)
