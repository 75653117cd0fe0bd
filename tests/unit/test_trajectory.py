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
    assert data["last_day"] == round(10 + 1 / 24, 3) + 0.5
