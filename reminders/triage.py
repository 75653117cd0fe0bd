"""Triage (pure): what a parsed reply means for the clinic and what the patient is told.

Rules from the brief §3 (Replies, Escalation), thresholds from the protocol:
- STOP and its revocations opt the patient out (staff get an informational flag: call
  instead); START/UNSTOP, and YES when no question is open, opt back in; HELP is answered.
- Red-flag words raise an urgent flag and get the red-flag answer, whatever is asked.
- Day 10 ("escalates"): SAME or WORSE, or a score that has not dropped from the baseline
  by the protocol's threshold, raises "no improvement" and gets its answer.
- WORSE (or a score above the baseline) on any relief check raises "worsening".
- Anything not understood, ambiguous, or answering no open question needs review.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reminders.protocol import Improvement, ReplyKind
from reminders.reply_parser import Kind, Reading


class FlagKind(StrEnum):
    NO_IMPROVEMENT = "no_improvement"  # no improvement by day 10: consider further tests
    RED_FLAG = "red_flag"  # a symptom that needs a nurse now
    WORSENING = "worsening"  # worse on a relief check
    NO_RESPONSE = "no_response"  # silence on the day-10 check (raised by a sweep)
    UNDELIVERABLE = "undeliverable"  # the number cannot get texts (raised by delivery)
    OPTED_OUT = "opted_out"  # texts stopped: call the patient instead
    NEEDS_REVIEW = "needs_review"  # a person must read the reply


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    INFO = "info"


@dataclass(frozen=True)
class FlagRequest:
    kind: FlagKind
    priority: Priority
    reason: str


@dataclass(frozen=True)
class Question:
    """The open question a reply answers: the step that asked, and what it expects."""

    step: str
    expects: ReplyKind
    escalates: bool  # the day-10 check


@dataclass(frozen=True)
class Decision:
    flags: tuple[FlagRequest, ...] = ()
    answer: str | None = None  # a protocol answer: "help", "red_flag" or "no_improvement"
    consent: str | None = None  # "opt_out" or "opt_in" (the caller acts on opt_in only
    # for a patient who has opted out: a YES with no question open is otherwise harmless)


def improved(baseline: int, score: int, threshold: Improvement) -> bool:
    """Whether `score` dropped from `baseline` by the protocol's points or percent."""
    drop = baseline - score
    return drop >= threshold.points or (baseline > 0 and drop * 100 >= threshold.percent * baseline)


def relief_percent(baseline: int | None, score: int | None) -> float | None:
    """Percent relief against the baseline (the anaesthetic-window response shown to
    staff); None when either is missing or the baseline is 0 (nothing to relieve)."""
    if baseline is None or score is None or baseline == 0:
        return None
    return round((baseline - score) * 100 / baseline, 1)


def _flag(kind: FlagKind, priority: Priority, reason: str) -> FlagRequest:
    return FlagRequest(kind, priority, reason)


def _answer_to_question(reading: Reading, question: Question, threshold: Improvement,
                        baseline: int | None) -> tuple[list[FlagRequest], str | None]:
    review = [_flag(FlagKind.NEEDS_REVIEW, Priority.NORMAL,
                    f"reply to {question.step} was not a {question.expects.value} answer")]
    if question.expects == ReplyKind.PAIN_SCORE:
        return ([], None) if reading.score is not None else (review, None)
    if question.expects == ReplyKind.YES_NO:
        return ([], None) if reading.answer else (review, None)
    # RELIEF: better / same / worse, or a score compared with the baseline
    if reading.relief is None and reading.score is None:
        return review, None
    if reading.relief is None and baseline is None:
        return [_flag(FlagKind.NEEDS_REVIEW, Priority.NORMAL,
                      f"score {reading.score} on {question.step}, and no baseline to compare")], None
    worse = reading.relief == "worse" or (
        reading.relief is None and reading.score > baseline)
    not_improved = reading.relief in ("same", "worse") or (
        reading.relief is None and not improved(baseline, reading.score, threshold))
    flags = []
    if worse:
        flags.append(_flag(FlagKind.WORSENING, Priority.HIGH, f"worse on {question.step}"))
    if question.escalates and not_improved:
        flags.append(_flag(FlagKind.NO_IMPROVEMENT, Priority.HIGH,
                           "no improvement by day 10: consider further diagnostic tests"))
        return flags, "no_improvement"
    return flags, None


def triage(reading: Reading, question: Question | None, threshold: Improvement,
           baseline: int | None) -> Decision:
    if reading.keyword == "stop":
        return Decision(flags=(_flag(FlagKind.OPTED_OUT, Priority.INFO,
                                     "patient opted out of texts: call instead"),),
                        consent="opt_out")
    if reading.keyword == "start" or (question is None and reading.answer == "yes"):
        return Decision(consent="opt_in")
    if reading.keyword == "help":
        return Decision(answer="help")
    flags: list[FlagRequest] = []
    answer = None
    if reading.red_flags:
        flags.append(_flag(FlagKind.RED_FLAG, Priority.URGENT,
                           "red-flag words: " + ", ".join(reading.red_flags)))
        answer = "red_flag"  # whatever question is open
    if reading.kind == Kind.RED_FLAG:
        return Decision(flags=tuple(flags), answer=answer)
    if reading.kind in (Kind.AMBIGUOUS, Kind.UNKNOWN):
        what = "ambiguous" if reading.kind == Kind.AMBIGUOUS else "not understood"
        flags.append(_flag(FlagKind.NEEDS_REVIEW, Priority.NORMAL, f"reply {what}"))
        return Decision(flags=tuple(flags), answer=answer)
    if question is None:
        flags.append(_flag(FlagKind.NEEDS_REVIEW, Priority.NORMAL, "reply to no open question"))
        return Decision(flags=tuple(flags), answer=answer)
    more, question_answer = _answer_to_question(reading, question, threshold, baseline)
    return Decision(flags=tuple(flags + more), answer=answer or question_answer)
