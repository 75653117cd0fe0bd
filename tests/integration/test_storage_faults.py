"""Storage faults: a database that cannot be written answers 503 on /healthz with the
reason; the SQLite WAL is truncated by the worker's checkpoint; a database that cannot be
used stops `worker.py` and `reminders` with one "refusing to start" line and exit 2.

Read-only databases are made in ways that hold for root too (the suite may run as root,
where a chmod-ed file is still writable): SQLite opened with `mode=ro`, PostgreSQL sessions
with `default_transaction_read_only`.
"""

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from reminders.db import WAL_SIZE_LIMIT_BYTES, make_engine, session_factory
from reminders.inbound import Inbox
from reminders.migrate import upgrade
from reminders.scheduler import build_scheduler
from reminders.web import create_app
from reminders.wiring import make_dispatcher, make_transport
from tests.conftest import PG_SCHEMA, POSTGRES_URL
from tests.integration.helpers import NOW
from tests.integration.processes import WORKER, worker_env

READ_ONLY_REASON = {"sqlite": "attempt to write a readonly database",
                    "postgresql": "cannot execute UPDATE in a read-only transaction"}


@pytest.fixture
def read_only_engine(engine):
    """A second engine on the test database that can read but not write."""
    if engine.dialect.name == "sqlite":
        ro = make_engine(f"sqlite:///file:{engine.url.database}?mode=ro&uri=true")
    else:
        ro = make_engine(POSTGRES_URL, connect_args={
            "options": f"-csearch_path={PG_SCHEMA} -cdefault_transaction_read_only=on"})
    yield ro
    ro.dispose()


def test_healthz_answers_503_with_the_reason_when_the_database_is_read_only(
        engine, read_only_engine, settings, protocols):
    app = create_app(settings, session_factory(read_only_engine), protocols)
    app.extensions["reminders"]["clock"] = lambda: NOW
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "not writable"
    assert body["problems"] == [
        f"the database cannot be written: {READ_ONLY_REASON[engine.dialect.name]}"]
    # the same database through a writable engine is healthy: the 503 was the read-only part
    app = create_app(settings, session_factory(engine), protocols)
    app.extensions["reminders"]["clock"] = lambda: NOW
    assert app.test_client().get("/healthz").status_code == 200


def test_every_sqlite_connection_limits_the_wal_size(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == WAL_SIZE_LIMIT_BYTES
    engine.dispose()


def _worker_scheduler(engine, settings, protocols):
    transport = make_transport(settings)
    return build_scheduler(make_dispatcher(settings, engine, transport), engine, transport,
                           1.0, Inbox(session_factory(engine), protocols, settings))


def test_the_worker_checkpoints_sqlite_every_five_minutes_and_postgresql_never(
        engine, settings, protocols):
    job = _worker_scheduler(engine, settings, protocols).get_job("wal-checkpoint")
    if engine.dialect.name == "sqlite":
        assert job.trigger.interval == timedelta(minutes=5)
    else:
        assert job is None


def test_the_checkpoint_truncates_a_wal_that_a_long_reader_let_grow(
        tmp_path, settings, protocols):
    path = tmp_path / "w.db"
    engine = make_engine(f"sqlite:///{path}")
    checkpoint = _worker_scheduler(engine, settings, protocols).get_job("wal-checkpoint").func
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (body TEXT)"))
    # another program's open read transaction (the service's own all take the write lock)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM notes").fetchone()  # holds a read snapshot open
    for _ in range(200):  # ~1 MB of writes: SQLite's own checkpoints cannot reset the WAL
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO notes VALUES (:b)"), {"b": "x" * 5000})
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 1_000_000  # the WAL did grow while the reader stayed
    reader.close()
    checkpoint()  # the worker's job
    assert wal.stat().st_size == 0
    with engine.connect() as conn:  # nothing was lost on the way
        assert conn.execute(text("SELECT count(*) FROM notes")).scalar() == 200
    engine.dispose()


def _run(command: list[str], tmp_path: Path, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=tmp_path, env=worker_env(database_url), text=True,
                          capture_output=True, timeout=120)


def _migrated_read_only_url(tmp_path: Path) -> str:
    path = tmp_path / "ro.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


UNUSABLE = {
    "missing directory": (lambda tmp: f"sqlite:///{tmp / 'no-such-dir' / 'r.db'}",
                          "the directory {tmp}/no-such-dir does not exist"),
    "read-only database": (_migrated_read_only_url, "attempt to write a readonly database"),
    "unreachable server": (lambda tmp: "postgresql://postgres@127.0.0.1:1/reminders",
                           "Connection refused"),
}
ENTRY_POINTS = {"worker.py": [sys.executable, str(WORKER), "--no-web"],
                "reminders list": [sys.executable, "-m", "reminders", "list"],
                "reminders init-db": [sys.executable, "-m", "reminders", "init-db"],
                "wsgi entry point": [sys.executable, "-c", "from reminders.web.wsgi import "
                                     "create_app_from_env; create_app_from_env()"]}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("fault", UNUSABLE)
def test_an_unusable_database_is_one_refusing_to_start_line_and_exit_2(tmp_path, fault, entry):
    make_url, expected = UNUSABLE[fault]
    result = _run(ENTRY_POINTS[entry], tmp_path, make_url(tmp_path))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback
    assert "refusing to start: DATABASE_URL: " in lines[0]
    assert expected.format(tmp=tmp_path) in lines[0]


@pytest.mark.postgres
@pytest.mark.parametrize("entry", ["worker.py", "reminders list"])
def test_a_read_only_postgresql_is_refused_at_start(postgres_engine, tmp_path, entry):
    url = (f"{POSTGRES_URL}?options=-csearch_path%3D{PG_SCHEMA}"
           "%20-cdefault_transaction_read_only%3Don")
    result = _run(ENTRY_POINTS[entry], tmp_path, url)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "refusing to start: DATABASE_URL: the database is read-only" in lines[0]
