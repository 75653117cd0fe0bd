"""Alembic environment: runs against the connection `reminders.migrate` hands in, or the
engine built from DATABASE_URL (and .env) when invoked through the `alembic` command."""

import os

from alembic import context
from dotenv import find_dotenv, load_dotenv

from reminders.db import make_engine
from reminders.migrate import sqlite_keys_deferred
from reminders.models import Base
from reminders.settings import Settings

target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER via table copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    load_dotenv(find_dotenv(usecwd=True))
    engine = make_engine(Settings.from_env(os.environ).database_url)
    with engine.connect() as conn, sqlite_keys_deferred(conn):
        _run(conn)
    engine.dispose()
