"""Measuring the reply reader against a labelled corpus (pure; docs/reply-corpus.md).

`read_corpus` reads the TSV format (and says which line is wrong, and why); `evaluate`
runs every reply through the same `parse_reply` and `triage` the webhook uses and counts,
per category, what was required, raised, and raised where it was forbidden; `report`
prints recall and precision and every miss with its findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from reminders.core.export_cells import read_cell
from reminders.core.protocol import Protocol, ReplyKind, is_staff_step
from reminders.core.reading.findings import Reading
from reminders.core.reading.parser import parse_reply
from reminders.core.reading.plain_words import describe
from reminders.core.triage import Decision, Question, triage

COLUMNS = ("step", "language", "baseline", "body", "required", "forbidden", "opt_out", "note")
KINDS = ("red_flag", "no_improvement", "worsening", "needs_review")
CATEGORIES = ("red_flag", "no_improvement", "worsening", "opt_out", "needs_review")


class CorpusError(ValueError):
    """A corpus line is malformed; the message names the line and the column."""


@dataclass(frozen=True)
class Row:
    line: int
    step: str | None
    language: str
    baseline: int | None
    body: str
    required: frozenset[str]
    forbidden: frozenset[str]
    opt_out: bool
    note: str = ""


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "nt\\":
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r\n", "\n").replace("\n", "\\n")


def read_corpus(text: str) -> list[Row]:
    rows: list[Row] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(c.strip() for c in cells[:len(COLUMNS)]) not in (COLUMNS, COLUMNS[:-1]):
                raise CorpusError(f"line {number}: the header must be: {' '.join(COLUMNS)}")
            header_seen = True
            continue
        rows.append(_row(number, cells))
    if not header_seen:
        raise CorpusError("the corpus has no header line")
    return rows


def _row(number: int, cells: list[str]) -> Row:
    where = f"line {number}"
    cells = [read_cell(c) for c in cells]  # an export quotes a cell a spreadsheet would run
    if len(cells) not in (7, 8):
        raise CorpusError(f"{where}: {len(cells)} columns, expected 8 (tab-separated)")
    step, language, baseline, body, required, forbidden, opt_out = (c.strip() for c in cells[:7])
    body = unescape(cells[3])
    if language not in ("en", "es"):
        raise CorpusError(f"{where}, language: {language!r} is not en or es")
    if baseline in ("-", ""):
        base = None
    elif baseline.isdigit() and 0 <= int(baseline) <= 10:
        base = int(baseline)
    else:
        raise CorpusError(f"{where}, baseline: {baseline!r} is not 0-10 or -")
    kinds = []
    for name, value in (("required", required), ("forbidden", forbidden)):
        found = frozenset() if value in ("-", "") else frozenset(k.strip() for k in value.split(","))
        unknown = sorted(found - set(KINDS))
        if unknown:
            raise CorpusError(f"{where}, {name}: unknown flag kind {unknown[0]!r} "
                              f"(known: {', '.join(KINDS)})")
        kinds.append(found)
    if kinds[0] & kinds[1]:
        raise CorpusError(f"{where}: {sorted(kinds[0] & kinds[1])[0]} is both required and forbidden")
    if opt_out not in ("yes", "no"):
        raise CorpusError(f"{where}, opt_out: {opt_out!r} is not yes or no")
    note = cells[7].strip() if len(cells) > 7 else ""
    return Row(number, None if step in ("-", "") else step, language, base, body, kinds[0],
               kinds[1], opt_out == "yes", note)


@dataclass(frozen=True)
class Outcome:
    row: Row
    reading: Reading
    decision: Decision
    raised: frozenset[str]  # flag kinds and "opt_out"

    @property
    def misses(self) -> list[str]:
        wanted = set(self.row.required) | ({"opt_out"} if self.row.opt_out else set())
        unwanted = set(self.row.forbidden) | (set() if self.row.opt_out else {"opt_out"})
        return ([f"missed {k}" for k in sorted(wanted - self.raised)]
                + [f"raised {k}" for k in sorted(unwanted & self.raised)])


@dataclass
class Tally:
    required: int = 0
    hit: int = 0  # required and raised
    forbidden_raised: int = 0  # raised where it must not be
    forbidden: int = 0

    @property
    def recall(self) -> float | None:
        return None if not self.required else self.hit / self.required

    @property
    def precision(self) -> float | None:
        raised = self.hit + self.forbidden_raised
        return None if not raised else self.hit / raised


@dataclass
class Report:
    outcomes: list[Outcome]
    tallies: dict[str, Tally] = field(default_factory=dict)
    by_language: dict[str, Counter[str]] = field(default_factory=dict)


def question_for(protocol: Protocol, step: str | None) -> Question | None:
    if step is None:
        return None
    if is_staff_step(step):  # an answer to a staff member's text
        return Question(step=step, expects=ReplyKind.FREE_TEXT, escalates=False, asked_by="staff")
    s = protocol.step(step)
    expects = s.expects.reply if s.expects else ReplyKind.RELIEF
    return Question(step=step, expects=expects, escalates=s.escalates)


def run(protocol: Protocol, row: Row) -> Outcome:
    reading = parse_reply(row.body, protocol.vocabulary)
    decision = triage(reading, question_for(protocol, row.step), protocol.improvement,
                      row.baseline, protocol.vocabulary.symptoms)
    raised = {f.kind.value for f in decision.flags} | (
        {"opt_out"} if decision.consent == "opt_out" else set())
    return Outcome(row, reading, decision, frozenset(raised))


def evaluate(protocol: Protocol, rows: list[Row]) -> Report:
    report = Report([run(protocol, row) for row in rows])
    report.tallies = {c: Tally() for c in CATEGORIES}
    for outcome in report.outcomes:
        row = outcome.row
        for category in CATEGORIES:
            tally = report.tallies[category]
            wanted = row.opt_out if category == "opt_out" else category in row.required
            unwanted = (not row.opt_out) if category == "opt_out" else category in row.forbidden
            raised = category in outcome.raised
            tally.required += wanted
            tally.hit += wanted and raised
            tally.forbidden += unwanted
            tally.forbidden_raised += unwanted and raised
        counts = report.by_language.setdefault(row.language, Counter())
        counts["rows"] += 1
        counts["right"] += not outcome.misses
    return report


def _pct(value: float | None) -> str:
    return "  -  " if value is None else f"{value * 100:5.1f}%"


def format_report(report: Report, labels: dict[str, str] | None = None) -> str:
    lines = [f"{len(report.outcomes)} replies; every expectation held for "
             f"{sum(not o.misses for o in report.outcomes)}", "",
             f"{'category':<22} {'recall':>7} {'precision':>9}  required  raised-when-forbidden"]
    names = {"needs_review": "review"}
    for category, tally in report.tallies.items():
        lines.append(f"{names.get(category, category):<22} {_pct(tally.recall):>7} "
                     f"{_pct(tally.precision):>9}  {tally.required:>8}  "
                     f"{tally.forbidden_raised}/{tally.forbidden}")
    review = report.tallies["needs_review"]
    clear = review.forbidden
    lines.append(f"clear replies sent to review: {review.forbidden_raised}/{clear} "
                 f"({_pct(review.forbidden_raised / clear if clear else None).strip()})")
    opt = report.tallies["opt_out"]
    lines.append(f"false opt-outs: {opt.forbidden_raised}")
    for language, counts in sorted(report.by_language.items()):
        lines.append(f"{language}-enrolled: {counts['right']}/{counts['rows']} replies right "
                     f"({_pct(counts['right'] / counts['rows']).strip()})")
    misses = [o for o in report.outcomes if o.misses]
    if misses:
        lines += ["", f"misses ({len(misses)}):"]
    for o in misses:
        found = "; ".join(describe(f, labels) for f in o.reading.findings) or "nothing"
        lines.append(f"  line {o.row.line} [{o.row.step or '-'} {o.row.language} "
                     f"baseline {o.row.baseline if o.row.baseline is not None else '-'}] "
                     f"{o.row.body!r}: {', '.join(o.misses)}")
        lines.append(f"      read: {found}")
    return "\n".join(lines)
