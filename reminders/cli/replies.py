"""Commands about replies: `eval-replies` measures the reply reader against a labelled
corpus; `export-replies` writes the replies staff have read out as one."""

from __future__ import annotations

import json
from pathlib import Path

from reminders.audit import Actor
from reminders.cli.common import default_user, settings
from reminders.clock import utcnow
from reminders.core.errors import ValidationError
from reminders.core.protocol import is_staff_step
from reminders.core.reply_eval import CATEGORIES, CorpusError, evaluate, format_report, read_corpus
from reminders.database_check import open_database
from reminders.db import session_factory
from reminders.protocol_files import read_schedules
from reminders.reply_labels import export_labelled
from reminders.settings import Settings


def cmd_eval_replies(args, current: Settings) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError({"file": f"cannot be read as UTF-8 text ({exc})"}) from None
    try:
        rows = read_corpus(text)
    except CorpusError as exc:
        raise ValidationError({"file": str(exc)}) from None
    protocols = read_schedules(current.schedules_file, current.placeholders)
    if args.protocol not in protocols.protocols:
        raise ValidationError({"protocol": f"{args.protocol!r} is not in the schedules file"})
    protocol = protocols.get(args.protocol)
    steps = {s.id for s in protocol.steps}
    for row in rows:
        if row.step is not None and row.step not in steps and not is_staff_step(row.step):
            raise ValidationError({"file": f"line {row.line}, step: {row.step!r} is not a step "
                                   f"of {args.protocol}"})
    report = evaluate(protocol, rows)
    if args.json:
        print(json.dumps({
            "replies": len(rows), "all_held": sum(not o.misses for o in report.outcomes),
            "categories": {c: {"recall": t.recall, "precision": t.precision,
                               "required": t.required, "raised_when_forbidden": t.forbidden_raised,
                               "forbidden": t.forbidden}
                           for c, t in report.tallies.items() if c in CATEGORIES},
            "by_language": {lang: dict(c) for lang, c in report.by_language.items()},
            "misses": [{"line": o.row.line, "body": o.row.body, "misses": o.misses,
                        "findings": [f.as_json() for f in o.reading.findings]}
                       for o in report.outcomes if o.misses]}, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, protocol.vocabulary.labels))
    return 0


def cmd_export_replies(args, current: Settings) -> int:
    engine = open_database(current.database_url)
    try:
        text, count = export_labelled(session_factory(engine), Actor(args.by, "cli"), utcnow())
    finally:
        engine.dispose()
    try:
        Path(args.labelled).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError({"labelled": f"cannot be written ({exc.strerror})"}) from None
    print(json.dumps({"file": args.labelled, "replies": count}) if args.json
          else f"{count} replies read by staff written to {args.labelled}")
    return 0


def register(command) -> None:
    p = command("eval-replies", lambda args: cmd_eval_replies(args, settings()),
                "measure the reply reader against a labelled corpus (docs/reply-corpus.md)")
    p.add_argument("file", help="TSV corpus, e.g. tests/data/replies.tsv")
    p.add_argument("--protocol", default="hip-joint-injection", help="protocol id")
    p = command("export-replies", lambda args: cmd_export_replies(args, settings()),
                "write the replies staff have read, as a labelled corpus")
    p.add_argument("--labelled", required=True, metavar="FILE", help="TSV file to write")
    p.add_argument("--by", default=default_user(), help="who exports (audit log)")
