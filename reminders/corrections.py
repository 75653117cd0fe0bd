"""Staff corrections to a patient's record from the patient page: a new phone number, an
opt-out told to staff in person, a failed text sent again, a note. Each is one
transaction with its audit entry."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.delivery_rules import send_window
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.core.validation import normalise_phone
from reminders.models import Enrollment, Note, OutboxMessage, Patient
from reminders.optout import opt_out
from reminders.services import Services
from reminders.transports.base import mask_phone

MAX_NOTE = limits.NOTE
RESENDABLE = (MessageStatus.FAILED, MessageStatus.UNDELIVERED)


def _enrollment(session: Session, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id, with_for_update=True)
    if enrollment is None:
        raise NotFound(f"no enrolment {enrollment_id}")
    return enrollment


def change_phone(svc: Services, enrollment_id: int, phone: str, actor: Actor,
                 now: datetime) -> str:
    """Give the patient a new number (texts still to come go there); returns it in E.164.
    An opt-out stays: the patient must text START from the new number."""
    try:
        new = normalise_phone(phone or "", svc.settings.default_region)
    except ValueError as exc:
        raise ValidationError({"phone": str(exc)}) from None
    try:
        with svc.sessions.begin() as session:
            return _change_phone(session, enrollment_id, new, actor, now)
    except IntegrityError:  # another patient got this number a moment ago
        raise Conflict({"phone": f"{new} was just given to another patient; "
                        "check the number"}) from None


def _change_phone(session: Session, enrollment_id: int, new: str, actor: Actor,
                  now: datetime) -> str:
    patient = _enrollment(session, enrollment_id).patient
    if new == patient.phone:
        raise ValidationError({"phone": "is the number we already have"})
    other = session.scalars(select(Patient).where(Patient.phone == new)).first()
    if other is not None:
        raise Conflict({"phone": f"{new} belongs to another patient "
                        f"(patient {other.id}); check the number"})
    old = patient.phone
    patient.phone, patient.updated_at = new, now
    record(session, actor, "phone_changed", now, patient_id=patient.id,
           enrollment_id=enrollment_id, detail=f"{mask_phone(old)} → {mask_phone(new)}")
    return new


def mark_opted_out(svc: Services, enrollment_id: int, actor: Actor, now: datetime) -> int:
    """The patient told staff they want no more texts: as a STOP. Returns texts withdrawn."""
    with svc.sessions.begin() as session:
        patient = _enrollment(session, enrollment_id).patient
        if patient.opted_out_at is not None:
            raise Conflict({"enrollment_id": "the patient has already opted out"})
        count = opt_out(session, patient.phone, now, f"opted out (told {actor.name})")
        record(session, actor, "opted_out", now, patient_id=patient.id,
               enrollment_id=enrollment_id, detail=f"{count} pending texts withdrawn")
        return count


def resend(svc: Services, enrollment_id: int, message_id: int, actor: Actor,
           now: datetime) -> tuple[datetime, str]:
    """Send a failed or undelivered text of this enrolment again, as soon as quiet hours
    allow and only while its advice is still current. Returns when it will go and the
    patient's time zone."""
    with svc.sessions.begin() as session:
        row = session.get(OutboxMessage, message_id, with_for_update=True)
        enrollment = row.enrollment if row is not None else None
        if row is None or enrollment is None or row.enrollment_id != enrollment_id:
            raise NotFound(f"no text {message_id} in enrolment {enrollment_id}")
        patient = enrollment.patient
        if row.status not in RESENDABLE:
            raise Conflict({"message_id": f"only a failed or undelivered text can be "
                            f"sent again; this one is {row.status.value}"})
        if enrollment.status != EnrollmentStatus.ACTIVE:
            raise Conflict({"message_id": f"the enrolment is {enrollment.status.value}"})
        if patient.opted_out_at is not None:
            raise Conflict({"message_id": "the patient has opted out of texts"})
        protocol = svc.snapshots.get(session, enrollment.protocol_digest)
        window = send_window(protocol.quiet_hours, quiet_override=row.quiet_override)
        send_at = window.next_opening(now, ZoneInfo(enrollment.timezone))
        if send_at >= row.expires_at:
            raise Conflict({"message_id": "its advice is out of date by the time it "
                            "could be sent (quiet hours); call the patient instead"})
        failed_with = row.last_error or row.status.value
        row.status, row.send_at, row.provider_sid = MessageStatus.PENDING, send_at, None
        row.reason = f"sent again by {actor.name} (was {failed_with})"[:1000]
        row.updated_at = now
        record(session, actor, "resent", now, patient_id=patient.id,
               enrollment_id=enrollment.id,
               detail=f"{protocol.step_title(row.step)} (was {failed_with})")
        return send_at, enrollment.timezone


def add_note(svc: Services, enrollment_id: int, body: str, actor: Actor, now: datetime) -> int:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"note": "is empty"})
    if len(body) > MAX_NOTE:
        raise ValidationError({"note": f"is longer than {MAX_NOTE} characters"})
    with svc.sessions.begin() as session:
        enrollment = _enrollment(session, enrollment_id)
        note = Note(enrollment_id=enrollment.id, author=actor.name, body=body, created_at=now)
        session.add(note)
        session.flush()
        record(session, actor, "noted", now, patient_id=enrollment.patient_id,
               enrollment_id=enrollment.id, detail=f"note {note.id}")
        return note.id
