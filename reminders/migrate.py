"""Schema migrations: `upgrade(engine)` brings any database to the newest revision.

The one wrapper around Alembic the entry points call, and what SQLite needs around it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from reminders.settings import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    config = _config()
    with engine.connect() as connection, sqlite_keys_deferred(connection), connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        check_foreign_keys(connection)


@contextmanager
def sqlite_keys_deferred(connection: Connection) -> Iterator[None]:
    """SQLite alters a column by copying its table; dropping the old copy while other
    tables' rows point at it fails with foreign keys on, and the pragma cannot change
    inside a transaction. So: off before the migration's transaction, checked at its end
    (`check_foreign_keys`), on again after (SQLite's own procedure for a table rebuild)."""
    raw = connection.connection.driver_connection  # the sqlite3 connection, no transaction
    if connection.dialect.name != "sqlite" or raw is None:
        yield
        return
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def check_foreign_keys(connection: Connection) -> None:
    """Raise (rolling the migration back) if a copied table left a key pointing nowhere."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"the migration left {len(broken)} rows whose foreign keys "
                               f"point nowhere (first: {tuple(broken[0])})")


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision (the worker refuses otherwise)."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
