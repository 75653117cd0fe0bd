"""The web app: Twilio webhooks and the health check (staff pages come later)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from reminders.db import make_engine, session_factory
from reminders.inbound import Inbox
from reminders.protocol import ProtocolSet
from reminders.schedules import read_schedules
from reminders.settings import Settings


def create_app(settings: Settings, sessions: sessionmaker[Session] | None = None,
               protocols: ProtocolSet | None = None) -> Flask:
    """App factory. `sessions` and `protocols` may be handed in (tests, worker.py)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key or None, MAX_CONTENT_LENGTH=64 * 1024)
    sessions = sessions or session_factory(make_engine(settings.database_url))
    protocols = protocols or read_schedules(settings.schedules_file, settings.placeholders)
    app.extensions["reminders"] = {
        "settings": settings,
        "sessions": sessions,
        "inbox": Inbox(sessions, protocols, settings),
        "clock": lambda: datetime.now(UTC),  # tests replace it with a fixed clock
    }
    from reminders.web import health, twilio_hooks

    app.register_blueprint(health.bp)
    app.register_blueprint(twilio_hooks.bp)
    return app
