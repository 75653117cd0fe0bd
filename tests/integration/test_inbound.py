"""POST /twilio/inbound, signed, on SQLite and PostgreSQL: replies are kept, answered where
they should be, and turn into the right flags (and only those)."""

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from reminders.audit import Actor
from reminders.callbacks import record_status
from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.escalation import flag_silence
from reminders.models import Enrollment, Flag, Patient, Reply
from reminders.transports.base import Refusal, TransportError
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_codes import status_report
from tests.integration.helpers import NOW, dispatcher, form, rows
from tests.integration.texting import (
    BASE,
    PATIENT,
    STRANGER,
    TOKEN,
    answer_of,
    answers,
    count,
    flags,
    kinds,
    play_to,
    replies,
)

# --- each flag kind, from the situation that raises it --------------------------------


@pytest.mark.parametrize(("reply", "flagged"), [
    ("same", ["no_improvement"]),
    ("Igual", ["no_improvement"]),
    ("worse", ["no_improvement", "worsening"]),
    ("7", ["no_improvement"]),  # 8 → 7: less than 2 points and 30 %
    ("6", []),  # 8 → 6: two points
    ("better", []),
    ("a little better", []),
])
def test_day10_check_flags_no_improvement_and_answers(engine, sessions, patient, phone, hip, settings,
                                                      reply, flagged):
    at = play_to(engine, patient, "day10-check")
    answer = answer_of(phone.text(reply, at=at + timedelta(hours=3)))
    assert kinds(sessions) == flagged
    question = rows(sessions, patient)["day10-check"].id
    if "no_improvement" in flagged:
        assert answer == answers(hip, settings, "no_improvement")
        with sessions() as session:
            flag = session.scalars(select(Flag).where(Flag.kind == "no_improvement")).one()
            assert flag.priority.value == "high"
            assert flag.message_id == question
            assert flag.reply.body == reply
    else:
        assert answer is None
    (stored,) = replies(sessions)
    assert stored.question_id == question


@pytest.mark.parametrize(("reply", "flagged"), [
    ("worse", ["worsening"]), ("PEOR", ["worsening"]), ("9", ["worsening"]),
    ("better", []), ("same", []), ("8", []),
])
def test_relief_check_flags_worsening_only(engine, sessions, patient, phone, reply, flagged):
    at = play_to(engine, patient, "relief-check-day3")
    assert answer_of(phone.text(reply, at=at + timedelta(hours=1))) is None
    assert kinds(sessions) == flagged


@pytest.mark.parametrize("reply", ["fever", "I have chills", "the site is red and hot",
                                   "tengo fiebre", "short of breath", "hives"])
def test_red_flag_words_are_urgent_whatever_is_open(engine, sessions, patient, phone, hip, settings, reply):
    play_to(engine, patient, "ice-day2")  # no question open
    answer = answer_of(phone.text(reply, at=NOW + timedelta(days=2, hours=2)))
    assert answer == answers(hip, settings, "red_flag")
    with sessions() as session:
        (flag,) = session.scalars(select(Flag))
        assert (flag.kind.value, flag.priority.value) == ("red_flag", "urgent")


def test_red_flag_beats_a_pain_score_on_the_day10_check(engine, sessions, patient, phone, hip, settings):
    at = play_to(engine, patient, "day10-check")
    answer = answer_of(phone.text("pain is 7 and I have a fever", at=at + timedelta(hours=1)))
    assert answer == answers(hip, settings, "red_flag")
    assert kinds(sessions) == ["no_improvement", "red_flag"]
    (stored,) = replies(sessions)
    assert (stored.score, stored.red_flags) == (7, ["fever"])


def test_spanish_patient_gets_answers_in_spanish(svc, engine, phone, hip, settings):
    enrollment = enroll(svc, form(injected_at=NOW, language="es", baseline_pain="8"), CONSENT_TAKER, NOW)
    at = play_to(engine, enrollment, "day10-check")
    assert answer_of(phone.text("igual", at=at + timedelta(hours=1))) == answers(
        hip, settings, "no_improvement", "es")


def test_silence_on_the_day10_check_flags_no_response_after_its_window(engine, sessions, patient):
    at = play_to(engine, patient, "day10-check")
    window = timedelta(seconds=rows(sessions, patient)["day10-check"].reply_window_seconds)
    assert flag_silence(sessions, at + window - timedelta(minutes=1)) == 0
    assert flag_silence(sessions, at + window) == 1
    assert flag_silence(sessions, at + window + timedelta(hours=1)) == 0  # once
    assert kinds(sessions) == ["no_response"]
    question = rows(sessions, patient)["day10-check"].id
    with sessions() as session:
        assert session.scalars(select(Flag)).one().message_id == question


