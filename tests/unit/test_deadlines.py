from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.core.deadlines import (
    DEFAULT_DEADLINES,
    BusinessHours,
    due_by,
    parse_days,
    parse_deadlines,
    parse_hours,
)
from reminders.core.triage import Priority

CHICAGO = ZoneInfo("America/Chicago")
CLINIC = BusinessHours(time(8), time(17), frozenset(range(5)), CHICAGO)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def test_a_deadline_inside_opening_hours_is_plain_elapsed_time():
    assert due_by(local(2026, 6, 2, 10), Priority.URGENT, CLINIC, DEFAULT_DEADLINES) == local(
        2026, 6, 2, 10, 15)


def test_the_clock_stops_at_closing_and_runs_on_at_the_next_opening():
    # Tuesday 16:30 + 1 h of open time: 30 min today, 30 min on Wednesday morning
    assert CLINIC.add(local(2026, 6, 2, 16, 30), timedelta(hours=1)) == local(2026, 6, 3, 8, 30)


def test_a_flag_raised_at_night_or_at_the_weekend_starts_at_the_next_opening():
    assert due_by(local(2026, 6, 2, 22), Priority.URGENT, CLINIC, DEFAULT_DEADLINES) == local(
        2026, 6, 3, 8, 15)
    friday_evening = local(2026, 6, 5, 18)
    assert due_by(friday_evening, Priority.NORMAL, CLINIC, DEFAULT_DEADLINES) == local(
        2026, 6, 8, 12)


def test_open_time_between_two_instants_skips_nights_and_weekends():
    assert CLINIC.between(local(2026, 6, 5, 16), local(2026, 6, 8, 9)) == timedelta(hours=2)
    assert CLINIC.between(local(2026, 6, 8, 9), local(2026, 6, 8, 9)) == timedelta(0)


def test_daylight_saving_does_not_move_the_opening_hours():
    # the Monday after the spring change: still 08:00 local
    assert CLINIC.add(local(2026, 3, 7, 12), timedelta(minutes=15)) == local(2026, 3, 9, 8, 15)


@pytest.mark.parametrize(("raw", "days"), [
    ("Mon-Fri", {0, 1, 2, 3, 4}), ("mon,wed,fri", {0, 2, 4}), ("Mon-Fri, Sat", set(range(6))),
    ("Sat-Mon", {5, 6, 0}),
])
def test_days_are_read_as_clinics_write_them(raw, days):
    assert parse_days(raw) == frozenset(days)


@pytest.mark.parametrize(("parse", "raw", "words"), [
    (parse_days, "Mon-Fry", "'Mon-Fry' is not a day"),
    (parse_hours, "17:00-08:00", "must close after it opens"),
    (parse_hours, "9 to 5", "is not a span of hours"),
    (parse_deadlines, "critical=5m", "'critical' is not a priority"),
    (parse_deadlines, "high=soon", "is not a duration"),
])
def test_a_bad_setting_says_what_is_wrong(parse, raw, words):
    with pytest.raises(ValueError, match=words):
        parse(raw)


def test_deadlines_given_override_the_defaults_only_for_their_priority():
    deadlines = parse_deadlines("urgent=5m, info=1d")
    assert deadlines[Priority.URGENT] == timedelta(minutes=5)
    assert deadlines[Priority.HIGH] == DEFAULT_DEADLINES[Priority.HIGH]


def test_a_clinic_that_never_opens_is_an_error_not_a_hang():
    closed = BusinessHours(time(8), time(17), frozenset(), CHICAGO)
    with pytest.raises(ValueError, match="never open"):
        closed.add(local(2026, 6, 2, 10), timedelta(minutes=1))
