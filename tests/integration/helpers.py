from datetime import datetime, timedelta

from sqlalchemy import func, select

from reminders.core.validation import EnrollmentInput
from reminders.dispatcher import Dispatcher
from reminders.models import Enrollment, OutboxMessage, Patient
from reminders.transports.fake import FakeTransport
from tests.conftest import utc

NOW = utc(2026, 6, 1, 17, 0)  # 12:00 in Chicago, the clinic's zone


def form(injected_at: datetime | str = NOW - timedelta(hours=2), **changes) -> EnrollmentInput:
    values = dict(first_name="Ana", phone="(312) 555-0101", injected_at=injected_at,
                  protocol="hip-joint-injection", consent_by="Nurse Kim")
    return EnrollmentInput(**{**values, **changes})


def counts(sessions) -> tuple[int, int, int]:
    with sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Patient, Enrollment, OutboxMessage))


def rows(sessions, enrollment_id: int) -> dict[str, OutboxMessage]:
    with sessions() as session:
        return {m.step: m for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.enrollment_id == enrollment_id))}


def dispatcher(engine, at: datetime, transport=None, **kwargs) -> Dispatcher:
    return Dispatcher(engine, transport or FakeTransport(), clock=lambda: at, **kwargs)
