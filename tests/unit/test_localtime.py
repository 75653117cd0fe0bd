from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.core.localtime import QuietHours, parse_clock, parse_duration, resolve_local
from tests.conftest import utc

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)),
    ("1h30m", timedelta(minutes=90)), ("10d", timedelta(days=10)), ("0m", timedelta(0)),
])
def test_parses_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "2 hours", "h", "1.5h", "-2h", None, 3.5])
def test_rejects_bad_durations(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


def test_a_bare_yaml_time_gets_a_hint_to_quote_it():
    with pytest.raises(ValueError, match="in quotes"):
        parse_clock(600)  # YAML 1.1 reads 10:00 as 600


@pytest.mark.parametrize("text", ["25:00", "9:00", "12:60", "noon"])
def test_rejects_bad_clock_times(text):
    with pytest.raises(ValueError, match="is not a time"):
        parse_clock(text)


def test_a_time_in_the_spring_forward_gap_moves_to_the_first_valid_instant():
    # 2026-03-08 02:30 does not exist in New York: clocks jump 02:00 EST → 03:00 EDT
    instant = resolve_local(date(2026, 3, 8), time(2, 30), NY)
    assert instant == utc(2026, 3, 8, 7, 0)
    assert instant.astimezone(NY).strftime("%H:%M %Z") == "03:00 EDT"


def test_an_ambiguous_fall_back_time_takes_the_first_occurrence():
    # 2026-11-01 01:30 happens twice in New York: first EDT (05:30Z), then EST (06:30Z)
    assert resolve_local(date(2026, 11, 1), time(1, 30), NY) == utc(2026, 11, 1, 5, 30)


def test_quiet_hours_are_open_from_start_to_just_before_end():
    window = QuietHours(time(9), time(20))
    assert window.contains(utc(2026, 6, 1, 13, 0), NY)  # 09:00 EDT
    assert not window.contains(utc(2026, 6, 1, 12, 59), NY)  # 08:59 EDT
    assert not window.contains(utc(2026, 6, 2, 0, 0), NY)  # 20:00 EDT


def test_next_opening_is_today_before_the_window_and_tomorrow_after_it():
    window = QuietHours(time(9), time(20))
    assert window.next_opening(utc(2026, 6, 1, 11, 0), NY) == utc(2026, 6, 1, 13, 0)
    assert window.next_opening(utc(2026, 6, 2, 1, 0), NY) == utc(2026, 6, 2, 13, 0)
    inside = utc(2026, 6, 1, 15, 0)
    assert window.next_opening(inside, NY) == inside
