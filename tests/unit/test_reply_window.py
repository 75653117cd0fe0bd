from datetime import timedelta

from reminders.core.reply_window import window_closes, window_open
from tests.conftest import utc

SENT = utc(2026, 6, 1, 14, 0)


def test_a_reply_inside_the_window_answers_the_text():
    assert window_open(SENT, 3600, SENT + timedelta(minutes=59, seconds=59))


def test_the_window_is_closed_at_its_last_instant_and_after():
    assert window_closes(SENT, 3600) == SENT + timedelta(hours=1)
    assert not window_open(SENT, 3600, SENT + timedelta(hours=1))
    assert not window_open(SENT, 3600, SENT + timedelta(days=2))


def test_a_text_without_a_window_or_not_yet_sent_is_answered_by_nothing():
    assert window_closes(SENT, None) == SENT
    assert not window_open(SENT, None, SENT)
    assert not window_open(None, 3600, SENT)
