"""The labelled reply corpus (tests/data/replies.tsv, docs/reply-corpus.md): every reply,
through the same parser and triage as the webhook, must meet every expectation."""

from pathlib import Path

import pytest

from reminders.core.reply_eval import CorpusError, evaluate, read_corpus, run

CORPUS = Path(__file__).parents[1] / "data" / "replies.tsv"
ROWS = read_corpus(CORPUS.read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_covers_both_languages_and_every_question():
    assert len(ROWS) >= 600
    assert sum(r.language == "es" for r in ROWS) >= 200
    assert {r.step for r in ROWS} >= {"pain-check", "relief-check-day3", "relief-check-day5",
                                      "day10-check"}
    kinds = set().union(*(r.required for r in ROWS))
    assert kinds == {"red_flag", "no_improvement", "worsening", "needs_review"}
    assert any(r.opt_out for r in ROWS) and any(len(r.body) > 200 for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"line{r.line}")
def test_each_reply_raises_what_a_nurse_expects(hip, row):
    outcome = run(hip, row)
    assert outcome.misses == [], [f.as_json() for f in outcome.reading.findings]


def test_the_figures_are_counted_from_the_outcomes(hip):
    rows = read_corpus("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\n"
                       "day10-check\ten\t7\tsame\tno_improvement\t-\tno\t\n"
                       "day10-check\ten\t7\tbetter\t-\tno_improvement\tno\t\n"
                       "-\ten\t7\tSTOP\t-\t-\tyes\t\n")
    report = evaluate(hip, rows)
    assert (report.tallies["no_improvement"].required, report.tallies["no_improvement"].hit) == (1, 1)
    assert report.tallies["no_improvement"].forbidden_raised == 0
    assert report.tallies["opt_out"].recall == 1.0


@pytest.mark.parametrize(("text", "message"), [
    ("step\tlanguage\n", "line 1: the header must be"),
    ("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\nday10-check\tfr\t7\tx\t-\t-\tno\t\n",
     "line 2, language: 'fr' is not en or es"),
    ("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\nday10-check\ten\t11\tx\t-\t-\tno\t\n",
     "line 2, baseline: '11' is not 0-10 or -"),
    ("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\nday10-check\ten\t7\tx\tfever\t-\tno\t\n",
     "line 2, required: unknown flag kind 'fever'"),
    ("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\nday10-check\ten\t7\tx\t-\t-\tmaybe\t\n",
     "line 2, opt_out: 'maybe' is not yes or no"),
    ("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\nday10-check\ten\t7\tx\n",
     "line 2: 4 columns, expected 8"),
])
def test_a_malformed_corpus_line_is_named_with_its_column(text, message):
    with pytest.raises(CorpusError, match=message):
        read_corpus(text)


def test_an_answer_to_a_staff_text_in_a_labelled_corpus_goes_to_review(hip):
    rows = read_corpus("step\tlanguage\tbaseline\tbody\trequired\tforbidden\topt_out\tnote\n"
                       "staff-2\ten\t7\tok thanks\tneeds_review\t-\tno\t\n"
                       "staff-1\tes\t7\ttengo fiebre\tred_flag,needs_review\t-\tno\t\n")
    assert all(not o.misses for o in evaluate(hip, rows).outcomes)