def test_silence_elsewhere_or_an_answer_raises_no_no_response(engine, sessions, patient, phone):
    at = play_to(engine, patient, "day10-check")  # relief checks on days 3 and 5 unanswered
    answer_of(phone.text("better", at=at + timedelta(hours=5)))
    assert flag_silence(sessions, at + timedelta(days=5)) == 0
    assert kinds(sessions) == []


def test_undeliverable_number_is_flagged(engine, sessions, patient):
    def refuse(text):
        raise TransportError("HTTP 400: not a mobile number", refusal=Refusal.LANDLINE,
                             code=21614)

    dispatcher(engine, NOW, FakeTransport(fail=refuse)).run_once()
    assert kinds(sessions) == ["undeliverable"]
    with sessions() as session:
        flag = session.scalars(select(Flag)).one()
        assert flag.priority.value == "high" and flag.enrollment_id == patient


def test_undelivered_status_callback_is_flagged(engine, sessions, patient):
    dispatcher(engine, NOW, FakeTransport()).run_once()
    welcome = rows(sessions, patient)["welcome"]
    record_status(sessions, status_report({"MessageSid": welcome.provider_sid, "ErrorCode": "30006",
                                           "MessageStatus": "undelivered"}),
                  None, NOW + timedelta(minutes=1))
    assert kinds(sessions) == ["undeliverable"]
    record_status(sessions, status_report({"MessageSid": welcome.provider_sid, "ErrorCode": "30006",
                                           "MessageStatus": "undelivered"}),
                  None, NOW + timedelta(minutes=2))
    assert kinds(sessions) == ["undeliverable"]  # the repeated callback adds nothing


def test_a_carrier_opt_out_callback_opts_out_and_flags(engine, sessions, patient):
    dispatcher(engine, NOW, FakeTransport()).run_once()
    welcome = rows(sessions, patient)["welcome"]
    record_status(sessions, status_report({"MessageSid": welcome.provider_sid, "ErrorCode": "21610",
                                           "MessageStatus": "failed"}),
                  None, NOW + timedelta(minutes=1))
    assert kinds(sessions) == ["opted_out"]
    assert "pending" not in {m.status.value for m in rows(sessions, patient).values()}


@pytest.mark.parametrize("reply", ["maybe tomorrow", "ok", "4-6", "2 or 8", "👍", ""])
def test_not_understood_needs_review_and_a_second_one_joins_it(engine, sessions, patient, phone, reply):
    at = play_to(engine, patient, "relief-check-day3")
    assert answer_of(phone.text(reply, at=at + timedelta(hours=1))) is None
    answer_of(phone.text("???", at=at + timedelta(hours=2)))
    with sessions() as session:
        (flag,) = session.scalars(select(Flag))
        assert (flag.kind.value, flag.status.value) == ("needs_review", "open")
        assert [r.body for r in flag.replies] == [reply, "???"]


def test_a_reply_to_a_closed_question_needs_review(engine, sessions, patient, phone):
    at = play_to(engine, patient, "relief-check-day3")  # window: 1 day
    answer_of(phone.text("better", at=at + timedelta(days=1, minutes=1)))
    assert kinds(sessions) == ["needs_review"]
    (stored,) = replies(sessions)
    assert stored.question_id is None and stored.relief == "better"


def test_acknowledged_flag_is_not_joined_a_new_one_opens(engine, sessions, patient, phone):
    from reminders.flags import acknowledge

    at = play_to(engine, patient, "relief-check-day3")
    answer_of(phone.text("hmm", at=at + timedelta(hours=1)))
    with sessions() as session:
        first = session.scalars(select(Flag)).one().id
    acknowledge(sessions, first, Actor("Nurse Kim", "cli"), at + timedelta(hours=2))
    answer_of(phone.text("what?", at=at + timedelta(hours=3)))
    assert flags(sessions) == [("needs_review", "acknowledged"), ("needs_review", "open")]


def test_a_clean_course_raises_no_flag(engine, sessions, patient, phone):
    for step, reply in [("pain-check", "2"), ("relief-check-day3", "better"),
                        ("relief-check-day5", "BETTER"), ("day10-check", "4")]:
        at = play_to(engine, patient, step)
        assert answer_of(phone.text(reply, at=at + timedelta(minutes=20))) is None
    play_to(engine, patient, "activity-day14")
    flag_silence(sessions, NOW + timedelta(days=20))
    assert flags(sessions) == []
    with sessions() as session:
        enrollment = session.get(Enrollment, patient)
        assert (enrollment.anaesthetic_pain, enrollment.diagnostic_relief_percent,
                enrollment.diagnostic_relief_met) == (2, 75.0, True)


