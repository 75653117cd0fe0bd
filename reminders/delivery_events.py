"""Provider status events on our texts, applied by one rule (`core.delivery_status`).

A status callback is stored as a `DeliveryEvent` and applied at once (`callbacks.py`),
unless its text is in flight (`leased`): then it is applied here, right after the sender
records its outcome (or by the reconciler, if the sender died). Both paths write the
same columns and report the same refusals, whose flags the caller raises once the
change is committed (a flag follows a recorded outcome).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from reminders.core.delivery_status import StatusChange, StatusEvent, from_callback, status_change
from reminders.models import DeliveryEvent, OutboxMessage
from reminders.transports.base import Refusal


@dataclass(frozen=True)
class Refused:
    """A text an event showed refused for good: work for `flags.flag_refusals`."""

    outbox_id: int
    refusal: Refusal
    error: str


@dataclass
class Applied:
    changed: int = 0  # texts changed
    refused: list[Refused] = field(default_factory=list)


@dataclass(frozen=True)
class StoredEvent:
    """The columns of a stored event the rule reads."""

    message_sid: str
    status: str
    error_code: int | None
    refusal: Refusal | None
    received_at: datetime

    @classmethod
    def of(cls, source: Any) -> StoredEvent:
        """From a `DeliveryEvent` or a selected row with its columns."""
        return cls(source.message_sid, source.status, source.error_code, source.refusal,
                   source.received_at)


def event_of(event: StoredEvent) -> StatusEvent | None:
    """The rule's view of a stored event (a `DeliveryEvent`, or a row with its columns)."""
    status = from_callback(event.status)
    if status is None:
        return None
    return StatusEvent(sid=event.message_sid, status=status, refused=event.refusal is not None)


def change_values(change: StatusChange, event: StoredEvent, sent_at: datetime | None,
                  now: datetime) -> dict:
    """The outbox columns `change` writes; `sent_at` is the text's, if known."""
    values: dict = {"updated_at": now}
    if change.status is not None:
        values["status"] = change.status
    if change.sid is not None:
        values["provider_sid"] = change.sid
        values["sent_at"] = sent_at or event.received_at
    if change.error:
        values["last_error"] = f"{event.error_code}: {event.status} ({event.refusal})"
    return values


def apply_stored_events(conn: Connection, outbox_ids: list[int], now: datetime) -> Applied:
    """Apply the events stored while these texts were in flight, in the caller's
    transaction. Idempotent (statuses only move forward), so applying one twice is harmless.
    """
    applied = Applied()
    if not outbox_ids:
        return applied
    events = conn.execute(
        select(DeliveryEvent.outbox_id, DeliveryEvent.message_sid, DeliveryEvent.status,
               DeliveryEvent.error_code, DeliveryEvent.refusal, DeliveryEvent.received_at)
        .where(DeliveryEvent.outbox_id.in_(outbox_ids)).order_by(DeliveryEvent.id)).all()
    if not events:
        return applied
    state = {row.id: row._asdict() for row in conn.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.provider_sid,
               OutboxMessage.sent_at)
        .where(OutboxMessage.id.in_({e.outbox_id for e in events})))}
    for event in events:
        row = state[event.outbox_id]  # as the events before this one left it
        stored = StoredEvent.of(event)
        reported = event_of(stored)
        change = status_change(row["status"], row["provider_sid"], reported) if reported else None
        if change is None:
            continue
        values = change_values(change, stored, row["sent_at"], now)
        conn.execute(update(OutboxMessage).where(OutboxMessage.id == row["id"]).values(**values))
        row.update((k, v) for k, v in values.items() if k in row)
        applied.changed += 1
        if change.flag:
            applied.refused.append(Refused(row["id"], event.refusal, values["last_error"]))
    return applied
