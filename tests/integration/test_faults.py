"""Delivery under faults, against the loopback fake of Twilio's Messages API.

Whatever goes wrong, every due text ends accepted by the provider exactly once, or
`expired`/`failed` with its reason, and none went out after its expiry or in quiet hours.
"""

import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from reminders.core.statuses import MessageStatus
from reminders.db import session_factory
from reminders.dispatcher import Dispatcher
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import Enrollment, OutboxMessage
from reminders.reconciler import recover
from reminders.transports.twilio_sms import TwilioTransport
from tests.conftest import PG_SCHEMA, POSTGRES_URL, _truncate
from tests.fakes import twilio_api as fake_api
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer
from tests.integration.helpers import NOW, form
from tests.integration.processes import Workers, midday_zone, worker_env

FROM = "+13125550100"
OPEN = (MessageStatus.PENDING, MessageStatus.LEASED, MessageStatus.UNKNOWN)


def twilio_env(server, **extra) -> dict[str, str]:
    return dict(SMS_TRANSPORT="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID,
                TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_FROM_NUMBER=FROM,
                TWILIO_API_BASE_URL=server.base_url, CLINIC_NAME="Example Pain Clinic",
                CLINIC_PHONE="(312) 555-0100", AFTER_HOURS_PHONE="(312) 555-0199",
                PUBLIC_BASE_URL="http://127.0.0.1:9", SEND_RATE="0",
                SECRET_KEY="test-" + "k" * 32, **extra)


def transport(server, clock) -> TwilioTransport:
    return TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=FROM,
                           api_base_url=server.base_url, timeout=0.5, clock=clock)


def all_rows(sessions) -> list[OutboxMessage]:
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage)))
        for row in rows:
            _ = row.enrollment.patient  # load before the session closes
        return rows


def still_open(row: OutboxMessage, now: datetime) -> bool:
    """Due and not settled (a text for a later day is not open yet)."""
    return row.status in OPEN and not (row.status == MessageStatus.PENDING and row.send_at > now)


def drain(engine, server, start: datetime, minutes: int = 180) -> datetime:
    """Dispatch and recover on a virtual clock, a minute a step, until nothing due is open."""
    sessions = session_factory(engine)
    now = start
    for _ in range(minutes):
        clock = (lambda at: lambda: at)(now)
        Dispatcher(engine, transport(server, clock), clock=clock, concurrency=4).run_once()
        recover(engine, transport(server, clock), now)
        if not any(still_open(r, now) for r in all_rows(sessions)):
            return now
        now += timedelta(minutes=1)
    raise AssertionError(f"still open after {minutes} virtual minutes")


def assert_exactly_once(sessions, server, hip, now: datetime) -> list[OutboxMessage]:
    rows = all_rows(sessions)
    accepted = Counter((m.to, m.body) for m in server.fake.accepted)
    sid_of = {(m.to, m.body): m.sid for m in server.fake.accepted}
    for row in rows:
        key = (row.enrollment.patient.phone, row.body)
        if row.status == MessageStatus.SENT:
            assert accepted[key] == 1, (row.step, accepted[key])
            assert row.provider_sid == sid_of[key]
            assert row.sent_at < row.expires_at
            tz = ZoneInfo(row.enrollment.patient.timezone)
            assert hip.quiet_hours.contains(row.sent_at, tz)
        elif row.status == MessageStatus.PENDING:
            assert row.send_at > now and accepted[key] == 0  # a later day's text
        else:
            assert row.status in (MessageStatus.EXPIRED, MessageStatus.FAILED), row.status
            assert accepted[key] == 0 and (row.reason or row.last_error)
    assert sum(accepted.values()) == sum(r.status == MessageStatus.SENT for r in rows)
    return rows


