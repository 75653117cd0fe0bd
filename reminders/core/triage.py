"""Triage (pure): what a reading means for the clinic and what the patient is told.

Every finding is acted on (the brief §3, Replies and Escalation):
- A request to stop opts the patient out (staff get an informational flag: call instead);
  START and its plain-word forms, and YES when no question is open, opt back in; HELP is
  answered. A request is never all a message says: what else it carries is acted on too.
- A symptom the patient reports for themselves (or may be reporting: the safe side) raises
  its concept's flag: a red flag is urgent and gets the red-flag answer whatever is asked,
  with an opt-out in the same message too. Denied, resolved, hypothetical and someone
  else's symptoms are recorded and raise nothing.
- Day 10 ("escalates"): same, no effect, worse, or a score that has not dropped from the
  baseline by the protocol's threshold raises "no improvement" and gets its answer.
- Worse, or a score above the baseline, on any check raises "worsening". On the pain check
  (the anaesthetic window, when the joint should be numb) a score above the baseline is
  flagged at normal priority: no diagnostic response, and more pain than before.
- What cannot be read without guessing (a range, two scores, a decimal, a percentage, a
  relief word that disagrees with the score against the baseline, better and worse at
  once), a question for the clinic, anything not understood and an answer to no open
  question go to a person: at high priority on the day-10 check, normal otherwise.
- A picture (MMS) raises "photo received: look at it" (high). A picture with no words is
  not "not understood": the picture is what the patient said; words with it are read as usual.
- An answer to a staff member's text (free text) goes to that staff member: a review flag
  "answer to kim's text" addressed to them, whatever it says, carrying every other reason
  for a person to read it (a question, a call request, a concern). What is more urgent
  is not folded in: a red flag is still its own urgent flag with its answer, a photo its
  own flag, and an opt-out still opts out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from reminders.core.improvement import improved
from reminders.core.protocol import Improvement, ReplyKind
from reminders.core.reading.findings import Assertion, Reading, Unclear, What
from reminders.core.reading.plain_words import UNCLEAR_WORDS
from reminders.core.reading.vocabulary import Symptom


class FlagKind(StrEnum):
    NO_IMPROVEMENT = "no_improvement"  # no improvement by day 10: consider further tests
    RED_FLAG = "red_flag"  # a symptom that needs a nurse now
    WORSENING = "worsening"  # worse on a relief check
    NO_RESPONSE = "no_response"  # silence on the day-10 check (raised by a sweep)
    UNDELIVERABLE = "undeliverable"  # the number cannot get texts (raised by delivery)
    NOT_REACHED = "not_reached"  # a question that never reached the patient: call them
    OPTED_OUT = "opted_out"  # texts stopped: call the patient instead
    NEEDS_REVIEW = "needs_review"  # a person must read the reply
    REPLY_UNREAD = "reply_unread"  # urgent: the service could not read a reply at all
    PHOTO = "photo"  # the patient sent a picture: a person must look at it


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    INFO = "info"


_RANK = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.INFO]


@dataclass(frozen=True)
class FlagRequest:
    kind: FlagKind
    priority: Priority
    reason: str
    assigned_to: str | None = None  # the staff member it is for (anyone: None)


@dataclass(frozen=True)
class Question:
    """The open question a reply answers: the step that asked, and what it expects."""

    step: str
    expects: ReplyKind
    escalates: bool  # the day-10 check
    asked_by: str | None = None  # the staff member who wrote it (a staff text)
    title: str = ""  # what staff call the step ("Day 10 check"); reasons use it, not the id

    @property
    def named(self) -> str:
        return self.title or self.step


@dataclass(frozen=True)
class Decision:
    flags: tuple[FlagRequest, ...] = ()
    answer: str | None = None  # a protocol answer: "help", "red_flag" or "no_improvement"
    consent: str | None = None  # "opt_out" or "opt_in" (the caller acts on opt_in only
    # for a patient who has opted out: a YES with no question open is otherwise harmless)


def relief_percent(baseline: int | None, score: int | None) -> float | None:
    """Percent relief against the baseline (the anaesthetic-window response shown to
    staff); None when either is missing or the baseline is 0 (nothing to relieve)."""
    if baseline is None or score is None or baseline == 0:
        return None
    return round((baseline - score) * 100 / baseline, 1)




class _Flags:
    """Flag requests as triage collects them: one per kind, reasons joined."""

    def __init__(self) -> None:
        self._by_kind: dict[FlagKind, tuple[Priority, list[str]]] = {}

    def add(self, kind: FlagKind, priority: Priority, reason: str) -> None:
        old_priority, reasons = self._by_kind.get(kind, (priority, []))
        if reason not in reasons:
            reasons.append(reason)
        self._by_kind[kind] = (min(old_priority, priority, key=_RANK.index), reasons)

    def __contains__(self, kind: FlagKind) -> bool:
        return kind in self._by_kind

    def requests(self, reviewer: str | None = None) -> tuple[FlagRequest, ...]:
        """The requests; the review flag addressed to `reviewer`, if one is named."""
        return tuple(FlagRequest(kind, priority, "; ".join(reasons),
                                 reviewer if kind == FlagKind.NEEDS_REVIEW else None)
                     for kind, (priority, reasons) in self._by_kind.items())


def triage(reading: Reading, question: Question | None, threshold: Improvement,
           baseline: int | None, symptoms: Mapping[str, Symptom] | None = None,
           pictures: int = 0) -> Decision:
    flags = _Flags()
    reading = reading.with_pictures(pictures)
    if pictures:
        flags.add(FlagKind.PHOTO, Priority.HIGH, "photo received: look at it" if pictures == 1
                  else f"{pictures} photos received: look at them")
    photo_only = bool(pictures) and not reading.findings
    review = Priority.HIGH if question and question.escalates else Priority.NORMAL
    free = question is not None and question.expects == ReplyKind.FREE_TEXT
    if free:  # first, so its reason leads the flag it shares with the others
        assert question is not None
        flags.add(FlagKind.NEEDS_REVIEW, review, f"answer to {_whose(question)}")
    requests = reading.requests
    consent = None
    if "opt_out" in requests:
        consent = "opt_out"
        flags.add(FlagKind.OPTED_OUT, Priority.INFO, "patient opted out of texts: call instead")
        if "opt_in" in requests:
            flags.add(FlagKind.NEEDS_REVIEW, review, "asked both to stop and to start texts")
    elif "opt_in" in requests or (question is None and reading.answer == "yes"):
        consent = "opt_in"
    red = _symptoms(reading, question, symptoms or {}, flags, review)

    substance = [f for f in reading.findings
                 if f.what not in (What.REQUEST, What.SYMPTOM, What.NUMBER)
                 and not (f.what == What.UNCLEAR and f.value == Unclear.NOT_UNDERSTOOD)]
    answer_found = False
    no_improvement = False
    if question is not None:
        answer_found, no_improvement = _answer(reading, question, threshold, baseline, flags,
                                               review)
    for finding in reading.of(What.UNCLEAR):
        if finding.value == Unclear.NOT_UNDERSTOOD and (requests or red or free):
            continue  # (free text is not meant to be understood here: a person reads it)
        if (finding.value == Unclear.RELIEF_CONFLICT and question is not None
                and question.expects == ReplyKind.PAIN_SCORE and reading.score is not None):
            continue  # the pain check asked for a number, and got one
        flags.add(FlagKind.NEEDS_REVIEW, review, f"{UNCLEAR_WORDS[Unclear(finding.value)]}: "
                  f"'{finding.words}'")
    if reading.of(What.QUESTION):
        flags.add(FlagKind.NEEDS_REVIEW, review, "the patient asks a question")
    if "call" in requests:
        flags.add(FlagKind.NEEDS_REVIEW, Priority.HIGH, "the patient asks for a call")
    for finding in reading.of(What.NUMBER):
        if finding.value == "phone":  # a new number, a number to call: staff check it
            flags.add(FlagKind.NEEDS_REVIEW, review, f"gives a phone number: '{finding.words}'")
    for finding in reading.of(What.REQUEST, affirmed=False):
        if finding.value == "opt_out" and finding.assertion in (Assertion.HYPOTHETICAL,
                                                                Assertion.OTHER_PERSON):
            flags.add(FlagKind.NEEDS_REVIEW, review, "mentions stopping the texts without "
                      f"asking to ({finding.assertion.value.replace('_', ' ')}): "
                      f"'{finding.words}'")
    if question is None and substance and not (requests or red or consent == "opt_in"):
        flags.add(FlagKind.NEEDS_REVIEW, Priority.NORMAL, "reply to no open question")
    elif question is not None and not answer_found and not (requests or red or photo_only):
        flags.add(FlagKind.NEEDS_REVIEW, review,
                  f"reply to {question.named} is not a "
                  f"{question.expects.value.replace('_', ' ')} answer")

    answer = ("red_flag" if red else "no_improvement" if no_improvement
              else "help" if "help" in requests else None)
    return Decision(flags=flags.requests(question.asked_by if question else None),
                    answer=answer, consent=consent)


def _whose(question: Question) -> str:
    return f"{question.asked_by}'s text" if question.asked_by else question.named


def _symptoms(reading: Reading, question: Question | None, symptoms: Mapping[str, Symptom],
              flags: _Flags, review: Priority) -> bool:
    """Raise each reported symptom's flag; whether a red flag was raised."""
    red = False
    for finding in reading.of(What.SYMPTOM):
        symptom = symptoms.get(finding.value)
        label = symptom.label if symptom else finding.value.replace("_", " ")
        reason = f"{label}: '{finding.words}'"
        if symptom is None or symptom.flag == "red_flag":
            flags.add(FlagKind.RED_FLAG, Priority.URGENT, reason)
            red = True
        elif not (question and question.step in symptom.expected_at):
            priority = min(Priority(symptom.priority), review, key=_RANK.index)
            flags.add(FlagKind.NEEDS_REVIEW, priority, reason)
    return red


