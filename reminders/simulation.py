"""Play a protocol for a sample patient on a virtual clock, through the real enrolment
and dispatch code, in a throw-away in-memory database and an in-memory transport."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from reminders.db import make_engine, session_factory
from reminders.dispatcher import Dispatcher
from reminders.enrollments import Services, enroll
from reminders.models import Base, Enrollment, MessageStatus, OutboxMessage
from reminders.protocol import ProtocolSet
from reminders.settings import Settings
from reminders.transports.fake import FakeTransport
from reminders.validation import EnrollmentInput


@dataclass(frozen=True)
class Event:
    at: datetime  # UTC: when it was sent, or when it would have been due
    step: str
    status: str
    text: str
    reason: str


def simulate(protocols: ProtocolSet, settings: Settings, data: EnrollmentInput,
             enrolled_at: datetime) -> tuple[Enrollment, list[Event]]:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    sessions = session_factory(engine)
    svc = Services(sessions=sessions, protocols=protocols, settings=settings)
    enrollment_id = enroll(svc, data, enrolled_at, created_by="simulation")
    clock = [enrolled_at]
    dispatcher = Dispatcher(sessions, FakeTransport(), clock=lambda: clock[0], owner="simulation")
    for _ in range(1000):  # bounded: each pass sends or moves at least one row
        with sessions() as session:
            next_at = session.scalar(select(func.min(OutboxMessage.send_at)).where(
                OutboxMessage.status == MessageStatus.PENDING))
        if next_at is None:
            break
        clock[0] = max(clock[0], next_at)
        dispatcher.run_once()
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        _ = enrollment.patient, enrollment.messages  # load before the session closes
    engine.dispose()
    events = [Event(at=m.sent_at or m.send_at, step=m.step, status=m.status.value,
                    text=m.body, reason=m.reason) for m in enrollment.messages]
    return enrollment, sorted(events, key=lambda e: e.at)


def default_injection(now: datetime, tz) -> datetime:
    """A sample injection: today at 10:30 clinic time (or yesterday, if that is ahead)."""
    local = now.astimezone(tz).replace(hour=10, minute=30, second=0, microsecond=0)
    return local if local <= now else local - timedelta(days=1)
