"""Shared set-up for the benchmarks: machine description, fresh databases, seeded outboxes."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import insert, text

from reminders.core.protocol_loader import load_protocols
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.core.zones import COMMON_ZONES, tables
from reminders.db import make_engine, session_factory
from reminders.migrate import upgrade
from reminders.models import Enrollment, OutboxMessage, Patient, ProtocolVersion
from reminders.settings import PROJECT_ROOT, Settings

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_SCHEMA = "reminders_bench"
ROOT = PROJECT_ROOT


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as conn:
            pg = conn.exec_driver_sql("show server_version").scalar()
        engine.dispose()
    except Exception as exc:
        pg = f"unreachable ({type(exc).__name__})"
    return (f"{cpu}, {os.cpu_count()} cores, {mem} MiB RAM; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; PostgreSQL {pg}")


def hip_protocol():
    data = yaml.safe_load((ROOT / "schedules.yaml").read_text(encoding="utf-8"))
    return load_protocols(data, Settings().placeholders).get("hip-joint-injection")


def midday_zone() -> str:
    """A place's zone where it is about noon now (as tests/integration/processes.py)."""
    now = datetime.now(UTC)
    return next(z for z in (*COMMON_ZONES, *tables().representatives)
                if 11 <= now.astimezone(ZoneInfo(z)).hour <= 13)


class Database:
    """A fresh, migrated database: a SQLite file, or a schema of its own on PostgreSQL."""

    def __init__(self, backend: str):
        self.backend = backend
        if backend == "sqlite":
            self._dir = tempfile.mkdtemp(prefix="bench-")
            self.url = f"sqlite:///{self._dir}/bench.db"
            self.engine = make_engine(self.url)
        else:
            self.url = f"{POSTGRES_URL}?options=-csearch_path%3D{PG_SCHEMA}"
            self.engine = make_engine(self.url)
            with self.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)

    def close(self):
        self.engine.dispose()
        if self.backend == "sqlite":
            shutil.rmtree(self._dir, ignore_errors=True)


def seed(db: Database, *, enrolments: int, due: int, now: datetime, chunk: int = 20_000) -> None:
    """`enrolments` patients with a full plan of future texts (~12 each), and `due` texts
    due now on the first enrolment. Phones are in the 555 area code: never real numbers."""
    protocol = hip_protocol()
    zone = midday_zone()
    with db.sessions.begin() as session:
        session.add(ProtocolVersion(digest=protocol.digest, protocol_id=protocol.id,
                                    source=dict(protocol.source)))
    steps = protocol.steps
    with db.engine.begin() as conn:
        for start in range(0, enrolments, chunk):
            ids = range(start + 1, min(enrolments, start + chunk) + 1)
            conn.execute(insert(Patient), [dict(id=i, first_name="Alex", phone=f"+1555{i:07d}",
                                                language="en", timezone=zone, created_at=now,
                                                updated_at=now) for i in ids])
            conn.execute(insert(Enrollment), [dict(
                id=i, patient_id=i, protocol_id=protocol.id, protocol_digest=protocol.digest,
                injected_at=now, language="en", timezone=zone, diabetic=False,
                pt_referral=False, consent_by="bench",
                consent_at=now, consent_text="bench", consent_unencrypted_sms=True,
                status=EnrollmentStatus.ACTIVE, created_by="bench", created_at=now,
                updated_at=now) for i in ids])
            rows = [dict(enrollment_id=i, step=step.id, position=step.order, language="en",
                         body=f"Example Pain Clinic: {step.id} for patient {i}", segments=2,
                         encoding="GSM-7", send_at=now + timedelta(hours=1 + n * 26),
                         expires_at=now + timedelta(hours=9 + n * 26), status=MessageStatus.PENDING,
                         reason="", attempts=0, created_at=now, updated_at=now)
                    for i in ids for n, step in enumerate(steps)]
            for part in range(0, len(rows), chunk):
                conn.execute(insert(OutboxMessage), rows[part:part + chunk])
    if due:
        add_due(db, due, now)
    if db.backend == "postgresql":
        with db.engine.begin() as conn:  # rows were inserted with their ids: move the sequences on
            for table in ("patients", "enrollments", "outbox"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("VACUUM ANALYZE")


def add_due(db: Database, count: int, now: datetime) -> None:
    """`count` one-segment texts due now on the first enrolment."""
    with db.engine.begin() as conn:
        conn.execute(insert(OutboxMessage), [dict(
            enrollment_id=1, step=f"due-{k:05d}", position=100 + k, language="en",
            body=f"Example Pain Clinic: due text {k}", segments=1, encoding="GSM-7",
            send_at=now - timedelta(minutes=1), expires_at=now + timedelta(hours=2),
            status=MessageStatus.PENDING, reason="", attempts=0, created_at=now,
            updated_at=now) for k in range(count)])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_worker(url: str, env_extra: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, float]:
    """Start `worker.py --no-web`; returns the process and seconds until it logged 'started:'."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMS_"))}
    env.update(DATABASE_URL=url, DISPATCH_INTERVAL="0.5", **env_extra)
    log = open(log_path, "w")  # noqa: SIM115
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "worker.py"), "--no-web"], env=env,
                            cwd=log_path.parent, stdout=log, stderr=subprocess.STDOUT, text=True)
    log.close()
    while "started:" not in log_path.read_text():
        if proc.poll() is not None or time.perf_counter() - began > 120:
            raise RuntimeError(f"worker did not start; see {log_path}")
        time.sleep(0.01)
    return proc, time.perf_counter() - began
