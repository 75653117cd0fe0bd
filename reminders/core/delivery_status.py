"""How a provider's status event moves a text's status (pure): one rule, used for a
status callback as it arrives and for one stored while its text was in flight.

Callbacks arrive more than once and out of order. A status only ever moves forward:
a late `sent` never overwrites `delivered`, and a delivery receipt wins over an earlier
`undelivered` (the carrier retried and got through).
"""

from __future__ import annotations

from dataclasses import dataclass

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
_NEVER_ARRIVES = (MessageStatus.UNDELIVERED, MessageStatus.FAILED)


def from_callback(status: str) -> MessageStatus | None:
    return _CALLBACK.get((status or "").strip().lower())


def advance(current: MessageStatus, incoming: MessageStatus) -> MessageStatus | None:
    """The new status, or None when `incoming` must not change `current`."""
    if current not in _RANK:  # pending, expired, cancelled: we never sent it; ignore
        return None
    return incoming if _RANK[incoming] > _RANK[current] else None


@dataclass(frozen=True)
class StatusEvent:
    """What a provider said about one of its messages."""

    sid: str  # the provider's id of the message
    status: MessageStatus
    refused: bool  # it gave a reason the text was not delivered (a refusal)


@dataclass(frozen=True)
class StatusChange:
    """What an event changes on a text."""

    status: MessageStatus | None  # the new status; None: it stays
    sid: str | None  # the provider had it after all: record its id (and that it went out)
    error: bool  # record the provider's reason as the text's error
    flag: bool  # raise the refusal flag: the text will never arrive, and staff must know why


def status_change(current: MessageStatus, known_sid: str | None,
                  event: StatusEvent) -> StatusChange | None:
    """What `event` changes on a text whose status is `current` and whose provider id is
    `known_sid` (None until the provider's answer is known), or None when nothing.

    A text in flight (`leased`) is left alone: its sender records the outcome, then
    applies the events stored meanwhile through this same rule. An event about another
    message (another id) changes nothing. Only a text whose send had an unknown outcome
    takes the event's id: then the provider had it.
    """
    if current == MessageStatus.LEASED or known_sid not in (None, event.sid):
        return None
    new = advance(current, event.status)
    sid = event.sid if known_sid is None and current == MessageStatus.UNKNOWN else None
    if new is None and sid is None:
        return None
    error = new is not None and event.refused
    return StatusChange(status=new, sid=sid, error=error, flag=error and new in _NEVER_ARRIVES)
