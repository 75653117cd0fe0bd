"""Shared fixtures. Database tests run on SQLite and on PostgreSQL (TEST_POSTGRES_URL).

Where PostgreSQL is unreachable its tests are skipped, saying so; with
REMINDERS_FORBID_SKIPS=1 (set by .ci/run) every skip is turned into a failure.
"""

from __future__ import annotations

import functools
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from reminders.core.protocol_loader import load_protocols
from reminders.db import make_engine, session_factory
from reminders.migrate import upgrade
from reminders.models import Base
from reminders.services import Services
from reminders.settings import PROJECT_ROOT, Settings

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One schema per test run (this process): two suites on one server never drop each
# other's tables. Dropped when the run ends.
PG_SCHEMA = f"reminders_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
FORBID_SKIPS = os.environ.get("REMINDERS_FORBID_SKIPS") == "1"

# CI (.ci/run) draws the same hypothesis examples on every run, so a red run is a
# defect anyone can reproduce, not a roll of the dice; `make test` on a developer's
# machine draws new ones each time, and what they find becomes an @example.
hypothesis_settings.register_profile("ci", derandomize=True)
if FORBID_SKIPS:
    hypothesis_settings.load_profile("ci")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if FORBID_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but REMINDERS_FORBID_SKIPS=1 forbids skips: {report.longrepr}"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def schedules_data() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "schedules.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def protocols(settings, schedules_data):
    return load_protocols(schedules_data, settings.placeholders)


@functools.cache
def load_shipped_protocol():
    """The shipped protocol, for tests that cannot take fixtures (hypothesis)."""
    data = yaml.safe_load((PROJECT_ROOT / "schedules.yaml").read_text(encoding="utf-8"))
    return load_protocols(data, Settings().placeholders).get("hip-joint-injection")


@pytest.fixture(scope="session")
def hip(protocols):
    return protocols.get("hip-joint-injection")


@pytest.fixture(scope="session")
def postgres_engine():
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={PG_SCHEMA}"})
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as exc:  # no server: skip (or fail under REMINDERS_FORBID_SKIPS)
        engine.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    upgrade(engine)
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


def _truncate(engine) -> None:
    names = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path: Path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("postgres_engine")
        _truncate(engine)
        yield engine


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


@pytest.fixture
def svc(sessions, protocols, settings) -> Services:
    return Services(sessions=sessions, protocols=protocols, settings=settings)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
