"""The dispatcher: claim due texts, check each once more, send it, record the outcome.

Sending happens outside any transaction: a claim commits before the provider is called,
and the outcome is written in a transaction of its own, guarded by the lease. A process
that dies in between leaves the row `leased`; the lease reaper (not this module) turns it
into `unknown` for reconciliation, so it is never sent twice blindly.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from time import perf_counter

from sqlalchemy import Connection, Engine

from reminders.clock import utcnow
from reminders.core.delivery_rules import (
    MAX_ATTEMPTS,
    Cancel,
    Defer,
    Expire,
    SendContext,
    before_send,
    retry_at,
)
from reminders.core.localtime import QuietHours, zone
from reminders.core.statuses import MessageStatus
from reminders.db import session_factory
from reminders.delivery_events import Refused
from reminders.flags import flag_refusal, flag_refusals
from reminders.metrics import Metrics
from reminders.outbox import (
    Claim,
    OutcomeBuffer,
    StandingCache,
    claim_due,
    expire_overdue,
    finalise,
    lane_connection,
    renew_lease,
)
from reminders.protocol_files import ProtocolCache
from reminders.rate_limit import SendRate
from reminders.transports.base import (
    DeliveryUnknown,
    OutgoingText,
    Refusal,
    Transport,
    TransportError,
    mask_phone,
)

log = logging.getLogger(__name__)
_COUNTS_LOCK = threading.Lock()


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Lane:
    """What one sending lane works with: its connection and what it buffers."""

    conn: Connection
    outcomes: OutcomeBuffer
    standing: StandingCache


@dataclass
class DispatchCounts:
    """Outcomes of one pass. Sending threads update it; `+=` on an int attribute is not
    atomic, so they go through `add`."""

    sent: int = 0
    expired: int = 0
    failed: int = 0
    retrying: int = 0
    unknown: int = 0
    cancelled: int = 0
    deferred: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def add(self, outcome: str) -> None:
        with _COUNTS_LOCK:
            setattr(self, outcome, getattr(self, outcome) + 1)


LEASE_MARGIN = timedelta(seconds=60)  # never start a send this close to losing the lease


class Dispatcher:
    """Sends due texts. `rate` (shared by all workers) paces the sends; `concurrency`
    bounds this process's requests in flight, so a slow provider cannot tie up more.

    It takes the engine, not a sessionmaker: each sending lane holds a raw connection of
    its own, and claims and flags go through sessions made from the same engine.
    `metrics`, when given, times each send and counts the provider's errors."""

    def __init__(self, engine: Engine, transport: Transport, *,
                 batch: int = 50, lease: timedelta = timedelta(minutes=5),
                 clock: Callable[[], datetime] = utcnow, owner: str | None = None,
                 rng: random.Random | None = None, stop: threading.Event | None = None,
                 rate: SendRate | None = None, concurrency: int = 1,
                 metrics: Metrics | None = None):
        self.engine = engine
        self.sessions = session_factory(engine)
        self.transport = transport
        self.lease = lease
        self.rate = rate
        self.concurrency = max(1, concurrency)
        # A batch must drain well within its lease at the configured pace (~2 segments a text).
        paced = batch if rate is None else int(rate.per_second * lease.total_seconds() / 8)
        self.batch = max(1, min(batch, paced))
        self.clock = clock
        self.owner = owner or worker_id()
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()
        self.protocols = ProtocolCache()
        self.metrics = metrics

    def run_once(self) -> DispatchCounts:
        """One pass: expire stale rows, then claim and send batches until none are due.

        A stop request ends the pass after the batch in flight, never in the middle of it.
        """
        counts = DispatchCounts()
        counts.expired += expire_overdue(self.sessions, self.clock())
        pool = ThreadPoolExecutor(self.concurrency, "send") if self.concurrency > 1 else None
        try:
            while not self.stop.is_set():
                claimed_at = self.clock()
                claims = claim_due(self.sessions, self.owner, claimed_at, self.batch, self.lease)
                if pool is None:
                    self._lane(claims, claimed_at, counts)
                else:
                    lanes = [claims[i::self.concurrency] for i in range(self.concurrency)]
                    for future in [pool.submit(self._lane, lane, claimed_at, counts)
                                   for lane in lanes if lane]:
                        future.result()
                if len(claims) < self.batch:
                    break
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        return counts

    def _quiet(self, digest: str | None) -> QuietHours | None:
        if digest is None:  # a page: staff on call are paged at any hour
            return None
        protocol = self.protocols.cached(digest)
        if protocol is None:
            with self.sessions() as session:
                protocol = self.protocols.get(session, digest)
        return protocol.quiet_hours

    def _finalise(self, conn: Connection, claim: Claim, now: datetime, **values) -> bool:
        if not finalise(conn, claim, self.owner, now, **values):
            log.warning("outbox #%s: lease lost before its outcome was recorded", claim.id)
            return False
        return True

    def _lane(self, claims: list[Claim], claimed_at: datetime, counts: DispatchCounts) -> None:
        """Send `claims` one after another on one connection (no transaction spans a send)."""
        if not claims:
            return
        with lane_connection(self.engine) as conn:
            standing = StandingCache(conn, claims)

            def flag_stored(refused: list[Refused], now: datetime) -> None:
                # callbacks that came while their texts were in flight, now applied
                flag_refusals(self.sessions, refused, now)
                if any(r.refusal == Refusal.OPTED_OUT for r in refused):
                    standing.invalidate()

            lane = Lane(conn, OutcomeBuffer(conn, self.owner, flag_stored), standing)
            try:
                for claim in claims:
                    self._handle(lane, claim, claimed_at, counts)
            finally:  # also on an exception or a shutdown, so what went out is recorded;
                # only a process that dies skips this, and recovery settles its rows
                lost = lane.outcomes.flush(self.clock())
                if lost:
                    log.warning("%s outcomes not recorded: their leases were lost", lost)

    def _handle(self, lane: Lane, claim: Claim, claimed_at: datetime,
                counts: DispatchCounts) -> None:
        conn = lane.conn
        slot = self.rate.reserve(claim.segments, conn) if self.rate is not None else None
        start = self.clock() if slot is None else max(self.clock(), datetime.fromtimestamp(slot, UTC))
        # A send that would begin close to the end of our lease (a long wait for a slot, a
        # slow provider) renews it first, or leaves the row alone if it is no longer ours.
        near_end = start + LEASE_MARGIN > claimed_at + self.lease
        if near_end and not renew_lease(conn, claim, self.owner, start + self.lease):
            log.warning("outbox #%s: lease lost while waiting; not sending", claim.id)
            return
        if slot is not None and self.rate is not None:  # wait first: the checks below must be fresh
            self.rate.wait_for(slot)
        now = self.clock()
        state = lane.standing.get(claim.id)
        decision = before_send(SendContext(
            enrollment_active=state.enrollment_active, opted_out=state.opted_out,
            consent_recorded=state.consent_recorded, expires_at=claim.expires_at,
            timezone=zone(claim.timezone), quiet_hours=self._quiet(claim.protocol_digest),
            quiet_override=claim.quiet_override), now)
        if isinstance(decision, Cancel):
            counts.add("cancelled")
            lane.outcomes.add(claim, now, status=MessageStatus.CANCELLED, reason=decision.reason)
            return
        if isinstance(decision, Expire):
            counts.add("expired")
            lane.outcomes.add(claim, now, status=MessageStatus.EXPIRED, reason=decision.reason)
            return
        if isinstance(decision, Defer):  # not a send attempt: give the attempt back
            counts.add("deferred")
            lane.outcomes.add(claim, now, status=MessageStatus.PENDING, send_at=decision.until,
                           reason=decision.reason, attempts=claim.attempts - 1)
            return
        self._send(lane, claim, now, counts)

    def _send(self, lane: Lane, claim: Claim, now: datetime, counts: DispatchCounts) -> None:
        text = OutgoingText(message_id=claim.id, to=claim.to, body=claim.body,
                            segments=claim.segments, expires_at=claim.expires_at)
        started = perf_counter()  # not self.clock: a simulated clock does not move
        try:
            result = self.transport.send(text)
        except TransportError as exc:
            self._observe(started, exc)
            self._failed(lane, claim, exc, counts)
        except DeliveryUnknown as exc:
            self._observe(started, exc)
            counts.add("unknown")
            log.warning("outbox #%s to %s: outcome unknown: %s", claim.id, mask_phone(claim.to), exc)
            lane.outcomes.add(claim, self.clock(), status=MessageStatus.UNKNOWN, last_error=str(exc))
        except Exception as exc:  # a transport bug: the request may have gone out
            self._observe(started, exc)
            counts.add("unknown")
            log.exception("outbox #%s: transport %s raised", claim.id, self.transport.name)
            lane.outcomes.add(claim, self.clock(), status=MessageStatus.UNKNOWN,
                           last_error=f"{type(exc).__name__}: {exc}")
        else:
            self._observe(started, None)
            counts.add("sent")
            log.info("outbox #%s sent to %s (%s segments) as %s", claim.id,
                     mask_phone(claim.to), claim.segments, result.provider_sid)
            lane.outcomes.add(claim, self.clock(), status=MessageStatus.SENT, sent_at=now,
                           provider_sid=result.provider_sid, last_error=None)

    def _observe(self, started: float, exc: Exception | None) -> None:
        """The send's time and, for an error, its class (when this process keeps metrics)."""
        if self.metrics is not None:
            outcome = "sent" if exc is None else self.metrics.send_failed(exc)
            self.metrics.send_seconds.labels(outcome).observe(perf_counter() - started)

    def _refused(self, lane: Lane, claim: Claim, refusal: Refusal, error: str,
                 now: datetime) -> None:
        log.warning("outbox #%s to %s refused (%s): %s", claim.id, mask_phone(claim.to),
                    refusal, error)
        # Work for staff (a question not reached, an undeliverable number, an opt-out at
        # the carrier: then every enrolment's texts stop at once) and, for a refusal every
        # patient gets alike, the operator's system alert. The outcome is written at once,
        # not buffered: the flag must follow a recorded outcome.
        if self._finalise(lane.conn, claim, now, status=MessageStatus.FAILED, last_error=error):
            with self.sessions.begin() as session:
                flag_refusal(session, claim.id, refusal, error, now)
            if refusal == Refusal.OPTED_OUT:
                lane.standing.invalidate()  # this patient's other texts in the lane must see it

    def _failed(self, lane: Lane, claim: Claim, exc: TransportError,
                counts: DispatchCounts) -> None:
        now = self.clock()
        error = f"{exc.code}: {exc}" if exc.code else str(exc)
        if exc.refusal is not None:
            counts.add("failed")
            self._refused(lane, claim, exc.refusal, error, now)
            return
        again = retry_at(claim.attempts, now, claim.expires_at, self.rng)
        if again is not None:
            counts.add("retrying")
            lane.outcomes.add(claim, now, status=MessageStatus.PENDING, send_at=again, last_error=error)
        elif claim.attempts >= MAX_ATTEMPTS:
            counts.add("failed")
            lane.outcomes.add(claim, now, status=MessageStatus.FAILED, last_error=error,
                           reason=f"gave up after {claim.attempts} tries")
        else:
            counts.add("expired")
            lane.outcomes.add(claim, now, status=MessageStatus.EXPIRED, last_error=error,
                           reason="expired while waiting to retry")
