"""APScheduler as the metronome only: a few fixed-id interval jobs in a memory job store.

Never one job per message: the outbox table says what is due, and every worker process
runs the same ticks against it (the claims keep them from sending anything twice).
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from reminders.backfill import Backfiller
from reminders.clock import utcnow
from reminders.db import checkpoint_wal, session_factory
from reminders.dispatcher import Dispatcher
from reminders.enrollments import complete_finished
from reminders.escalation import flag_silence
from reminders.inbound import Inbox
from reminders.page_notices import notify_rounds
from reminders.paging import page_due
from reminders.protocol_files import ProtocolCache
from reminders.reconciler import recover
from reminders.reply_sweep import sweep_replies
from reminders.transports.base import Transport

log = logging.getLogger(__name__)

HOUSEKEEPING_MINUTES = 10
RECOVERY_SECONDS = 60
BACKFILL_MINUTES = 5  # texts sent while the webhook was unreachable are read this late
ESCALATION_MINUTES = 5  # a silent day-10 check is flagged at most this late
REPLY_SWEEP_SECONDS = 30  # a reply not read at once is tried again about this soon
NOTICE_SECONDS = 15  # a page round reaches the paging tool about this late
WAL_CHECKPOINT_MINUTES = 5  # SQLite: the WAL holds at most about this much writing


def build_scheduler(dispatcher: Dispatcher, engine: Engine, transport: Transport,
                    dispatch_interval: float, inbox: Inbox, *,
                    inbound_numbers: tuple[str, ...] = ()) -> BlockingScheduler:
    """The ticks every worker runs; texts the webhook missed are recovered from the
    provider at start and every few minutes when `inbound_numbers` names our numbers."""
    sessions = session_factory(engine)
    # coalesce + max_instances=1: a slow tick is never run twice at once nor caught up on
    scheduler = BlockingScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": None})

    def dispatch_tick() -> None:
        # pages first: a round written now goes out in this very pass
        try:
            paged = page_due(sessions, inbox.settings, utcnow())
        except Exception:  # never stop patients' texts: the next tick pages again
            log.exception("paging failed; tried again at the next tick")
        else:
            if paged.rounds:
                log.info("paging: %s rounds, %s texts", paged.rounds, paged.texts)
        counts = dispatcher.run_once()
        if any(counts.as_dict().values()):
            log.info("dispatch: %s", " ".join(f"{k}={v}" for k, v in counts.as_dict().items() if v))

    def housekeeping_tick() -> None:
        done = complete_finished(sessions, utcnow())
        if done:
            log.info("housekeeping: %s enrolments completed", done)

    def recovery_tick() -> None:
        counts = recover(engine, transport, utcnow())
        if any(counts.values()):
            log.info("recovery: %s", " ".join(f"{k}={v}" for k, v in counts.items() if v))

    protocols = ProtocolCache()

    def escalation_tick() -> None:
        raised = flag_silence(sessions, utcnow(), protocols)
        if raised:
            log.info("escalation: %s no-response flags raised", raised)

    def reply_tick() -> None:
        counts = sweep_replies(inbox, inbox.settings.reply_max_attempts, utcnow())
        if any(counts.values()):
            log.info("reply sweep: %s", " ".join(f"{k}={v}" for k, v in counts.items() if v))

    def notice_tick() -> None:
        notify_rounds(engine, inbox.settings, utcnow())

    def checkpoint_tick() -> None:
        busy, pages, _ = checkpoint_wal(engine)
        if busy:  # a reader outlasted the busy timeout: the WAL keeps growing until next time
            log.warning("WAL checkpoint could not finish (%s pages in the WAL)", pages)

    backfiller = Backfiller(inbox, transport, inbound_numbers, utcnow())

    def backfill_tick() -> None:
        counts = backfiller.run(utcnow())
        if counts.recovered or counts.failed:
            log.info("backfill: %s listed, %s recovered, %s numbers not listed",
                     counts.listed, counts.recovered, counts.failed)

    if inbound_numbers:
        scheduler.add_job(backfill_tick, "interval", minutes=BACKFILL_MINUTES, id="backfill",
                          next_run_time=utcnow())
    scheduler.add_job(dispatch_tick, "interval", seconds=dispatch_interval, id="dispatch",
                      next_run_time=utcnow())
    if inbox.settings.page_webhook_url:
        scheduler.add_job(notice_tick, "interval", seconds=NOTICE_SECONDS, id="page-notices")
    scheduler.add_job(recovery_tick, "interval", seconds=RECOVERY_SECONDS, id="recovery")
    scheduler.add_job(housekeeping_tick, "interval", minutes=HOUSEKEEPING_MINUTES,
                      id="housekeeping")
    scheduler.add_job(escalation_tick, "interval", minutes=ESCALATION_MINUTES, id="escalation",
                      next_run_time=utcnow())
    scheduler.add_job(reply_tick, "interval", seconds=REPLY_SWEEP_SECONDS, id="reply-sweep",
                      next_run_time=utcnow())
    if engine.dialect.name == "sqlite":
        scheduler.add_job(checkpoint_tick, "interval", minutes=WAL_CHECKPOINT_MINUTES,
                          id="wal-checkpoint")
    return scheduler
