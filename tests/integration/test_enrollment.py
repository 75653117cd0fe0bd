"""Enrolment, correction, cancellation and supersession against a real database."""

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select, update

from reminders.audit import Actor
from reminders.core.errors import ValidationError
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.enrollments import CONSENT_TAKER, cancel, complete_finished, enroll
from reminders.models import Enrollment, OutboxMessage, Patient, ProtocolVersion
from reminders.replanning import reschedule
from reminders.transports.fake import FakeTransport
from tests.integration.helpers import NOW, counts, dispatcher, form, rows

KIM = Actor("Nurse Kim", "cli")


def test_enrolment_writes_patient_enrolment_and_its_plan_together(svc, sessions, hip):
    enrollment_id = enroll(svc, form(baseline_pain="7", side="left"), CONSENT_TAKER, NOW)
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.patient.phone == "+13125550101"
        assert enrollment.patient.timezone == "America/Chicago"
        assert enrollment.baseline_pain == 7 and enrollment.side == "left"
        assert enrollment.consent_by == "Nurse Kim" and enrollment.consent_unencrypted_sms
        assert "not encrypted" in enrollment.consent_text
        assert enrollment.protocol_digest == hip.digest
        assert session.get(ProtocolVersion, hip.digest).source == dict(hip.source)
    plan = rows(sessions, enrollment_id)
    assert set(plan) == {"welcome", "pain-check", "resume-pain-medicine", "ice-day2", "ice-day3",
                         "relief-check-day3", "relief-check-day5", "activity-day7",
                         "day10-check", "activity-day14"}
    assert all(m.status == MessageStatus.PENDING for m in plan.values())
    assert plan["pain-check"].expects == "pain_score"
    assert plan["pain-check"].reply_window_seconds == 7200


def test_instants_come_back_aware_and_in_utc(svc, sessions):
    enrollment_id = enroll(svc, form(injected_at="2026-06-01T10:00:00-05:00"), CONSENT_TAKER, NOW)
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.injected_at.tzinfo is not None
        assert enrollment.injected_at.utcoffset() == timedelta(0)
        assert enrollment.injected_at == NOW - timedelta(hours=2)
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.step == "ice-day2")).one()
        assert row.send_at.tzinfo is not None and row.send_at.utcoffset() == timedelta(0)
        assert row.send_at.astimezone(UTC).hour == 15  # 10:00 CDT


@pytest.mark.parametrize("changes", [
    {"phone": "12"}, {"timezone": "Mars/Base"}, {"consent_by": ""}, {"baseline_pain": 11},
    {"injected_at": NOW + timedelta(hours=1)},
])
def test_a_rejected_enrolment_writes_nothing(svc, sessions, changes):
    with pytest.raises(ValidationError):
        enroll(svc, form(**changes), CONSENT_TAKER, NOW)
    assert counts(sessions) == (0, 0, 0)


def test_a_second_active_enrolment_of_a_phone_is_refused_and_writes_nothing(svc, sessions):
    enroll(svc, form(), CONSENT_TAKER, NOW)
    before = counts(sessions)
    with pytest.raises(ValidationError) as info:
        enroll(svc, form(first_name="Anita"), CONSENT_TAKER, NOW)
    assert "already has an active enrolment" in info.value.errors["phone"]
    assert counts(sessions) == before
    with sessions() as session:
        assert session.scalars(select(Patient.first_name)).one() == "Ana"


def test_supersede_replaces_the_active_enrolment_and_cancels_its_pending_texts(svc, engine, sessions):
    old_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW).run_once()  # welcome and pain-check go out
    new_id = enroll(svc, form(supersede=True, injected_at=NOW), CONSENT_TAKER, NOW + timedelta(minutes=5))
    with sessions() as session:
        old = session.get(Enrollment, old_id)
        assert old.status == EnrollmentStatus.SUPERSEDED and old.superseded_by_id == new_id
    old_rows = rows(sessions, old_id)
    assert old_rows["welcome"].status == MessageStatus.SENT
    assert old_rows["ice-day2"].status == MessageStatus.CANCELLED
    assert old_rows["ice-day2"].reason == f"superseded by enrolment {new_id}"
    assert rows(sessions, new_id)["ice-day2"].status == MessageStatus.PENDING


