"""GET /healthz: is the database reachable, and is sending keeping up?

Short on purpose: one route, which monitoring calls without a session.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from reminders import system_alerts
from reminders.core.statuses import MessageStatus
from reminders.models import OutboxMessage
from reminders.web.current import now, sessions

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    at = now()
    try:
        with sessions()() as session:
            oldest = session.scalar(select(func.min(OutboxMessage.send_at)).where(
                OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.send_at <= at))
            alerts = system_alerts.health(session)  # open system alerts: 503 until fixed
    except SQLAlchemyError as exc:
        return jsonify(database="unreachable", error=type(exc).__name__), 503
    age = None if oldest is None else round((at - oldest).total_seconds(), 1)
    if alerts:
        return jsonify(database="ok", oldest_due_unsent_seconds=age, **alerts), 503
    return jsonify(database="ok", oldest_due_unsent_seconds=age)
