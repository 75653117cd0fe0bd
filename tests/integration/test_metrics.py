"""GET /metrics on SQLite and PostgreSQL: the database gauges equal the rows seeded, the
histograms and the provider error counter move with webhooks and sends, and only an
allowed address or the metrics token gets in. Parsed with prometheus_client's parser."""

import signal
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from twilio.request_validator import RequestValidator

from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.db import make_engine, session_factory
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.flags import raise_flag
from reminders.inbound import Inbox
from reminders.metrics import Metrics
from reminders.migrate import upgrade
from reminders.models import Flag, OutboxMessage
from reminders.services import Services
from reminders.settings import Settings
from reminders.transports.base import DeliveryUnknown, Refusal, TransportError
from reminders.transports.fake import FakeTransport
from reminders.web import create_app
from reminders.wiring import make_dispatcher
from tests.integration.helpers import NOW, form, rows
from tests.integration.injected import failing, store_only
from tests.integration.processes import Output, Workers, free_port, midday_zone, worker_env
from tests.integration.texting import BASE, TOKEN

METRICS_TOKEN = "scrape-token-" + "m" * 24


def scrape(client, *, address="127.0.0.1", headers=None) -> dict:
    """GET /metrics; every sample as {(name, ((label, value), ...)): value}."""
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address},
                          headers=headers or {})
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def app(sessions, settings, protocols):
    """The web app as a clinic runs it (signed webhooks, a metrics token), at NOW."""
    app = create_app(replace(settings, public_base_url=BASE, twilio_auth_token=TOKEN,
                             metrics_token=METRICS_TOKEN), sessions, protocols)
    app.extensions["reminders"]["clock"] = lambda: NOW
    return app


def set_status(sessions, row_id, status, **values):
    with sessions.begin() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                        .values(status=status, **values))


def open_flag(sessions, kind, priority, at, enrollment_id) -> int:
    with sessions.begin() as session:
        return raise_flag(session.connection(), FlagRequest(kind, priority, "seeded"), at,
                          enrollment_id=enrollment_id)


def test_the_database_gauges_equal_the_rows(app, sessions, protocols, settings, patient):
    steps = rows(sessions, patient)
    pending = sorted((row for row in steps.values() if row.status == MessageStatus.PENDING),
                     key=lambda row: row.send_at)
    sent, also_sent, failed, late, *rest = pending
    set_status(sessions, sent.id, MessageStatus.SENT)
    set_status(sessions, also_sent.id, MessageStatus.SENT)
    set_status(sessions, failed.id, MessageStatus.FAILED)
    # one text due 5 minutes ago and not sent; every other pending text is not due yet
    set_status(sessions, late.id, MessageStatus.PENDING, send_at=NOW - timedelta(minutes=5))
    for row in rest:
        set_status(sessions, row.id, MessageStatus.PENDING, send_at=NOW + timedelta(days=1))
    store_only(Inbox(sessions, protocols, settings), "3", NOW - timedelta(minutes=2))
    open_flag(sessions, FlagKind.RED_FLAG, Priority.URGENT, NOW - timedelta(minutes=10), patient)
    open_flag(sessions, FlagKind.REPLY_UNREAD, Priority.URGENT, NOW - timedelta(minutes=1),
              patient)
    open_flag(sessions, FlagKind.WORSENING, Priority.HIGH, NOW - timedelta(minutes=30), patient)
    taken = open_flag(sessions, FlagKind.PHOTO, Priority.URGENT, NOW - timedelta(hours=3), patient)
    with sessions.begin() as session:  # someone is on it: no longer open
        session.execute(update(Flag).where(Flag.id == taken)
                        .values(status=FlagStatus.ACKNOWLEDGED, acknowledged_at=NOW))

    samples = scrape(app.test_client())

    assert value(samples, "reminders_database_up") == 1
    texts = {status.value: value(samples, "reminders_texts", status=status.value)
             for status in MessageStatus}
    assert texts == {**{status.value: 0 for status in MessageStatus},
                     "pending": 1 + len(rest), "sent": 2, "failed": 1}
    assert value(samples, "reminders_oldest_due_unsent_seconds") == 300
    assert value(samples, "reminders_unread_replies") == 1
    assert value(samples, "reminders_oldest_unread_reply_seconds") == 120
    assert {p.value: value(samples, "reminders_open_flags", priority=p.value)
            for p in Priority} == {"urgent": 2, "high": 1, "normal": 0, "info": 0}
    assert {p.value: value(samples, "reminders_oldest_open_flag_seconds", priority=p.value)
            for p in Priority} == {"urgent": 600, "high": 1800, "normal": 0, "info": 0}