def test_a_storm_of_faults_ends_with_every_text_accepted_exactly_once(svc, engine, sessions, hip):
    for n in range(30):
        enroll(svc, form(phone=f"(312) 555-01{n:02d}"), CONSENT_TAKER, NOW)  # welcome + pain-check due
    with FakeTwilioServer() as server:
        server.fake.slow_seconds = 1.0
        for kind, times in [(fake_api.RATE_LIMIT, 12), (fake_api.SERVER_ERROR, 4),
                            (fake_api.SLOW_ACCEPT, 2), (fake_api.DROP_AFTER_ACCEPT, 3),
                            (fake_api.RATE_LIMIT, 5), (fake_api.SERVER_ERROR, 2)]:
            server.fake.fail_next(kind, times)
        end = drain(engine, server, NOW)
        rows = assert_exactly_once(sessions, server, hip, end)
    due_now = [r for r in rows if r.step in ("welcome", "pain-check")]
    assert len(due_now) == 60 and all(r.status == MessageStatus.SENT for r in due_now)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
        svc, engine, sessions, hip, db_url, tmp_path):
    now = datetime.now(UTC)
    zone = midday_zone()
    for n in range(20):
        enroll(svc, form(phone=f"(312) 555-01{n:02d}", timezone=zone,
                         injected_at=now - timedelta(hours=2)), CONSENT_TAKER, now)
    workers = Workers()
    with FakeTwilioServer() as server:
        server.fake.latency = 0.05
        try:
            proc = workers.start(tmp_path, worker_env(db_url, **twilio_env(
                server, SEND_CONCURRENCY="1", DISPATCH_BATCH="10", LEASE_SECONDS="60")),
                capture=False)
            deadline = time.monotonic() + 60
            while len(server.fake.accepted) < 8 and time.monotonic() < deadline:
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            workers.kill_all()
        assert 8 <= len(server.fake.accepted) < 40, "the kill did not land mid-run"
        assert any(still_open(r, datetime.now(UTC)) for r in all_rows(sessions))
        # later (leases have run out), the surviving workers recover and finish the job
        end = drain(engine, server, datetime.now(UTC) + timedelta(minutes=5))
        rows = assert_exactly_once(sessions, server, hip, end)
    due_now = [r for r in rows if r.step in ("welcome", "pain-check")]
    assert len(due_now) == 40 and all(r.status == MessageStatus.SENT for r in due_now)


@pytest.fixture
def pg_sessions(request):
    engine = request.getfixturevalue("postgres_engine")
    _truncate(engine)
    return session_factory(engine)


@pytest.mark.postgres
def test_three_workers_on_postgresql_accept_five_thousand_texts_exactly_once(
        pg_sessions, protocols, settings, tmp_path):
    from reminders.services import Services

    svc = Services(sessions=pg_sessions, protocols=protocols, settings=settings)
    now = datetime.now(UTC)
    enrollment_id = enroll(svc, form(timezone=midday_zone(), injected_at=now), CONSENT_TAKER, now)
    with pg_sessions.begin() as session:
        session.get(Enrollment, enrollment_id)  # the burst belongs to one active enrolment
        session.execute(insert(OutboxMessage), [
            dict(enrollment_id=enrollment_id, step=f"burst-{i:04d}", position=100 + i,
                 language="en", body=f"Example Pain Clinic: burst text {i}", segments=1,
                 encoding="GSM-7", send_at=now - timedelta(minutes=1),
                 expires_at=now + timedelta(hours=2), status=MessageStatus.PENDING, reason="",
                 attempts=0, created_at=now, updated_at=now) for i in range(5000)])
    workers = Workers()
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{PG_SCHEMA}"
    with FakeTwilioServer() as server:
        try:
            for _ in range(3):
                workers.start(tmp_path, worker_env(url, **twilio_env(
                    server, SEND_CONCURRENCY="4", DISPATCH_BATCH="100")), capture=False)
            deadline = time.monotonic() + 600
            while len(server.fake.accepted) < 5001 and time.monotonic() < deadline:
                time.sleep(0.2)
                with pg_sessions() as session:
                    if not session.scalars(select(OutboxMessage.id).where(
                            OutboxMessage.status.in_(OPEN)).limit(1)).first():
                        break
            for proc in workers.procs:
                proc.send_signal(signal.SIGTERM)
            for proc in workers.procs:
                assert proc.wait(timeout=60) == 0
        finally:
            workers.kill_all()
        bodies = Counter(m.body for m in server.fake.accepted)
    burst = {f"Example Pain Clinic: burst text {i}" for i in range(5000)}
    assert {b: n for b, n in bodies.items() if b in burst} == dict.fromkeys(burst, 1)
    with pg_sessions() as session:
        statuses = Counter(session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.step.like("burst-%"))))
    assert statuses == {MessageStatus.SENT: 5000}
