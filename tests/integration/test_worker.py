"""`python worker.py` as an operator runs it: refuses bad set-ups, sends, stops cleanly."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reminders.db import make_engine, session_factory
from reminders.enrollments import Services, enroll
from reminders.migrate import upgrade
from reminders.settings import PROJECT_ROOT
from tests.integration.helpers import form

WORKER = PROJECT_ROOT / "worker.py"


def _env(tmp_path: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMS_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'svc.db'}", DISPATCH_INTERVAL="0.2", **extra)
    return env


_children: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """A failed test must not leave a worker running (and loading the machine)."""
    yield
    while _children:
        proc = _children.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _start(tmp_path, *args: str, **extra) -> subprocess.Popen:
    args = args or ("--no-web",)
    proc = subprocess.Popen([sys.executable, str(WORKER), *args], cwd=tmp_path, env=_env(tmp_path, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _children.append(proc)
    return proc


def test_the_worker_refuses_to_start_on_an_invalid_schedules_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("protocols:\n  hip:\n    steps: []\n")
    proc = _start(tmp_path, SCHEDULES_FILE=str(bad))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "refusing to start: protocols.hip.name: is required" in err


def test_the_worker_refuses_an_unmigrated_database(tmp_path):
    proc = _start(tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "run `reminders init-db`" in err


class Output:
    """Collects a child's stdout and stderr on threads, so the test can wait for a line."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.text = {"out": "", "err": ""}
        self._threads = [threading.Thread(target=self._pump, args=(stream, key), daemon=True)
                         for stream, key in ((proc.stdout, "out"), (proc.stderr, "err"))]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream, key):
        for line in stream:
            self.text[key] += line

    def wait_for(self, key: str, fragment: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while fragment not in self.text[key] and time.monotonic() < deadline:
            time.sleep(0.05)
        return fragment in self.text[key]

    def join(self):
        for thread in self._threads:
            thread.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


def test_the_worker_sends_due_texts_and_stops_cleanly_on_sigterm(tmp_path, protocols, settings):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    upgrade(engine)
    svc = Services(sessions=session_factory(engine), protocols=protocols, settings=settings)
    now = datetime.now(UTC)
    offset = 12 - now.hour  # a zone where it is about noon: quiet hours cannot interfere
    zone = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
    enroll(svc, form(injected_at=now - timedelta(minutes=5), timezone=zone), now)
    engine.dispose()

    proc = _start(tmp_path)
    output = Output(proc)
    assert output.wait_for("out", "Hi Ana"), output.text
    assert "--- SMS #1 to ***0101" in output.text["out"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    output.join()
    err = output.text["err"]
    assert "SIGTERM received: finishing the batch in flight" in err
    assert "stopped cleanly" in err
    assert "+13125550101" not in output.text["out"] + err  # numbers are masked everywhere


def test_ctrl_c_also_stops_cleanly(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    upgrade(engine)
    engine.dispose()
    proc = _start(tmp_path)
    output = Output(proc)
    assert output.wait_for("err", "started:"), output.text
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    output.join()
    assert "stopped cleanly" in output.text["err"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("mode", [(), ("--web-only",)])
def test_the_web_app_is_served_with_the_scheduler_or_alone(tmp_path, mode):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    upgrade(engine)
    engine.dispose()
    port = _free_port()
    proc = _start(tmp_path, "--port", str(port), *mode)
    output = Output(proc)
    assert output.wait_for("err", f"web app on http://127.0.0.1:{port}"), output.text
    body = None
    deadline = time.monotonic() + 30
    while body is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                body = json.load(answer)
        except OSError:
            time.sleep(0.1)
    assert body == {"database": "ok", "oldest_due_unsent_seconds": None}
    assert ("started:" in output.text["err"]) == (mode == ())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    output.join()
