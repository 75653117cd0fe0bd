"""Enrolment and cancellation: each one transaction, all or nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.audit import Actor, record
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.field_names import on
from reminders.core.planner import plan
from reminders.core.protocol import Protocol
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.core.validation import EnrollmentInput, ValidEnrollment, validate
from reminders.models import Enrollment, OutboxMessage, Patient, ProtocolVersion
from reminders.outbox import cancel_pending
from reminders.planned_rows import facts_of, plan_context, row_values
from reminders.services import Services
from reminders.settings import Settings


def _store_version(session: Session, protocol: Protocol) -> None:
    if session.get(ProtocolVersion, protocol.digest) is None:
        session.add(ProtocolVersion(digest=protocol.digest, protocol_id=protocol.id,
                                    source=dict(protocol.source)))


# `enroll`'s actor where no one signs in (the CLI): the enrolment is audited under the
# staff member who recorded consent, as Actor(consent_by, "cli").
CONSENT_TAKER = None


def enroll(svc: Services, data: EnrollmentInput, actor: Actor | None, now: datetime) -> int:
    """Validate, then write patient, enrolment and its planned texts in one transaction.

    Raises ValidationError (nothing written) for bad input, an opted-out number, or a
    second active enrolment of the same phone without `supersede`. `actor` goes to the
    audit log; CONSENT_TAKER (None) stands for the staff member who recorded consent.
    """
    valid = validate(data, svc.protocols, clinic_timezone=svc.settings.clinic_timezone,
                     default_region=svc.settings.default_region, now=now)
    try:
        with svc.sessions.begin() as session:
            return enroll_valid(session, svc.settings, valid,
                                actor or Actor(valid.consent_by, "cli"), now)
    except IntegrityError:  # another enrolment of this phone committed first
        raise ValidationError({"phone": "was enrolled by someone else just now; "
                               "check the list and try again"}) from None


def enroll_valid(session: Session, settings: Settings, valid: ValidEnrollment, actor: Actor,
                 now: datetime) -> int:
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
        raise ValidationError({"phone": f"already has an active enrolment ({ids}); to "
                               f"replace it, enrol again with {on('supersede')}"})
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
        injected_at=valid.injected_at, language=valid.language,
        timezone=valid.timezone.key, side=valid.side, diabetic=valid.diabetic,
        pt_referral=valid.pt_referral, baseline_pain=valid.baseline_pain,
        consent_by=valid.consent_by, consent_at=now,
        consent_text=protocol.consent.render(valid.language, plan_context(
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
    texts = plan(protocol, facts_of(enrollment), now,
                 plan_context(settings, patient.first_name))
    session.add_all(OutboxMessage(enrollment_id=enrollment.id, created_at=now,
                                  updated_at=now, **row_values(t)) for t in texts)
    record(session, actor, "enrolled", now, patient_id=patient.id,
           enrollment_id=enrollment.id, detail=protocol.id + (
               f"; supersedes {', '.join(str(e.id) for e in active)}" if active else ""))
    return enrollment.id


def active_enrollment(session: Session, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id, with_for_update=True)
    if enrollment is None:
        raise NotFound(f"no enrolment {enrollment_id}")
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise Conflict({"enrollment_id": f"enrolment {enrollment_id} is "
                               f"{enrollment.status.value}; only an active one can change"})
    return enrollment


def cancel(svc: Services, enrollment_id: int, actor: Actor, now: datetime) -> int:
    """Stop an enrolment; its pending texts are cancelled. Returns how many."""
    with svc.sessions.begin() as session:
        enrollment = active_enrollment(session, enrollment_id)
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