def test_a_scraper_asking_for_openmetrics_gets_it(app):
    response = app.test_client().get("/metrics", headers={
        "Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"})
    assert response.status_code == 200
    assert response.mimetype == "application/openmetrics-text"
    families = {family.name: family for family in
                openmetrics_families(response.get_data(as_text=True))}
    assert families["reminders_database_up"].samples[0].value == 1
    assert families["reminders_provider_errors"].type == "counter"


def test_an_empty_service_reports_zeros_not_missing_series(app):
    samples = scrape(app.test_client())
    assert value(samples, "reminders_database_up") == 1
    assert ("reminders_texts", (("status", "pending"),)) in samples
    assert samples["reminders_oldest_due_unsent_seconds", ()] == 0
    assert samples["reminders_unread_replies", ()] == 0
    assert samples["reminders_open_flags", (("priority", "urgent"),)] == 0


def test_a_database_that_cannot_be_read_is_reported_not_a_500(app, engine):
    with failing(engine, "SELECT"):
        samples = scrape(app.test_client())
    assert value(samples, "reminders_database_up") == 0
    assert ("reminders_unread_replies", ()) not in samples  # unknown, not zero
    assert value(scrape(app.test_client()), "reminders_database_up") == 1


def signed_post(client, path, params):
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE}{path}", params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def test_a_signed_inbound_webhook_is_timed_and_a_forged_one_is_not(app, patient):
    client = app.test_client()
    before = value(scrape(client), "reminders_webhook_duration_seconds_count", hook="inbound")
    params = {"MessageSid": "SM" + "1" * 32, "AccountSid": "ACtest", "From": "+13125550101",
              "To": "+13125550199", "Body": "3", "NumMedia": "0"}
    assert signed_post(client, "/twilio/inbound", params).status_code == 200
    forged = client.post("/twilio/inbound", data=params, headers={"X-Twilio-Signature": "x"})
    assert forged.status_code == 403
    samples = scrape(client)
    assert before == 0
    assert value(samples, "reminders_webhook_duration_seconds_count", hook="inbound") == 1
    assert value(samples, "reminders_webhook_duration_seconds_bucket", hook="inbound",
                 le="+Inf") == 1
    text = client.get("/metrics").get_data(as_text=True)  # no patient data in any label
    for patient_data in ("5550101", "Ana", params["MessageSid"]):
        assert patient_data not in text


def test_a_carrier_refusal_is_counted_once_by_reason(app, engine, sessions, patient):
    make_dispatcher(app.extensions["reminders"]["settings"], engine, FakeTransport(),
                    clock=lambda: NOW).run_once()
    welcome = rows(sessions, patient)["welcome"]
    client = app.test_client()
    params = {"MessageSid": welcome.provider_sid, "MessageStatus": "undelivered",
              "ErrorCode": "30003"}
    for _ in range(2):  # Twilio repeats a callback; the second is a duplicate
        assert signed_post(client, "/twilio/status", params).status_code == 204
    samples = scrape(client)
    assert value(samples, "reminders_provider_errors_total", source="carrier",
                 **{"class": "refused"}, reason="unreachable") == 1
    assert value(samples, "reminders_webhook_duration_seconds_count", hook="status") == 2


