"""A patient's phone texting the clinic's signed webhook, on a clock the test moves, and
the helpers the texting tests share (fixtures `phone` and `patient`)."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from reminders.core.statuses import MessageStatus
from reminders.db import session_factory
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import Flag, OutboxMessage, Reply
from reminders.transports.fake import FakeTransport
from reminders.web import create_app
from tests.integration.helpers import NOW, dispatcher, form, rows

BASE = "https://clinic.example"
TOKEN = "inbound-test-token"
PATIENT = "+13125550101"
STRANGER = "+13125550177"


class Phone:
    """The patient's phone and the clinic's webhook, on a clock the test moves."""

    def __init__(self, client, clock):
        self.client, self.clock, self.sids = client, clock, 0

    def text(self, body, *, sender=PATIENT, sid=None, extra=None, signature=None, at=None):
        if at is not None:
            self.clock[0] = at
        self.sids += 1
        params = {"MessageSid": sid or f"SMtest{self.sids:026d}", "AccountSid": "ACtest",
                  "From": sender, "To": "+13125550199", "Body": body, "NumMedia": "0",
                  **(extra or {})}
        url = f"{BASE}/twilio/inbound"
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(url, params)
        return self.client.post("/twilio/inbound", data=params,
                                headers={"X-Twilio-Signature": signature})


@pytest.fixture
def phone(sessions, settings, protocols):
    app = create_app(replace(settings, public_base_url=BASE, twilio_auth_token=TOKEN),
                     sessions, protocols)
    clock = [NOW]
    app.extensions["reminders"]["clock"] = lambda: clock[0]
    return Phone(app.test_client(), clock)


def answer_of(response) -> str | None:
    """The text of the TwiML <Message>, or None for an empty <Response/>."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    body = response.get_data(as_text=True)
    if "<Message>" not in body:
        assert body.endswith("<Response />")
        return None
    return body.split("<Message>")[1].split("</Message>")[0].replace("&#x27;", "'").replace("&apos;", "'")


def flags(sessions) -> list[tuple[str, str]]:
    with sessions() as session:
        return sorted((f.kind.value, f.status.value) for f in session.scalars(select(Flag)))


def kinds(sessions) -> list[str]:
    return sorted(kind for kind, _ in flags(sessions))


def replies(sessions) -> list[Reply]:
    with sessions() as session:
        return list(session.scalars(select(Reply).order_by(Reply.id)))


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def play_to(engine, enrollment_id, step, transport=None):
    """Dispatch at each pending text's time, up to and including `step`; returns its time."""
    sessions = session_factory(engine)
    target = rows(sessions, enrollment_id)[step].send_at
    transport = transport or FakeTransport()
    while True:
        with sessions() as session:
            due = session.scalar(select(func.min(OutboxMessage.send_at)).where(
                OutboxMessage.status == MessageStatus.PENDING))
        if due is None or due > target:
            return target
        dispatcher(engine, due, transport).run_once()


@pytest.fixture
def patient(svc):
    """Enrolled at the injection (12:00 Chicago, 2026-06-01), baseline pain 8."""
    return enroll(svc, form(injected_at=NOW, baseline_pain="8"), CONSENT_TAKER, NOW)


def answers(hip, settings, kind, language="en"):
    return hip.answers[kind].render(language, {**settings.placeholders, "first_name": "Ana"})[1]


