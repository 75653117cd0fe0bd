"""`reminders backup FILE` while a writer commits rows: the copy passes PRAGMA
integrity_check and holds every row committed before the backup started; PostgreSQL is
pointed to pg_dump. And `reminders ensure-secret-key` (what `make run` calls)."""

import os
import sqlite3
import stat
import subprocess
import threading

from sqlalchemy import text

from reminders.cli import main
from reminders.db import make_engine
from reminders.migrate import upgrade
from reminders.settings import PROJECT_ROOT


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Writer(threading.Thread):
    """Commits numbered rows one per transaction, as the worker would, until stopped;
    `committed` is the last number whose commit returned."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.committed = 0
        self.stop = threading.Event()
        self.started_writing = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            with self.engine.begin() as conn:
                conn.execute(text("INSERT INTO ticks (n, pad) VALUES (:n, :pad)"),
                             {"n": n, "pad": "x" * 2000})
            self.committed = n
            if n == 50:
                self.started_writing.set()


def test_a_backup_taken_while_a_worker_writes_is_whole_and_consistent(tmp_path, monkeypatch, capsys):
    live = tmp_path / "live.db"
    url = f"sqlite:///{live}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE ticks (n INTEGER PRIMARY KEY, pad TEXT)"))
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    writer = Writer(url)
    writer.start()
    try:
        assert writer.started_writing.wait(60)
        before = writer.committed
        code, out, err = run(capsys, "backup", str(tmp_path / "copy.db"))
    finally:
        writer.stop.set()
        writer.join(60)
        writer.engine.dispose()
    assert code == 0, err
    assert "PRAGMA integrity_check: ok" in out
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    numbers = [n for (n,) in copy.execute("SELECT n FROM ticks ORDER BY n")]
    assert numbers[:before] == list(range(1, before + 1))  # every row committed before it
    assert numbers == list(range(1, len(numbers) + 1))  # one snapshot: no gaps
    assert len(numbers) <= writer.committed
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file to move
    assert copy.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    copy.close()
    assert stat.S_IMODE(os.stat(tmp_path / "copy.db").st_mode) == 0o600  # patient data
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("copy", ".copy"))) == [
        "copy.db"]


def test_a_backup_never_overwrites_a_file(tmp_path, monkeypatch, capsys):
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
    (tmp_path / "old.db").write_text("last week's copy")
    code, out, err = run(capsys, "backup", str(tmp_path / "old.db"))
    assert code == 1 and out == ""
    assert err.startswith("error: FILE: ") and "already exists" in err
    assert (tmp_path / "old.db").read_text() == "last week's copy"


def test_on_postgresql_the_backup_points_to_pg_dump(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/reminders")
    code, out, err = run(capsys, "backup", str(tmp_path / "copy.db"))
    assert code == 2 and out == ""
    assert "pg_dump" in err and err.startswith("error: ")
    assert not (tmp_path / "copy.db").exists()


def test_ensure_secret_key_writes_one_key_once_readable_by_its_owner_only(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "")  # empty counts as unset (and is restored after)
    code, out, _ = run(capsys, "ensure-secret-key")
    assert code == 0 and "SECRET_KEY written to .env" in out
    env = tmp_path / ".env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    first = env.read_text()
    key = [line for line in first.splitlines() if line.startswith("SECRET_KEY=")]
    assert len(key) == 1 and len(key[0].removeprefix("SECRET_KEY=")) == 64
    monkeypatch.setenv("SECRET_KEY", "")  # so the key is found in .env, not the environment
    code, out, _ = run(capsys, "ensure-secret-key")
    assert (code, out.strip()) == (0, "SECRET_KEY is already set: kept")
    assert env.read_text() == first


def test_ensure_secret_key_fills_an_empty_line_and_keeps_the_other_settings(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "")
    env = tmp_path / ".env"
    env.write_text("DATABASE_URL=sqlite:///reminders.db\nSECRET_KEY=\nCLINIC_NAME=Example Pain Clinic\n")
    env.chmod(0o644)
    assert run(capsys, "ensure-secret-key")[0] == 0
    lines = env.read_text().splitlines()
    assert lines[0] == "DATABASE_URL=sqlite:///reminders.db"
    assert lines[2] == "CLINIC_NAME=Example Pain Clinic"
    assert lines[1].startswith("SECRET_KEY=") and len(lines[1]) == len("SECRET_KEY=") + 64
    assert stat.S_IMODE(env.stat().st_mode) == 0o600


def test_ensure_secret_key_leaves_a_key_from_the_environment_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "from-the-unit-file")
    code, out, _ = run(capsys, "ensure-secret-key")
    assert (code, out.strip()) == (0, "SECRET_KEY is already set: kept")
    assert not (tmp_path / ".env").exists()


def test_make_run_keeps_a_secret_key_before_it_starts_anything():
    """`make run` calls ensure-secret-key before init-db and the worker read .env."""
    # Under `make test` this is a sub-make: without the parent's flags it prints only commands.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(["make", "--no-print-directory", "-n", "run"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60, env=env)
    commands = [line.split()[0:2] for line in result.stdout.splitlines() if line.strip()]
    assert commands[-3:] == [[".venv/bin/reminders", "ensure-secret-key"],
                             [".venv/bin/reminders", "init-db"], [".venv/bin/python", "worker.py"]]
