"""Inbound benchmark: `python -m bench.inbound` (from the project root, in .venv).

Signed `POST /twilio/inbound` requests on loopback through the real WSGI server (worker.py
--web-only: waitress, 8 threads), against 1,000 enrolled patients whose day-3 relief check
is open. The replies mix what patients send: scores (the seeded patients have no
baseline, so a score on a relief check goes to review), better/same/worse (worse is
flagged), HELP (answered), red flags (answered and flagged), gibberish (flagged for
review) and a few texts from unknown numbers. Requests are signed before the clock starts; each client
thread keeps one HTTP connection open, as Twilio does.

Prints the machine, then per database and client count: replies/s, p50/p99/max latency,
a check that every reply was stored once and none got anything but 200, and the share
of replies that raised or joined a flag.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import distinct, func, select, update
from twilio.request_validator import RequestValidator

from bench.common import ROOT, Database, machine, seed
from reminders.core.statuses import MessageStatus
from reminders.models import OutboxMessage, Reply, flag_replies
from tests.integration.processes import free_port

TOKEN = "bench-auth-token"
PATIENTS = 1_000
BODIES = ["3", "better", "BETTER", "same", "worse", "about a 4", "7/10", "mejor", "HELP",
          "my hip is swollen and hot", "4-6", "ok thanks", "pain 2 today", "peor", "no change"]


def open_relief_checks(db: Database, now: datetime) -> None:
    """Every patient's day-3 relief check went out an hour ago: its reply window is open."""
    with db.engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(OutboxMessage.step == "relief-check-day3")
                     .values(status=MessageStatus.SENT, sent_at=now - timedelta(hours=1),
                             expects="relief", reply_window_seconds=86_400,
                             provider_sid=None))


def requests(base: str, count: int, run: str) -> list[tuple[bytes, str]]:
    validator = RequestValidator(TOKEN)
    out = []
    for n in range(count):
        patient = n % PATIENTS + 1
        sender = f"+1555{patient:07d}" if n % 50 else f"+1312555{n % 100:04d}"  # 2 % strangers
        params = {"MessageSid": f"SM{run}{n:010d}", "AccountSid": "ACbench",
                  "From": sender, "To": "+13125550100", "Body": BODIES[n % len(BODIES)],
                  "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"}
        out.append((urlencode(params).encode(),
                    validator.compute_signature(f"{base}/twilio/inbound", params)))
    return out


def start_web(url: str, port: int, log_path: Path, *, web_only: bool = True) -> subprocess.Popen:
    """Start worker.py (`--web-only` unless told otherwise) and wait until /healthz answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMS_"))}
    env.update(DATABASE_URL=url, SMS_TRANSPORT="console", TWILIO_AUTH_TOKEN=TOKEN,
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", CLINIC_NAME="Example Pain Clinic",
               CLINIC_PHONE="(312) 555-0100", AFTER_HOURS_PHONE="(312) 555-0199")
    log = open(log_path, "w")  # noqa: SIM115
    mode = ["--web-only"] if web_only else []
    proc = subprocess.Popen([sys.executable, str(ROOT / "worker.py"), *mode, "--port",
                             str(port), "--log-level", "warning"], env=env, cwd=log_path.parent,
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    began = time.perf_counter()
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None or time.perf_counter() - began > 60:
            raise RuntimeError(f"web app did not start; see {log_path}")
        time.sleep(0.05)


def load(port: int, batch: list[tuple[bytes, str]], clients: int) -> tuple[float, list[float], dict]:
    """Post `batch` from `clients` threads; returns (seconds, latencies in ms, statuses)."""
    jobs = iter(batch)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes = [], {}
        while True:
            with lock:
                job = next(jobs, None)
            if job is None:
                break
            body, signature = job
            began = time.perf_counter()
            conn.request("POST", "/twilio/inbound", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - began) * 1000)
            codes[response.status] = codes.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, statuses


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]


def tallies(db: Database) -> tuple[int, int]:
    """(replies stored, replies that raised or joined a flag)."""
    with db.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Reply)),
                session.scalar(select(func.count(distinct(flag_replies.c.reply_id)))))


def bench(backend: str, count: int, client_counts: list[int]) -> None:
    db = Database(backend)
    now = datetime.now(UTC)
    try:
        seed(db, enrolments=PATIENTS, due=0, now=now - timedelta(days=3))
        open_relief_checks(db, now)
        port = free_port()
        log_path = Path(db.url.split("///")[-1]).parent / "web.log" if backend == "sqlite" \
            else Path("/tmp/bench-inbound-web.log")
        proc = start_web(db.url, port, log_path)
        try:
            base = f"http://127.0.0.1:{port}"
            load(port, requests(base, 200, "warm"), 4)  # warm-up: imports, caches, pool
            for clients in client_counts:
                batch = requests(base, count, f"c{clients}x")
                before = tallies(db)
                seconds, latencies, statuses = load(port, batch, clients)
                stored, flagged = (a - b for a, b in zip(tallies(db), before, strict=True))
                print(f"  {backend:10} {clients} clients: {count / seconds:7.0f} replies/s   "
                      f"p50 {statistics.median(latencies):5.1f} ms   "
                      f"p99 {percentile(latencies, 99):5.1f} ms   max {max(latencies):6.1f} ms   "
                      f"stored {stored}/{count}, statuses {statuses}, "
                      f"{flagged * 100 // count} % raised or joined a flag")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3_000, help="per run")
    parser.add_argument("--clients", default="1,4,8", help="client threads, comma-separated")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    print(machine())
    print(f"signed inbound webhooks through waitress on loopback, {PATIENTS} patients, "
          f"{args.requests} replies per run")
    for backend in ("sqlite", "postgresql"):
        if args.only in (None, backend):
            bench(backend, args.requests, clients)


if __name__ == "__main__":
    main()
