"""Browser tests: Playwright driving Debian's Chromium against the app served on
loopback. Where /usr/bin/chromium is missing they are skipped, saying so (CI, which
forbids skips, installs it). Screenshots go to test-artifacts/ (REMINDERS_ARTIFACTS)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from reminders.accounts import create_staff, create_token, revoke_token
from reminders.audit import Actor
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.db import make_engine, session_factory
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.flags import raise_flag
from reminders.inbound import Inbox
from reminders.inbound_message import Inbound
from reminders.migrate import upgrade
from reminders.models import Flag, Role
from reminders.rota import ShiftInput, set_mobile, set_shift
from reminders.services import Services
from reminders.settings import PROJECT_ROOT
from reminders.web import create_app
from tests.integration.helpers import NOW, dispatcher, form
from tests.integration.processes import free_port
from tests.integration.staff import PASSWORD, SECRET

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("REMINDERS_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
TWILIO_TOKEN = "browser-test-token"
# A phone, a tablet in portrait and a laptop: the sizes every page is checked at.
SIZES = {"phone": (390, 844), "tablet": (820, 1180), "laptop": (1280, 800)}
BOSS = Actor("boss", "web")
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


@dataclass
class Seeded:
    live: Live
    ana: int  # enrolled three days ago: texts sent, scored replies, a red flag
    bo: int  # enrolled now: no score yet
    flag: int  # Ana's red flag


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, settings, protocols) -> Iterator[Seeded]:
    """The app with boss (an admin) and a clinic's worth of everything: an enrolled patient
    with texts sent, scored replies and flags (one red), a second one with no score, a
    rota, tokens (one revoked) and the audit entries all of that wrote."""
    with serve(tmp_path_factory.mktemp("seeded"), settings, protocols) as live:
        create_staff(live.sessions, "boss", PASSWORD, Role.ADMIN, Actor("test", "cli"), NOW)
        services = Services(live.sessions, protocols, settings)
        ana = enroll(services, form(phone="+13125550171", first_name="Ana", baseline_pain="7",
                                    injected_at=NOW - timedelta(days=3)), CONSENT_TAKER, NOW)
        bo = enroll(services, form(phone="+13125550172", first_name="Bo", diabetic=True),
                    CONSENT_TAKER, NOW)
        dispatcher(live.engine, NOW).run_once()
        inbox = Inbox(live.sessions, protocols, settings)
        for n, body in enumerate(["8", "5 a bit better than yesterday",
                                  "I have a fever and the spot is swollen and red"]):
            inbox.receive(Inbound(f"SM{n:032d}", "+13125550171", "+13125550199", body,
                                  body.encode()), NOW + timedelta(minutes=n))
        with live.sessions.begin() as session:
            raise_flag(session.connection(), FlagRequest(
                FlagKind.RED_FLAG, Priority.URGENT, "reports fever from an unknown number"),
                NOW, phone="+13125550179")
        for name in ("boss", "kim"):
            set_mobile(live.sessions, name, f"+1312555012{len(name)}", "US", BOSS, NOW)
        set_shift(live.sessions, ShiftInput("kim", "boss"), settings.clinic_timezone, BOSS, NOW,
                  default=True)
        set_shift(live.sessions, ShiftInput("boss", "kim", "2026-06-06 18:00", "2026-06-08 08:00"),
                  settings.clinic_timezone, BOSS, NOW)
        create_token(live.sessions, "electronic-health-record", BOSS, NOW)
        create_token(live.sessions, "old-billing-system", BOSS, NOW)
        revoke_token(live.sessions, "old-billing-system", BOSS, NOW)
        with live.sessions() as session:
            flag = session.scalars(select(Flag.id).where(
                Flag.kind == FlagKind.RED_FLAG, Flag.enrollment_id == ana)).one()
        yield Seeded(live, ana, bo, flag)


def staff_pages(seeded: Seeded) -> list[tuple[str, str]]:
    """(name, path) of every page an admin reaches by a link; the last one is a 404."""
    ana, bo, flag = seeded.ana, seeded.bo, seeded.flag
    return [("patients", "/"), ("patients-all", "/?show=all"), ("enrol", "/enrol"),
            ("flags", "/flags"), ("flags-resolved", "/flags?resolved=1"),
            ("flag", f"/flags/{flag}"), ("patient", f"/enrollments/{ana}"),
            ("patient-no-scores", f"/enrollments/{bo}"),
            ("confirm-cancel", f"/enrollments/{bo}/cancel"),
            ("confirm-opt-out", f"/enrollments/{bo}/opt-out"), ("reports", "/reports"),
            ("import", "/import"), ("password", "/password"), ("totp", "/account/totp"),
            ("audit", "/admin/audit"), ("tokens", "/admin/tokens"),
            ("staff", "/admin/staff"), ("rota", "/admin/rota"), ("not-found", "/enrollments/999999")]


@contextmanager
def window(browser, live: Live, size: str | tuple[int, int]):
    """A new, signed-out window on the app: one of SIZES, or (width, height)."""
    width, height = SIZES[size] if isinstance(size, str) else size
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page, live: Live, name: str) -> None:
    """Through the sign-in form, on to the patients page."""
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")


@contextmanager
def sign_in_as(browser, live: Live, name: str, size: str | tuple[int, int]):
    """A new window of `size` (see `window`), signed in as `name` through the sign-in form."""
    with window(browser, live, size) as page:
        sign_in(page, live, name)
        yield page


def form_states(page, seeded: Seeded, directory: Path, size: str) -> Iterator[str]:
    """Put an admin's page in each state a form leaves it in, yielding a name for each:
    refused fields and the live check clearing them, previews, one-time secrets shown
    (long unbroken text), the open menu on narrow screens."""
    page.goto("/enrol")
    page.get_by_label("Mobile number").fill("(312) 555-0162")
    page.get_by_role("button", name="Enrol").click()  # no name, no consent: refused
    expect(page.locator("#form-errors")).to_be_visible()
    yield "enrol-refused"
    page.get_by_label("First name").fill("Eve")
    expect(page.locator("#first_name-error")).to_have_count(0)
    yield "enrol-live-check"
    page.goto("/password")
    page.get_by_role("button", name="Save password").click()
    expect(page.locator("#current_password-error")).to_be_visible()
    yield "password-refused"
    page.goto(f"/enrollments/{seeded.ana}")
    page.locator("details:has(#preview-reschedule) > summary").click()
    page.locator("#preview-reschedule").click()
    expect(page.locator("#changes")).to_be_visible()
    yield "reschedule"
    csv = directory / "list.csv"
    csv.write_text("first_name,phone,injected_at,protocol,consent_by\n"
                   "Cy,(312) 555-0173,2026-06-01 09:00,hip-joint-injection,Nurse Kim\n"
                   "Di,555-01,2026-06-01 09:00,hip-joint-injection,Nurse Kim\n")
    page.goto("/import")
    page.locator("#file").set_input_files(str(csv))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator("#import-summary")).to_be_visible()
    yield "import-check"
    page.goto("/admin/tokens")
    page.get_by_role("button", name="Create token").click()  # no name
    expect(page.locator("#name-error")).to_be_visible()
    yield "token-refused"
    page.get_by_label("Name of the system").fill(f"scheduling-{size}")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()
    yield "token-created"
    page.goto("/admin/staff")
    page.get_by_label("Sign-in name").fill(f"nurse-{size}")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#new-staff")).to_be_visible()
    yield "account-created"
    if size != "laptop":
        page.goto("/")
        page.locator("#nav-menu > summary").click()
        expect(page.locator("#nav-reports")).to_be_visible()
        yield "menu-open"


def signed_in(browser, live: Live, name: str = "kim"):
    """A tab (a tablet-sized window) of `name`, signed in through the sign-in form."""
    return sign_in_as(browser, live, name, (1024, 1366))


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
