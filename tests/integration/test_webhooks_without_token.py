"""With no TWILIO_AUTH_TOKEN configured, both webhooks refuse every request (403) and
write nothing, even one signed with the empty key that anybody can compute."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from reminders.models import DeliveryEvent, Flag, OutboxMessage, Reply
from reminders.web import create_app
from tests.integration.helpers import NOW, dispatcher, rows
from tests.integration.texting import BASE, PATIENT


@pytest.fixture
def open_app(sessions, settings, protocols):
    app = create_app(replace(settings, public_base_url=BASE, twilio_auth_token=""),
                     sessions, protocols)
    app.extensions["reminders"]["clock"] = lambda: NOW
    return app.test_client()


def counts(sessions) -> dict[str, int]:
    with sessions() as session:
        return {m.__name__: session.scalar(select(func.count()).select_from(m))
                for m in (Reply, Flag, DeliveryEvent)}


def statuses(sessions, enrollment_id) -> dict[str, str]:
    return {step: row.status.value for step, row in rows(sessions, enrollment_id).items()}


@pytest.mark.parametrize("signature", ["empty-key", "none"])
def test_an_inbound_text_without_a_configured_token_gets_403_and_writes_nothing(
        open_app, sessions, patient, signature):
    params = {"MessageSid": "SMemptykey", "From": PATIENT, "To": "+13125550199",
              "Body": "STOP fever"}
    url = f"{BASE}/twilio/inbound"
    header = RequestValidator("").compute_signature(url, params) if signature == "empty-key" else ""
    before = statuses(sessions, patient)
    response = open_app.post("/twilio/inbound", data=params, headers={"X-Twilio-Signature": header})
    assert response.status_code == 403
    assert counts(sessions) == {"Reply": 0, "Flag": 0, "DeliveryEvent": 0}
    assert statuses(sessions, patient) == before  # the STOP cancelled nothing


def test_a_status_callback_without_a_configured_token_gets_403_and_writes_nothing(
        open_app, engine, sessions, patient):
    dispatcher(engine, NOW).run_once()
    with sessions() as session:
        sent = session.scalars(select(OutboxMessage).where(
            OutboxMessage.provider_sid.is_not(None))).first()
    params = {"MessageSid": sent.provider_sid, "MessageStatus": "undelivered",
              "ErrorCode": "30005", "To": PATIENT}
    url = f"{BASE}/twilio/status?outbox={sent.id}"
    before = statuses(sessions, patient)
    response = open_app.post(f"/twilio/status?outbox={sent.id}", data=params, headers={
        "X-Twilio-Signature": RequestValidator("").compute_signature(url, params)})
    assert response.status_code == 403
    assert counts(sessions) == {"Reply": 0, "Flag": 0, "DeliveryEvent": 0}
    assert statuses(sessions, patient) == before
