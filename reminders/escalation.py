"""The no-response sweep: silence on an escalating question (the day-10 check) after its
reply window has closed becomes a "no response" flag; the question that never reached the
patient (undelivered or failed) is not silence: it becomes "not reached: call the
patient" at once, if its refusal has not raised that already. So does a staff text that
never reached the patient, for its author. Run by the worker's
scheduler.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.reach import refusal_flag
from reminders.core.reply_window import window_open
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.flags import raise_flag, text_label
from reminders.models import Enrollment, Flag, OutboxMessage, Patient, Reply
from reminders.protocol_files import ProtocolCache

# How far back a question is looked at: far longer than any reply window, so a worker
# that was down for days still raises what it missed, and the scan stays bounded.
LOOKBACK = timedelta(days=30)


def flag_silence(sessions: sessionmaker[Session], now: datetime,
                 cache: ProtocolCache | None = None) -> int:
    """Raise a "no response" flag for each escalating question nobody answered in time.

    Not for a patient who opted out (they have an opted-out flag: call them), nor for an
    enrolment staff cancelled or replaced. Returns how many flags were raised (with those
    of `flag_not_reached`, which it runs first).
    """
    cache = cache or ProtocolCache()
    raised = flag_not_reached(sessions, now, cache)
    answered = exists().where(Reply.question_id == OutboxMessage.id)
    flagged = exists().where(Flag.message_id == OutboxMessage.id,
                             Flag.kind == FlagKind.NO_RESPONSE)
    with sessions.begin() as session:
        candidates = session.execute(
            select(OutboxMessage, Enrollment.protocol_digest, Enrollment.patient_id)
            .join(Enrollment, OutboxMessage.enrollment_id == Enrollment.id)
            .join(Patient, Enrollment.patient_id == Patient.id)
            .where(OutboxMessage.expects.is_not(None),
                   OutboxMessage.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED)),
                   OutboxMessage.sent_at > now - LOOKBACK,
                   Enrollment.status.in_((EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)),
                   Patient.opted_out_at.is_(None), ~answered, ~flagged)).all()
        for row, digest, patient_id in candidates:
            if row.sent_at is None or window_open(row.sent_at, row.reply_window_seconds, now):
                continue  # still open (every row here was sent: the query says so)
            window = row.reply_window_seconds or 0
            step = next((s for s in cache.get(session, digest).steps if s.id == row.step), None)
            if step is None or not step.escalates:
                continue
            raise_flag(session.connection(), FlagRequest(
                FlagKind.NO_RESPONSE, Priority.HIGH,
                f"no reply to {step.title_in()} within {window // 3600} h: call the patient"),
                now, enrollment_id=row.enrollment_id, patient_id=patient_id, message_id=row.id)
            raised += 1
    return raised


def flag_not_reached(sessions: sessionmaker[Session], now: datetime, cache: ProtocolCache) -> int:
    """Raise "not reached" for each escalating question that was undelivered or failed
    with no flag saying so: the provider gave no reason, or the send gave up after its
    retries (a refusal flags when it is recorded). A not-reached flag of the enrolment
    written since the text's failure was recorded already covers it (its refusal joined
    an open one). Returns how many were raised."""
    covered = exists().where(
        Flag.kind == FlagKind.NOT_REACHED, Flag.enrollment_id == OutboxMessage.enrollment_id,
        or_(Flag.message_id == OutboxMessage.id, Flag.updated_at >= OutboxMessage.updated_at))
    raised = 0
    with sessions.begin() as session:
        candidates = session.execute(
            select(OutboxMessage, Enrollment.protocol_digest, Enrollment.patient_id)
            .join(Enrollment, OutboxMessage.enrollment_id == Enrollment.id)
            .join(Patient, Enrollment.patient_id == Patient.id)
            .where(OutboxMessage.status.in_((MessageStatus.UNDELIVERED, MessageStatus.FAILED)),
                   OutboxMessage.updated_at > now - LOOKBACK,
                   Enrollment.status.in_((EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)),
                   Patient.opted_out_at.is_(None), ~covered)).all()
        for row, digest, patient_id in candidates:
            step = next((s for s in cache.get(session, digest).steps if s.id == row.step), None)
            escalates = step is not None and step.escalates
            if not escalates and row.sent_by is None:
                continue  # a staff text is a question its author is waiting on: flag it too
            request = refusal_flag(None, text_label(row, step), expects_reply=row.expects is not None,
                                   escalates=escalates)
            assert request is not None
            raise_flag(session.connection(), replace(request, assigned_to=row.sent_by), now,
                       enrollment_id=row.enrollment_id, patient_id=patient_id, message_id=row.id)
            raised += 1
    return raised
