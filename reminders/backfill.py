"""Recovering texts sent while the service was down: Twilio does not retry a webhook that
failed, so at start and every few minutes we ask it what patients sent to our numbers.

Every text the provider lists that is not stored yet (by MessageSid, the same key the
webhook stores under, so a text that arrives both ways is kept once) is stored and read in
the order it was sent, at the time it was sent: it answers the question that was open then.
Nobody is waiting for an answer any more, so none is sent or recorded; what it says still
raises its flags (a red flag: urgent), so a person calls instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from reminders.inbound import Inbox
from reminders.inbound_message import Inbound
from reminders.models import Reply
from reminders.transports.base import Received, Transport, TransportError, mask_phone

log = logging.getLogger(__name__)

MARGIN = timedelta(minutes=15)  # before the newest stored text: clocks and late listings
FIRST_LOOK = timedelta(days=14)  # with nothing stored yet: as long as a course of texts lasts
_CHUNK = 500  # MessageSids checked per query


@dataclass
class BackfillCounts:
    listed: int = 0
    recovered: int = 0
    failed: int = 0  # the numbers that could not be listed


def looking_since(sessions: sessionmaker[Session], before: datetime) -> datetime:
    """From the newest text stored before `before` (when this process started), less a
    margin; with none, `FIRST_LOOK` ago. Texts the webhook stores after the start must not
    count: they would hide the older ones it missed while the service was down."""
    with sessions() as session:
        newest = session.scalar(select(func.max(Reply.received_at))
                                .where(Reply.received_at < before))
    return before - FIRST_LOOK if newest is None else newest - MARGIN


class Backfiller:
    """One per worker: lists from where its last complete pass began (less the margin),
    and its first pass from the newest text stored before it started."""

    def __init__(self, inbox: Inbox, transport: Transport, numbers: Iterable[str],
                 started_at: datetime):
        self.inbox, self.transport, self.numbers = inbox, transport, tuple(numbers)
        self.started_at = started_at
        self.since: datetime | None = None

    def run(self, now: datetime) -> BackfillCounts:
        since = self.since or looking_since(self.inbox.sessions, self.started_at)
        counts = backfill(self.inbox, self.transport, self.numbers, now, since)
        if not counts.failed:  # a number not listed is asked again from the same point
            self.since = now - MARGIN
        return counts


def backfill(inbox: Inbox, transport: Transport, numbers: Iterable[str], now: datetime,
             since: datetime) -> BackfillCounts:
    """Store and read every text sent to `numbers` from `since` to `now` that the webhook
    did not deliver."""
    counts = BackfillCounts()
    listed: list[Received] = []
    for number in numbers:
        try:
            listed += [m for m in transport.received(number, since) if m.sent_at <= now]
        except TransportError as exc:
            counts.failed += 1
            log.warning("backfill: could not list texts to %s: %s", mask_phone(number), exc)
    counts.listed = len(listed)
    stored = _stored(inbox.sessions, [m.sid for m in listed])
    for message in sorted(listed, key=lambda m: (m.sent_at, m.sid)):
        if message.sid in stored:
            continue
        stored.add(message.sid)
        inbox.receive(_as_inbound(message), message.sent_at, answering=False)
        counts.recovered += 1
    if counts.recovered:
        log.warning("backfill: %s texts that never reached the webhook were recovered and read",
                    counts.recovered)
    return counts


def _stored(sessions: sessionmaker[Session], sids: list[str]) -> set[str]:
    found: set[str] = set()
    with sessions() as session:
        for start in range(0, len(sids), _CHUNK):
            chunk = sids[start:start + _CHUNK]
            found.update(s for s in session.scalars(
                select(Reply.message_sid).where(Reply.message_sid.in_(chunk))) if s)
    return found


def _as_inbound(message: Received) -> Inbound:
    # `raw` keeps what we were given, as the webhook keeps its request body: here the
    # provider's listing fields, form-encoded, so both read the same way later.
    fields = {"MessageSid": message.sid, "From": message.sender, "To": message.to,
              "Body": message.body, "DateSent": message.sent_at.isoformat(),
              "Source": "backfill"}
    return Inbound(sid=message.sid, sender=message.sender, to=message.to, body=message.body,
                   raw=urlencode(fields).encode())
