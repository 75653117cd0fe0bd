"""Did the patient's pain improve (pure): the protocol's rule, written once, for triage's
day-10 flag, the patient page's chart and the reports.

A score has improved when it dropped from the baseline by at least the protocol's points
or by at least its percent of the baseline, whichever is easier to reach.

Short on purpose: three modules need the rule and none of them should own it.
"""

from __future__ import annotations

from reminders.core.protocol import Improvement


def improvement_line(baseline: int | None, threshold: Improvement) -> float | None:
    """The highest score that still counts as improved (None without a baseline); the
    chart draws it. At a baseline of 0 nothing can improve: the line is below 0."""
    if baseline is None:
        return None
    by_points = baseline - threshold.points
    by_percent = baseline * (1 - threshold.percent / 100) if baseline > 0 else by_points
    # Rounded to cents: the exact line is a multiple of 0.01 (whole baseline and percent),
    # so rounding undoes the float's error and a whole score compares exactly with it.
    return round(max(by_points, by_percent), 2)


def improved(baseline: int, score: int, threshold: Improvement) -> bool:
    """Whether `score` dropped from `baseline` by the protocol's points or percent."""
    line = improvement_line(baseline, threshold)
    assert line is not None  # a baseline always has a line
    return score <= line


def day10_improved(relief: str | None, score: int | None, baseline: int | None,
                   threshold: Improvement) -> bool | None:
    """The reports' reading of a day-10 answer: BETTER, or a score that dropped from the
    baseline by the protocol's threshold; None when the answer cannot tell. A reply with
    both a word and a score is read here by its word; triage's flag goes by the score."""
    if relief is not None:
        return relief == "better"
    if score is None or baseline is None:
        return None
    return improved(baseline, score, threshold)
