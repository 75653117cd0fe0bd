"""Claiming and finalising outbox rows: the only SQL on the dispatch hot path.

A claim moves due `pending` rows to `leased` with an owner, a lease expiry and a bumped
`attempts` (the fencing token). PostgreSQL: a `FOR UPDATE SKIP LOCKED` CTE feeds an
`UPDATE … RETURNING`, so concurrent workers never wait on or take each other's rows.
SQLite: the engine opens every transaction with BEGIN IMMEDIATE, so the select and the
`UPDATE … WHERE id IN (…) RETURNING` run under the database's single write lock.
Every finalise is guarded by (id, lease owner, attempts, status leased): a worker whose
lease was taken over can never overwrite the new owner's outcome.

The per-text statements (standing, renew, finalise) take a Connection: a sending lane
holds one (`lane_connection`) for its whole batch, which saves a pool checkout (and, on
PostgreSQL, its pre-ping round trip) per text. Each still commits before the provider is
called: no transaction ever spans a send.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Select,
    bindparam,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.delivery_events import Refused, apply_stored_events
from reminders.models import Enrollment, OutboxMessage, Patient


@dataclass(frozen=True)
class Claim:
    id: int
    attempts: int
    to: str
    body: str
    segments: int
    expires_at: datetime
    timezone: str
    protocol_digest: str | None  # None: a page to a staff member (no patient, no protocol)
    quiet_override: bool = False  # a staff text that may go outside the protocol's quiet hours

    @property
    def to_staff(self) -> bool:
        return self.protocol_digest is None


# Where a text goes: the patient's phone, or a page's staff mobile.
RECIPIENT = func.coalesce(OutboxMessage.to_number, Patient.phone)


@dataclass(frozen=True)
class Standing:
    """What may have changed since the claim: read again right before each send."""

    enrollment_active: bool
    opted_out: bool
    consent_recorded: bool


def cancel_pending(session: Session, enrollment_ids, reason: str, now: datetime) -> int:
    """Withdraw every pending text of these enrolments (ids, or a subquery of ids)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.enrollment_id.in_(enrollment_ids),
               OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.CANCELLED, reason=reason, updated_at=now))
    return cast(CursorResult[Any], result).rowcount  # an UPDATE's result (sqlalchemy#12913)


def expire_overdue(sessions: sessionmaker[Session], now: datetime) -> int:
    """Pending rows past their expiry become `expired`: stale advice is never sent late."""
    with sessions.begin() as session:
        result = session.execute(
            update(OutboxMessage)
            # send_at <= now is implied (a row is never due after its expiry) but lets the
            # (status, send_at) index skip the future backlog instead of scanning it
            .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.send_at <= now,
                   OutboxMessage.expires_at <= now)
            .values(status=MessageStatus.EXPIRED, updated_at=now,
                    reason="expired before it could be sent (service was behind)"))
        return cast(CursorResult[Any], result).rowcount


def claim_due(sessions: sessionmaker[Session], owner: str, now: datetime, limit: int,
              lease: timedelta) -> list[Claim]:
    with sessions.begin() as session:
        due = (select(OutboxMessage.id)
               .where(OutboxMessage.status == MessageStatus.PENDING,
                      OutboxMessage.send_at <= now, OutboxMessage.expires_at > now)
               .order_by(OutboxMessage.send_at, OutboxMessage.position, OutboxMessage.id)
               .limit(limit))
        ids: Select[Any] | list[int]
        if session.get_bind().dialect.name == "postgresql":
            ids = select(due.with_for_update(skip_locked=True).cte("due").c.id)
            still_pending = [OutboxMessage.status == MessageStatus.PENDING]
        else:
            ids = list(session.scalars(due))
            if not ids:
                return []
            # Selected under the same write lock, so they cannot have changed; and with a
            # status test here SQLite walks the status index (every pending row) instead
            # of looking the ids up by primary key.
            still_pending = []
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), *still_pending)
            .values(status=MessageStatus.LEASED, lease_owner=owner,
                    lease_expires_at=now + lease, attempts=OutboxMessage.attempts + 1,
                    last_attempt_at=now, updated_at=now)
            .returning(OutboxMessage.id, OutboxMessage.attempts),
            execution_options={"synchronize_session": False}).all()
        if not claimed:
            return []
        attempts = dict(claimed)
        rows = session.execute(
            select(OutboxMessage.id, RECIPIENT, OutboxMessage.body, OutboxMessage.segments,
                   OutboxMessage.expires_at, func.coalesce(Enrollment.timezone, literal("UTC")),
                   Enrollment.protocol_digest, OutboxMessage.quiet_override)
            .outerjoin(Enrollment, OutboxMessage.enrollment_id == Enrollment.id)
            .outerjoin(Patient, Enrollment.patient_id == Patient.id)
            .where(OutboxMessage.id.in_(list(attempts)))
            .order_by(OutboxMessage.send_at, OutboxMessage.position, OutboxMessage.id)).all()
        return [Claim(id=r[0], attempts=attempts[r[0]], to=r[1], body=r[2], segments=r[3],
                      expires_at=r[4], timezone=r[5], protocol_digest=r[6],
                      quiet_override=r[7]) for r in rows]


# Built once: these run once or twice for every text sent.
_STANDING = (
    select(OutboxMessage.id, Enrollment.status, Patient.opted_out_at, Enrollment.consent_by,
           Enrollment.consent_unencrypted_sms)
    .select_from(OutboxMessage)
    .outerjoin(Enrollment, OutboxMessage.enrollment_id == Enrollment.id)
    .outerjoin(Patient, Enrollment.patient_id == Patient.id)
    .where(OutboxMessage.id.in_(bindparam("m_ids", expanding=True))))
