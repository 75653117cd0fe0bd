"""A web process to kill between storing a text and reading it (tests/integration/
test_reply_faults.py, case c): `python tests/integration/parked_webhook.py INSTANT ARGS…`.

It runs the real entry point, `worker.py ARGS…` (`--web-only --port N`: waitress, the
settings from the environment, the schema check), with two changes made before the app is
built: its clock stands still at INSTANT (an ISO 8601 instant: the test's virtual time),
and a request that has stored its text (committed) and begins to read it stops there, at
the reading's first statement (the claim of the reply, inside its transaction), prints
"parked" on stdout and waits: for the test to kill the process with SIGKILL.
"""

from __future__ import annotations

import runpy
import sys
import threading
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine

import reminders.clock
from reminders.settings import PROJECT_ROOT

CLAIM = "UPDATE REPLIES SET PROCESSED_AT"  # inbound.py's _CLAIM: reading begins


def main() -> None:
    at = datetime.fromisoformat(sys.argv[1])
    reminders.clock.utcnow = lambda: at  # before worker.py imports the web app's clock

    @event.listens_for(Engine, "before_cursor_execute")
    def _park(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(CLAIM):
            print("parked", flush=True)
            threading.Event().wait()  # until SIGKILL

    worker = PROJECT_ROOT / "worker.py"
    sys.argv = [str(worker), *sys.argv[2:]]
    runpy.run_path(str(worker), run_name="__main__")


if __name__ == "__main__":
    main()
