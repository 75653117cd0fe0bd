import re
from datetime import datetime, timedelta
from html import unescape

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


HIP_NAME = "Hip joint injection (fluoroscopy-guided) aftercare"
STEP_IDS = ("welcome", "pain-check", "resume-pain-medicine", "glucose-day1", "ice-day2",
            "ice-day3", "relief-check-day3", "relief-check-day5", "activity-day7",
            "pt-reminder", "day10-check", "activity-day14")


def visible_text(html: str) -> str:
    """What a reader sees of `html`: scripts, styles and every tag with its attributes
    (ids in `title=` tooltips and `data-` hooks) removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"<[^>]*>", " ", html))


def step_ids_shown(html: str) -> list[str]:
    """The protocol step ids a reader would see in `html` (none, when titles are used)."""
    text = visible_text(html)
    return [s for s in STEP_IDS if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)]
