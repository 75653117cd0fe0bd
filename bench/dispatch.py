"""Dispatch benchmark: `python -m bench.dispatch` (from the project root, in .venv).

Prints the machine, then:
 (a) one worker, zero-latency in-memory transport: texts/s and CPU ms per text, SQLite and
     PostgreSQL;
 (b) the real Twilio client against the loopback fake at 200 ms latency with a 20 segment/s
     limit: achieved rate as a fraction of the limit;
 (b') 200 ms latency, no limit, 1 and 4 worker processes on PostgreSQL: texts/s;
 (c) 1,000 vs 100,000 enrolments (~12 k vs ~1.2 M pending texts): worker start-up, RSS,
     and one dispatch tick with 100 due;
 (d) the newcomer's design, one APScheduler DateTrigger job per text in a
     SQLAlchemyJobStore: time to schedule, start-up, RSS, and what a 10-minute outage
     loses with default job settings, next to the outbox after the same outage.
"""

from __future__ import annotations

import argparse
import logging
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bench.common import Database, add_due, machine, rss_mib, seed, start_worker
from reminders.core.statuses import MessageStatus
from reminders.dispatcher import Dispatcher
from reminders.models import OutboxMessage
from reminders.rate_limit import SendRate
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_sms import TwilioTransport
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer

FROM = "+13125550100"


def twilio(server, clock=lambda: datetime.now(UTC)) -> TwilioTransport:
    return TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=FROM,
                           api_base_url=server.base_url, timeout=10.0, clock=clock)


def twilio_env(server, **extra) -> dict[str, str]:
    return dict(SMS_TRANSPORT="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                TWILIO_FROM_NUMBER=FROM, TWILIO_API_BASE_URL=server.base_url,
                CLINIC_NAME="Example Pain Clinic", CLINIC_PHONE="(312) 555-0100",
                AFTER_HOURS_PHONE="(312) 555-0199", PUBLIC_BASE_URL="http://127.0.0.1:9",
                SECRET_KEY="bench-" + "k" * 32, **extra)


def throughput(texts: int) -> None:
    print("\n(a) one worker, zero-latency transport")
    for backend in ("sqlite", "postgresql"):
        db = Database(backend)
        now = datetime.now(UTC)
        seed(db, enrolments=1, due=texts, now=now)
        transport = FakeTransport()
        dispatcher = Dispatcher(db.engine, transport, batch=100)
        wall, cpu = time.perf_counter(), time.process_time()
        counts = dispatcher.run_once()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert counts.sent == texts == len(transport.sent), counts
        print(f"    {backend:10} {texts} texts in {wall:.2f} s: {texts / wall:,.0f} texts/s, "
              f"{cpu / texts * 1000:.2f} CPU ms per text")
        db.close()


def paced(texts: int, limit: float) -> None:
    print(f"\n(b) loopback fake at 200 ms latency, limit {limit:g} segments/s, SQLite")
    db = Database("sqlite")
    seed(db, enrolments=1, due=texts, now=datetime.now(UTC))  # 1 segment each
    with FakeTwilioServer() as server:
        server.fake.latency = 0.2
        rate = SendRate(db.engine, FROM, limit)
        dispatcher = Dispatcher(db.engine, twilio(server), rate=rate, concurrency=8, batch=100)
        wall = time.perf_counter()
        counts = dispatcher.run_once()
        wall = time.perf_counter() - wall
        accepted = sorted(m.date_created.timestamp() for m in server.fake.accepted)
    assert counts.sent == texts, counts
    achieved = texts / wall
    print(f"    {texts} texts in {wall:.1f} s: {achieved:.2f} texts/s = "
          f"{achieved / limit:.1%} of the limit (concurrency 8)")
    del accepted
    db.close()


