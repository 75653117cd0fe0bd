"""Opting a number out: at once, for every enrolment of that number.

Short on purpose: one act (STOP, or staff recording it) that two paths share.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reminders.models import Enrollment, Patient
from reminders.outbox import cancel_pending


def opt_out(session: Session, phone: str, now: datetime, reason: str) -> int:
    """Record the opt-out and cancel every pending text to `phone`; returns how many.

    Runs inside the caller's transaction, so the opt-out and the cancellations commit
    together (a webhook answers only after both are stored).
    """
    patient = session.scalars(select(Patient).where(Patient.phone == phone)).first()
    if patient is None:
        return 0
    if patient.opted_out_at is None:
        patient.opted_out_at = now
    enrollments = select(Enrollment.id).where(Enrollment.patient_id == patient.id)
    return cancel_pending(session, enrollments, reason, now)
