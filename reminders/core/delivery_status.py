"""How a provider status callback moves a text's status (pure).

Callbacks arrive more than once and out of order. A status only ever moves forward:
a late `sent` never overwrites `delivered`, and a delivery receipt wins over an earlier
`undelivered` (the carrier retried and got through).
"""

from __future__ import annotations

from reminders.core.statuses import MessageStatus

# Twilio's callback statuses, mapped to ours; the queue states say nothing we don't know.
_CALLBACK = {
    "accepted": MessageStatus.SENT, "scheduled": MessageStatus.SENT,
    "queued": MessageStatus.SENT, "sending": MessageStatus.SENT, "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED, "read": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED, "failed": MessageStatus.FAILED,
}
_RANK = {MessageStatus.UNKNOWN: 0, MessageStatus.LEASED: 0, MessageStatus.SENT: 1,
         MessageStatus.UNDELIVERED: 2, MessageStatus.FAILED: 2, MessageStatus.DELIVERED: 3}


def from_callback(status: str) -> MessageStatus | None:
    return _CALLBACK.get((status or "").strip().lower())


def advance(current: MessageStatus, incoming: MessageStatus) -> MessageStatus | None:
    """The new status, or None when `incoming` must not change `current`."""
    if current not in _RANK:  # pending, expired, cancelled: we never sent it; ignore
        return None
    return incoming if _RANK[incoming] > _RANK[current] else None
