"""Twilio's error answers and status callbacks, read into our words (no `twilio`, no HTTP)."""

import pytest

from reminders.core.statuses import MessageStatus
from reminders.transports.base import DeliveryUnknown, Refusal, StatusReport, TransportError
from reminders.transports.twilio_codes import classify, status_report


@pytest.mark.parametrize(("status", "code"), [(429, None), (429, 20429), (400, 20429)])
def test_too_many_requests_is_known_not_sent_and_not_a_refusal(status, code):
    error = classify(status, code, "Too Many Requests")
    assert isinstance(error, TransportError)
    assert (error.refusal, error.code) == (None, 20429)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_leaves_the_outcome_unknown(status):
    assert isinstance(classify(status, None, "Service Unavailable"), DeliveryUnknown)


@pytest.mark.parametrize(("code", "refusal"), [
    (21211, Refusal.INVALID_NUMBER), (30005, Refusal.INVALID_NUMBER),
    (21614, Refusal.LANDLINE), (21635, Refusal.LANDLINE), (30006, Refusal.LANDLINE),
    (30003, Refusal.UNREACHABLE), (30004, Refusal.BLOCKED),
    (21610, Refusal.OPTED_OUT),
    (30007, Refusal.FILTERED),
    (30034, Refusal.SENDER), (30032, Refusal.SENDER), (21606, Refusal.SENDER),
    (30002, Refusal.SUSPENDED),
    (20003, Refusal.ACCOUNT), (21408, Refusal.ACCOUNT),
])
def test_a_known_code_is_refused_for_good_with_its_reason(code, refusal):
    error = classify(400, code, "refused")
    assert isinstance(error, TransportError)
    assert (error.refusal, error.code, str(error)) == (refusal, code, "HTTP 400: refused")


@pytest.mark.parametrize("code", [21999, None])
def test_an_unknown_or_missing_code_is_refused_for_good_as_unknown(code):
    error = classify(400, code, "something new")
    assert (error.refusal, error.code) == (Refusal.UNKNOWN, code)


def test_only_filtering_the_sender_and_the_account_are_the_operators():
    assert {r for r in Refusal if r.for_operator} == {
        Refusal.FILTERED, Refusal.SENDER, Refusal.SUSPENDED, Refusal.ACCOUNT}


def test_a_callbacks_error_code_arrives_as_a_refusal():
    report = status_report({"MessageSid": " SM1 ", "MessageStatus": "Undelivered",
                            "ErrorCode": "30006", "AccountSid": "AC1"})
    assert report == StatusReport(sid="SM1", word="undelivered", status=MessageStatus.UNDELIVERED,
                                  refusal=Refusal.LANDLINE, code=30006)


def test_an_unknown_error_code_in_a_callback_is_an_unknown_refusal():
    report = status_report({"MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": "12345"})
    assert (report.status, report.refusal, report.code) == (MessageStatus.FAILED, Refusal.UNKNOWN,
                                                            12345)


@pytest.mark.parametrize("error_code", [None, "", "n/a"])
def test_a_callback_without_a_readable_error_code_has_no_refusal(error_code):
    form = {"SmsSid": "SM1", "SmsStatus": "delivered"}  # the older names Twilio also sends
    if error_code is not None:
        form["ErrorCode"] = error_code
    report = status_report(form)
    assert (report.sid, report.status, report.refusal, report.code) == (
        "SM1", MessageStatus.DELIVERED, None, None)


@pytest.mark.parametrize("form", [
    {}, {"MessageSid": "SM1"}, {"MessageStatus": "delivered"},
    {"MessageSid": "SM1", "MessageStatus": "exploded"},
])
def test_a_callback_naming_no_message_or_an_unknown_status_is_no_report(form):
    assert status_report(form) is None