def scale_out(texts: int) -> None:
    print("\n(b') loopback fake at 200 ms latency, no limit, PostgreSQL, 4 requests in flight per worker")
    results = {}
    for workers in (1, 4):
        db = Database("postgresql")
        seed(db, enrolments=1, due=0, now=datetime.now(UTC))
        with FakeTwilioServer() as server, tempfile.TemporaryDirectory() as tmp:
            server.fake.latency = 0.2
            procs = [start_worker(db.url, twilio_env(server, SEND_RATE="0", SEND_CONCURRENCY="4",
                                                     DISPATCH_BATCH="100"),
                                  Path(tmp) / f"worker-{n}.log")[0] for n in range(workers)]
            add_due(db, texts, datetime.now(UTC))  # only once every worker is up
            deadline = time.monotonic() + 600
            while len(server.fake.accepted) < texts and time.monotonic() < deadline:
                time.sleep(0.1)
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=60)
            times = sorted(m.date_created.timestamp() for m in server.fake.accepted)
        assert len(times) == texts, len(times)
        # from the first acceptance to the last: worker start-up is not part of the rate
        results[workers] = (texts - 1) / (times[-1] - times[0])
        print(f"    {workers} worker(s): {texts} texts, {results[workers]:.1f} texts/s")
        db.close()
    print(f"    4 workers / 1 worker = {results[4] / results[1]:.2f}x")


def _reset_due(db: Database) -> None:
    with db.sessions.begin() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.step.like("due-%")).values(
            status=MessageStatus.PENDING, attempts=0, lease_owner=None, lease_expires_at=None,
            provider_sid=None, sent_at=None))


def backlog(sizes: list[int], backend: str) -> None:
    print(f"\n(c) backlog, {backend}: worker start-up, RSS after its first tick, one tick with 100 due")
    ticks = {}
    for enrolments in sizes:
        db = Database(backend)
        began = time.perf_counter()
        seed(db, enrolments=enrolments, due=100, now=datetime.now(UTC))
        seeded = time.perf_counter() - began
        samples = []
        for _ in range(5):
            _reset_due(db)
            dispatcher = Dispatcher(db.engine, FakeTransport(), batch=100)
            t = time.perf_counter()
            assert dispatcher.run_once().sent == 100
            samples.append(time.perf_counter() - t)
        ticks[enrolments] = statistics.median(samples)
        _reset_due(db)
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "worker.log"
            proc, startup = start_worker(db.url, {"SMS_TRANSPORT": "console"}, log)
            while "dispatch: sent=100" not in log.read_text() and proc.poll() is None:
                time.sleep(0.05)
            rss = rss_mib(proc.pid)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        print(f"    {enrolments:>7,} enrolments ({enrolments * 12:>9,} pending; seeded in {seeded:.0f} s): "
              f"start-up {startup:.2f} s, RSS {rss:.0f} MiB, tick {ticks[enrolments] * 1000:.0f} ms "
              f"(median of 5)")
        db.close()
    small, large = min(sizes), max(sizes)
    print(f"    tick at {large:,} / tick at {small:,} = {ticks[large] / ticks[small]:.2f}x")


