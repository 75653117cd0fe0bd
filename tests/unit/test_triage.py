"""Triage: each flag kind from the situation that should raise it, from nothing else, and
every finding of a message acted on."""

import pytest

from reminders.core.improvement import improved
from reminders.core.protocol import Improvement, ReplyKind
from reminders.core.reading.parser import parse_reply
from reminders.core.reading.plain_words import describe
from reminders.core.triage import (
    FlagKind,
    Priority,
    Question,
    relief_percent,
    triage,
)
from tests.conftest import load_shipped_protocol

THRESHOLD = Improvement(points=2, percent=30)
PAIN = Question("pain-check", ReplyKind.PAIN_SCORE, escalates=False)
RELIEF3 = Question("relief-check-day3", ReplyKind.RELIEF, escalates=False)
DAY10 = Question("day10-check", ReplyKind.RELIEF, escalates=True)
NR, RF, WO, NO, OP = (FlagKind.NEEDS_REVIEW, FlagKind.RED_FLAG, FlagKind.WORSENING,
                      FlagKind.NO_IMPROVEMENT, FlagKind.OPTED_OUT)


def decide(body, question, baseline=7):
    vocabulary = load_shipped_protocol().vocabulary
    return triage(parse_reply(body, vocabulary), question, THRESHOLD, baseline,
                  vocabulary.symptoms)


def kinds(decision):
    return sorted(f.kind.value for f in decision.flags)


def priority(decision, kind):
    return next(f.priority for f in decision.flags if f.kind == kind)


@pytest.mark.parametrize(("body", "question", "baseline", "flags", "answer"), [
    # day 10: no improvement, in words or by the score against the baseline
    ("same", DAY10, 7, [NO], "no_improvement"),
    ("igual", DAY10, 7, [NO], "no_improvement"),
    ("not better", DAY10, 7, [NO], "no_improvement"),
    ("didn't help", DAY10, 7, [NO], "no_improvement"),
    ("worse", DAY10, 7, [NO, WO], "no_improvement"),
    ("6", DAY10, 7, [NO], "no_improvement"),  # dropped 1 point, 14%
    ("5", DAY10, 7, [], None),  # dropped 2 points: improved
    ("2", DAY10, 3, [], None),  # 1 point but 33%: improved
    ("better", DAY10, 7, [], None),
    ("better, 6", DAY10, 7, [NO], "no_improvement"),  # the score decides
    ("maybe 10% better", DAY10, 7, [NO, NR], "no_improvement"),
    ("6 or 7", DAY10, 7, [NO, NR], "no_improvement"),  # every reading agrees
    ("4.5", DAY10, 5, [NO, NR], "no_improvement"),
    # other relief checks: worse is flagged, same is not
    ("worse", RELIEF3, 7, [WO], None),
    ("8", RELIEF3, 7, [WO], None),  # above the baseline
    ("same", RELIEF3, 7, [], None),
    ("7", RELIEF3, 7, [], None),
    # the pain check wants a score; more pain than the baseline is flagged at normal priority
    ("3", PAIN, 7, [], None),
    ("9", PAIN, 7, [WO], None),
    ("worse", PAIN, 7, [WO], None),
    # red flags: urgent answer whatever is asked, with a score or a relief word
    ("fever 3", PAIN, 7, [RF], "red_flag"),
    ("tengo fiebre", DAY10, 7, [RF], "red_flag"),
    ("swollen and worse", DAY10, 7, [NO, RF, WO], "red_flag"),
    ("no fever, better", DAY10, 7, [], None),
    # a relief word that disagrees with the score: a person decides, and the score still
    # raises what it raises on its own
    ("better, 8", RELIEF3, 7, [NR, WO], None),
    ("better, 8", DAY10, 7, [NO, NR, WO], "no_improvement"),
    ("worse, 3", RELIEF3, 7, [NR], None),
    # a question for the clinic, a concern, unread replies
    ("3. can I shower?", PAIN, 7, [NR], None),
    ("better but I fell yesterday", RELIEF3, 7, [NR], None),
    ("👍", DAY10, 7, [NR], None),
    ("4-6", RELIEF3, 7, [NR], None),
])
def test_each_flag_from_its_situation(body, question, baseline, flags, answer):
    decision = decide(body, question, baseline)
    assert kinds(decision) == sorted(k.value for k in flags)
    assert decision.answer == answer


def test_an_opt_out_with_a_red_flag_gets_both_and_the_red_flag_answer():
    decision = decide("stop texting me, I have a fever and my hip is red", DAY10)
    assert decision.consent == "opt_out"
    assert kinds(decision) == ["opted_out", "red_flag"]
    assert priority(decision, RF) == Priority.URGENT
    assert decision.answer == "red_flag"


def test_better_with_a_stop_request_and_a_new_symptom_acts_on_all_three():
    decision = decide("better, but please stop the texts. new rash on my leg", RELIEF3)
    assert decision.consent == "opt_out"
    assert kinds(decision) == ["opted_out", "red_flag"]


def test_a_negated_symptom_is_recorded_but_raises_nothing():
    decision = decide("5, no fever no chills", DAY10)
    assert kinds(decision) == []


def test_review_on_the_day10_check_is_high_priority_and_normal_elsewhere():
    assert priority(decide("4-6", DAY10), NR) == Priority.HIGH
    assert priority(decide("4-6", RELIEF3), NR) == Priority.NORMAL
    assert priority(decide("better, 9", DAY10), NR) == Priority.HIGH


