"""The dispatcher against a real database: exactly once, never stale, never twice."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from reminders.core.statuses import MessageStatus
from reminders.dispatcher import Dispatcher
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import OutboxMessage, Patient
from reminders.outbox import StandingCache, claim_due, finalise
from reminders.transports.base import DeliveryUnknown, Refusal, TransportError
from reminders.transports.fake import FakeTransport
from reminders.wiring import make_dispatcher
from tests.integration.helpers import NOW, dispatcher, form, rows


def test_one_pass_sends_exactly_the_due_texts_once(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)  # injected 2 h ago: welcome and pain-check due
    transport = FakeTransport()
    counts = dispatcher(engine, NOW, transport).run_once()
    assert counts.sent == 2
    assert [t.to for t in transport.sent] == ["+13125550101"] * 2
    assert transport.sent[0].body.startswith("Example Pain Clinic: Hi Ana, aftercare texts")
    again = dispatcher(engine, NOW + timedelta(minutes=1), transport).run_once()
    assert again.sent == 0 and len(transport.sent) == 2
    plan = rows(sessions, enrollment_id)
    assert plan["welcome"].status == MessageStatus.SENT
    assert plan["welcome"].provider_sid == "SMfake" + "0" * 27 + "1"
    assert plan["welcome"].sent_at == NOW and plan["welcome"].lease_owner is None
    assert plan["ice-day2"].status == MessageStatus.PENDING


def test_a_text_past_its_expiry_is_expired_and_never_sent(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    transport = FakeTransport()
    # the service was down: nothing ran until two days later, at 13:00 on day 2
    counts = dispatcher(engine, NOW + timedelta(days=2, hours=1), transport).run_once()
    plan = rows(sessions, enrollment_id)
    for step in ("welcome", "pain-check", "resume-pain-medicine"):
        assert plan[step].status == MessageStatus.EXPIRED, step
    assert counts.expired == 3
    assert [t.message_id for t in transport.sent] == [plan["ice-day2"].id]  # still current


def test_a_due_text_outside_quiet_hours_is_held_until_the_window_opens(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    with sessions.begin() as session:  # a row made due at night, e.g. by an operator's fix
        session.get(OutboxMessage, rows(sessions, enrollment_id)["activity-day7"].id).send_at = (
            NOW + timedelta(hours=10))
    transport = FakeTransport()
    night = NOW + timedelta(hours=10, minutes=30)  # 22:30 CDT
    counts = dispatcher(engine, night, transport).run_once()
    held = rows(sessions, enrollment_id)["activity-day7"]
    assert counts.deferred == 1 and held.status == MessageStatus.PENDING
    assert held.send_at == NOW + timedelta(hours=21)  # 09:00 CDT next morning
    assert held.attempts == 0
    assert held.id not in [t.message_id for t in transport.sent]


def test_an_opted_out_patient_gets_nothing_more(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    with sessions.begin() as session:
        session.scalars(select(Patient)).one().opted_out_at = NOW
    transport = FakeTransport()
    dispatcher(engine, NOW, transport).run_once()
    assert transport.sent == []
    assert rows(sessions, enrollment_id)["welcome"].reason == "patient opted out"


def test_outcomes_are_recorded_by_class(svc, engine, sessions):
    enroll(svc, form(), CONSENT_TAKER, NOW)
    enroll(svc, form(phone="(312) 555-0102", first_name="Ben"), CONSENT_TAKER, NOW)
    enroll(svc, form(phone="(312) 555-0103", first_name="Cy"), CONSENT_TAKER, NOW)

    def fail(text):
        if text.to.endswith("0101"):
            raise TransportError("rate limited", code=20429)
        if text.to.endswith("0102"):
            raise TransportError("invalid number", refusal=Refusal.INVALID_NUMBER, code=21211)
        raise DeliveryUnknown("timed out after the request was written")

    counts = dispatcher(engine, NOW, FakeTransport(fail=fail)).run_once()
    assert (counts.retrying, counts.failed, counts.unknown) == (2, 2, 2)
    with sessions() as session:
        by_phone = {}
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.step == "welcome")):
            by_phone[row.enrollment.patient.phone[-4:]] = row
        assert by_phone["0101"].status == MessageStatus.PENDING
        assert by_phone["0101"].send_at > NOW and by_phone["0101"].last_error == "20429: rate limited"
        assert by_phone["0102"].status == MessageStatus.FAILED
        assert by_phone["0103"].status == MessageStatus.UNKNOWN


class Crash(BaseException):
    """The process dies mid-send (kill -9, power cut): nothing after it runs."""


def test_a_crash_between_claim_and_finalise_leaves_the_row_leased_and_never_resends(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)  # only the welcome is due

    def crash(_text):
        raise Crash()

    with pytest.raises(Crash):
        dispatcher(engine, NOW, FakeTransport(fail=crash), owner="worker-a").run_once()
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert (welcome.status, welcome.lease_owner, welcome.attempts) == (
        MessageStatus.LEASED, "worker-a", 1)
    assert welcome.lease_expires_at == NOW + timedelta(minutes=5)
    survivor = FakeTransport()
    dispatcher(engine, NOW + timedelta(minutes=10), survivor, owner="worker-b").run_once()
    assert survivor.sent == []
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.LEASED


def test_a_finalise_with_a_stale_lease_changes_nothing(svc, sessions, engine):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    [claim] = claim_due(sessions, "worker-a", NOW, 10, timedelta(minutes=5))
    with sessions.begin() as session:  # the reaper took the row over and re-queued it
        row = session.get(OutboxMessage, claim.id)
        row.status, row.lease_owner = MessageStatus.PENDING, None
    # worker-a wakes up and tries to record its send: the guard refuses
    with engine.connect() as conn:
        assert finalise(conn, claim, "worker-a", NOW, status=MessageStatus.SENT,
                        provider_sid="SMlate") is False
    welcome = rows(sessions, enrollment_id)["welcome"]
    assert (welcome.status, welcome.provider_sid) == (MessageStatus.PENDING, None)


def test_two_dispatchers_racing_never_send_a_row_twice(svc, sessions, engine):
    phones = [f"(312) 555-01{n:02d}" for n in range(40)]
    for phone in phones:
        enroll(svc, form(phone=phone), CONSENT_TAKER, NOW)  # 2 due texts each
    transport = FakeTransport()
    start = threading.Barrier(2)

    def work(owner):
        d = Dispatcher(engine, transport, batch=5, clock=lambda: NOW, owner=owner)
        start.wait()
        d.run_once()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ids = [t.message_id for t in transport.sent]
    assert len(ids) == 80 and len(set(ids)) == 80
    with sessions() as session:
        sent = session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.status == MessageStatus.SENT)).all()
    assert sorted(sent) == sorted(ids)


def test_a_carrier_opt_out_opts_the_patient_out_and_cancels_every_pending_text(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)

    def opted_out(_text):
        raise TransportError("HTTP 400: unsubscribed recipient", refusal=Refusal.OPTED_OUT,
                             code=21610)

    counts = dispatcher(engine, NOW, FakeTransport(fail=opted_out)).run_once()
    plan = rows(sessions, enrollment_id)
    assert plan["welcome"].status == MessageStatus.FAILED
    assert plan["welcome"].last_error.startswith("21610")
    # pain-check was claimed in the same batch; the re-check right before its send saw the
    # opt-out, so it was never offered to the provider
    assert (counts.failed, counts.cancelled) == (1, 1)
    assert plan["pain-check"].status == MessageStatus.CANCELLED
    assert plan["pain-check"].reason == "patient opted out"
    assert {m.status for s, m in plan.items() if s != "welcome"} == {MessageStatus.CANCELLED}
    with sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at == NOW


def test_an_operator_error_fails_the_text_and_alerts_in_the_log(svc, engine, caplog):
    enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)

    def misconfigured(_text):
        raise TransportError("HTTP 400: region not enabled", refusal=Refusal.ACCOUNT,
                             code=21408)

    counts = dispatcher(engine, NOW, FakeTransport(fail=misconfigured)).run_once()
    assert counts.failed == 1
    assert any(r.levelname == "ERROR" and "OPERATOR ALERT" in r.getMessage() for r in caplog.records)


def test_the_standing_of_claimed_texts_is_reread_once_older_than_its_max_age(svc, sessions, engine):
    enroll(svc, form(), CONSENT_TAKER, NOW)  # welcome and pain-check due
    claims = claim_due(sessions, "worker-a", NOW, 10, timedelta(minutes=5))
    elapsed = [0.0]
    with engine.connect() as conn:
        cache = StandingCache(conn, claims, clock=lambda: elapsed[0])
        assert not cache.get(claims[0].id).opted_out
        with sessions.begin() as session:  # STOP arrives through the webhook
            session.scalars(select(Patient)).one().opted_out_at = NOW
        assert not cache.get(claims[1].id).opted_out  # read with the first, 0 ms ago
        elapsed[0] = 0.3
        assert cache.get(claims[1].id).opted_out


def test_the_worker_and_the_cli_build_their_dispatcher_from_the_same_settings(engine, settings):
    # one builder for `reminders dispatch --once` and the worker: one lease, batch and pace
    custom = replace(settings, dispatch_batch=7, lease_seconds=120, send_concurrency=3)
    built = make_dispatcher(custom, engine, FakeTransport(), clock=lambda: NOW)
    assert (built.batch, built.lease, built.concurrency) == (7, timedelta(seconds=120), 3)
    assert built.rate is None and built.clock() == NOW  # no pacing for a fake; the CLI's --now
