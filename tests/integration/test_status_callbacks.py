"""POST /twilio/status: signed, idempotent, monotonic."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from reminders.callbacks import record_status
from reminders.core.statuses import MessageStatus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import DeliveryEvent, Flag, OutboxMessage, Patient
from reminders.reconciler import recover
from reminders.transports.base import DeliveryUnknown, SendResult
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_codes import status_report
from reminders.transports.twilio_sms import TwilioTransport
from reminders.web import create_app
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer
from tests.integration.helpers import NOW, dispatcher, form, rows
from tests.integration.processes import free_port

BASE = "https://clinic.example"
TOKEN = "status-test-token"


@pytest.fixture
def client(sessions, settings):
    app = create_app(replace(settings, public_base_url=BASE, twilio_auth_token=TOKEN), sessions)
    return app.test_client()


def post(client, params, *, query="", token=TOKEN, signature=None):
    url = f"{BASE}/twilio/status" + (f"?{query}" if query else "")
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, params)
    path = "/twilio/status" + (f"?{query}" if query else "")
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def events(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(DeliveryEvent))


@pytest.fixture
def sent(svc, engine, sessions):
    """An enrolment whose welcome went out; returns that outbox row."""
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW, FakeTransport()).run_once()
    return rows(sessions, enrollment_id)["welcome"]


def status_of(sessions, row_id):
    with sessions() as session:
        return session.get(OutboxMessage, row_id).status


@pytest.mark.parametrize("signature", ["", "forged", "stale"])
def test_a_forged_missing_or_stale_signature_gets_403_and_writes_nothing(client, sessions, sent,
                                                                         signature):
    params = {"MessageSid": sent.provider_sid, "MessageStatus": "delivered"}
    if signature == "stale":  # signed for other parameters (a replayed, edited request)
        signature = RequestValidator(TOKEN).compute_signature(
            f"{BASE}/twilio/status", {**params, "MessageStatus": "sent"})
    assert post(client, params, signature=signature).status_code == 403
    assert events(sessions) == 0 and status_of(sessions, sent.id) == MessageStatus.SENT


def test_a_signature_made_with_another_token_is_refused(client, sessions, sent):
    params = {"MessageSid": sent.provider_sid, "MessageStatus": "delivered"}
    assert post(client, params, token="someone-else").status_code == 403
    assert events(sessions) == 0


def test_delivered_is_recorded_once_even_when_twilio_repeats_it(client, sessions, sent):
    params = {"MessageSid": sent.provider_sid, "MessageStatus": "delivered", "AccountSid": "AC1",
              "SmsStatus": "delivered", "ApiVersion": "2010-04-01", "Unexpected": "kept calm"}
    for _ in range(3):
        assert post(client, params).status_code == 204
    assert events(sessions) == 1
    assert status_of(sessions, sent.id) == MessageStatus.DELIVERED


def test_a_late_sent_never_overwrites_delivered(client, sessions, sent):
    for status in ("delivered", "sent", "queued"):
        post(client, {"MessageSid": sent.provider_sid, "MessageStatus": status})
    assert status_of(sessions, sent.id) == MessageStatus.DELIVERED
    assert events(sessions) == 3


def test_undelivered_with_a_permanent_code_is_recorded_with_its_error(client, sessions, sent):
    post(client, {"MessageSid": sent.provider_sid, "MessageStatus": "undelivered",
                  "ErrorCode": "30006"})
    with sessions() as session:
        row = session.get(OutboxMessage, sent.id)
        assert row.status == MessageStatus.UNDELIVERED
        assert row.last_error == "30006: undelivered (landline)"


def test_a_callback_settles_a_text_whose_send_timed_out(client, svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)

    def timed_out(_text):
        raise DeliveryUnknown("no answer in time")

    dispatcher(engine, NOW, FakeTransport(fail=timed_out)).run_once()
    row = rows(sessions, enrollment_id)["welcome"]
    assert row.status == MessageStatus.UNKNOWN and row.provider_sid is None
    post(client, {"MessageSid": "SM" + "c" * 32, "MessageStatus": "sent"}, query=f"outbox={row.id}")
    row = rows(sessions, enrollment_id)["welcome"]
    assert (row.status, row.provider_sid) == (MessageStatus.SENT, "SM" + "c" * 32)
    # and the reconciler has nothing left to look up
    dispatcher(engine, NOW + timedelta(minutes=10), FakeTransport()).run_once()
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.SENT


@pytest.mark.parametrize("params", [
    {}, {"MessageSid": "SMx"}, {"MessageStatus": "delivered"},
    {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"},  # not ours
    {"MessageSid": "SMy", "MessageStatus": "exploded"},
])
def test_odd_callbacks_are_answered_without_error(client, sent, params):
    assert post(client, params, query="outbox=notanumber").status_code == 204


def test_healthz_reports_the_database_and_the_oldest_due_text(client, svc):
    enroll(svc, form(), CONSENT_TAKER, NOW)
    body = client.get("/healthz").get_json()
    assert body["database"] == "ok" and body["oldest_due_unsent_seconds"] > 0


def test_the_wsgi_entry_point_builds_the_app_from_the_environment(monkeypatch, tmp_path, db_url):
    from reminders.web.wsgi import create_app_from_env

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = create_app_from_env()
    try:
        assert app.test_client().get("/healthz").get_json()["database"] == "ok"
    finally:
        app.extensions["reminders"]["engine"].dispose()


def test_signed_callbacks_fired_by_the_fake_reach_the_served_app(svc, engine, sessions, settings):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(replace(settings, public_base_url=base, twilio_auth_token=AUTH_TOKEN), sessions)
    # Werkzeug's server, not waitress: waitress has no thread-safe way to stop
    web = make_server("127.0.0.1", port, app, threaded=True)
    serving = threading.Thread(target=web.serve_forever, daemon=True)
    serving.start()
    try:
        with FakeTwilioServer() as twilio:
            transport = TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                        from_number="+13125550100", api_base_url=twilio.base_url,
                                        status_callback=f"{base}/twilio/status", clock=lambda: NOW)
            enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
            dispatcher(engine, NOW, transport).run_once()
            [accepted] = twilio.fake.accepted
            for status in ("queued", "sent", "delivered", "sent"):  # the last one arrives late
                assert twilio.fake.fire_status(accepted.sid, status) == 204
    finally:
        web.shutdown()
        serving.join(timeout=10)
        web.server_close()
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert (welcome.status, welcome.provider_sid) == (MessageStatus.DELIVERED, accepted.sid)
    assert events(sessions) == 3  # queued, sent, delivered: the repeated "sent" is not stored twice


class CallsBackAtOnce:
    """A provider whose delivery receipt arrives before the sender records its outcome."""

    name = "fake"

    def __init__(self, sessions):
        self.sessions = sessions

    def send(self, text):
        sid = f"SM{text.message_id:032d}"
        record_status(self.sessions, status_report({"MessageSid": sid, "MessageStatus": "delivered"}),
                      text.message_id, NOW)
        return SendResult(provider_sid=sid)


def test_a_callback_that_beats_the_outcome_record_is_applied_after_it(svc, engine, sessions, caplog):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)  # welcome and pain-check due
    dispatcher(engine, NOW, CallsBackAtOnce(sessions)).run_once()
    for step in ("welcome", "pain-check"):
        row = rows(sessions, enrollment_id)[step]
        assert (row.status, row.provider_sid) == (MessageStatus.DELIVERED, f"SM{row.id:032d}")
    assert events(sessions) == 2
    assert not any("lease" in r.getMessage() for r in caplog.records)


def test_a_callback_stored_for_a_dead_workers_text_settles_it_without_a_lookup(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)

    class DiesAfterTwilioAccepted:
        name = "fake"

        def send(self, text):
            record_status(sessions, status_report({"MessageSid": "SM" + "d" * 32,
                                                   "MessageStatus": "sent"}), text.message_id, NOW)
            raise Crash()

    with pytest.raises(Crash):
        dispatcher(engine, NOW, DiesAfterTwilioAccepted()).run_once()

    class NoLookups:
        def find(self, to, body, since):
            raise AssertionError("the stored callback should have settled it")

    counts = recover(engine, NoLookups(), NOW + timedelta(minutes=10))
    assert (counts["reaped"], counts["found"]) == (1, 1)
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert (welcome.status, welcome.provider_sid) == (MessageStatus.SENT, "SM" + "d" * 32)


class RefusedWhileInFlight:
    """A provider whose refusal arrives before the sender records its outcome (the row is
    still `leased`), then answers the send as accepted; `crash` dies instead of answering."""

    name = "fake"

    def __init__(self, sessions, error_code, status="undelivered", crash=False):
        self.sessions, self.error_code, self.status, self.crash = sessions, error_code, status, crash
        self.recorded = []

    def send(self, text):
        sid = f"SM{text.message_id:032d}"
        self.recorded.append(record_status(self.sessions, status_report(
            {"MessageSid": sid, "MessageStatus": self.status, "ErrorCode": self.error_code}),
            text.message_id, NOW))
        if self.crash:
            raise Crash()
        return SendResult(provider_sid=sid)


def flags_of(sessions) -> list[tuple[str, str, int]]:
    with sessions() as session:
        return [(f.kind.value, f.priority.value, f.message_id) for f in session.scalars(select(Flag))]


def test_an_undelivered_callback_that_beats_the_outcome_record_still_flags_once_it_is_written(
        svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)  # only the welcome is due
    provider = RefusedWhileInFlight(sessions, "30006")
    dispatcher(engine, NOW, provider).run_once()
    assert provider.recorded == ["early"]  # stored while the text was leased, not applied
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert (welcome.status, welcome.last_error) == (MessageStatus.UNDELIVERED,
                                                    "30006: undelivered (landline)")
    assert flags_of(sessions) == [("undeliverable", "high", welcome.id)]


def test_a_refusal_stored_for_a_dead_workers_text_flags_when_recovery_applies_it(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    with pytest.raises(Crash):
        dispatcher(engine, NOW, RefusedWhileInFlight(sessions, "21211", crash=True)).run_once()
    assert flags_of(sessions) == []
    counts = recover(engine, FakeTransport(), NOW + timedelta(minutes=10))
    assert (counts["reaped"], counts["found"]) == (1, 1)
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert (welcome.status, welcome.provider_sid) == (MessageStatus.UNDELIVERED, f"SM{welcome.id:032d}")
    assert flags_of(sessions) == [("undeliverable", "high", welcome.id)]


def test_a_carrier_opt_out_that_beats_the_outcome_record_opts_the_patient_out(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW, RefusedWhileInFlight(sessions, "21610", status="failed")).run_once()
    plan = rows(sessions, enrollment_id)
    assert plan["welcome"].status == MessageStatus.FAILED
    assert {m.status for step, m in plan.items() if step != "welcome"} == {MessageStatus.CANCELLED}
    assert flags_of(sessions) == [("opted_out", "info", plan["welcome"].id)]
    with sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at == NOW


class Crash(BaseException):
    pass
