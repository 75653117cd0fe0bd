from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, MetaData, func, select

from reminders.db import make_engine
from reminders.migrate import _config, is_current, upgrade
from reminders.models import Base


def test_migrations_build_exactly_the_schema_the_models_describe(engine):
    # `engine` was brought to head by the migrations alone
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert is_current(engine)


def test_a_fresh_sqlite_file_is_not_current_until_upgraded(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert not is_current(engine)
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert is_current(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_upgrading_a_database_full_of_rows_keeps_every_row(engine):
    """From the schema before paging (0011) to head with a row in every table, each one
    pointing at the others: SQLite's table copies (batch mode) must not trip over the
    foreign keys that point at a copied table, and nothing may be lost."""
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0011")
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            conn.execute(table.insert().values(_one_row(table)))
    before = _counts(engine, metadata)
    upgrade(engine)
    assert is_current(engine)
    assert _counts(engine, metadata) == before
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def _one_row(table) -> dict:
    """Every NOT NULL column filled; a key column or a foreign key is 1 (or "1")."""
    values = {}
    for column in table.columns:
        if column.nullable and not column.foreign_keys:
            continue
        python = column.type.python_type if not isinstance(column.type, JSON) else list
        if python is str:
            values[column.name] = "1"
        elif python is bool:
            values[column.name] = False
        elif python in (int, float):
            values[column.name] = 1
        elif python is datetime:
            values[column.name] = datetime(2026, 6, 1, tzinfo=UTC)
        elif python is bytes:
            values[column.name] = b"1"
        else:
            values[column.name] = []
    return values


def _counts(engine, metadata) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables if t.name != "alembic_version"}