def test_expected_numbness_on_the_pain_check_is_not_flagged_but_later_it_is():
    assert kinds(decide("2, leg is numb", PAIN)) == []
    assert kinds(decide("better but my leg is still numb", RELIEF3)) == ["needs_review"]


def test_consent_start_help_and_yes_with_no_question_open():
    assert decide("START", None).consent == "opt_in"
    assert decide("yes", None).consent == "opt_in"
    assert decide("yes", RELIEF3).consent is None
    help_ = decide("HELP", RELIEF3)
    assert help_.answer == "help" and kinds(help_) == []


def test_a_reply_to_no_open_question_is_read_by_a_person():
    assert kinds(decide("4", None)) == ["needs_review"]
    assert kinds(decide("thanks!", None)) == []


def test_findings_in_a_nurses_words():
    vocabulary = load_shipped_protocol().vocabulary
    reading = parse_reply("no fever, temp 101.2, pain 3", vocabulary)
    words = [describe(f, vocabulary.labels) for f in reading.findings]
    assert words == ["fever: said no — 'fever'", "fever: temperature 101.2 °F — '101.2'",
                     "pain score 3 — '3'"]


def test_improvement_and_relief_percent():
    assert improved(7, 5, THRESHOLD) and not improved(7, 6, THRESHOLD)
    assert improved(3, 2, THRESHOLD)  # 33%
    assert relief_percent(8, 2) == 75.0
    assert relief_percent(0, 0) is None and relief_percent(None, 3) is None


# --- pictures (MMS) ----------------------------------------------------------------------

def decide_with(body, question, pictures, baseline=7):
    vocabulary = load_shipped_protocol().vocabulary
    return triage(parse_reply(body, vocabulary), question, THRESHOLD, baseline,
                  vocabulary.symptoms, pictures)


@pytest.mark.parametrize("question", [None, PAIN, DAY10])
def test_a_picture_without_words_raises_only_the_high_photo_flag(question):
    decision = decide_with("", question, pictures=1)
    assert kinds(decision) == ["photo"]
    assert priority(decision, FlagKind.PHOTO) == Priority.HIGH
    assert decision.flags[0].reason == "photo received: look at it"
    assert decision.answer is None


def test_words_with_a_picture_are_read_as_usual():
    assert kinds(decide_with("it's red and hot", None, pictures=2)) == ["photo", "red_flag"]
    assert kinds(decide_with("same", DAY10, pictures=1)) == ["no_improvement", "photo"]
    assert kinds(decide_with("zzkq", None, pictures=1)) == ["needs_review", "photo"]
    assert "2 photos received" in decide_with("", None, pictures=2).flags[0].reason


def test_an_empty_body_without_a_picture_is_still_not_understood():
    assert kinds(decide_with("", PAIN, pictures=0)) == ["needs_review"]
    vocabulary = load_shipped_protocol().vocabulary
    empty = parse_reply("", vocabulary)
    assert empty.unclear == ["not_understood"]
    assert empty.with_pictures(1).findings == ()
    assert parse_reply("zzkq", vocabulary).with_pictures(1).unclear == ["not_understood"]


# --- an answer to a staff member's text (free text) -----------------------------------

KIM = Question("staff-1", ReplyKind.FREE_TEXT, escalates=False, asked_by="kim")


def review(decision):
    return next(f for f in decision.flags if f.kind == NR)


@pytest.mark.parametrize("body", ["ok thanks", "yes", "asdf qwerty", "ok 👍", "4", "better"])
def test_any_answer_to_a_staff_text_goes_to_its_sender_for_review(body):
    decision = decide(body, KIM)
    assert kinds(decision) == ["needs_review"]
    flag = review(decision)
    assert flag.assigned_to == "kim" and flag.priority == Priority.NORMAL
    assert flag.reason.startswith("answer to kim's text")
    assert "not understood" not in flag.reason  # free text is for a person to read
    assert decision.answer is None and decision.consent is None


def test_a_red_flag_in_an_answer_to_a_staff_text_is_still_urgent_and_answered():
    decision = decide("I have a fever and chills", KIM)
    assert kinds(decision) == ["needs_review", "red_flag"]
    assert priority(decision, RF) == Priority.URGENT
    assert decision.answer == "red_flag"
    red = next(f for f in decision.flags if f.kind == RF)
    assert red.assigned_to is None  # whoever is on duty, not only the sender
    assert review(decision).assigned_to == "kim"


def test_stop_in_answer_to_a_staff_text_still_opts_out():
    decision = decide("STOP", KIM)
    assert decision.consent == "opt_out"
    assert OP in {f.kind for f in decision.flags}
    assert review(decision).assigned_to == "kim"


def test_what_else_a_person_must_read_joins_the_senders_review_at_its_priority():
    decision = decide("can you call me? when is my next appointment", KIM)
    assert kinds(decision) == ["needs_review"]
    flag = review(decision)
    assert flag.priority == Priority.HIGH and flag.assigned_to == "kim"
    assert flag.reason.startswith("answer to kim's text; ")
    assert "asks for a call" in flag.reason


def test_a_protocol_question_review_is_for_anyone():
    assert all(f.assigned_to is None for f in decide("what?", RELIEF3).flags)
