"""Browser tests: Playwright driving Debian's Chromium against the app served on
loopback. Where /usr/bin/chromium is missing they are skipped, saying so (CI, which
forbids skips, installs it). Screenshots go to test-artifacts/ (REMINDERS_ARTIFACTS)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.db import make_engine, session_factory
from reminders.migrate import upgrade
from reminders.models import Role
from reminders.settings import PROJECT_ROOT
from reminders.web import create_app
from tests.integration.helpers import NOW
from tests.integration.processes import free_port
from tests.integration.staff import PASSWORD, SECRET

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("REMINDERS_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
TWILIO_TOKEN = "browser-test-token"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic", "--disable-dev-shm-usage"]


@dataclass
class Live:
    url: str
    app: object
    engine: object
    sessions: object
    clock: list


@contextmanager
def serve(directory: Path, settings, protocols, **changes) -> Iterator[Live]:
    """The web app on a free loopback port, on its own SQLite file with the staff member
    kim and a clock tests set; `changes` to the settings (the public URL is this server's,
    as the webhooks check signatures against the URL Twilio calls)."""
    engine = make_engine(f"sqlite:///{directory / 'app.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    create_staff(sessions, "kim", PASSWORD, Role.STAFF, Actor("test", "cli"), NOW)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(replace(settings, secret_key=SECRET, public_base_url=url, **changes),
                     sessions, protocols)
    clock = [NOW]
    app.extensions["reminders"]["clock"] = lambda: clock[0]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield Live(url, app, engine, sessions, clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        engine.dispose()


@pytest.fixture(scope="module")
def live(tmp_path_factory, settings, protocols):
    with serve(tmp_path_factory.mktemp("browser"), settings, protocols,
               twilio_auth_token=TWILIO_TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped "
                    "(apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@contextmanager
def signed_in(browser, live: Live, name: str = "kim"):
    """A tab (a tablet-sized window) of `name`, signed in through the sign-in form."""
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, base_url=live.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def page(browser, live):
    """One signed-in staff member's tab, for the whole module."""
    with signed_in(browser, live) as tab:
        yield tab


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
