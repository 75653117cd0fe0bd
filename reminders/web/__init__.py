"""The web app: Twilio webhooks and the health check (staff pages come later)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from reminders.db import make_engine, session_factory
from reminders.settings import Settings


def create_app(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Flask:
    """App factory. `sessions` may be handed in (tests, worker.py share one engine)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key or None, MAX_CONTENT_LENGTH=64 * 1024)
    app.extensions["reminders"] = {
        "settings": settings,
        "sessions": sessions or session_factory(make_engine(settings.database_url)),
    }
    from reminders.web import health, twilio_hooks

    app.register_blueprint(health.bp)
    app.register_blueprint(twilio_hooks.bp)
    return app
