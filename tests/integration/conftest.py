import pytest

from tests.conftest import PG_SCHEMA, POSTGRES_URL
from tests.fakes.twilio_api import FakeTwilioServer


@pytest.fixture
def twilio():
    """The loopback fake of Twilio's API, for one test."""
    with FakeTwilioServer() as server:
        yield server


@pytest.fixture
def db_url(engine) -> str:
    """A DATABASE_URL for the CLI that reaches the same (migrated, empty) database."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    return f"{POSTGRES_URL}?options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture
def cli_env(monkeypatch, tmp_path, db_url):
    """Run commands in an empty directory (no stray .env) against the test database."""
    monkeypatch.chdir(tmp_path)
    for var in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SMS_TRANSPORT", "SCHEDULES_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    return monkeypatch


from tests.integration.oncall import team  # noqa: E402, F401 (fixture: the on-call team)
from tests.integration.staff import api, boss, kim, web  # noqa: E402, F401 (fixtures for the web tests)
from tests.integration.texting import patient, phone  # noqa: E402, F401 (fixtures: a texting patient)
