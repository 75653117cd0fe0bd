"""A text that did not reach the patient is a flag: a question (above all the day-10
check) that was filtered, undelivered or failed is "not reached: call the patient", never
silence; on an advice step only the patient's number is staff work. SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from reminders.callbacks import record_status
from reminders.core.statuses import MessageStatus
from reminders.escalation import flag_silence
from reminders.models import Flag
from reminders.transports.base import Refusal, TransportError
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_codes import status_report
from tests.integration.helpers import dispatcher, rows
from tests.integration.texting import play_to


def all_flags(sessions) -> list[Flag]:
    with sessions() as session:
        return list(session.scalars(select(Flag).order_by(Flag.id)))


def callback(sessions, row, status, code, at):
    form = {"MessageSid": row.provider_sid, "MessageStatus": status}
    if code:
        form["ErrorCode"] = code
    return record_status(sessions, status_report(form), None, at)


def after_window(sessions, patient, step, at):
    return at + timedelta(seconds=rows(sessions, patient)[step].reply_window_seconds or 0,
                          minutes=1)


@pytest.mark.parametrize(("status", "code", "words"), [
    ("undelivered", "30007", "the carrier blocked it as unwanted"),
    ("undelivered", "30003", "the phone was off or out of reach of the network"),
    ("failed", "30006", "a landline or a phone that cannot get texts"),
])
def test_a_day10_check_that_did_not_arrive_raises_one_high_not_reached_flag(
        engine, sessions, patient, status, code, words):
    at = play_to(engine, patient, "day10-check")
    day10 = rows(sessions, patient)["day10-check"]
    assert callback(sessions, day10, status, code, at + timedelta(minutes=1)) == status
    [flag] = all_flags(sessions)
    assert (flag.kind.value, flag.priority.value, flag.message_id) == ("not_reached", "high", day10.id)
    assert flag.reason.startswith("not reached: call the patient") and words in flag.reason
    assert code not in flag.reason  # plain words, not the provider's code


def test_the_sweep_raises_no_no_response_for_an_undelivered_day10_check(engine, sessions, patient):
    at = play_to(engine, patient, "day10-check")
    day10 = rows(sessions, patient)["day10-check"]
    callback(sessions, day10, "undelivered", "30007", at + timedelta(minutes=1))
    later = after_window(sessions, patient, "day10-check", at)
    assert flag_silence(sessions, later) == 0
    assert flag_silence(sessions, later + timedelta(days=1)) == 0
    assert [(f.kind.value, f.priority.value) for f in all_flags(sessions)] == [("not_reached", "high")]


def test_an_undelivered_day10_check_without_a_reason_is_not_reached_by_the_sweep(
        engine, sessions, patient):
    at = play_to(engine, patient, "day10-check")
    day10 = rows(sessions, patient)["day10-check"]
    callback(sessions, day10, "undelivered", None, at + timedelta(minutes=1))
    assert rows(sessions, patient)["day10-check"].status == MessageStatus.UNDELIVERED
    assert all_flags(sessions) == []  # the callback gave no reason: the sweep decides
    assert flag_silence(sessions, at + timedelta(minutes=5)) == 1  # at once, not after the window
    assert flag_silence(sessions, after_window(sessions, patient, "day10-check", at)) == 0
    [flag] = all_flags(sessions)
    assert (flag.kind.value, flag.priority.value, flag.message_id) == ("not_reached", "high", day10.id)
    assert "the carrier did not deliver it" in flag.reason


def test_a_day10_check_the_carrier_filtered_on_the_send_is_not_reached(engine, sessions, patient):
    target = rows(sessions, patient)["day10-check"].id

    def filter_day10(text):
        if text.message_id == target:
            raise TransportError("HTTP 400: filtered", refusal=Refusal.FILTERED, code=30007)

    at = play_to(engine, patient, "day10-check", FakeTransport(fail=filter_day10))
    assert rows(sessions, patient)["day10-check"].status == MessageStatus.FAILED
    [flag] = all_flags(sessions)
    assert (flag.kind.value, flag.priority.value, flag.message_id) == ("not_reached", "high", target)
    assert "the carrier blocked it as unwanted" in flag.reason
    assert flag_silence(sessions, after_window(sessions, patient, "day10-check", at)) == 0
    assert len(all_flags(sessions)) == 1


def test_an_earlier_question_not_reached_is_normal_and_the_day10_check_raises_it_to_high(
        engine, sessions, patient):
    transport = FakeTransport()  # one provider: its ids stay unique
    at3 = play_to(engine, patient, "relief-check-day3", transport)
    day3 = rows(sessions, patient)["relief-check-day3"]
    callback(sessions, day3, "undelivered", "30003", at3 + timedelta(minutes=1))
    assert [(f.kind.value, f.priority.value) for f in all_flags(sessions)] == [("not_reached", "normal")]
    at10 = play_to(engine, patient, "day10-check", transport)
    day10 = rows(sessions, patient)["day10-check"]
    callback(sessions, day10, "undelivered", "30007", at10 + timedelta(minutes=1))
    [flag] = all_flags(sessions)  # one open flag per kind and enrolment: the cause joins it
    assert (flag.kind.value, flag.priority.value) == ("not_reached", "high")
    assert "Day 10 check" in flag.reason and "Day 3 relief check" in flag.reason  # titles, not ids
    later = after_window(sessions, patient, "day10-check", at10)
    assert flag_silence(sessions, later) == 0  # covered: no second flag, no "no response"
    assert [f.kind.value for f in all_flags(sessions)] == ["not_reached"]


def test_an_advice_step_the_carrier_filtered_raises_no_not_reached_flag(engine, sessions, patient):
    at = play_to(engine, patient, "ice-day2")
    ice = rows(sessions, patient)["ice-day2"]
    callback(sessions, ice, "undelivered", "30007", at + timedelta(minutes=1))
    assert rows(sessions, patient)["ice-day2"].status == MessageStatus.UNDELIVERED
    assert [f.kind.value for f in all_flags(sessions)] == []


def test_a_landline_on_an_advice_step_stays_an_undeliverable_flag(engine, sessions, patient):
    at = play_to(engine, patient, "ice-day2")
    ice = rows(sessions, patient)["ice-day2"]
    callback(sessions, ice, "undelivered", "30006", at + timedelta(minutes=1))
    assert [(f.kind.value, f.priority.value) for f in all_flags(sessions)] == [("undeliverable", "high")]


def test_a_refused_send_of_the_pain_check_is_a_normal_not_reached_flag(engine, sessions, patient):
    target = rows(sessions, patient)["pain-check"].id

    def landline(text):
        if text.message_id == target:
            raise TransportError("HTTP 400: landline", refusal=Refusal.LANDLINE, code=21614)

    play_to(engine, patient, "pain-check", FakeTransport(fail=landline))
    [flag] = all_flags(sessions)
    assert (flag.kind.value, flag.priority.value, flag.message_id) == ("not_reached", "normal", target)
    assert "check the number with the patient" in flag.reason


def test_a_delivered_day10_check_with_silence_is_still_no_response(engine, sessions, patient):
    at = play_to(engine, patient, "day10-check")
    callback(sessions, rows(sessions, patient)["day10-check"], "delivered", None,
             at + timedelta(minutes=1))
    assert flag_silence(sessions, after_window(sessions, patient, "day10-check", at)) == 1
    assert [f.kind.value for f in all_flags(sessions)] == ["no_response"]



def test_a_day10_check_whose_send_gave_up_after_its_retries_is_not_reached(engine, sessions, patient):
    target = rows(sessions, patient)["day10-check"].id

    def busy_day10(text):  # known not sent (429), every time, until the dispatcher gives up
        if text.message_id == target:
            raise TransportError("HTTP 429: too many requests", code=20429)

    at = play_to(engine, patient, "day10-check", FakeTransport(fail=busy_day10))
    day10 = rows(sessions, patient)["day10-check"]
    for _ in range(20):  # each retry at its backoff time, as the worker would
        if day10.status not in (MessageStatus.PENDING, MessageStatus.LEASED):
            break
        dispatcher(engine, day10.send_at, FakeTransport(fail=busy_day10)).run_once()
        day10 = rows(sessions, patient)["day10-check"]
    assert day10.status == MessageStatus.FAILED  # gave up after its tries, inside its expiry
    assert all_flags(sessions) == []  # no refusal: the sweep decides
    assert flag_silence(sessions, max(at, day10.updated_at) + timedelta(minutes=5)) == 1
    [flag] = all_flags(sessions)
    assert (flag.kind.value, flag.priority.value, flag.message_id) == ("not_reached", "high", target)
