"""Prism (`@stoplight/prism-cli`, pinned in package.json here) serving Twilio's own OpenAPI
description of its REST API on loopback. `make test` installs it when npm is present;
without Node, Prism or the spec these tests are skipped, saying which is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from reminders.settings import PROJECT_ROOT

PRISM = Path(__file__).parent / "node_modules" / ".bin" / "prism"
SPEC = Path(os.environ.get("TWILIO_OAI_SPEC",
                           PROJECT_ROOT.parent / "shared" / "twilio-oai" / "twilio_api_v2010.json"))
START_TIMEOUT = 120  # the spec is 1.8 MB: Prism takes several seconds to load it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def prism_url():
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: Prism cannot run")
    if not PRISM.exists():
        pytest.skip(f"Prism is not installed at {PRISM} (make test installs it with npm)")
    if not SPEC.exists():
        pytest.skip(f"Twilio's OpenAPI description is not at {SPEC}")
    port = _free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"prism-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Prism exited with {proc.returncode}; see {log.name}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Prism did not listen within {START_TIMEOUT} s; see {log.name}")
                time.sleep(0.25)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
