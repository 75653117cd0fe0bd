"""When an unread reply is tried again, and when the sweep stops and flags it (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from reminders.core.reply_retry import backoff, first_attempt_due, next_attempt

NOW = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)


def test_the_wait_doubles_from_thirty_seconds_up_to_five_minutes():
    assert [backoff(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert backoff(10_000) == timedelta(minutes=5)


def test_a_failed_attempt_is_tried_again_until_the_last_one_then_given_up():
    assert next_attempt(1, NOW, 3) == NOW + timedelta(seconds=30)
    assert next_attempt(2, NOW, 3) == NOW + timedelta(minutes=1)
    assert next_attempt(3, NOW, 3) is None
    assert next_attempt(7, NOW, 3) is None


def test_one_allowed_attempt_gives_up_at_the_first_failure():
    assert next_attempt(1, NOW, 1) is None


def test_every_default_attempt_happens_within_ten_minutes_of_the_first():
    # the default /healthz alarm is 10 minutes: a reply that cannot be read is flagged first
    at, failures = first_attempt_due(NOW), 1
    while (due := next_attempt(failures, at)) is not None:
        at, failures = due, failures + 1
    assert at - NOW < timedelta(minutes=10)


def test_a_just_stored_reply_is_left_to_the_webhook_for_a_minute():
    assert first_attempt_due(NOW) == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(("failures", "most"), [(0, 5), (1, 0), (-1, 5)])
def test_nonsense_counts_are_refused(failures, most):
    with pytest.raises(ValueError):
        next_attempt(failures, NOW, most)