def _answer(reading: Reading, question: Question, threshold: Improvement,
            baseline: int | None, flags: _Flags, review: Priority) -> tuple[bool, bool]:
    """Flags from the answer to the open question: (an answer was found, no improvement)."""
    if question.expects == ReplyKind.FREE_TEXT:
        return True, False  # whatever it says (its review flag is raised already)
    if question.expects == ReplyKind.YES_NO:
        return reading.answer is not None, False
    score = reading.score
    directions = set(reading.values(What.RELIEF))
    step = question.named
    conflict = (_disagrees(directions, score, baseline, threshold)
                if score is not None and baseline is not None else None)
    if conflict:
        flags.add(FlagKind.NEEDS_REVIEW, review, f"{conflict} on {step}")
    if question.expects == ReplyKind.PAIN_SCORE:
        if "worse" in directions or (score is not None and baseline is not None
                                     and score > baseline):
            flags.add(FlagKind.WORSENING, Priority.NORMAL,
                      f"more pain than before the injection on {step}")
        return score is not None or bool(directions) or bool(_possible_scores(reading)), False
    # RELIEF: better / same / worse, or a score compared with the baseline
    possible = _possible_scores(reading) if score is None else {score}
    if not possible and not directions:
        return False, False
    if possible and baseline is None and not directions and question.escalates:
        flags.add(FlagKind.NEEDS_REVIEW, review, f"score on {step}, and no baseline to compare")
        return True, False
    by_score = baseline if possible else None  # the baseline the scores are compared with
    worse_by_score = by_score is not None and all(v > by_score for v in possible)
    if ("worse" in directions and not conflict) or worse_by_score:
        flags.add(FlagKind.WORSENING, Priority.HIGH, f"worse on {step}")
    against = directions & {"same", "worse", "no_effect", "not_worse"}
    if by_score is not None:  # the score, against the baseline, decides (the brief §3)
        not_improved = not any(improved(by_score, v, threshold) for v in possible)
    else:
        not_improved = (bool(against) and "better" not in directions) or (
            "better" in directions and _small_percent(reading, threshold))
    if question.escalates and not_improved:
        flags.add(FlagKind.NO_IMPROVEMENT, Priority.HIGH,
                  "no improvement by day 10: consider further diagnostic tests")
        return True, True
    return True, False