NEWCOMER_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
s = BackgroundScheduler(jobstores={{"default": SQLAlchemyJobStore(url={url!r})}}, timezone="UTC")
s.start()
startup = time.time() - float(sys.argv[1])  # from process spawn, as for our worker
time.sleep(1)
rss = [l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]
print(startup, int(rss) / 1024, len(s.get_jobs()))
s.shutdown(wait=False)
"""


def _stop_without_running(scheduler) -> None:
    """Shut a paused scheduler down without it touching its jobs: once stopped (no longer
    paused) its thread would process due jobs one last time, so detach the store first."""
    scheduler.remove_jobstore("default", shutdown=True)
    scheduler.shutdown(wait=True)


def newcomer(sizes: list[int], outage_texts: int) -> None:
    from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from bench import newcomer_job

    print("\n(d) newcomer: one APScheduler DateTrigger job per text, SQLAlchemyJobStore on SQLite")
    logging.getLogger("apscheduler").setLevel(logging.CRITICAL)  # its "missed" lines are counted below
    root = str(Path(__file__).resolve().parent.parent)
    for enrolments in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/jobs.db"
            scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)},
                                            timezone=UTC)
            scheduler.start(paused=True)
            now = datetime.now(UTC)
            t = time.perf_counter()
            for i in range(enrolments * 12):
                scheduler.add_job(newcomer_job.send_text, "date", args=[i], id=f"text-{i}",
                                  run_date=now + timedelta(hours=1 + (i % 12) * 26))
            scheduled = time.perf_counter() - t
            _stop_without_running(scheduler)
            out = subprocess.run([sys.executable, "-c", NEWCOMER_CHILD.format(root=root, url=url),
                                  str(time.time())],
                                 capture_output=True, text=True, check=True).stdout.split()
            startup, rss, jobs = float(out[0]), float(out[1]), int(out[2])
            print(f"    {enrolments:>7,} enrolments ({jobs:>9,} jobs): scheduling took {scheduled:.0f} s "
                  f"({scheduled / jobs * 1000:.2f} ms a job), start-up {startup:.2f} s, RSS {rss:.0f} MiB")
    # A 10-minute outage: the texts due during it were scheduled before it began.
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/jobs.db"
        now = datetime.now(UTC)
        scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)
        scheduler.start(paused=True)
        began = now - timedelta(minutes=10)
        for i in range(outage_texts):
            scheduler.add_job(newcomer_job.send_text, "date", args=[i], id=f"text-{i}",
                              run_date=began + timedelta(seconds=i * 600 / outage_texts))
        _stop_without_running(scheduler)
        events = {"executed": 0, "missed": 0}
        restarted = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)
        restarted.add_listener(lambda e: events.__setitem__(
            "missed" if e.code == EVENT_JOB_MISSED else "executed",
            events["missed" if e.code == EVENT_JOB_MISSED else "executed"] + 1),
            EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
        restarted.start()
        time.sleep(3)
        left = len(restarted.get_jobs())
        restarted.shutdown()
    print(f"    after a 10-minute outage, {outage_texts} texts due during it: {events['executed']} sent, "
          f"{events['missed']} missed (misfire_grace_time 1 s by default) and {outage_texts - left} "
          f"deleted from the job store: lost without a trace")
    db = Database("sqlite")
    now = datetime.now(UTC)
    seed(db, enrolments=1, due=outage_texts, now=now)
    with db.sessions.begin() as session:  # due during the outage, still current after it
        for k in range(outage_texts):
            session.execute(update(OutboxMessage).where(OutboxMessage.step == f"due-{k:05d}").values(
                send_at=now - timedelta(minutes=10) + timedelta(seconds=k * 600 / outage_texts)))
    counts = Dispatcher(db.engine, FakeTransport(), batch=100).run_once()
    print(f"    the outbox after the same outage: {counts.sent} sent, {counts.expired} expired "
          f"(stale ones are expired with a reason, never silently dropped)")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="a,b,b2,c,d", help="scenarios: a,b,b2,c,d")
    parser.add_argument("--enrolments", type=int, default=100_000, help="(c) the large backlog")
    parser.add_argument("--newcomer", type=int, default=10_000, help="(d) the largest job store")
    args = parser.parse_args()
    only = set(args.only.split(","))
    print(f"machine: {machine()}")
    print(f"command: python -m bench.dispatch {' '.join(sys.argv[1:])}".rstrip())
    if "a" in only:
        throughput(5000)
    if "b" in only:
        paced(300, 20.0)
    if "b2" in only:
        scale_out(1200)
    if "c" in only:
        for backend in ("sqlite", "postgresql"):
            backlog([1000, args.enrolments], backend)
    if "d" in only:
        newcomer([1000, args.newcomer], 600)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nbenchmark process peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
