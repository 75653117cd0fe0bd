"""Can the database DATABASE_URL names be reached and written? Asked once at start by
`worker.py` and the `reminders` command, so a missing or read-only SQLite directory, a
read-only file or an unreachable server is one clear line instead of a traceback at the
first write.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError

from reminders.db import make_engine


class DatabaseUnavailable(Exception):
    """The database cannot be used; the message says why, in an operator's words."""


def check_database(engine: Engine) -> None:
    """Raise DatabaseUnavailable unless a connection opens and a write would succeed.
    Writes nothing: the SQLite probe is rolled back; PostgreSQL is asked whether it is
    read-only (a probe there would need CREATE rights the service may not have)."""
    if engine.dialect.name == "sqlite":
        _check_sqlite_directory(engine)
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("CREATE TABLE reminders_write_probe (x INTEGER)")
            elif conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
                raise DatabaseUnavailable("the database is read-only (transaction_read_only "
                                          "is on: a standby, or a read-only role or database)")
            transaction.rollback()
    except DBAPIError as exc:
        raise DatabaseUnavailable(reason(exc)) from None


def reason(exc: DBAPIError) -> str:
    """The driver's own message on one line, without SQLAlchemy's statement and
    parameters (which could hold patient data)."""
    message = " ".join(str(exc.orig).split())
    if message == "unable to open database file":  # SQLite's words for several causes
        message += " (check that the file and its directory exist and can be written)"
    return message or type(exc.orig).__name__


def _check_sqlite_directory(engine: Engine) -> None:
    database = engine.url.database or ""
    if database in ("", ":memory:") or engine.url.query.get("mode") == "memory":
        return
    path = Path(database.removeprefix("file:").split("?", 1)[0])
    directory = path.resolve().parent
    if not directory.is_dir():
        raise DatabaseUnavailable(f"the directory {directory} does not exist")
    # os.access is True for root whatever the mode bits; the probe still catches a
    # read-only file system or file for root.
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DatabaseUnavailable(f"the directory {directory} cannot be written (SQLite "
                                  "keeps its -wal and -shm files beside the database)")


def open_database(url: str) -> Engine:
    """make_engine, then check_database; a URL SQLAlchemy cannot use is unavailable too."""
    try:
        engine = make_engine(url)
    except ArgumentError as exc:  # also NoSuchModuleError: an unknown dialect or driver
        raise DatabaseUnavailable(str(exc)) from None
    try:
        check_database(engine)
    except DatabaseUnavailable:
        engine.dispose()
        raise
    return engine
