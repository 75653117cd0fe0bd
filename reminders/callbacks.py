"""Recording provider status callbacks: idempotent, monotonic, never losing a SID."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.delivery_status import advance, from_callback
from reminders.core.statuses import MessageStatus
from reminders.flags import flag_refusal
from reminders.models import DeliveryEvent, OutboxMessage
from reminders.provider_errors import kind_of

log = logging.getLogger(__name__)


def _code(raw: str | None) -> int | None:
    return int(raw) if raw and raw.strip().isdigit() else None


def record_status(sessions: sessionmaker[Session], params: Mapping[str, str],
                  outbox_id: int | None, now: datetime) -> str:
    """Store one callback and apply it; returns what happened (for logs and tests).

    `outbox_id` comes from the callback URL we gave the provider, so a text whose send
    timed out (`unknown`, no SID yet) is settled by its first callback.
    """
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    raw_status = params.get("MessageStatus") or params.get("SmsStatus") or ""
    incoming = from_callback(raw_status)
    if not sid or incoming is None:
        return "ignored"
    code = _code(params.get("ErrorCode"))
    status_text = raw_status.strip().lower()
    try:
        return _apply(sessions, sid, status_text, incoming, code, outbox_id, now)
    except IntegrityError:  # the same callback, delivered twice at once: the other one won
        return "duplicate"


def _apply(sessions: sessionmaker[Session], sid: str, status_text: str, incoming: MessageStatus,
           code: int | None, outbox_id: int | None, now: datetime) -> str:
    with sessions.begin() as session:
        if session.scalars(select(DeliveryEvent.id).where(
                DeliveryEvent.message_sid == sid, DeliveryEvent.status == status_text)).first():
            return "duplicate"
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.provider_sid == sid)
                              .with_for_update()).first()
        if row is None and outbox_id is not None:
            row = session.get(OutboxMessage, outbox_id, with_for_update=True)
            if row is not None and row.provider_sid not in (None, sid):
                row = None  # the id in the URL does not belong to this SID: trust the SID
        session.add(DeliveryEvent(message_sid=sid, status=status_text, error_code=code,
                                  outbox_id=row.id if row else None, received_at=now))
        if row is None:
            return "unmatched"
        if row.status == MessageStatus.LEASED:
            # Its sender is still recording the outcome (outcomes are written in batches)
            # and applies this event right after; touching the row now would break its lease.
            return "early"
        new = advance(row.status, incoming)
        if row.provider_sid is None and row.status == MessageStatus.UNKNOWN:
            row.provider_sid = sid  # the provider had it after all
            row.sent_at = row.sent_at or now
        if new is None:
            return "kept"
        row.status = new
        row.updated_at = now
        if code is not None:
            row.last_error = f"{code}: {status_text} ({kind_of(code)})"
            log.warning("outbox #%s %s with error %s (%s)", row.id, status_text, code, kind_of(code))
            if new in (MessageStatus.UNDELIVERED, MessageStatus.FAILED):
                flag_refusal(session, row.id, code, row.last_error, now)
        return new.value
