"""The no-response sweep: silence on an escalating question (the day-10 check) after its
reply window has closed becomes a "no response" flag. Run by the worker's scheduler.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.reply_window import window_open
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.flags import raise_flag
from reminders.models import Enrollment, Flag, OutboxMessage, Patient, Reply
from reminders.protocol_files import ProtocolCache

# How far back a question is looked at: far longer than any reply window, so a worker
# that was down for days still raises what it missed, and the scan stays bounded.
LOOKBACK = timedelta(days=30)


def flag_silence(sessions: sessionmaker[Session], now: datetime,
                 cache: ProtocolCache | None = None) -> int:
    """Raise a "no response" flag for each escalating question nobody answered in time.

    Not for a patient who opted out (they have an opted-out flag: call them), nor for an
    enrolment staff cancelled or replaced. Returns how many flags were raised.
    """
    cache = cache or ProtocolCache()
    answered = exists().where(Reply.question_id == OutboxMessage.id)
    flagged = exists().where(Flag.message_id == OutboxMessage.id,
                             Flag.kind == FlagKind.NO_RESPONSE)
    raised = 0
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
                f"no reply to {row.step} within {window // 3600} h: call the patient"),
                now, enrollment_id=row.enrollment_id, patient_id=patient_id, message_id=row.id)
            raised += 1
    return raised