def test_diagnostic_relief_below_threshold_is_recorded(engine, sessions, patient, phone):
    at = play_to(engine, patient, "pain-check")
    answer_of(phone.text("pain about a 6", at=at + timedelta(minutes=30)))
    with sessions() as session:
        enrollment = session.get(Enrollment, patient)
        assert (enrollment.anaesthetic_pain, enrollment.diagnostic_relief_percent,
                enrollment.diagnostic_relief_met) == (6, 25.0, False)


# --- consent --------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe", "stop texting me",
                                  "no más mensajes", "QUIT"])
def test_stop_mid_protocol_cancels_everything_before_answering(engine, sessions, patient, phone, word):
    transport = FakeTransport()
    at = play_to(engine, patient, "ice-day2", transport)
    sent_before = len(transport.sent)
    assert answer_of(phone.text(word, at=at + timedelta(hours=1))) is None  # Twilio confirms
    # before any dispatch: nothing pending is left
    statuses = {m.step: m.status.value for m in rows(sessions, patient).values()}
    assert "pending" not in statuses.values()
    assert statuses["day10-check"] == "cancelled"
    for days in (3, 5, 10, 14):
        dispatcher(engine, NOW + timedelta(days=days, hours=1), transport).run_once()
    assert len(transport.sent) == sent_before
    assert kinds(sessions) == ["opted_out"]
    with sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at == at + timedelta(hours=1)


def test_opt_out_type_from_twilio_decides(engine, sessions, patient, phone):
    play_to(engine, patient, "welcome")
    answer_of(phone.text("ALTO", extra={"OptOutType": "STOP"}, at=NOW + timedelta(minutes=5)))
    assert kinds(sessions) == ["opted_out"]


def test_start_replans_only_future_texts(engine, sessions, patient, phone):
    transport = FakeTransport()
    play_to(engine, patient, "ice-day2", transport)
    before = rows(sessions, patient)
    phone.text("STOP", at=NOW + timedelta(days=2, hours=1))
    back_at = NOW + timedelta(days=4)  # 2026-06-05 12:00 Chicago: day 3 has gone by
    assert answer_of(phone.text("START", at=back_at)) is None
    after = rows(sessions, patient)
    for step, row in after.items():
        if before[step].status in (MessageStatus.SENT, MessageStatus.DELIVERED):
            assert (row.status, row.sent_at) == (before[step].status, before[step].sent_at)
        elif row.send_at > back_at:
            assert row.status == MessageStatus.PENDING, step
        else:
            assert row.status in (MessageStatus.CANCELLED, MessageStatus.EXPIRED), step
    assert after["ice-day3"].status == MessageStatus.CANCELLED
    assert after["relief-check-day5"].status == MessageStatus.PENDING
    with sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is None
    sent_before = {t.message_id for t in transport.sent}
    play_to(engine, patient, "activity-day14", transport)
    resent = {rows(sessions, patient)[s].id for s in after} & (
        {t.message_id for t in transport.sent} - sent_before)
    assert {m.step for m in after.values() if m.id in resent} == {
        "relief-check-day5", "activity-day7", "day10-check", "activity-day14"}


def test_help_is_answered_with_the_contact_line(sessions, patient, phone, hip, settings):
    assert answer_of(phone.text("HELP", at=NOW + timedelta(minutes=5))) == answers(
        hip, settings, "help")
    assert kinds(sessions) == []


def test_an_opted_out_patient_gets_only_the_red_flag_answer(sessions, patient, phone, hip,
                                                             settings):
    phone.text("STOP", at=NOW + timedelta(minutes=5))
    assert answer_of(phone.text("HELP", at=NOW + timedelta(minutes=6))) is None
    assert answer_of(phone.text("I have a fever", at=NOW + timedelta(minutes=7))) == answers(
        hip, settings, "red_flag")
    assert kinds(sessions) == ["opted_out", "red_flag"]


# --- storage, identity, signatures ------------------------------------------------------


def test_the_same_message_sid_twice_records_one_reply(engine, sessions, patient, phone, hip, settings):
    at = play_to(engine, patient, "day10-check")
    first = phone.text("same", sid="SMduplicate", at=at + timedelta(hours=1))
    again = phone.text("same", sid="SMduplicate")
    assert answer_of(first) == answers(hip, settings, "no_improvement")
    # Twilio posts again only when our first answer did not reach it: that answer, again
    assert answer_of(again) == answers(hip, settings, "no_improvement")
    assert count(sessions, Reply) == 1
    assert kinds(sessions) == ["no_improvement"]


def test_a_stranger_is_stored_flagged_and_not_answered(sessions, patient, phone):
    assert answer_of(phone.text("who is this? HELP", sender=STRANGER)) is None
    assert answer_of(phone.text("help", sender=STRANGER)) is None
    first, _ = replies(sessions)
    assert first.patient_id is None and first.from_number == STRANGER
    with sessions() as session:
        (flag,) = session.scalars(select(Flag))
        assert (flag.kind.value, flag.enrollment_id, flag.phone) == ("needs_review", None, STRANGER)
        assert len(flag.replies) == 2


