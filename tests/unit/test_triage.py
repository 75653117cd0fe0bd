"""Triage: each flag kind from the situation that should raise it, and from nothing else."""

import pytest

from reminders.protocol import Improvement, ReplyKind
from reminders.reply_parser import parse_reply
from reminders.triage import (
    FlagKind,
    Priority,
    Question,
    improved,
    relief_percent,
    triage,
)

THRESHOLD = Improvement(points=2, percent=30)
PAIN = Question("pain-check", ReplyKind.PAIN_SCORE, escalates=False)
RELIEF3 = Question("relief-check-day3", ReplyKind.RELIEF, escalates=False)
DAY10 = Question("day10-check", ReplyKind.RELIEF, escalates=True)
RED = {"en": ["fever", "swollen"], "es": ["fiebre"]}


def decide(body, question, baseline=7):
    return triage(parse_reply(body, RED), question, THRESHOLD, baseline)


def kinds(decision):
    return [f.kind for f in decision.flags]


@pytest.mark.parametrize(("body", "question", "baseline", "flags", "answer"), [
    # day 10: no improvement, in words or by score against the baseline
    ("same", DAY10, 7, [FlagKind.NO_IMPROVEMENT], "no_improvement"),
    ("igual", DAY10, 7, [FlagKind.NO_IMPROVEMENT], "no_improvement"),
    ("not better", DAY10, 7, [FlagKind.NO_IMPROVEMENT], "no_improvement"),
    ("worse", DAY10, 7, [FlagKind.WORSENING, FlagKind.NO_IMPROVEMENT], "no_improvement"),
    ("6", DAY10, 7, [FlagKind.NO_IMPROVEMENT], "no_improvement"),  # dropped 1 point, 14%
    ("5", DAY10, 7, [], None),  # dropped 2 points: improved
    ("9", DAY10, 10, [FlagKind.NO_IMPROVEMENT], "no_improvement"),  # 1 point, 10%
    ("2", DAY10, 3, [], None),  # 1 point but 33%: improved
    ("better", DAY10, 7, [], None),
    ("mejor", DAY10, None, [], None),
    ("4", DAY10, None, [FlagKind.NEEDS_REVIEW], None),  # no baseline to compare
    # other relief checks: only worse is flagged
    ("worse", RELIEF3, 7, [FlagKind.WORSENING], None),
    ("peor", RELIEF3, 7, [FlagKind.WORSENING], None),
    ("same", RELIEF3, 7, [], None),
    ("8", RELIEF3, 7, [FlagKind.WORSENING], None),  # above the baseline
    ("7", RELIEF3, 7, [], None),
    # the pain check wants a score
    ("3", PAIN, 7, [], None),
    ("better", PAIN, 7, [FlagKind.NEEDS_REVIEW], None),
    # red flags: urgent answer whatever is asked, even with a score
    ("fever 3", PAIN, 7, [FlagKind.RED_FLAG], "red_flag"),
    ("tengo fiebre", DAY10, 7, [FlagKind.RED_FLAG], "red_flag"),
    ("swollen and worse", DAY10, 7,
     [FlagKind.RED_FLAG, FlagKind.WORSENING, FlagKind.NO_IMPROVEMENT], "red_flag"),
    ("fever", None, 7, [FlagKind.RED_FLAG], "red_flag"),
    # not understood, ambiguous, or no open question: a person reads it
    ("4-6", DAY10, 7, [FlagKind.NEEDS_REVIEW], None),
    ("who is this", RELIEF3, 7, [FlagKind.NEEDS_REVIEW], None),
    ("3", None, 7, [FlagKind.NEEDS_REVIEW], None),
    ("", PAIN, 7, [FlagKind.NEEDS_REVIEW], None),
])
def test_flags_and_answers(body, question, baseline, flags, answer):
    decision = decide(body, question, baseline)
    assert (kinds(decision), decision.answer) == (flags, answer)


def test_keywords_change_consent_and_never_raise_other_flags():
    stop = decide("STOP", DAY10)
    assert (stop.consent, kinds(stop), stop.answer) == ("opt_out", [FlagKind.OPTED_OUT], None)
    assert stop.flags[0].priority == Priority.INFO
    assert decide("no más mensajes", None).consent == "opt_out"
    assert decide("START", None) == decide("unstop", DAY10)
    assert decide("START", None).consent == "opt_in" and not decide("START", None).flags
    assert decide("yes", None).consent == "opt_in"  # YES with no question open
    assert decide("yes", Question("q", ReplyKind.YES_NO, False)).consent is None
    assert decide("HELP", PAIN).answer == "help" and not decide("HELP", PAIN).flags


def test_priorities():
    assert decide("fever", PAIN).flags[0].priority == Priority.URGENT
    assert decide("same", DAY10).flags[0].priority == Priority.HIGH
    assert decide("??", PAIN).flags[0].priority == Priority.NORMAL


def test_improvement_uses_points_or_percent_and_relief_is_a_percent_of_baseline():
    assert improved(7, 5, THRESHOLD)  # 2 points
    assert improved(3, 2, THRESHOLD)  # 1 point but 33%
    assert not improved(10, 9, THRESHOLD)  # 1 point, 10%
    assert relief_percent(8, 2) == 75.0
    assert relief_percent(None, 2) is None and relief_percent(0, 0) is None
    assert relief_percent(4, 6) == -50.0  # worse than before is shown as such