def test_an_opted_out_number_cannot_be_enrolled(svc, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    with sessions.begin() as session:
        session.execute(update(Patient).values(opted_out_at=NOW))
    cancel(svc, enrollment_id, Actor("Nurse Kim", "cli"), NOW)
    with pytest.raises(ValidationError, match="opted out"):
        enroll(svc, form(), CONSENT_TAKER, NOW)


def test_reschedule_replans_pending_texts_and_never_touches_sent_ones(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    transport = FakeTransport()
    dispatcher(engine, NOW, transport).run_once()
    before = rows(sessions, enrollment_id)
    assert before["welcome"].status == MessageStatus.SENT
    # staff typed the wrong time: the injection was a day earlier
    reschedule(svc, enrollment_id, NOW - timedelta(days=1, hours=2), KIM, NOW + timedelta(minutes=1))
    after = rows(sessions, enrollment_id)
    for step in ("welcome", "pain-check"):
        assert after[step].status == MessageStatus.SENT
        assert after[step].send_at == before[step].send_at
        assert after[step].provider_sid == before[step].provider_sid
    assert after["ice-day2"].send_at == before["ice-day2"].send_at - timedelta(days=1)
    assert after["resume-pain-medicine"].status == MessageStatus.EXPIRED
    assert "intro" not in after  # the patient already had the welcome
    dispatcher(engine, NOW + timedelta(minutes=2), transport).run_once()
    assert sorted(t.message_id for t in transport.sent) == sorted(
        [before["welcome"].id, before["pain-check"].id])  # nothing sent a second time


def test_reschedule_into_the_future_is_refused_and_changes_nothing(svc, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    before = rows(sessions, enrollment_id)
    with pytest.raises(ValidationError, match="injected_at"):
        reschedule(svc, enrollment_id, NOW + timedelta(days=1), KIM, NOW)
    assert {k: (v.send_at, v.status) for k, v in rows(sessions, enrollment_id).items()} == {
        k: (v.send_at, v.status) for k, v in before.items()}


def test_cancel_withdraws_every_pending_text_and_nothing_is_sent_after(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    assert cancel(svc, enrollment_id, Actor("Dr Lee", "cli"), NOW) == 10
    transport = FakeTransport()
    dispatcher(engine, NOW + timedelta(days=20), transport).run_once()
    assert transport.sent == []
    assert {m.status for m in rows(sessions, enrollment_id).values()} == {MessageStatus.CANCELLED}
    with pytest.raises(ValidationError, match="cancelled"):
        cancel(svc, enrollment_id, Actor("Dr Lee", "cli"), NOW)


def test_a_failure_after_rows_were_flushed_rolls_the_whole_enrolment_back(svc, sessions,
                                                                           monkeypatch):
    import reminders.enrollments as enrollments

    def broken_plan(*args, **kwargs):  # patient and enrolment are flushed by now
        raise RuntimeError("planner crashed")

    monkeypatch.setattr(enrollments, "plan", broken_plan)
    with pytest.raises(RuntimeError):
        enroll(svc, form(), CONSENT_TAKER, NOW)
    assert counts(sessions) == (0, 0, 0)
    with sessions() as session:
        assert session.scalars(select(ProtocolVersion)).all() == []


def test_an_enrolment_with_nothing_left_to_send_is_completed(svc, engine, sessions):
    enrollment_id = enroll(svc, form(), CONSENT_TAKER, NOW)
    assert complete_finished(sessions, NOW) == 0  # texts are still pending
    dispatcher(engine, NOW + timedelta(days=16)).run_once()  # everything left has expired
    assert complete_finished(sessions, NOW + timedelta(days=16)) == 1
    with sessions() as session:
        assert session.get(Enrollment, enrollment_id).status == EnrollmentStatus.COMPLETED
