"""Provider callbacks that arrived while their text was in flight (`leased`): stored by
the status webhook, applied here right after the sender records its outcome."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from reminders.core.delivery_status import advance, from_callback
from reminders.core.statuses import MessageStatus
from reminders.models import DeliveryEvent, OutboxMessage


def apply_stored_events(conn: Connection, outbox_ids: list[int]) -> int:
    """Apply callbacks stored while these texts were in flight; returns rows changed.

    Idempotent (statuses only move forward), so applying an event twice is harmless.
    """
    if not outbox_ids:
        return 0
    events = conn.execute(
        select(DeliveryEvent.outbox_id, DeliveryEvent.message_sid, DeliveryEvent.status,
               DeliveryEvent.error_code, DeliveryEvent.refusal)
        .where(DeliveryEvent.outbox_id.in_(outbox_ids)).order_by(DeliveryEvent.id)).all()
    if not events:
        return 0
    state = {row.id: [row.status, row.provider_sid] for row in conn.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.provider_sid)
        .where(OutboxMessage.id.in_({e.outbox_id for e in events})))}
    changed = 0
    for outbox_id, sid, status_text, code, refusal in events:
        status, known_sid = state[outbox_id]
        if status == MessageStatus.LEASED or known_sid not in (None, sid):
            continue
        values: dict = {} if known_sid else {"provider_sid": sid}
        new = advance(status, from_callback(status_text))
        if new is not None:
            values["status"] = state[outbox_id][0] = new
            if refusal is not None:
                values["last_error"] = f"{code}: {status_text} ({refusal})"
        if values:
            state[outbox_id][1] = sid
            conn.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values))
            changed += 1
    return changed
