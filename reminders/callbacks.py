"""Recording provider status callbacks as they arrive: idempotent, monotonic, never losing
a SID. Applied by the same rule, with the same refusal flag, as a callback stored while its
text was in flight (`delivery_events.py`)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.delivery_status import StatusEvent, status_change
from reminders.core.statuses import MessageStatus
from reminders.delivery_events import StoredEvent, change_values
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
        event = DeliveryEvent(message_sid=sid, status=report.word, error_code=report.code,
                              refusal=report.refusal, outbox_id=row.id if row else None,
                              received_at=now)
        session.add(event)
        if row is None:
            return "unmatched"
        change = status_change(row.status, row.provider_sid, StatusEvent(
            sid=sid, status=report.status, refused=report.refusal is not None))
        if change is None:
            # A text in flight (leased): its sender is still recording the outcome (they are
            # written in batches) and applies this event right after, through the same rule.
            return "early" if row.status == MessageStatus.LEASED else "kept"
        for column, value in change_values(change, StoredEvent.of(event), row.sent_at, now).items():
            setattr(row, column, value)
        if change.error:
            log.warning("outbox #%s %s: %s", row.id, report.word, row.last_error)
        if change.flag:
            assert report.refusal is not None and row.last_error  # the rule flags refusals only
            flag_refusal(session, row.id, report.refusal, row.last_error, now)
        return change.status.value if change.status else "kept"
