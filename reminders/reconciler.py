"""Settling texts whose outcome is unknown: ask the provider before anything is resent.

A row is `unknown` when a send may or may not have reached the provider (a timeout after
the request was written, a dropped connection, a worker that died holding the lease).
Resending blindly could text a patient twice; never resending could lose a text. So:
found at the provider → `sent` with its id; not found and still current → `pending`
again; not found and stale → `expired`. The few statements recovery runs (reaping expired
leases, listing and settling unknown rows) live here too, at the end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.statuses import MessageStatus
from reminders.db import session_factory
from reminders.delivery_events import apply_stored_events
from reminders.flags import flag_refusals
from reminders.models import Enrollment, OutboxMessage, Patient
from reminders.outbox import RECIPIENT
from reminders.transports.base import Transport, TransportError

log = logging.getLogger(__name__)

SETTLE_DELAY = timedelta(minutes=2)  # let the provider list a message it just accepted
CLOCK_SKEW = timedelta(minutes=2)  # the provider's clock and ours differ a little


def reconcile(engine: Engine, transport: Transport, now: datetime,
              limit: int = 100) -> dict[str, int]:
    sessions = session_factory(engine)
    counts = {"found": 0, "requeued": 0, "expired": 0, "lookup_failed": 0}
    for row in unknown_rows(sessions, now - SETTLE_DELAY, limit):
        # A callback stored while the row was still leased already proves acceptance.
        with engine.begin() as conn:
            applied = apply_stored_events(conn, [row.id], now)
        if applied.changed:
            flag_refusals(sessions, applied.refused, now)
            counts["found"] += 1
            continue
        try:
            sid = transport.find(row.to, row.body, row.attempted_at - CLOCK_SKEW)
        except TransportError as exc:
            counts["lookup_failed"] += 1
            log.warning("outbox #%s: provider lookup failed, will try again: %s", row.id, exc)
            continue
        if sid is not None:
            settled = settle_unknown(sessions, row.id, now, status=MessageStatus.SENT,
                                     provider_sid=sid, sent_at=row.attempted_at,
                                     reason="the provider had accepted it (reconciled)")
            counts["found"] += settled
        elif now < row.expires_at:
            settled = settle_unknown(sessions, row.id, now, status=MessageStatus.PENDING,
                                     send_at=now, reason="never reached the provider; re-queued")
            counts["requeued"] += settled
        else:
            settled = settle_unknown(sessions, row.id, now, status=MessageStatus.EXPIRED,
                                     reason="never reached the provider, and is now stale")
            counts["expired"] += settled
    return counts


def recover(engine: Engine, transport: Transport, now: datetime) -> dict[str, int]:
    """One recovery pass: expired leases become unknown, then unknowns are settled."""
    reaped = reap_expired_leases(session_factory(engine), now)
    return {"reaped": reaped, **reconcile(engine, transport, now)}


# --- the rows recovery reads and writes ------------------------------------------------


def reap_expired_leases(sessions: sessionmaker[Session], now: datetime) -> int:
    """Leased rows whose lease ran out (their worker died or hung) become `unknown`.

    The send may have happened: only the reconciler, after asking the provider, may
    re-queue such a row.
    """
    with sessions.begin() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.LEASED,
                   OutboxMessage.lease_expires_at <= now)
            .values(status=MessageStatus.UNKNOWN, lease_owner=None, lease_expires_at=None,
                    last_error="lease expired before the outcome was recorded", updated_at=now))
        return cast(CursorResult[Any], result).rowcount


@dataclass(frozen=True)
class Unknown:
    id: int
    to: str
    body: str
    expires_at: datetime
    attempted_at: datetime


def unknown_rows(sessions: sessionmaker[Session], settled_before: datetime, limit: int) -> list[Unknown]:
    """`unknown` rows whose last attempt began before `settled_before` (a provider may
    take a moment to list a message it has just accepted)."""
    with sessions() as session:
        rows = session.execute(
            select(OutboxMessage.id, RECIPIENT, OutboxMessage.body, OutboxMessage.expires_at,
                   OutboxMessage.last_attempt_at)
            .select_from(OutboxMessage)
            .outerjoin(Enrollment, OutboxMessage.enrollment_id == Enrollment.id)
            .outerjoin(Patient, Enrollment.patient_id == Patient.id)
            .where(OutboxMessage.status == MessageStatus.UNKNOWN,
                   OutboxMessage.last_attempt_at <= settled_before)
            .order_by(OutboxMessage.last_attempt_at).limit(limit)).all()
    return [Unknown(id_, to, body, expires_at, attempted_at)  # attempted_at: never NULL here
            for id_, to, body, expires_at, attempted_at in rows if attempted_at is not None]


def settle_unknown(sessions: sessionmaker[Session], row_id: int, now: datetime, **values) -> bool:
    """Record what the reconciler learned; False if another worker settled it first."""
    with sessions.begin() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == MessageStatus.UNKNOWN)
            .values(updated_at=now, **values))
        return cast(CursorResult[Any], result).rowcount == 1
