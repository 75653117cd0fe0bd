"""Phone-shaped text in log lines is masked to its last 2 digits (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.core.redact import mask_phones

FORMS = ["+13125550101", "(312) 555-0101", "312-555-0101", "312.555.0101", "312 555 0101",
         "1-312-555-0101", "+1 (312) 555-0101", "3125550101", "13125550101", "+1 312 555 0101",
         "To=%2B13125550101", "+44 20 7946 0958", "+442079460958"]


@pytest.mark.parametrize("number", FORMS)
def test_every_shape_of_a_phone_number_keeps_only_its_last_two_digits(number):
    line = f"sending to {number}: failed"
    masked = mask_phones(line)
    digits = "".join(ch for ch in number.removeprefix("To=%2B") if ch.isdigit())
    assert digits[-3:] not in masked.replace(digits[-2:], "")[len("sending to"):]
    assert masked.endswith(f"{digits[-2:]}: failed")
    assert masked.startswith("sending to ")


@pytest.mark.parametrize("line", [
    "2026-06-01 17:00:00,123 INFO reminders.dispatcher: sent 3 texts in 0.25 s",
    "claimed outbox 12, 47 and 301", "SM0123456789abcdef0123456789abcdef delivered",
    "patient ***0101 replied", "ids 1234 5678", "version 3.12.1",
])
def test_lines_without_a_phone_number_are_unchanged(line):
    assert mask_phones(line) == line


@given(st.from_regex(r"\+1[2-9][0-9]{2}555[0-9]{4}", fullmatch=True), st.text(), st.text())
def test_an_e164_number_anywhere_in_a_line_never_survives(number, before, after):
    masked = mask_phones(f"{before} {number} {after}")
    assert number not in masked
    assert number[1:-2] not in masked.replace("*", "") or number[1:-2] in before + after