def test_the_worker_s_sends_show_on_its_web_app(sessions, settings, protocols, engine, svc):
    """worker.py hands one Metrics to the web app and the dispatcher: sends are timed by
    outcome and the provider's errors counted by class."""
    phones = ["(312) 555-0101", "(312) 555-0102", "(312) 555-0103", "(312) 555-0104"]
    for phone in phones:
        enroll(svc, form(injected_at=NOW, phone=phone), CONSENT_TAKER, NOW)
    answers = {"+13125550102": TransportError("no such number", refusal=Refusal.INVALID_NUMBER),
               "+13125550103": TransportError("too many requests"),
               "+13125550104": DeliveryUnknown("timed out")}

    def fail(text):
        if text.to in answers:
            raise answers[text.to]

    metrics = Metrics()
    app = create_app(settings, sessions, protocols, metrics)
    counts = make_dispatcher(settings, engine, FakeTransport(fail=fail), clock=lambda: NOW,
                             metrics=metrics).run_once()
    samples = scrape(app.test_client())
    assert (counts.sent, counts.failed, counts.retrying, counts.unknown) == (1, 1, 1, 1)
    assert {outcome: value(samples, "reminders_send_duration_seconds_count", outcome=outcome)
            for outcome in ("sent", "refused", "retry", "unknown")} == {
        "sent": 1, "refused": 1, "retry": 1, "unknown": 1}
    errors = {(labels[0][1], labels[1][1], labels[2][1]): v for (name, labels), v
              in samples.items() if name == "reminders_provider_errors_total"}
    assert errors == {("refused", "invalid_number", "send"): 1,
                      ("transient", "", "send"): 1,
                      ("outcome_unknown", "", "send"): 1}


def test_worker_py_shows_the_sends_it_made_on_its_own_metrics(tmp_path, protocols, settings):
    """The real process: worker.py hands its Metrics to the web app and the dispatcher."""
    url = f"sqlite:///{tmp_path / 'svc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    svc = Services(sessions=session_factory(engine), protocols=protocols, settings=settings)
    now = datetime.now(UTC)
    enroll(svc, form(injected_at=now - timedelta(minutes=5), timezone=midday_zone()),
           CONSENT_TAKER, now)
    engine.dispose()
    port = free_port()
    workers = Workers()
    try:
        proc = workers.start(tmp_path, worker_env(url), "--port", str(port))
        output = Output(proc)
        assert output.wait_for("out", "Hi Ana"), output.text
        assert output.wait_for("err", f"web app on http://127.0.0.1:{port}"), output.text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        output.join()
    finally:
        workers.kill_all()
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert value(samples, "reminders_send_duration_seconds_count", outcome="sent") >= 1
    assert value(samples, "reminders_texts", status="sent") >= 1


# --- who may scrape -------------------------------------------------------------------------


def status(app, address, headers=None):
    response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address},
                                     headers=headers or {})
    return response.status_code, response.get_data(as_text=True)


def test_a_stranger_gets_a_bare_403_and_the_token_lets_them_in(app):
    assert status(app, "203.0.113.9") == (403, "")
    assert status(app, "203.0.113.9", {"Authorization": f"Bearer {METRICS_TOKEN}"})[0] == 200
    for wrong in (f"Bearer {METRICS_TOKEN}x", "Bearer ", f"Basic {METRICS_TOKEN}",
                  METRICS_TOKEN, "Bearer wrong-token-é"):
        assert status(app, "203.0.113.9", {"Authorization": wrong}) == (403, ""), wrong


def test_loopback_may_scrape_without_a_session_or_a_token(app):
    assert status(app, "127.0.0.1")[0] == 200
    assert status(app, "::1")[0] == 200
    assert status(app, "::ffff:127.0.0.1")[0] == 200


def test_no_token_set_means_the_address_alone_decides(sessions, settings, protocols):
    app = create_app(replace(settings, metrics_token=""), sessions, protocols)
    assert status(app, "203.0.113.9", {"Authorization": "Bearer "}) == (403, "")
    assert status(app, "127.0.0.1")[0] == 200


def test_the_allow_list_is_a_setting_of_addresses_and_ranges(sessions, settings, protocols):
    allowed = Settings.from_env({"METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7"}).metrics_allow
    app = create_app(replace(settings, metrics_allow=allowed), sessions, protocols)
    assert status(app, "10.20.30.40")[0] == 200
    assert status(app, "192.0.2.7")[0] == 200
    assert status(app, "192.0.2.8")[0] == 403
    assert status(app, "127.0.0.1")[0] == 403  # the list replaces the loopback default


def test_through_a_proxy_the_app_does_not_know_only_the_token_counts(app):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert status(app, "127.0.0.1", forwarded) == (403, "")
    assert status(app, "127.0.0.1", {"Forwarded": "for=203.0.113.9"}) == (403, "")
    assert status(app, "127.0.0.1", {**forwarded,
                                     "Authorization": f"Bearer {METRICS_TOKEN}"})[0] == 200
