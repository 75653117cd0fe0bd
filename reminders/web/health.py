"""GET /healthz: can the database be read and written, is sending keeping up, and is
every reply being read? Monitoring calls it without a session.

200 when all is well; 503 when the database cannot be reached or written, when the
oldest unread reply has waited longer than UNREAD_REPLY_ALERT_MINUTES (the reply sweep,
reply_sweep.py, should have read it or flagged it by then), while a system alert is
open (a refusal every patient gets), or while an open flag's page could reach nobody (no
mobile on file: paging.py). The body says which.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, jsonify
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from reminders import system_alerts
from reminders.core.statuses import MessageStatus
from reminders.database_check import reason
from reminders.models import HealthCheck, OutboxMessage, Reply
from reminders.paging import paged_nobody
from reminders.web.current import now, sessions, settings

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

_UNREAD = (select(func.count(), func.min(Reply.received_at))
           .where(Reply.processed_at.is_(None), Reply.gave_up_at.is_(None)))


@bp.get("/healthz")
def healthz():
    at = now()
    try:
        with sessions()() as session:
            oldest = session.scalar(select(func.min(OutboxMessage.send_at)).where(
                OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.send_at <= at))
            unread, oldest_unread = session.execute(_UNREAD).one()
            alerts = system_alerts.health(session)  # open system alerts: 503 until fixed
            alerted = [f"system alert: {a.problem}" for a in system_alerts.open_alerts(session)]
            unpaged = paged_nobody(session)
    except SQLAlchemyError as exc:
        return jsonify(database="unreachable", error=type(exc).__name__), 503
    unwritable = _write_check(at)
    unread_age = _age(at, oldest_unread)
    late = (unread_age is not None
            and unread_age > settings().unread_reply_alert_minutes * 60)
    problems = ([f"the database cannot be written: {unwritable}"] if unwritable else []) + (
        [f"a reply has waited {unread_age:.0f} s to be read"] if late else []) + (
        alerted) + ([f"{unpaged} open urgent flags could not page anyone: add mobile numbers "
                     "(Staff) and a person on call (On call)"] if unpaged else [])
    return jsonify(database="not writable" if unwritable else "ok",
                   oldest_due_unsent_seconds=_age(at, oldest), unread_replies=unread,
                   oldest_unread_reply_seconds=unread_age, problems=problems, **(alerts or {})
                   ), 503 if problems else 200


def _age(at: datetime, since: datetime | None) -> float | None:
    return None if since is None else round((at - since).total_seconds(), 1)


def _write_check(at: datetime) -> str | None:
    """Rewrite this check's row, committed: a real write, of one small row. Returns why
    it failed (the driver's message: no statement or parameters), or None."""
    try:
        with sessions().begin() as session:
            conn = session.connection()
            done = conn.execute(update(HealthCheck).where(HealthCheck.name == "healthz")
                                .values(written_at=at)).rowcount
            if not done:
                conn.execute(insert(HealthCheck).values(name="healthz", written_at=at))
    except IntegrityError:  # another process wrote the first row at the same moment
        return None
    except SQLAlchemyError as exc:
        why = reason(exc) if isinstance(exc, DBAPIError) else type(exc).__name__
        log.warning("healthz: the database cannot be written (%s)", why)
        return why
    return None
