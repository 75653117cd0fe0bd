"""The pain chart's data (pure)."""

from datetime import timedelta

from reminders.core.protocol import Improvement
from reminders.core.trajectory import trajectory
from tests.conftest import utc

THRESHOLD = Improvement(points=2, percent=30)


def test_scores_are_placed_by_days_since_the_injection_in_order():
    injected = utc(2026, 6, 1, 15)
    data = trajectory(injected, 8, THRESHOLD, [
        (injected + timedelta(days=10, hours=1), 4, "day10-check"),
        (injected + timedelta(hours=1), 2, "pain-check"),
    ])
    assert [(p["day"], p["score"], p["label"]) for p in data["points"]] == [
        (round(1 / 24, 3), 2, "pain-check"), (round(10 + 1 / 24, 3), 4, "day10-check")]
    assert data["baseline"] == 8 and data["threshold"] == 6
    assert data["last_day"] == 11  # the half day after the last score, to a whole day


def test_the_days_run_to_the_last_planned_text_with_or_without_scores():
    injected = utc(2026, 6, 1, 15)
    plan = [injected + timedelta(hours=1), injected + timedelta(days=13, hours=20)]
    assert trajectory(injected, None, THRESHOLD, [], plan)["last_day"] == 14
    later_in_the_day = [injected + timedelta(days=14, hours=1)]  # still day 14
    assert trajectory(injected, None, THRESHOLD, [], later_in_the_day)["last_day"] == 14
    late_score = [(injected + timedelta(days=15, hours=2), 3, None)]
    assert trajectory(injected, None, THRESHOLD, late_score, plan)["last_day"] == 16
    assert trajectory(injected, None, THRESHOLD, [])["last_day"] == 1  # nothing planned yet
