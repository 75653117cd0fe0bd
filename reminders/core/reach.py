"""Whether a text reached the patient (pure): why a provider or a carrier refused it, in
plain words for staff, and the flag each refusal raises on each kind of step.

A text that did not reach the patient on a step that expects a reply or escalates is a
question nobody was asked: staff must call ("not reached"), at high priority on the
day-10 check. On a step that only gives advice, a number that cannot get texts is still
staff work ("undeliverable": check the number); a refusal that every patient gets alike
(filtering, the sender, the account) is the operator's to fix: a system alert, no flag.
"""

from __future__ import annotations

from enum import StrEnum

from reminders.core.triage import FlagKind, FlagRequest, Priority


class Refusal(StrEnum):
    """Why a provider or a carrier refused a text for good (stored as its value, at most
    16 characters)."""

    INVALID_NUMBER = "invalid_number"  # no such number: check it with the patient
    LANDLINE = "landline"  # a landline, or a number that cannot receive texts
    UNREACHABLE = "unreachable"  # the phone was off or out of reach of the network
    BLOCKED = "blocked"  # the phone or its carrier blocks texts from us, for this patient
    OPTED_OUT = "opted_out"  # the patient opted out at the carrier (STOP to our sender)
    FILTERED = "filtered"  # the carrier blocked it as unwanted: the next texts will be too
    SENDER = "sender"  # our sending number is not registered or verified with the carriers
    SUSPENDED = "suspended"  # the texting account is suspended
    ACCOUNT = "account"  # credentials or permissions (a region not enabled)
    UNKNOWN = "unknown"  # a reason we do not know: not retried, and looked at by staff

    @property
    def for_operator(self) -> bool:
        """Every text will fail the same way until the operator fixes something: a system
        alert (banner, /healthz, a log line at ERROR), not a fault of the patient's phone."""
        return self in _FOR_OPERATOR

    @property
    def words(self) -> str:
        """What happened, in plain words for staff."""
        return _WORDS[self]


_FOR_OPERATOR = frozenset({Refusal.FILTERED, Refusal.SENDER, Refusal.SUSPENDED, Refusal.ACCOUNT})
_WORDS = {
    Refusal.INVALID_NUMBER: "the number does not exist",
    Refusal.LANDLINE: "a landline or a phone that cannot get texts",
    Refusal.UNREACHABLE: "the phone was off or out of reach of the network",
    Refusal.BLOCKED: "the phone or its carrier blocks texts from the clinic",
    Refusal.OPTED_OUT: "the patient opted out of texts at their carrier",
    Refusal.FILTERED: "the carrier blocked it as unwanted",
    Refusal.SENDER: "the clinic's sending number is not registered with the carriers",
    Refusal.SUSPENDED: "the clinic's texting account is suspended",
    Refusal.ACCOUNT: "the clinic's texting account refused it (credentials or permissions)",
    Refusal.UNKNOWN: "an error we do not know",
}
_THE_NUMBER = frozenset({Refusal.INVALID_NUMBER, Refusal.LANDLINE})
NOT_REACHED = "not reached: call the patient"


def refusal_flag(refusal: Refusal | None, step: str, *, expects_reply: bool, escalates: bool,
                 error: str = "") -> FlagRequest | None:
    """The flag a text of `step` that never reached the patient raises, or None.

    `refusal` is None when the provider said the text failed without saying why (or the
    send gave up after its retries): on a question that is still "not reached". An opt-out
    at the carrier is its own flag whatever the step (call instead).
    """
    if refusal == Refusal.OPTED_OUT:
        return FlagRequest(FlagKind.OPTED_OUT, Priority.INFO,
                           "the carrier reports the patient opted out of texts: call instead")
    if expects_reply or escalates:
        why = refusal.words if refusal is not None else "the carrier did not deliver it"
        if refusal in _THE_NUMBER:
            why += "; check the number with the patient"
        return FlagRequest(FlagKind.NOT_REACHED, Priority.HIGH if escalates else Priority.NORMAL,
                           f"{NOT_REACHED} — {step} did not reach them: {why}")
    if refusal in _THE_NUMBER:
        return FlagRequest(FlagKind.UNDELIVERABLE, Priority.HIGH,
                           f"the number cannot receive texts ({error}): check it with the patient")
    if refusal in (Refusal.UNREACHABLE, Refusal.BLOCKED, Refusal.UNKNOWN):
        return FlagRequest(FlagKind.UNDELIVERABLE, Priority.NORMAL,
                           f"{step} did not reach the patient: {refusal.words} ({error}); "
                           "not retried")
    return None  # for the operator (a system alert), or a failure without a reason
