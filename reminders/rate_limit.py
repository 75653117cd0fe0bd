"""A per-sender send rate, in segments per second, shared by all workers via the database.

Each send reserves a slot: one UPDATE moves the sender's `next_free` to
max(next_free, now) + segments / rate and returns it, so concurrent workers get distinct,
evenly spaced slots without any other coordination. The caller waits for its slot
outside any transaction. A crashed worker wastes at most the slots it had reserved.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from reminders.models import SenderRate


class SendRate:
    def __init__(self, engine: Engine, sender: str, per_second: float,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep):
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.engine = engine
        self.sender = sender
        self.per_second = per_second
        self.clock = clock
        self.sleep = sleep

    def reserve(self, segments: int, conn: Connection | None = None) -> float:
        """Reserve room for `segments`; returns the epoch second at which sending may start."""
        if conn is None:
            with self.engine.connect() as own:
                return self.reserve(segments, own)
        cost = max(1, segments) / self.per_second
        now = self.clock()
        dialect = conn.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        larger = func.greatest if dialect == "postgresql" else func.max
        with conn.begin():
            conn.execute(insert(SenderRate).values(sender=self.sender, next_free=now)
                         .on_conflict_do_nothing(index_elements=["sender"]))
            next_free = conn.execute(
                update(SenderRate).where(SenderRate.sender == self.sender)
                .values(next_free=larger(SenderRate.next_free, now) + cost)
                .returning(SenderRate.next_free)).scalar_one()
        return next_free - cost

    def wait_for(self, slot: float) -> None:
        delay = slot - self.clock()
        if delay > 0:
            self.sleep(delay)
