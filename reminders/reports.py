"""Outcomes for the reports page and the CSV exports: per enrolment (did pain improve by
day 10, was the anaesthetic-window response a diagnostic response, did the patient stop
answering or opt out), and counted by protocol and month."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reminders.core.deadlines import BusinessHours
from reminders.core.export_cells import export_cell
from reminders.core.improvement import day10_improved
from reminders.core.statuses import EnrollmentStatus, FlagStatus
from reminders.core.triage import FlagKind
from reminders.models import Enrollment, Flag, OutboxMessage, Reply
from reminders.protocol_files import ProtocolCache

COUNTS = ("enrolled", "completed", "improved_by_day10", "diagnostic_responders",
          "no_response", "opted_out")


@dataclass(frozen=True)
class EnrollmentOutcome:
    enrollment: Enrollment
    month: str  # YYYY-MM of the injection, clinic time
    day10_answer: str | None  # better / same / worse, or the score, as the patient said
    improved_by_day10: bool | None  # None: no usable day-10 answer
    no_response: bool
    opted_out: bool
    open_flags: int
    protocol_name: str = ""  # the protocol's name in the patient's snapshot, as staff know it


def outcomes(session: Session, clinic_timezone: str,
             snapshots: ProtocolCache | None = None) -> list[EnrollmentOutcome]:
    """Every enrolment but superseded ones (their successor counts), oldest first."""
    snapshots = snapshots or ProtocolCache()
    clinic = ZoneInfo(clinic_timezone)
    enrollments = list(session.scalars(
        select(Enrollment).options(selectinload(Enrollment.patient))
        .where(Enrollment.status != EnrollmentStatus.SUPERSEDED)
        .order_by(Enrollment.injected_at, Enrollment.id)))
    answers: dict[int | None, Reply] = {}
    for reply, step, digest in session.execute(
            select(Reply, OutboxMessage.step, Enrollment.protocol_digest)
            .join(OutboxMessage, Reply.question_id == OutboxMessage.id)
            .join(Enrollment, Reply.enrollment_id == Enrollment.id).order_by(Reply.id)):
        escalating = {s.id for s in snapshots.get(session, digest).steps if s.escalates}
        if step in escalating and (reply.relief is not None or reply.score is not None):
            answers[reply.enrollment_id] = reply  # the latest usable answer wins
    flags: dict[int | None, list[Flag]] = defaultdict(list)
    for flag in session.scalars(select(Flag).where(Flag.enrollment_id.is_not(None))):
        flags[flag.enrollment_id].append(flag)
    result = []
    for e in enrollments:
        answer = answers.get(e.id)
        kinds = {f.kind for f in flags[e.id]}
        opted_at = e.patient.opted_out_at
        result.append(EnrollmentOutcome(
            enrollment=e, month=e.injected_at.astimezone(clinic).strftime("%Y-%m"),
            day10_answer=None if answer is None else (answer.relief or str(answer.score)),
            improved_by_day10=None if answer is None else day10_improved(
                answer.relief, answer.score, e.baseline_pain,
                snapshots.get(session, e.protocol_digest).improvement),
            no_response=FlagKind.NO_RESPONSE in kinds,
            # opted out now: a patient who opted back in (START) is not counted
            opted_out=opted_at is not None and opted_at >= e.created_at,
            open_flags=sum(f.status != FlagStatus.RESOLVED for f in flags[e.id]),
            protocol_name=snapshots.get(session, e.protocol_digest).name))
    return result


def by_protocol_and_month(items: Iterable[EnrollmentOutcome]) -> list[dict]:
    """Pure: the counts of COUNTS per (protocol, month), newest month first."""
    table: dict[tuple[str, str], dict[str, int]] = {}
    names: dict[str, str] = {}  # the protocol's name (the newest enrolment's snapshot)
    for o in items:
        names[o.enrollment.protocol_id] = o.protocol_name or o.enrollment.protocol_id
        row = table.setdefault((o.enrollment.protocol_id, o.month), dict.fromkeys(COUNTS, 0))
        row["enrolled"] += 1
        row["completed"] += o.enrollment.status == EnrollmentStatus.COMPLETED
        row["improved_by_day10"] += o.improved_by_day10 is True
        row["diagnostic_responders"] += o.enrollment.diagnostic_relief_met is True
        row["no_response"] += o.no_response
        row["opted_out"] += o.opted_out
    return [{"protocol": p, "protocol_name": names[p], "month": m, **counts}
            for (p, m), counts in sorted(table.items(), key=lambda kv: (kv[0][1], kv[0][0]),
                                         reverse=True)]


@dataclass(frozen=True)
class FlagTimes:
    """When a flag was raised, taken and closed (None: not yet)."""

    kind: str
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None


def flag_times(session: Session) -> list[FlagTimes]:
    return [FlagTimes(kind.value, raised, acked, resolved) for kind, raised, acked, resolved
            in session.execute(select(Flag.kind, Flag.created_at, Flag.acknowledged_at,
                                      Flag.resolved_at).order_by(Flag.id))]


def loop_times(items: Iterable[FlagTimes], hours: BusinessHours) -> list[dict]:
    """Pure: per (flag kind, month raised, clinic time), how many flags and the median open
    time (business hours, as the deadlines count) to acknowledge and to resolve them;
    newest month first. A median is None until a flag of that row has got that far."""
    table: dict[tuple[str, str], list[FlagTimes]] = defaultdict(list)
    for item in items:
        table[(item.kind, item.raised_at.astimezone(hours.zone).strftime("%Y-%m"))].append(item)

    def median_to(flags: list[FlagTimes], attr: str) -> timedelta | None:
        spans = sorted(hours.between(f.raised_at, getattr(f, attr)) for f in flags
                       if getattr(f, attr) is not None)
        if not spans:
            return None
        middle = len(spans) // 2  # statistics.median is typed for numbers only
        return spans[middle] if len(spans) % 2 else (spans[middle - 1] + spans[middle]) / 2

    return [{"kind": kind, "month": month, "flags": len(flags),
             "to_acknowledge": median_to(flags, "acknowledged_at"),
             "to_resolve": median_to(flags, "resolved_at")}
            for (kind, month), flags in sorted(table.items(),
                                               key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)]


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([export_cell(h) for h in header])
    for row in rows:
        writer.writerow([export_cell(v) for v in row])
    return out.getvalue()


ENROLLMENT_COLUMNS = [
    "enrollment_id", "first_name", "phone", "protocol", "protocol_name", "injected_at", "timezone", "status",
    "baseline_pain", "anaesthetic_pain", "diagnostic_relief_percent", "diagnostic_responder",
    "day10_answer", "improved_by_day10", "no_response", "opted_out", "open_flags",
    "consent_by", "created_by"]


def enrollments_csv(items: Iterable[EnrollmentOutcome]) -> str:
    def yes(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    return to_csv(ENROLLMENT_COLUMNS, (
        [o.enrollment.id, o.enrollment.patient.first_name, o.enrollment.patient.phone,
         o.enrollment.protocol_id, o.protocol_name or o.enrollment.protocol_id,
         o.enrollment.injected_at.isoformat(),
         o.enrollment.timezone, o.enrollment.status.value, o.enrollment.baseline_pain,
         o.enrollment.anaesthetic_pain, o.enrollment.diagnostic_relief_percent,
         yes(o.enrollment.diagnostic_relief_met), o.day10_answer, yes(o.improved_by_day10),
         yes(o.no_response), yes(o.opted_out), o.open_flags, o.enrollment.consent_by,
         o.enrollment.created_by] for o in items))


FLAG_COLUMNS = ["flag_id", "kind", "priority", "status", "enrollment_id", "first_name", "phone",
                "reason", "reply_text", "created_at", "acknowledged_by", "acknowledged_at",
                "resolved_by", "resolved_at", "resolution_note"]


def flags_csv(flags: Iterable[Flag]) -> str:
    def iso(instant) -> str | None:
        return instant.isoformat() if instant else None

    return to_csv(FLAG_COLUMNS, (
        [f.id, f.kind.value, f.priority.value, f.status.value, f.enrollment_id,
         f.enrollment.patient.first_name if f.enrollment else None,
         f.enrollment.patient.phone if f.enrollment else f.phone, f.reason,
         f.reply.shown if f.reply else None, iso(f.created_at), f.acknowledged_by,
         iso(f.acknowledged_at), f.resolved_by, iso(f.resolved_at), f.resolution_note]
        for f in flags))
