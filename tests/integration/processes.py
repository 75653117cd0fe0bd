"""Running `worker.py` as a real process in tests, and reading what it prints."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reminders.core.zones import COMMON_ZONES, tables
from reminders.settings import PROJECT_ROOT

WORKER = PROJECT_ROOT / "worker.py"


def midday_zone() -> str:
    """A place's zone where it is about noon now, so quiet hours never hide a send (some
    place is, whatever the hour: offsets run from UTC-11 to UTC+14)."""
    now = datetime.now(UTC)
    return next(z for z in (*COMMON_ZONES, *tables().representatives)
                if 11 <= now.astimezone(ZoneInfo(z)).hour <= 13)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMS_"))}
    env.update(DATABASE_URL=database_url, DISPATCH_INTERVAL="0.2", **extra)
    return env


class Output:
    """Collects a child's stdout and stderr on threads, so a test can wait for a line."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.text = {"out": "", "err": ""}
        self._threads = [threading.Thread(target=self._pump, args=(stream, key), daemon=True)
                         for stream, key in ((proc.stdout, "out"), (proc.stderr, "err"))]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream, key):
        try:
            for line in stream:
                self.text[key] += line
        except (ValueError, OSError):  # the stream was closed under us: nothing more to read
            pass

    def wait_for(self, key: str, fragment: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while fragment not in self.text[key] and time.monotonic() < deadline:
            time.sleep(0.05)
        return fragment in self.text[key]

    def join(self):
        for thread in self._threads:
            thread.join(timeout=10)
        if not any(thread.is_alive() for thread in self._threads):
            self.proc.stdout.close()
            self.proc.stderr.close()


class Workers:
    """Starts worker processes and makes sure none outlives the test."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, cwd, env: dict[str, str], *args: str, capture: bool = True,
              script: Path = WORKER) -> subprocess.Popen:
        """`capture`: pipes for `Output` to read. Otherwise the output goes to a file in
        `cwd`: an unread pipe fills up and blocks the worker on its next log line.
        `script`: what to run instead of worker.py (a wrapper that runs it)."""
        if capture:
            out = err = subprocess.PIPE
        else:
            out = open(Path(cwd) / f"worker-{len(self.procs)}.log", "w")  # noqa: SIM115
            err = subprocess.STDOUT
        proc = subprocess.Popen([sys.executable, str(script), *(args or ("--no-web",))],
                                cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        if not capture:
            out.close()  # the child has its own handle
        self.procs.append(proc)
        return proc

    def kill_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
