"""Which refusal on which step raises which flag, at which priority (core/reach.py)."""

import pytest

from reminders.core.reach import NOT_REACHED, Refusal, refusal_flag
from reminders.core.triage import FlagKind, Priority

REACHING = [r for r in Refusal if r != Refusal.OPTED_OUT]


@pytest.mark.parametrize("refusal", [*REACHING, None])
def test_a_day10_check_that_did_not_reach_the_patient_is_a_high_not_reached_flag(refusal):
    flag = refusal_flag(refusal, "day10-check", expects_reply=True, escalates=True, error="x")
    assert flag is not None
    assert (flag.kind, flag.priority) == (FlagKind.NOT_REACHED, Priority.HIGH)
    assert flag.reason.startswith(NOT_REACHED) and "day10-check" in flag.reason


@pytest.mark.parametrize("refusal", [*REACHING, None])
def test_another_question_that_did_not_reach_the_patient_is_a_normal_not_reached_flag(refusal):
    flag = refusal_flag(refusal, "relief-check-day3", expects_reply=True, escalates=False)
    assert flag is not None
    assert (flag.kind, flag.priority) == (FlagKind.NOT_REACHED, Priority.NORMAL)


@pytest.mark.parametrize(("refusal", "words"), [
    (Refusal.FILTERED, "the carrier blocked it as unwanted"),
    (Refusal.LANDLINE, "a landline or a phone that cannot get texts"),
    (Refusal.UNREACHABLE, "the phone was off or out of reach of the network"),
    (Refusal.SENDER, "the clinic's sending number is not registered with the carriers"),
    (None, "the carrier did not deliver it"),
])
def test_the_reason_says_why_in_plain_words(refusal, words):
    flag = refusal_flag(refusal, "day10-check", expects_reply=True, escalates=True,
                        error="30007: undelivered (filtered)")
    assert flag is not None and words in flag.reason
    assert "30007" not in flag.reason  # staff read words, not the provider's codes


def test_a_wrong_number_on_a_question_also_says_to_check_the_number():
    flag = refusal_flag(Refusal.INVALID_NUMBER, "day10-check", expects_reply=True, escalates=True)
    assert flag is not None and "check the number with the patient" in flag.reason


@pytest.mark.parametrize("refusal", list(Refusal))
def test_every_refusal_has_plain_words(refusal):
    assert refusal.words and not any(ch.isdigit() for ch in refusal.words)
    assert len(refusal.value) <= 16  # the stored enum's length


@pytest.mark.parametrize(("refusal", "expected"), [
    (Refusal.INVALID_NUMBER, (FlagKind.UNDELIVERABLE, Priority.HIGH)),
    (Refusal.LANDLINE, (FlagKind.UNDELIVERABLE, Priority.HIGH)),
    (Refusal.UNREACHABLE, (FlagKind.UNDELIVERABLE, Priority.NORMAL)),
    (Refusal.BLOCKED, (FlagKind.UNDELIVERABLE, Priority.NORMAL)),
    (Refusal.UNKNOWN, (FlagKind.UNDELIVERABLE, Priority.NORMAL)),
    (Refusal.FILTERED, None), (Refusal.SENDER, None), (Refusal.SUSPENDED, None),
    (Refusal.ACCOUNT, None), (None, None),
])
def test_on_an_advice_step_only_the_patients_number_is_staff_work(refusal, expected):
    flag = refusal_flag(refusal, "ice-day2", expects_reply=False, escalates=False, error="e")
    assert (None if flag is None else (flag.kind, flag.priority)) == expected


@pytest.mark.parametrize("escalates", [True, False])
def test_an_opt_out_at_the_carrier_is_its_own_flag_on_any_step(escalates):
    flag = refusal_flag(Refusal.OPTED_OUT, "day10-check", expects_reply=escalates,
                        escalates=escalates)
    assert flag is not None
    assert (flag.kind, flag.priority) == (FlagKind.OPTED_OUT, Priority.INFO)


def test_refusals_every_patient_gets_alike_are_the_operators():
    assert {r for r in Refusal if r.for_operator} == {
        Refusal.FILTERED, Refusal.SENDER, Refusal.SUSPENDED, Refusal.ACCOUNT}
