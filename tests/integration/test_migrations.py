from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from reminders.db import make_engine
from reminders.migrate import is_current, upgrade
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
