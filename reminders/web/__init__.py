"""The web app: staff pages, the JSON API, Twilio webhooks, the health check and metrics."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from reminders.clock import utcnow
from reminders.core.protocol import ProtocolSet
from reminders.db import make_engine, session_factory
from reminders.inbound import Inbox
from reminders.metrics import Metrics
from reminders.metrics_db import DatabaseGauges
from reminders.protocol_files import read_schedules
from reminders.services import Services
from reminders.settings import Settings
from reminders.wiring import make_media

log = logging.getLogger(__name__)
MAX_UPLOAD = 8 * 1024 * 1024  # a day's procedure list is far smaller; 10,000 rows is ~1 MB


def create_app(settings: Settings, sessions: sessionmaker[Session] | None = None,
               protocols: ProtocolSet | None = None, metrics: Metrics | None = None) -> Flask:
    """App factory. `sessions` and `protocols` may be handed in (tests, worker.py), and
    `metrics` too (worker.py: its dispatcher's sends show on this app's /metrics). The app
    adds its database gauges to the metrics' registry: one app per `Metrics`."""
    app = Flask(__name__)
    secret = settings.secret_key
    if not secret:
        log.warning("SECRET_KEY is not set: this process made one up, so staff sessions end "
                    "when it restarts and do not carry across web processes")
        secret = secrets.token_hex(32)
    app.config.update(
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=MAX_UPLOAD,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.lower().startswith("https://"),
        SESSION_COOKIE_NAME="reminders_session",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session (idle timeout)
    )
    engine = None
    if sessions is None:
        engine = make_engine(settings.database_url)
        sessions = session_factory(engine)
    protocols = protocols or read_schedules(settings.schedules_file, settings.placeholders)
    metrics = metrics or Metrics()
    app.extensions["reminders"] = {
        "settings": settings,
        # the engine the app made for itself, for its owner to dispose of; None when
        # `sessions` were handed in (their engine is the caller's)
        "engine": engine,
        "sessions": sessions,
        "protocols": protocols,
        "services": Services(sessions, protocols, settings),
        "inbox": Inbox(sessions, protocols, settings),
        "media": make_media(settings),  # patients' pictures, fetched for staff (or None)
        "clock": utcnow,  # tests replace it with a fixed clock
        "metrics": metrics,
    }
    # the clock is looked up at each scrape: tests replace it after the app is made
    metrics.registry.register(DatabaseGauges(sessions,
                                             lambda: app.extensions["reminders"]["clock"]()))
    import reminders.web.second_factor_pages  # noqa: F401 (its routes join auth.bp)
    from reminders.web import (
        api,
        auth,
        error_pages,
        headers,
        health,
        input_guard,
        pages,
        twilio_hooks,
    )
    from reminders.web import metrics as scrape
    from reminders.web.current import IdConverter

    app.url_map.converters["id"] = IdConverter
    auth.init_app(app)
    input_guard.init_app(app)  # after the access guard and CSRF
    for blueprint in (health.bp, scrape.bp, twilio_hooks.bp, auth.bp, api.bp, *pages.blueprints):
        app.register_blueprint(blueprint)
    auth.csrf.exempt(twilio_hooks.bp)  # signed by Twilio instead
    auth.csrf.exempt(api.bp)  # bearer tokens, never cookies: nothing for a forged form to ride on
    error_pages.init_app(app)
    pages.init_app(app)
    headers.init_app(app)
    if settings.trusted_proxies:
        # Behind nginx or Caddy every request comes from the proxy: believe the last
        # `trusted_proxies` X-Forwarded-For/-Proto/-Host entries (each proxy appends one),
        # so the sign-in throttle counts the client's address. Never more: a client
        # writes the earlier entries itself.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
