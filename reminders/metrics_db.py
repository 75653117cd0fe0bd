"""Gauges read from the database when `/metrics` is scraped: texts by status, the oldest
text that is due but not sent, unread replies, and open flags by priority.

Read at scrape time rather than kept in process: every worker and web process writes
these rows, so only the database knows the totals, and a gauge cannot go stale. One
short read-only session, four aggregate queries over indexed columns. An age with nothing
to measure is 0 (nothing is waiting), so alert rules need no `absent()`. When the
database cannot be read, `reminders_database_up` is 0 and the other gauges are left out
rather than reported as zero.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.core.triage import Priority
from reminders.models import Flag, OutboxMessage, Reply

log = logging.getLogger(__name__)

_HELP = {
    "reminders_database_up": "1 when the database could be read for this scrape, else 0",
    "reminders_texts": "Texts in the outbox, by status",
    "reminders_oldest_due_unsent_seconds":
        "Age of the oldest pending text whose send time has passed (0: none)",
    "reminders_unread_replies": "Patients' replies stored but not yet read (nor given up on)",
    "reminders_oldest_unread_reply_seconds": "Age of the oldest unread reply (0: none)",
    "reminders_open_flags": "Flags nobody has acknowledged yet, by priority",
    "reminders_oldest_open_flag_seconds":
        "Age of the oldest unacknowledged flag, by priority (0: none)",
}
_LABELS = {"reminders_texts": ["status"], "reminders_open_flags": ["priority"],
           "reminders_oldest_open_flag_seconds": ["priority"]}


def _family(name: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, _HELP[name], labels=_LABELS.get(name))


def _age(now: datetime, since: datetime | None) -> float:
    return 0.0 if since is None else max(0.0, (now - since).total_seconds())


class DatabaseGauges(Collector):
    """A collector for a per-app registry; `clock` is read at each scrape (tests move it)."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]):
        self.sessions = sessions
        self.clock = clock

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Names only: registering the collector must not query the database.
        return (_family(name) for name in _HELP)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.clock()
        up = _family("reminders_database_up")
        try:
            families = self._read(now)
        except SQLAlchemyError as exc:
            log.warning("metrics: the database could not be read (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self, now: datetime) -> list[GaugeMetricFamily]:
        with self.sessions() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SET TRANSACTION READ ONLY"))
            by_status = dict(session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all())
            oldest_due = session.scalar(select(func.min(OutboxMessage.send_at)).where(
                OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.send_at <= now))
            unread, oldest_unread = session.execute(
                select(func.count(), func.min(Reply.received_at))
                .where(Reply.processed_at.is_(None), Reply.gave_up_at.is_(None))).one()
            flags = {priority: (count, oldest) for priority, count, oldest in session.execute(
                select(Flag.priority, func.count(), func.min(Flag.created_at))
                .where(Flag.status == FlagStatus.OPEN).group_by(Flag.priority))}
        texts = _family("reminders_texts")
        for status in MessageStatus:  # every status, zeros too: series do not come and go
            texts.add_metric([status.value], by_status.get(status, 0))
        due = _family("reminders_oldest_due_unsent_seconds")
        due.add_metric([], _age(now, oldest_due))
        replies = _family("reminders_unread_replies")
        replies.add_metric([], unread)
        reply_age = _family("reminders_oldest_unread_reply_seconds")
        reply_age.add_metric([], _age(now, oldest_unread))
        open_flags = _family("reminders_open_flags")
        flag_age = _family("reminders_oldest_open_flag_seconds")
        for priority in Priority:
            count, oldest = flags.get(priority, (0, None))
            open_flags.add_metric([priority.value], count)
            flag_age.add_metric([priority.value], _age(now, oldest))
        return [texts, due, replies, reply_age, open_flags, flag_age]
