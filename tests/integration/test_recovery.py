"""Lease reaper and reconciler: a text whose outcome is unknown is looked up before any
resend, so every due text reaches the provider exactly once."""

from datetime import timedelta

import pytest

from reminders.core.statuses import MessageStatus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import OutboxMessage
from reminders.reconciler import recover
from reminders.transports.base import TransportError
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_sms import TwilioTransport
from tests.fakes import twilio_api as fake_api
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer
from tests.integration.helpers import NOW, dispatcher, form, rows


class Crash(BaseException):
    pass


def crash(_text):
    raise Crash()


def test_a_lease_is_reaped_only_after_it_expires(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    with pytest.raises(Crash):
        dispatcher(engine, NOW, FakeTransport(fail=crash)).run_once()
    assert recover(engine, FakeTransport(), NOW + timedelta(minutes=4))["reaped"] == 0
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.LEASED
    counts = recover(engine, FakeTransport(), NOW + timedelta(minutes=5))
    # reaped to unknown, then (the provider has no such text) re-queued in the same pass
    assert (counts["reaped"], counts["requeued"]) == (1, 1)
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.PENDING


def test_a_crash_before_the_provider_saw_the_text_is_requeued_and_sent_once(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    with pytest.raises(Crash):
        dispatcher(engine, NOW, FakeTransport(fail=crash)).run_once()
    survivor = FakeTransport()
    later = NOW + timedelta(minutes=10)
    assert recover(engine, survivor, later) == {
        "reaped": 1, "found": 0, "requeued": 1, "expired": 0, "lookup_failed": 0}
    dispatcher(engine, later, survivor).run_once()
    dispatcher(engine, later + timedelta(minutes=1), survivor).run_once()
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert [t.message_id for t in survivor.sent] == [welcome.id]
    assert welcome.status == MessageStatus.SENT and welcome.attempts == 2


def test_an_unknown_text_past_its_expiry_is_expired_not_resent(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    with pytest.raises(Crash):
        dispatcher(engine, NOW, FakeTransport(fail=crash)).run_once()
    counts = recover(engine, FakeTransport(), NOW + timedelta(hours=7))  # welcome lives 6 h
    assert counts["expired"] == 1
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.EXPIRED


def test_a_failed_lookup_leaves_the_text_unknown_for_the_next_pass(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    with pytest.raises(Crash):
        dispatcher(engine, NOW, FakeTransport(fail=crash)).run_once()

    class Down:
        def find(self, to, body, since):
            raise TransportError("lookup failed: connection refused")

    assert recover(engine, Down(), NOW + timedelta(minutes=10))["lookup_failed"] == 1
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.UNKNOWN


@pytest.fixture
def twilio():
    with FakeTwilioServer() as server:
        transport = TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                    from_number="+13125550100", api_base_url=server.base_url,
                                    timeout=1.0, clock=lambda: NOW)
        yield server, transport


def test_a_connection_dropped_after_acceptance_is_found_and_never_resent(svc, engine, sessions, twilio):
    server, transport = twilio
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    server.fake.fail_next(fake_api.DROP_AFTER_ACCEPT)
    assert dispatcher(engine, NOW, transport).run_once().unknown == 1
    later = NOW + timedelta(minutes=3)
    # the fake stamps real time; our clock is simulated, so look from the distant past
    with sessions.begin() as session:
        session.get(OutboxMessage, rows(sessions, enrollment_id)["welcome"].id).last_attempt_at = (
            NOW - timedelta(days=3650))
    assert recover(engine, transport, later)["found"] == 1
    dispatcher(engine, later, transport).run_once()
    welcome = rows(sessions, enrollment_id)["welcome"]
    [accepted] = server.fake.accepted
    assert (welcome.status, welcome.provider_sid) == (MessageStatus.SENT, accepted.sid)


def test_a_server_error_that_created_nothing_is_requeued_and_accepted_once(svc, engine, sessions, twilio):
    server, transport = twilio
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    server.fake.fail_next(fake_api.SERVER_ERROR)
    assert dispatcher(engine, NOW, transport).run_once().unknown == 1
    later = NOW + timedelta(minutes=3)
    assert recover(engine, transport, later)["requeued"] == 1
    assert dispatcher(engine, later, transport).run_once().sent == 1
    dispatcher(engine, later + timedelta(minutes=1), transport).run_once()
    assert len(server.fake.accepted) == 1
    assert rows(sessions, enrollment_id)["welcome"].provider_sid == server.fake.accepted[0].sid
