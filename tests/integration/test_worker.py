"""`python worker.py` as an operator runs it: refuses bad set-ups, sends, stops cleanly."""

import json
import signal
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from reminders.db import make_engine, session_factory
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.migrate import upgrade
from reminders.services import Services
from tests.integration.helpers import form
from tests.integration.processes import Output, Workers, free_port, midday_zone, worker_env


@pytest.fixture(autouse=True)
def workers():
    """A failed test must not leave a worker running (and loading the machine)."""
    running = Workers()
    yield running
    running.kill_all()


@pytest.fixture
def start(workers, tmp_path):
    def _start(*args: str, **extra: str):
        return workers.start(tmp_path, worker_env(f"sqlite:///{tmp_path / 'svc.db'}", **extra), *args)
    return _start


def test_the_worker_refuses_to_start_on_an_invalid_schedules_file(tmp_path, start):
    bad = tmp_path / "bad.yaml"
    bad.write_text("protocols:\n  hip:\n    steps: []\n")
    proc = start(SCHEDULES_FILE=str(bad))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "refusing to start: protocols.hip.name: is required" in err


def test_the_worker_refuses_an_unmigrated_database(start):
    proc = start()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "run `reminders init-db`" in err


def test_the_worker_sends_due_texts_and_stops_cleanly_on_sigterm(tmp_path, start, protocols, settings):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    upgrade(engine)
    svc = Services(sessions=session_factory(engine), protocols=protocols, settings=settings)
    now = datetime.now(UTC)
    enroll(svc, form(injected_at=now - timedelta(minutes=5), timezone=midday_zone()), CONSENT_TAKER, now)
    engine.dispose()

    proc = start()
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


def test_ctrl_c_also_stops_cleanly(tmp_path, start):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    upgrade(engine)
    engine.dispose()
    proc = start()
    output = Output(proc)
    assert output.wait_for("err", "started:"), output.text
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    output.join()
    assert "stopped cleanly" in output.text["err"]


@pytest.mark.parametrize("mode", [(), ("--web-only",)])
def test_the_web_app_is_served_with_the_scheduler_or_alone(tmp_path, start, mode):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    upgrade(engine)
    engine.dispose()
    port = free_port()
    proc = start("--port", str(port), *mode)
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
    assert body == {"database": "ok", "oldest_due_unsent_seconds": None, "unread_replies": 0,
                    "oldest_unread_reply_seconds": None, "problems": []}
    assert ("started:" in output.text["err"]) == (mode == ())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    output.join()


def test_with_log_format_json_every_line_is_a_json_object(start):
    proc = start(LOG_FORMAT="json")  # unmigrated: it logs why it refuses, then stops
    _, err = proc.communicate(timeout=60)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert proc.returncode == 2 and lines
    assert all(set(line) == {"time", "level", "logger", "message", "exception"}
               for line in lines)
    assert any(line["level"] == "ERROR" and "refusing to start" in line["message"]
               for line in lines)


def test_a_bad_log_format_refuses_to_start_naming_the_variable(start):
    proc = start(LOG_FORMAT="xml")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "refusing to start: LOG_FORMAT: 'xml' is not one of" in err
