"""GET /healthz: is the database reachable, and is sending keeping up?"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from reminders.core.statuses import MessageStatus
from reminders.models import OutboxMessage

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    sessions = current_app.extensions["reminders"]["sessions"]
    now = datetime.now(UTC)
    try:
        with sessions() as session:
            oldest = session.scalar(select(func.min(OutboxMessage.send_at)).where(
                OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.send_at <= now))
    except SQLAlchemyError as exc:
        return jsonify(database="unreachable", error=type(exc).__name__), 503
    age = None if oldest is None else round((now - oldest).total_seconds(), 1)
    return jsonify(database="ok", oldest_due_unsent_seconds=age)
