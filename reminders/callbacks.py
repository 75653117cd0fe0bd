"""Recording provider status callbacks: idempotent, monotonic, never losing a SID."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.delivery_status import advance
from reminders.core.statuses import MessageStatus
from reminders.flags import flag_refusal
from reminders.models import DeliveryEvent, OutboxMessage
from reminders.transports.base import StatusReport

log = logging.getLogger(__name__)


def record_status(sessions: sessionmaker[Session], report: StatusReport | None,
                  outbox_id: int | None, now: datetime) -> str:
    """Store one callback and apply it; returns what happened (for logs and tests).

    `report` is None when the provider's callback named no message or an unknown status.
    `outbox_id` comes from the callback URL we gave the provider, so a text whose send
    timed out (`unknown`, no SID yet) is settled by its first callback.
    """
    if report is None:
        return "ignored"
    try:
        return _apply(sessions, report, outbox_id, now)
    except IntegrityError:  # the same callback, delivered twice at once: the other one won
        return "duplicate"


def _apply(sessions: sessionmaker[Session], report: StatusReport, outbox_id: int | None,
           now: datetime) -> str:
    sid = report.sid
    with sessions.begin() as session:
        if session.scalars(select(DeliveryEvent.id).where(
                DeliveryEvent.message_sid == sid, DeliveryEvent.status == report.word)).first():
            return "duplicate"
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.provider_sid == sid)
                              .with_for_update()).first()
        if row is None and outbox_id is not None:
            row = session.get(OutboxMessage, outbox_id, with_for_update=True)
            if row is not None and row.provider_sid not in (None, sid):
                row = None  # the id in the URL does not belong to this SID: trust the SID
        session.add(DeliveryEvent(message_sid=sid, status=report.word, error_code=report.code,
                                  refusal=report.refusal, outbox_id=row.id if row else None,
                                  received_at=now))
        if row is None:
            return "unmatched"
        if row.status == MessageStatus.LEASED:
            # Its sender is still recording the outcome (outcomes are written in batches)
            # and applies this event right after; touching the row now would break its lease.
            return "early"
        new = advance(row.status, report.status)
        if row.provider_sid is None and row.status == MessageStatus.UNKNOWN:
            row.provider_sid = sid  # the provider had it after all
            row.sent_at = row.sent_at or now
        if new is None:
            return "kept"
        row.status = new
        row.updated_at = now
        if report.refusal is not None:
            row.last_error = f"{report.code}: {report.word} ({report.refusal})"
            log.warning("outbox #%s %s: %s", row.id, report.word, row.last_error)
            if new in (MessageStatus.UNDELIVERED, MessageStatus.FAILED):
                flag_refusal(session, row.id, report.refusal, row.last_error, now)
        return new.value