def test_unknown_parameters_are_tolerated_and_the_raw_form_kept(sessions, patient, phone):
    response = phone.text("2", extra={"FromCity": "CHICAGO", "SmsMessageSid": "x", "Weird[]": "1"})
    assert response.status_code == 200
    (stored,) = replies(sessions)
    assert parse_qs(stored.raw.decode())["FromCity"] == ["CHICAGO"]


@pytest.mark.parametrize("case", ["missing", "forged", "wrong-token", "changed-body", "changed-url"])
def test_a_bad_signature_gets_403_and_writes_nothing(sessions, patient, phone, case):
    params = {"MessageSid": "SMsigned", "From": PATIENT, "To": "+13125550199", "Body": "STOP"}
    url = f"{BASE}/twilio/inbound"
    signature = {
        "missing": "",
        "forged": "bm90IGEgc2lnbmF0dXJl",
        "wrong-token": RequestValidator("other").compute_signature(url, params),
        "changed-body": RequestValidator(TOKEN).compute_signature(url, {**params, "Body": "hi"}),
        "changed-url": RequestValidator(TOKEN).compute_signature(url + "x", params),
    }[case]
    before = rows(sessions, patient)
    response = phone.client.post("/twilio/inbound", data=params,
                                 headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert count(sessions, Reply) == 0 and count(sessions, Flag) == 0
    assert {s: r.status for s, r in rows(sessions, patient).items()} == {
        s: r.status for s, r in before.items()}


def test_a_processing_failure_keeps_the_reply_and_answers_the_fallback_once(
        sessions, patient, phone, hip, settings, monkeypatch):
    import reminders.inbound

    def broken(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(reminders.inbound, "parse_reply", broken)
    assert answer_of(phone.text("help", sid="SMbroken")) == answers(hip, settings, "fallback")
    (stored,) = replies(sessions)
    assert stored.body == "help" and stored.processed_at is None
    assert (stored.attempts, stored.last_error, stored.response_kind) == (
        1, "RuntimeError", "fallback")
    monkeypatch.undo()
    # Twilio's retry (its first answer was lost): read this time, and the recorded answer
    # (the fallback) goes again, not a second, different one
    assert answer_of(phone.text("help", sid="SMbroken")) == answers(hip, settings, "fallback")
    (stored,) = replies(sessions)
    assert stored.processed_at is not None and stored.response_kind == "fallback"


def test_flag_lifecycle_open_acknowledged_resolved(sessions, patient, phone):
    from reminders.core.errors import ValidationError
    from reminders.flags import acknowledge, resolve

    phone.text("fever", at=NOW + timedelta(minutes=5))
    with sessions() as session:
        flag_id = session.scalars(select(Flag)).one().id
    with pytest.raises(ValidationError) as err:
        resolve(sessions, flag_id, "  ", Actor("Nurse Kim", "cli"), NOW)
    assert "note" in err.value.errors
    acknowledge(sessions, flag_id, Actor("Nurse Kim", "cli"), NOW + timedelta(minutes=6))
    with pytest.raises(ValidationError):
        acknowledge(sessions, flag_id, Actor("Dr Lee", "cli"), NOW + timedelta(minutes=7))
    resolve(sessions, flag_id, "called; no infection, advised ice", Actor("Dr Lee", "cli"),
            NOW + timedelta(hours=1))
    with sessions() as session:
        flag = session.get(Flag, flag_id)
        assert flag.status == FlagStatus.RESOLVED
        assert (flag.acknowledged_by, flag.resolved_by) == ("Nurse Kim", "Dr Lee")
        assert flag.resolution_note == "called; no infection, advised ice"
        assert flag.resolved_at == NOW + timedelta(hours=1)
    phone.text("still hot", at=NOW + timedelta(hours=2))  # after resolution: a new flag
    assert flags(sessions) == [("red_flag", "open"), ("red_flag", "resolved")]


def test_yes_with_no_question_open_opts_back_in(sessions, patient, phone):
    phone.text("STOP", at=NOW + timedelta(minutes=5))
    assert answer_of(phone.text("yes", at=NOW + timedelta(hours=3))) is None
    with sessions() as session:
        assert session.scalars(select(Patient)).one().opted_out_at is None
    assert rows(sessions, patient)["ice-day2"].status == MessageStatus.PENDING
    assert kinds(sessions) == ["opted_out"]


def test_yes_to_a_relief_check_is_not_an_answer(engine, sessions, patient, phone):
    at = play_to(engine, patient, "relief-check-day3")
    assert answer_of(phone.text("yes", at=at + timedelta(minutes=10))) is None
    assert kinds(sessions) == ["needs_review"]
