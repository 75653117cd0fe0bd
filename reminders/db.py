"""Engine and session set-up for SQLite (the default) and PostgreSQL.

SQLite: WAL, foreign keys, a busy timeout and a WAL size limit on every connection, and
every transaction starts with BEGIN IMMEDIATE. Taking the write lock up front costs little here (writers
serialise on SQLite anyway) and removes the lock-upgrade failure a deferred transaction
hits when two processes read and then both try to write.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 30_000
# After a checkpoint resets the WAL, SQLite truncates the file to this size. Without it the
# file stays as large as its largest burst (it filled a volume once).
WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024


class UTCDateTime(TypeDecorator):
    """An aware instant stored in UTC that comes back aware and in UTC on every backend.

    SQLAlchemy's DateTime on SQLite drops the offset, so values are normalised to UTC and
    stored naive there; PostgreSQL keeps them as timestamptz. Naive input is a bug: refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: instants must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (psycopg2 is not installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    # A failed statement's parameters are phones, bodies and notes: errors and echo omit them.
    kwargs.setdefault("hide_parameters", True)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if make_url(url).database in (None, "", ":memory:"):
        kwargs.setdefault("poolclass", StaticPool)  # one shared in-memory database
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT_BYTES}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    # Threads of one process queue on a lock for the write lock instead of in SQLite's
    # busy handler, which polls with sleeps of up to 100 ms: under a burst of webhooks
    # that polling, not the work, made the slowest requests. Other processes still meet
    # the busy handler. A wait past the busy timeout goes ahead and lets SQLite decide.
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        held = write_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if held:
                write_lock.release()
            raise
        connection.info["holds_write_lock"] = held

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _sqlite_end(connection):
        if connection.info.pop("holds_write_lock", False):
            write_lock.release()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def checkpoint_wal(engine: Engine) -> tuple[int, int, int]:
    """Copy the SQLite WAL into the database and truncate it to zero bytes (the worker
    does this every few minutes). A long-lived reader can starve SQLite's own passive
    checkpoints, and the WAL then grows with every write; TRUNCATE waits (busy timeout)
    for readers instead. Returns SQLite's (busy, wal pages, pages checkpointed)."""
    raw = engine.raw_connection()
    try:  # the DBAPI connection: a checkpoint cannot run inside our BEGIN IMMEDIATE
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, pages, done = cursor.fetchone() or (1, -1, -1)  # always one row, says SQLite
        cursor.close()
    finally:
        raw.close()
    return busy, pages, done
