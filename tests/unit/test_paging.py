"""The paging rules (pure): who is on call, which round is due, whom it asks, what a
staff member's text means."""

from datetime import timedelta

import pytest

from reminders.core.paging import (
    CHAIN,
    RoundSoFar,
    Shift,
    next_round,
    on_call,
    page_text,
    pages_for,
    read_staff_text,
    targets,
)
from reminders.core.triage import FlagKind, Priority
from tests.conftest import utc

AT = utc(2026, 12, 24, 3, 0)
DEADLINE = timedelta(minutes=15)
DEFAULT = Shift(1, on_call=10, backup=11)
WEEK = Shift(2, on_call=20, backup=None, starts_at=AT - timedelta(days=3), ends_at=AT + timedelta(days=4))
EVENING = Shift(3, on_call=30, backup=31, starts_at=AT - timedelta(hours=2), ends_at=AT + timedelta(hours=6))


def test_the_latest_starting_shift_covering_now_wins_else_the_default():
    assert on_call([DEFAULT, WEEK, EVENING], AT) == EVENING
    assert on_call([DEFAULT, WEEK, EVENING], AT + timedelta(hours=6)) == WEEK  # the end is open
    assert on_call([DEFAULT, WEEK], AT + timedelta(days=5)) == DEFAULT
    assert on_call([WEEK], AT + timedelta(days=5)) is None
    assert on_call([], AT) is None


def test_urgent_flags_and_chosen_kinds_page():
    assert pages_for(FlagKind.RED_FLAG, Priority.URGENT, set())
    assert not pages_for(FlagKind.PHOTO, Priority.HIGH, set())
    assert pages_for(FlagKind.PHOTO, Priority.HIGH, {FlagKind.PHOTO})


def test_rounds_follow_the_deadline_and_skip_it_when_nobody_was_reached():
    assert next_round(None, AT, DEADLINE) == 1
    sent = RoundSoFar(1, AT, all_failed=False)
    assert next_round(sent, AT + DEADLINE - timedelta(seconds=1), DEADLINE) is None
    assert next_round(sent, AT + DEADLINE, DEADLINE) == 2
    assert next_round(RoundSoFar(2, AT, all_failed=True), AT, DEADLINE) == 3
    assert next_round(RoundSoFar(len(CHAIN), AT, all_failed=True), AT + DEADLINE * 9, DEADLINE) is None


def test_each_round_asks_the_next_in_line_and_a_missing_link_falls_to_the_admins():
    admins = (90, 91)
    assert [targets(n, EVENING, admins) for n in (1, 2, 3, 4)] == [(30,), (30,), (31,), admins]
    assert targets(3, WEEK, admins) == admins  # no backup
    assert targets(1, None, admins) == admins  # no rota at all


def test_the_page_names_a_flag_and_a_link_only():
    text = page_text("Example Pain Clinic", 42, "https://clinic.example/flags/42", 1)
    assert text == ("Example Pain Clinic: flag 42 needs you now. https://clinic.example/flags/42 "
                    "Reply ACK 42 when you have it.")
    assert "not acknowledged yet" in page_text("Example Pain Clinic", 42, "x", 2)


@pytest.mark.parametrize(("body", "ack", "flag"), [
    ("ACK 12", True, 12), ("ack #12", True, 12), ("Ack: 12.", True, 12), ("  ack12 ", True, 12),
    ("Acknowledged 7", True, 7), ("ack", True, None), ("ACK!", True, None),
    ("acknowledge", True, None), ("back 12", False, None), ("ack 12 and 13", False, None),
    ("I'll call her", False, None), ("", False, None), ("ack 1234567890", False, None),
])
def test_a_staff_text_is_an_ack_only_when_it_says_so(body, ack, flag):
    command = read_staff_text(body)
    assert (command.ack, command.flag_id) == (ack, flag)