_TO_STAFF = Standing(enrollment_active=True, opted_out=False, consent_recorded=True)
# No SET clause here: the columns come from each call's parameters.
_GUARDED = update(OutboxMessage).where(
    OutboxMessage.id == bindparam("m_id"), OutboxMessage.lease_owner == bindparam("m_owner"),
    OutboxMessage.attempts == bindparam("m_attempts"),
    OutboxMessage.status == MessageStatus.LEASED)


def standing(conn: Connection, message_ids: list[int]) -> dict[int, Standing]:
    """The enrolment's and patient's state now, for each text (an opt-out may have landed
    since the claim). A page to a staff member has no patient: it always stands."""
    with conn.begin():
        rows = conn.execute(_STANDING, {"m_ids": message_ids}).all()
    return {row[0]: _TO_STAFF if row[1] is None else
            Standing(enrollment_active=row[1] == EnrollmentStatus.ACTIVE,
                     opted_out=row[2] is not None,
                     consent_recorded=bool(row[3]) and bool(row[4])) for row in rows}


class StandingCache:
    """The standing of a lane's texts, read a few at a time and trusted for `max_age`.

    One query for the next `chunk` texts instead of one per text. A standing at most
    250 ms old is as fresh as the check can usefully be: a request already in flight is
    just as exposed to an opt-out arriving that instant.
    """

    def __init__(self, conn: Connection, claims: list[Claim], chunk: int = 25,
                 max_age: float = 0.25, clock=time.monotonic):
        self.conn = conn
        self.order = [c.id for c in claims]
        self.chunk = chunk
        self.max_age = max_age
        self.clock = clock
        self._cache: dict[int, Standing] = {}
        self._read_at = float("-inf")

    def get(self, message_id: int) -> Standing:
        if message_id not in self._cache or self.clock() - self._read_at > self.max_age:
            start = self.order.index(message_id)
            self._cache = standing(self.conn, self.order[start:start + self.chunk])
            self._read_at = self.clock()
        return self._cache[message_id]

    def invalidate(self) -> None:
        """Forget what was read (this lane itself just changed a patient's standing)."""
        self._cache.clear()


def _guard(claim: Claim, owner: str) -> dict:
    return {"m_id": claim.id, "m_owner": owner, "m_attempts": claim.attempts}


def renew_lease(conn: Connection, claim: Claim, owner: str, until: datetime) -> bool:
    """Extend our lease (a long wait for a send slot); False if it is no longer ours."""
    with conn.begin():
        return conn.execute(_GUARDED, {**_guard(claim, owner), "lease_expires_at": until}).rowcount == 1


def finalise(conn: Connection, claim: Claim, owner: str, now: datetime, **values) -> bool:
    """Record the outcome of a claimed row; False if the lease was no longer ours."""
    params = {"lease_owner": None, "lease_expires_at": None, "updated_at": now, **values,
              **_guard(claim, owner)}
    with conn.begin():
        return conn.execute(_GUARDED, params).rowcount == 1


class OutcomeBuffer:
    """Outcome records of one sending lane, written together: one guarded UPDATE per kind
    of outcome every `size` texts and when the lane ends.

    Safe to delay: until written, a sent text's row stays `leased`; if the process dies
    first, the reaper and the reconciler settle it by asking the provider. Status
    callbacks that arrive meanwhile are stored, applied right after the write, and the
    refusals they show handed to `on_refused` (flags are not this module's).
    """

    def __init__(self, conn: Connection, owner: str,
                 on_refused: Callable[[list[Refused], datetime], None], size: int = 25):
        self.conn = conn
        self.owner = owner
        self.on_refused = on_refused
        self.size = size
        self._items: list[dict] = []

    def add(self, claim: Claim, now: datetime, **values) -> None:
        self._items.append({"lease_owner": None, "lease_expires_at": None, "updated_at": now,
                            **values, **_guard(claim, self.owner)})
        if len(self._items) >= self.size:
            self.flush(now)

    def flush(self, now: datetime) -> int:
        """Write what is buffered; returns how many rows were no longer ours (lease lost)."""
        groups: dict[tuple, list[dict]] = {}
        for item in self._items:  # executemany needs one SET clause: group by columns
            groups.setdefault(tuple(sorted(item)), []).append(item)
        lost = 0
        with self.conn.begin():
            for params in groups.values():
                lost += len(params) - self.conn.execute(_GUARDED, params).rowcount
            applied = apply_stored_events(self.conn, [item["m_id"] for item in self._items], now)
        self._items.clear()
        if applied.refused:
            self.on_refused(applied.refused, now)
        return lost


@contextmanager
def lane_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for one sending lane's per-text statements.

    On PostgreSQL it autocommits (each of those statements is atomic on its own, so one
    round trip instead of three) and does not wait for the WAL flush: an outcome lost in
    a database crash leaves its row `leased`, which the reaper and the reconciler settle
    by asking the provider, so nothing is lost or sent twice. Claims never use it: they
    stay fully durable, as losing one could lead to a second send.
    """
    with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            yield conn
            return
        conn.execution_options(isolation_level="AUTOCOMMIT")
        with conn.begin():
            conn.exec_driver_sql("SET synchronous_commit TO OFF")
        try:
            yield conn
        finally:
            if not conn.invalidated:  # the pool's next user gets full durability back
                conn.rollback()
                with conn.begin():
                    conn.exec_driver_sql("RESET synchronous_commit")
