"""Run the service: scheduler and web app in one process (`make run` calls this).

`--no-web` runs only the scheduler (extra workers), `--web-only` only the web app (behind
its own process manager). Refuses to start on an invalid schedules file, a bad setting, a
database that cannot be reached or written, or an out-of-date database. SIGTERM / SIGINT
finish the batch in flight, then exit 0.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers import SchedulerNotRunningError
from dotenv import find_dotenv, load_dotenv
from waitress.server import create_server

from reminders.core.protocol_loader import ProtocolError
from reminders.database_check import DatabaseUnavailable, open_database
from reminders.db import session_factory
from reminders.inbound import Inbox
from reminders.log_setup import configure_logging
from reminders.metrics import Metrics
from reminders.migrate import is_current
from reminders.protocol_files import read_schedules
from reminders.scheduler import build_scheduler
from reminders.settings import Settings, SettingsError, log_format_from
from reminders.web import create_app
from reminders.wiring import make_dispatcher, make_transport

log = logging.getLogger("reminders.worker")
WEB_THREADS = 8

NEXT_STEPS = """\
  .venv/bin/reminders enroll --first-name Alex --phone "(312) 555-0101" \\
      --injected-at "$(date -Iseconds)" --consent-by "Nurse Kim"
  .venv/bin/reminders list                 # who is enrolled, what goes out next
  .venv/bin/reminders show 1               # one patient's timeline
Texts appear here as they fall due. Ctrl-C stops the service."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    parser.add_argument("--host", help="web app address (default: WEB_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="web app port (default: WEB_PORT or 8000)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-web", action="store_true", help="scheduler only")
    mode.add_argument("--web-only", action="store_true", help="web app only")
    args = parser.parse_args(argv)
    load_dotenv(find_dotenv(usecwd=True))  # the .env where the operator runs the command
    try:
        configure_logging(args.log_level, log_format_from(os.environ))
    except SettingsError as exc:
        configure_logging(args.log_level)
        log.error("refusing to start: %s", exc)
        return 2
    try:
        settings = Settings.from_env(os.environ)
        protocols = read_schedules(settings.schedules_file, settings.placeholders)
        transport = make_transport(settings)
    except SettingsError as exc:
        log.error("refusing to start: %s", exc)
        return 2
    except ProtocolError as exc:
        for message in exc.errors:
            log.error("refusing to start: %s", message)
        return 2
    try:
        engine = open_database(settings.database_url)
    except DatabaseUnavailable as exc:
        log.error("refusing to start: DATABASE_URL: %s", exc)
        return 2
    if not is_current(engine):
        log.error("refusing to start: the database schema is not up to date; "
                  "run `reminders init-db` (or `make run`)")
        return 2
    sessions = session_factory(engine)
    metrics = Metrics()  # one registry: the web app's /metrics shows this process's sends
    server = None
    if not args.no_web:
        host, port = args.host or settings.web_host, args.port or settings.web_port
        server = create_server(create_app(settings, sessions, protocols, metrics),
                               host=host, port=port, threads=WEB_THREADS)
        log.info("web app on http://%s:%s (Twilio calls %s)", host, port, settings.public_base_url)
    if args.web_only:
        assert server is not None  # --web-only and --no-web exclude each other
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
        log.info("stopped cleanly")
        return 0
    if server is not None:  # webhooks are answered on waitress' own threads, never queued
        threading.Thread(target=server.run, name="web", daemon=True).start()
    stop = threading.Event()
    dispatcher = make_dispatcher(settings, engine, transport, stop=stop, metrics=metrics)
    if transport.name == "twilio" and not settings.inbound_numbers:
        log.warning("INBOUND_NUMBERS is not set: texts sent while the service is down cannot "
                    "be recovered from Twilio")
    scheduler = build_scheduler(dispatcher, engine, transport, settings.dispatch_interval,
                                Inbox(sessions, protocols, settings),
                                inbound_numbers=settings.inbound_numbers)

    stoppers: list[threading.Thread] = []

    def shut_down(wait: bool) -> None:
        with contextlib.suppress(SchedulerNotRunningError):  # not started yet, or already down
            scheduler.shutdown(wait=wait)

    def on_signal(signum, _frame):
        # Only flag and hand off: a handler runs wherever the main thread was interrupted,
        # possibly inside the scheduler holding an executor lock that shutdown() needs.
        log.info("%s received: finishing the batch in flight", signal.Signals(signum).name)
        if not stop.is_set():
            stop.set()
            stoppers.append(threading.Thread(target=shut_down, args=(True,), name="shutdown"))
            stoppers[-1].start()

    def on_start(_event):  # a signal that came before the scheduler ran stops it at once
        if stop.is_set():
            shut_down(wait=False)

    scheduler.add_listener(on_start, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("started: %d protocol(s), SMS transport %s, database %s, dispatch every %ss, "
             "worker %s", len(protocols.protocols), transport.name,
             engine.url.render_as_string(hide_password=True), settings.dispatch_interval,
             dispatcher.owner)
    if transport.name == "console":
        if server is not None:
            print(f"Staff pages: sign in at http://{host}:{port}/login\nOr, in another terminal:")
        else:
            print("Next, in another terminal:")
        print(NEXT_STEPS, flush=True)
    scheduler.start()
    for stopper in stoppers:  # the batch in flight finishes before the process exits
        stopper.join()
    engine.dispose()
    log.info("stopped cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
