"""Staff-facing words for stored codes: relative times, languages, costs, plurals."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.core.wording import (
    cost_note,
    encoding_note,
    language_name,
    local_words,
    plural,
    relative_time,
)
from tests.conftest import utc

NY = ZoneInfo("America/New_York")
NOW = utc(2026, 6, 2, 16, 0).astimezone(NY)  # Tue 2 Jun, 12:00 EDT


@pytest.mark.parametrize(("then", "words"), [
    (NOW, "just now"),
    (NOW - timedelta(seconds=59), "just now"),
    (NOW + timedelta(seconds=30), "just now"),
    (NOW - timedelta(minutes=1), "1 min ago"),
    (NOW - timedelta(minutes=5, seconds=50), "5 min ago"),
    (NOW - timedelta(minutes=59), "59 min ago"),
    (NOW - timedelta(hours=1), "1 h ago"),
    (NOW - timedelta(hours=3, minutes=59), "3 h ago"),
    (NOW - timedelta(hours=23, minutes=59), "23 h ago"),
    (NOW - timedelta(hours=24), "yesterday"),
    (NOW - timedelta(hours=36), "yesterday"),  # Mon 00:00: still the day before
    (NOW - timedelta(hours=37), "2 days ago"),  # Sun 23:00
    (NOW - timedelta(days=9), "9 days ago"),
    (NOW + timedelta(minutes=20), "in 20 min"),
    (NOW + timedelta(hours=5), "in 5 h"),
    (NOW + timedelta(hours=30), "tomorrow"),
    (NOW + timedelta(days=2), "in 2 days"),
])
def test_relative_time_says_how_long_ago_in_words(then, words):
    assert relative_time(then, NOW) == words


def test_relative_time_counts_days_in_the_zone_of_now():
    # Sun 31 May 23:00 EDT seen 25 h later, at midnight starting Tue 2 Jun in New York:
    # two calendar days back there, though only one in UTC (1 Jun 03:00 → 2 Jun 04:00).
    then = utc(2026, 6, 1, 3, 0)
    assert relative_time(then, utc(2026, 6, 2, 4, 0).astimezone(NY)) == "2 days ago"
    assert relative_time(then, utc(2026, 6, 2, 4, 0)) == "yesterday"


def test_relative_time_never_shows_zero_hours():
    for seconds in range(0, 3600 * 30, 97):
        assert relative_time(NOW - timedelta(seconds=seconds), NOW) not in ("0 h ago", "0 min ago")


@pytest.mark.parametrize(("code", "name"), [("en", "English"), ("es", "Spanish"),
                                            ("fr", "fr"), (None, "not set")])
def test_a_language_is_named_not_coded(code, name):
    assert language_name(code) == name


def test_a_segment_count_is_a_cost_in_texts():
    assert cost_note(1) == "1 text's worth"
    assert cost_note(2) == "2 texts' worth"
    assert encoding_note("GSM-7").startswith("GSM-7: basic SMS alphabet")
    assert encoding_note("UCS-2").startswith("UCS-2: a character outside")


def test_plurals_are_words_not_brackets():
    assert plural(1, "score") == "1 score"
    assert plural(2, "score") == "2 scores"
    assert plural(0, "reply", "replies") == "0 replies"


def test_an_instant_is_shown_on_the_local_wall_clock_in_words():
    assert local_words(utc(2026, 6, 2, 13, 30), NY) == "Tue 2 Jun, 09:30"
    assert local_words(utc(2026, 12, 25, 14, 5), NY) == "Fri 25 Dec, 09:05"
