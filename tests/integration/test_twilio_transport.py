"""The real `twilio` client, through TwilioTransport, against the loopback fake API."""

import socket
from datetime import timedelta

import pytest

from reminders.core.statuses import MessageStatus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.settings import Settings
from reminders.transports.base import DeliveryUnknown, OutgoingText, Refusal, TransportError
from reminders.transports.twilio_sms import TwilioTransport, validity_seconds
from reminders.wiring import make_transport
from tests.fakes import twilio_api as fake_api
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer
from tests.integration.helpers import NOW, dispatcher, form, rows

SERVICE_SID = "MG" + "b2" * 16


@pytest.fixture
def server():
    with FakeTwilioServer() as running:
        yield running


def transport(server, **changes) -> TwilioTransport:
    values = dict(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                  messaging_service_sid=SERVICE_SID, api_base_url=server.base_url,
                  status_callback="https://clinic.example/twilio/status", timeout=1.0,
                  clock=lambda: NOW)
    return TwilioTransport(**{**values, **changes})


def text(expires_in=timedelta(hours=2)) -> OutgoingText:
    return OutgoingText(message_id=1, to="+13125550101", body="Example Pain Clinic: hello",
                        segments=1, expires_at=NOW + expires_in)


def test_an_accepted_text_returns_its_sid_and_sends_the_right_fields(server):
    result = transport(server).send(text())
    [accepted] = server.fake.accepted
    assert result.provider_sid == accepted.sid and accepted.sid.startswith("SM")
    assert (accepted.to, accepted.body) == ("+13125550101", "Example Pain Clinic: hello")
    assert accepted.sender == {"MessagingServiceSid": SERVICE_SID}
    assert accepted.status_callback == "https://clinic.example/twilio/status?outbox=1"
    assert accepted.validity_period == 7200


def test_without_a_messaging_service_the_from_number_is_used(server):
    transport(server, messaging_service_sid="", from_number="+13125550100").send(text())
    assert server.fake.accepted[0].sender == {"From": "+13125550100"}


def test_validity_period_never_reaches_past_the_expiry_and_stays_in_twilios_range():
    assert validity_seconds(NOW + timedelta(minutes=30), NOW) == 1800
    assert validity_seconds(NOW + timedelta(days=3), NOW) == 36000
    assert validity_seconds(NOW - timedelta(seconds=5), NOW) == 1


@pytest.mark.parametrize(("fault", "refusal", "code"), [
    (fake_api.RATE_LIMIT, None, 20429),  # not a refusal: try again later
    (fake_api.INVALID_NUMBER, Refusal.INVALID_NUMBER, 21211),
    (fake_api.OPTED_OUT, Refusal.OPTED_OUT, 21610),
])
def test_refusals_are_classified_and_nothing_is_accepted(server, fault, refusal, code):
    server.fake.fail_next(fault)
    with pytest.raises(TransportError) as info:
        transport(server).send(text())
    assert (info.value.refusal, info.value.code) == (refusal, code)
    assert server.fake.accepted == []


def test_bad_credentials_are_a_refusal_for_the_operator(server):
    with pytest.raises(TransportError) as info:
        transport(server, auth_token="wrong").send(text())
    assert (info.value.refusal, info.value.code) == (Refusal.ACCOUNT, 20003)


def test_a_server_error_leaves_the_outcome_unknown(server):
    server.fake.fail_next(fake_api.SERVER_ERROR)
    with pytest.raises(DeliveryUnknown):
        transport(server).send(text())


def test_a_timeout_after_acceptance_is_unknown_although_twilio_has_the_text(server):
    server.fake.slow_seconds = 2.0
    server.fake.fail_next(fake_api.SLOW_ACCEPT)
    with pytest.raises(DeliveryUnknown, match="no answer in time"):
        transport(server, timeout=0.5).send(text())
    assert len(server.fake.accepted) == 1


def test_a_connection_dropped_after_acceptance_is_unknown(server):
    server.fake.fail_next(fake_api.DROP_AFTER_ACCEPT)
    with pytest.raises(DeliveryUnknown, match="connection lost"):
        transport(server).send(text())
    assert len(server.fake.accepted) == 1


def test_a_refused_connection_is_known_not_sent():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    t = TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number="+13125550100",
                        api_base_url=f"http://127.0.0.1:{port}", timeout=1.0, clock=lambda: NOW)
    with pytest.raises(TransportError) as info:
        t.send(text())
    assert info.value.refusal is None


def test_settings_with_credentials_build_the_twilio_transport(server):
    settings = Settings.from_env({
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+13125550100", "TWILIO_API_BASE_URL": server.base_url,
        "CLINIC_NAME": "Example Pain Clinic", "CLINIC_PHONE": "(312) 555-0100",
        "AFTER_HOURS_PHONE": "(312) 555-0199", "PUBLIC_BASE_URL": "https://clinic.example/",
        "SECRET_KEY": "test-" + "k" * 32})
    built = make_transport(settings)
    assert built.name == "twilio"
    built.send(text(expires_in=timedelta(days=30)))
    assert server.fake.accepted[0].status_callback == "https://clinic.example/twilio/status?outbox=1"


def test_the_dispatcher_records_twilio_sids_and_leaves_429s_pending(svc, engine, sessions, server):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)  # welcome and pain-check due
    server.fake.fail_next(fake_api.RATE_LIMIT)
    counts = dispatcher(engine, NOW, transport(server)).run_once()
    assert (counts.sent, counts.retrying) == (1, 1)
    plan = rows(sessions, enrollment_id)
    [accepted] = server.fake.accepted
    assert plan["welcome"].status == MessageStatus.PENDING  # first in line met the 429
    assert plan["welcome"].last_error.startswith("20429")
    assert plan["pain-check"].status == MessageStatus.SENT
    assert plan["pain-check"].provider_sid == accepted.sid
