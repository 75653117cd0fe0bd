"""Settling texts whose outcome is unknown: ask the provider before anything is resent.

A row is `unknown` when a send may or may not have reached the provider (a timeout after
the request was written, a dropped connection, a worker that died holding the lease).
Resending blindly could text a patient twice; never resending could lose a text. So:
found at the provider → `sent` with its id; not found and still current → `pending`
again; not found and stale → `expired`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from reminders.core.statuses import MessageStatus
from reminders.db import session_factory
from reminders.delivery_events import apply_stored_events
from reminders.flags import flag_refusals
from reminders.outbox import reap_expired_leases, settle_unknown, unknown_rows
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