def _possible_scores(reading: Reading) -> set[int]:
    """Every score an unclear reply could mean ("6 or 7", "4.5"): when all of them lead to
    the same flag, that flag is raised (and the reply still goes to a person)."""
    values: set[int] = set()
    for finding in reading.of(What.UNCLEAR):
        values.update(int(v) for v in finding.detail.get("values", ()))
    return values


def _small_percent(reading: Reading, threshold: Improvement) -> bool:
    """"10% better": a percentage of relief under the protocol's improvement threshold."""
    percents = [float(f.detail.get("value", 0)) for f in reading.of(What.UNCLEAR)
                if f.value == Unclear.PERCENT]
    return bool(percents) and all(p < threshold.percent for p in percents)


def _disagrees(directions: set[str], score: int, baseline: int, threshold: Improvement) -> str | None:
    """Why a relief word and the score against the baseline cannot both be true, if so."""
    if "better" in directions and score >= baseline:
        return f"says better but the score {score} is not below the baseline {baseline}"
    if directions & {"same", "no_effect"} and improved(baseline, score, threshold) \
            and "better" not in directions:
        return f"says no change but the score {score} is well below the baseline {baseline}"
    if "worse" in directions and score <= baseline:
        return f"says worse but the score {score} is not above the baseline {baseline}"
    return None
