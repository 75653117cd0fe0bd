"""Staff readings of replies: a nurse records what a reply should have raised, and each
reading becomes test data for the clinic's own corpus.

`record_reading` stores a reading (who, when, what) with its audit entry in one
transaction; `labelled_rows` turns the latest reading of every reply into rows of the
corpus format (docs/reply-corpus.md), first names and phone numbers removed;
`agreement` counts how often staff found the automatic reading right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.errors import NotFound, ValidationError
from reminders.core.export_cells import export_cell
from reminders.core.reply_eval import COLUMNS, KINDS, escape
from reminders.models import Enrollment, Flag, Reply, ReplyCorrection, flag_replies

RELIEF = ("better", "same", "worse", "no_effect")
MAX_NOTE = limits.NOTE
_PHONE = re.compile(r"\+?\d[\d\s().\-]{5,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE_STAND_IN, NAME_STAND_IN = "555-0100", "Alex"


@dataclass(frozen=True)
class StaffReading:
    agrees: bool  # the automatic reading was right (the rest is then taken from it)
    flags: tuple[str, ...] = ()  # flag kinds the reply should have raised
    score: int | None = None
    relief: str | None = None
    opt_out: bool = False
    note: str = ""


def parse_reading(form: Mapping[str, Any]) -> StaffReading:
    """A staff reading from form or JSON fields; ValidationError names each wrong field."""
    errors: dict[str, str] = {}
    agrees = str(form.get("agrees", "")).lower() in ("yes", "true", "1", "on")
    raw_flags = form.get("flags") or []
    flags = [raw_flags] if isinstance(raw_flags, str) else list(raw_flags)
    unknown = [f for f in flags if f not in KINDS]
    if unknown:
        errors["flags"] = f"{unknown[0]!r} is not one of {', '.join(KINDS)}"
    score = None
    raw_score = str(form.get("score") or "").strip()
    if raw_score:
        if not raw_score.isascii() or not raw_score.isdigit() or int(raw_score) > 10:
            errors["score"] = f"{raw_score[:20]!r} is not a pain score from 0 to 10"
        else:
            score = int(raw_score)
    relief = str(form.get("relief") or "").strip() or None
    if relief is not None and relief not in RELIEF:
        errors["relief"] = f"{relief[:20]!r} is not one of {', '.join(RELIEF)}"
    note = str(form.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = f"is longer than {MAX_NOTE} characters"
    if errors:
        raise ValidationError(errors)
    opt_out = str(form.get("opt_out", "")).lower() in ("yes", "true", "1", "on")
    return StaffReading(agrees, tuple(dict.fromkeys(flags)), score, relief, opt_out, note)


def automatic(session: Session, reply: Reply) -> StaffReading:
    """What the service made of the reply: the flags it raised and whether it opted out."""
    kinds = session.scalars(select(Flag.kind).join(flag_replies, flag_replies.c.flag_id == Flag.id)
                            .where(flag_replies.c.reply_id == reply.id))
    return StaffReading(agrees=True, flags=tuple(sorted({k.value for k in kinds} & set(KINDS))),
                        score=reply.score, relief=reply.relief, opt_out=reply.keyword == "stop")


def record_reading(sessions: sessionmaker[Session], reply_id: int, reading: StaffReading,
                   actor: Actor, now: datetime, *, enrollment_id: int | None = None
                   ) -> ReplyCorrection:
    """Store a staff reading of a reply (of `enrollment_id`'s, when given) and its audit
    entry, in one transaction."""
    with sessions.begin() as session:
        reply = session.get(Reply, reply_id)
        if reply is None or (enrollment_id is not None and reply.enrollment_id != enrollment_id):
            raise NotFound(f"no reply {reply_id}")
        if reading.agrees:
            auto = automatic(session, reply)
            reading = StaffReading(True, auto.flags, auto.score, auto.relief, auto.opt_out,
                                   reading.note)
        row = ReplyCorrection(reply_id=reply.id, by=actor.name[:128], at=now, agrees=reading.agrees,
                              flags=list(reading.flags), score=reading.score, relief=reading.relief,
                              opt_out=reading.opt_out, note=reading.note)
        session.add(row)
        what = "agrees with the automatic reading" if reading.agrees else (
            "should raise " + (", ".join(reading.flags) or "nothing"))
        record(session, actor, "read reply", now, patient_id=reply.patient_id,
               enrollment_id=reply.enrollment_id, detail=f"reply {reply.id}: {what}")
        return row


def scrub(body: str, first_name: str | None) -> str:
    """The reply without the patient's first name, phone numbers or e-mail addresses."""
    text = _EMAIL.sub("[email]", body)
    text = _PHONE.sub(lambda m: PHONE_STAND_IN if sum(c.isdigit() for c in m.group()) >= 7
                      else m.group(), text)
    if first_name and first_name.strip():
        text = re.sub(rf"(?<!\w){re.escape(first_name.strip())}(?!\w)", NAME_STAND_IN, text,
                      flags=re.IGNORECASE)
    return text


def latest_readings(session: Session) -> list[ReplyCorrection]:
    """Each corrected reply's latest staff reading, oldest reply first."""
    latest = (select(func.max(ReplyCorrection.id)).group_by(ReplyCorrection.reply_id)
              .scalar_subquery())
    return list(session.scalars(
        select(ReplyCorrection).where(ReplyCorrection.id.in_(latest))
        .options(selectinload(ReplyCorrection.reply).selectinload(Reply.question))
        .order_by(ReplyCorrection.reply_id)))


def labelled_rows(session: Session) -> list[list[str]]:
    """The corpus rows (COLUMNS) of every reply staff have read."""
    readings = latest_readings(session)
    ids = {r.reply.enrollment_id for r in readings} - {None}
    enrollments = {e.id: e for e in session.scalars(
        select(Enrollment).options(selectinload(Enrollment.patient)).where(Enrollment.id.in_(ids)))}
    rows = []
    for reading in readings:
        reply = reading.reply
        enrollment = enrollments.get(reply.enrollment_id) if reply.enrollment_id else None
        patient = enrollment.patient if enrollment else None
        baseline = enrollment.baseline_pain if enrollment else None
        flags = set(reading.flags)
        rows.append([
            reply.question.step if reply.question else "-",
            (enrollment.language if enrollment else None) or "en",
            "-" if baseline is None else str(baseline),
            escape(scrub(reply.body, patient.first_name if patient else None)),
            ",".join(k for k in KINDS if k in flags) or "-",
            # a staff reading is the whole reading: what it does not raise, it must not
            ",".join(k for k in KINDS if k not in flags) or "-",
            "yes" if reading.opt_out else "no",
            escape(("staff agreed" if reading.agrees else "staff correction")
                   + (f": {scrub(reading.note, patient.first_name if patient else None)}"
                      if reading.note else "")),
        ])
    return rows


def export_labelled(sessions: sessionmaker[Session], actor: Actor, now: datetime) -> tuple[str, int]:
    """The labelled corpus as TSV text, and how many replies it holds; audited."""
    with sessions.begin() as session:
        rows = labelled_rows(session)
        record(session, actor, "exported", now, detail=f"labelled replies ({len(rows)})")
    header = "# Replies read by staff (reminders export-replies): docs/reply-corpus.md\n"
    # a spreadsheet opens a .tsv too: cells it would run are quoted (read_corpus unquotes)
    lines = ["\t".join(COLUMNS)] + ["\t".join(export_cell(c) for c in row) for row in rows]
    return header + "\n".join(lines) + "\n", len(rows)


def agreement(session: Session) -> tuple[int, int]:
    """(replies where staff agreed with the automatic reading, replies staff read)."""
    readings = latest_readings(session)
    return sum(r.agrees for r in readings), len(readings)
