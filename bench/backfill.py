"""Backfill benchmark: `python -m bench.backfill` (from the project root, in .venv).

The service was down while patients texted: 10,000 replies from 1,000 enrolled patients
(whose day-3 relief check is open) sit at the loopback fake of Twilio's Messages API and
never reached the webhook. One backfill pass lists them through the real `twilio` client,
stores each once and reads it in the order it was sent. Prints the machine, then per
database: the time to list, the time to store and read, the total, replies per second, and
a check that every reply was stored and processed exactly once (a second pass recovers
nothing).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench.common import Database, machine, seed
from bench.inbound import BODIES, PATIENTS, open_relief_checks
from reminders.backfill import Backfiller, looking_since
from reminders.inbound import Inbox
from reminders.models import Reply
from reminders.protocol_files import read_schedules
from reminders.settings import Settings
from reminders.transports.twilio_sms import TwilioTransport
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer, Incoming

OURS = "+13125550100"


def bench(backend: str, count: int) -> None:
    db = Database(backend)
    now = datetime.now(UTC).replace(microsecond=0)
    settings = Settings()
    try:
        seed(db, enrolments=PATIENTS, due=0, now=now - timedelta(days=3))
        open_relief_checks(db, now)
        with FakeTwilioServer() as server:
            start = now - timedelta(minutes=50)
            server.fake.incoming.extend(
                Incoming(f"SMbackfill{n:024d}", f"+1555{n % PATIENTS + 1:07d}", OURS,
                         BODIES[n % len(BODIES)], start + timedelta(seconds=n * 0.25))
                for n in range(count))
            transport = TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                        from_number=OURS, api_base_url=server.base_url,
                                        timeout=30.0)
            inbox = Inbox(db.sessions, read_schedules(settings.schedules_file,
                                                      settings.placeholders), settings)
            at = now + timedelta(minutes=5)
            listed_in = time.perf_counter()
            listed = transport.received(OURS, looking_since(db.sessions, at))
            listing = time.perf_counter() - listed_in
            began = time.perf_counter()
            worker = Backfiller(inbox, transport, [OURS], at)
            counts = worker.run(at)
            total = time.perf_counter() - began
            again = worker.run(at + timedelta(minutes=5))
        with db.sessions() as session:
            stored = session.scalar(select(func.count()).select_from(Reply))
            processed = session.scalar(select(func.count()).select_from(Reply)
                                       .where(Reply.processed_at.is_not(None)))
        print(f"  {backend:10} {count} missed replies: listing {listing:5.1f} s, "
              f"a whole pass {total:6.1f} s ({count / total:5.0f} replies/s); "
              f"listed {len(listed)}, recovered {counts.recovered}, stored {stored}, "
              f"processed {processed}, second pass recovered {again.recovered}")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(machine())
    print(f"one backfill pass through the loopback fake's Messages API, {PATIENTS} patients")
    for backend in ("sqlite", "postgresql"):
        if args.only in (None, backend):
            bench(backend, args.replies)


if __name__ == "__main__":
    main()
