"""Sign-in throttling, stored so it holds across every web process (the rules are in
reminders.core.sign_in_throttle).

An attempt is charged as a failure *before* its password is checked, and refunded if the
password was right: so concurrent attempts cannot all slip past the count while the
(slow, argon2) checks run. Each counter is one row of `login_throttles`, claimed with
INSERT ... ON CONFLICT DO UPDATE ... RETURNING, which creates it or locks it (PostgreSQL;
SQLite transactions here hold the write lock from BEGIN IMMEDIATE): the read, the
decision and the charge happen under that lock. Rows are claimed in one order (account,
address, pair), so two attempts cannot deadlock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.sign_in_throttle import Counter, address_window, wait
from reminders.models import LoginThrottle

ACCOUNT, ADDRESS, PAIR = "account", "address", "pair"
STALE = timedelta(days=1)  # a counter untouched this long is past every wait: pruned


def client_address(raw: str | None) -> str:
    """The address as counted: printable ASCII of at most 64 characters, else "unknown"."""
    address = (raw or "unknown")[:64]
    return address if address.isascii() and address.isprintable() else "unknown"


def _claim(session: Session, kind: str, name: str, address: str,
           now: datetime) -> tuple[int, Counter]:
    """The counter's row id and state, the row created if new and locked until commit."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    values = insert(LoginThrottle).values(kind=kind, name=name, address=address,
                                          failures=0, updated_at=now)
    statement = values.on_conflict_do_update(
        index_elements=["kind", "name", "address"],
        set_={"updated_at": values.excluded.updated_at},
    ).returning(LoginThrottle.id, LoginThrottle.failures, LoginThrottle.started_at,
                LoginThrottle.last_failure_at)
    row = session.execute(statement).one()
    return row.id, Counter(row.failures, row.started_at, row.last_failure_at)


def admit(sessions: sessionmaker[Session], name: str, address: str,
          now: datetime) -> timedelta:
    """Zero if this attempt's password may be checked now (the attempt is then charged as
    a failure until `settle` says otherwise); else how long this address must wait."""
    with sessions.begin() as session:
        account_id, account = _claim(session, ACCOUNT, name, "", now)
        address_id, by_address = _claim(session, ADDRESS, "", address, now)
        pair_id, pair = _claim(session, PAIR, name, address, now)
        by_address = address_window(by_address, now)
        delay = wait(account, by_address, pair.failures > 0, now)
        if delay > timedelta(0):
            return delay  # not charged: a refusal must not push the wait out forever
        session.execute(update(LoginThrottle).where(LoginThrottle.id == account_id).values(
            failures=account.failures + 1, last_failure_at=now))
        session.execute(update(LoginThrottle).where(LoginThrottle.id == address_id).values(
            failures=by_address.failures + 1, started_at=by_address.started_at,
            last_failure_at=now))
        session.execute(update(LoginThrottle).where(LoginThrottle.id == pair_id).values(
            failures=pair.failures + 1, last_failure_at=now))
        return timedelta(0)


def settle(session: Session, name: str, address: str, succeeded: bool, now: datetime) -> None:
    """After the check, in the caller's transaction: a right password ends the account's
    streak (every address's delay for it) and refunds the address its charge."""
    if not succeeded:
        return  # charged already by `admit`
    session.execute(update(LoginThrottle).where(
        LoginThrottle.kind == ACCOUNT, LoginThrottle.name == name).values(
        failures=0, last_failure_at=None, updated_at=now))
    session.execute(update(LoginThrottle).where(
        LoginThrottle.kind == ADDRESS, LoginThrottle.address == address,
        LoginThrottle.failures > 0).values(failures=LoginThrottle.failures - 1))
    session.execute(delete(LoginThrottle).where(LoginThrottle.kind == PAIR,
                                                LoginThrottle.name == name))


def prune(sessions: sessionmaker[Session], now: datetime) -> None:
    """Drop counters untouched for a day (made-up names would otherwise pile up). Rows
    another attempt holds are skipped, so this never waits on or deadlocks with one."""
    with sessions.begin() as session:
        stale = select(LoginThrottle.id).where(
            LoginThrottle.updated_at < now - STALE).with_for_update(skip_locked=True)
        session.execute(delete(LoginThrottle).where(LoginThrottle.id.in_(stale)))
