"""Entry point for running the web app under a WSGI server of your choice:

    waitress-serve --listen 127.0.0.1:8000 --call reminders.web.wsgi:create_app_from_env
    gunicorn -w 2 'reminders.web.wsgi:create_app_from_env()'

Settings come from the environment and `.env`, as for every other entry point.

Short on purpose: an entry point only builds the app from the environment.
"""

from __future__ import annotations

import os
import sys

from dotenv import find_dotenv, load_dotenv
from flask import Flask

from reminders.database_check import DatabaseUnavailable, open_database
from reminders.log_setup import configure_logging
from reminders.settings import Settings
from reminders.web import create_app


def create_app_from_env() -> Flask:
    load_dotenv(find_dotenv(usecwd=True))
    settings = Settings.from_env(os.environ)
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"), settings.log_format)
    try:  # one line and exit 2, as worker.py, rather than a traceback from the server
        open_database(settings.database_url).dispose()
    except DatabaseUnavailable as exc:
        print(f"refusing to start: DATABASE_URL: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return create_app(settings)
