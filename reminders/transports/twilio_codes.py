"""Twilio's error codes and status callbacks in our words (pure).

The only place besides `twilio_sms.py` that knows Twilio's codes: an error answer to a
send becomes a `TransportError` with a `Refusal`, and a status callback's form becomes a
`StatusReport` with its `ErrorCode` already a `Refusal`, so nothing past the transport
and its webhook ever switches on a code. Codes from Twilio's error dictionary.

An error answer means one of three things:
- known not sent, retry later: HTTP 429 / 20429 (too many requests);
- refused for good, with the reason as a `Refusal` (a code we do not know is
  `Refusal.UNKNOWN`: no automatic retry);
- unknown: a 5xx answer may come after the message was created; reconcile before resending.
"""

from __future__ import annotations

from collections.abc import Mapping

from reminders.core.delivery_status import from_callback
from reminders.core.field_text import whole_number
from reminders.transports.base import DeliveryUnknown, Refusal, StatusReport, TransportError

RATE_LIMITED = 20429
_REFUSALS = {
    21211: Refusal.INVALID_NUMBER,  # invalid 'To' number
    30005: Refusal.INVALID_NUMBER,  # unknown destination handset
    21614: Refusal.LANDLINE,  # 'To' is not a mobile number
    21635: Refusal.LANDLINE,  # 'To' cannot be a landline
    30006: Refusal.LANDLINE,  # landline or unreachable carrier
    30003: Refusal.UNREACHABLE,  # unreachable destination handset (off, out of coverage)
    30004: Refusal.BLOCKED,  # message blocked (by the recipient or their carrier)
    21610: Refusal.OPTED_OUT,  # the recipient replied STOP to this sender
    30007: Refusal.FILTERED,  # carrier filtering
    30034: Refusal.SENDER,  # the sender is not registered (US A2P 10DLC)
    30032: Refusal.SENDER,  # the toll-free sender is not verified
    21606: Refusal.SENDER,  # the 'From' number cannot send texts
    30002: Refusal.SUSPENDED,  # account suspended
    20003: Refusal.ACCOUNT,  # authentication failed
    21408: Refusal.ACCOUNT,  # sending to this region is not enabled
}


def known_codes() -> frozenset[int]:
    """Every code this module gives a meaning to (tests check no other module names one)."""
    return frozenset({RATE_LIMITED, *_REFUSALS})


def refusal_for(code: int | None) -> Refusal:
    return Refusal.UNKNOWN if code is None else _REFUSALS.get(code, Refusal.UNKNOWN)


def classify(status: int, code: int | None, message: str) -> TransportError | DeliveryUnknown:
    """The exception the transport raises for an error answer with HTTP `status` and Twilio `code`."""
    text = f"HTTP {status}: {message}".strip()
    if status == 429 or code == RATE_LIMITED:
        return TransportError(text, code=code or RATE_LIMITED)
    if status >= 500:
        return DeliveryUnknown(text)
    return TransportError(text, refusal=refusal_for(code), code=code)


def status_report(form: Mapping[str, str]) -> StatusReport | None:
    """A status callback's form in our words; None when it names no message or a status
    we do not know (it is answered, and nothing is recorded)."""
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    word = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    status = from_callback(word)
    if not sid or status is None:
        return None
    # ASCII digits of a sane length only: "30003" yes; "³", "٣" or 10,000 digits no
    code = whole_number(form.get("ErrorCode") or "", max=999_999)
    return StatusReport(sid=sid, word=word, status=status, code=code,
                        refusal=refusal_for(code) if code is not None else None)
