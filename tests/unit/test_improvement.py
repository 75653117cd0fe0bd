"""Whether pain improved (pure): one rule for triage, the chart and the reports."""

import pytest

from reminders.core.improvement import day10_improved, improved, improvement_line
from reminders.core.protocol import Improvement

THRESHOLD = Improvement(points=2, percent=30)


def test_the_improvement_line_is_the_easier_of_points_and_percent():
    assert improvement_line(7, THRESHOLD) == 5  # 2 points beat 30 % (4.9)
    assert improvement_line(10, THRESHOLD) == 8  # 2 points (8) beat 30 % (7)
    assert improvement_line(3, THRESHOLD) == 2.1  # a drop of 1 is 33 %: a 2 counts
    assert improvement_line(0, THRESHOLD) == -2  # nothing to improve: no score is under it
    assert improvement_line(None, THRESHOLD) is None


@pytest.mark.parametrize("threshold", [Improvement(points=p, percent=c)
                                       for p in (1, 2, 3, 5, 10) for c in (1, 10, 30, 33, 50, 100)])
def test_a_score_improved_when_it_dropped_by_the_points_or_the_percent_exactly(threshold):
    # the line is a float: whole scores must still compare with it exactly at the boundary
    for baseline in range(11):
        for score in range(11):
            drop = baseline - score
            expected = drop >= threshold.points or (
                baseline > 0 and drop * 100 >= threshold.percent * baseline)
            assert improved(baseline, score, threshold) is expected, (baseline, score)


@pytest.mark.parametrize(("relief", "score", "baseline", "expected"), [
    ("better", None, None, True),
    ("same", None, 7, False),
    ("worse", 2, 7, False),  # the word wins (triage's flag goes by the score)
    (None, 5, 7, True),  # dropped 2 points
    (None, 6, 7, False),
    (None, 7, 10, True),  # dropped 30 %
    (None, 3, None, None),  # no baseline: cannot tell
    (None, None, 7, None),
])
def test_the_reports_read_a_day10_answer_by_its_word_else_its_score(relief, score, baseline,
                                                                     expected):
    assert day10_improved(relief, score, baseline, THRESHOLD) is expected
