"""What a Twilio error answer means for a text (pure): retry, give up, or find out.

Codes from Twilio's error dictionary. Only these outcomes are possible:
- known not sent, retry later: HTTP 429 / 20429 (too many requests);
- refused for good: the number is invalid, a landline or unreachable (undeliverable, for
  staff), the recipient opted out at the carrier (21610), the account or sender is
  misconfigured (operator alert), or a code we do not know (no automatic retry);
- unknown: a 5xx answer may come after the message was created; reconcile before resending.
"""

from __future__ import annotations

from reminders.transports.base import DeliveryUnknown, TransportError

RATE_LIMITED = frozenset({20429})
UNDELIVERABLE = frozenset({21211, 21614, 21635, 30005, 30006})  # invalid, landline, unreachable
OPTED_OUT = 21610  # the recipient replied STOP to this sender
OPERATOR = frozenset({20003, 21408, 21606, 30034, 30007})  # auth, region, sender, 10DLC, filtered


def classify(status: int, code: int | None, message: str) -> TransportError | DeliveryUnknown:
    """The exception the transport raises for an error answer with HTTP `status` and Twilio `code`."""
    text = f"HTTP {status}: {message}".strip()
    if status == 429 or code in RATE_LIMITED:
        return TransportError(text, permanent=False, code=code or 20429)
    if status >= 500:
        return DeliveryUnknown(text)
    return TransportError(text, permanent=True, code=code)


def kind_of(code: int | None) -> str:
    """For logs and flags: 'undeliverable', 'opted_out', 'operator' or 'unknown_code'."""
    if code in UNDELIVERABLE:
        return "undeliverable"
    if code == OPTED_OUT:
        return "opted_out"
    if code in OPERATOR:
        return "operator"
    return "unknown_code"
