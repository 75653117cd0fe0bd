"""Every staff page on a phone (390x844), a tablet in portrait (820x1180) and a laptop
(1280x800), signed in as an admin, with data in every table: no page is wider than the
window, the navigation opens and leads somewhere by keyboard, and a full-page screenshot
of each page at each size lands in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from reminders.accounts import create_staff, create_token, revoke_token
from reminders.audit import Actor
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.flags import raise_flag
from reminders.inbound import Inbox
from reminders.inbound_message import Inbound
from reminders.models import Role
from reminders.rota import ShiftInput, set_mobile, set_shift
from reminders.services import Services
from tests.browser.conftest import ARTIFACTS, serve, shot
from tests.integration.helpers import NOW, dispatcher, form
from tests.integration.staff import PASSWORD

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "laptop": (1280, 800)}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
BOSS = Actor("boss", "web")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, settings, protocols):
    """The app with boss (an admin) and a clinic's worth of everything: an enrolled patient
    with texts sent, scored replies and flags (one red), a second one with no score, a
    rota, tokens (one revoked) and the audit entries all of that wrote."""
    with serve(tmp_path_factory.mktemp("layout"), settings, protocols) as live:
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
        yield live, ana, bo


def _pages(ana: int, bo: int, flag: int) -> list[tuple[str, str]]:
    return [("patients", "/"), ("patients-all", "/?show=all"), ("enrol", "/enrol"),
            ("flags", "/flags"), ("flags-resolved", "/flags?resolved=1"),
            ("flag", f"/flags/{flag}"), ("patient", f"/enrollments/{ana}"),
            ("patient-no-scores", f"/enrollments/{bo}"), ("reports", "/reports"),
            ("import", "/import"), ("password", "/password"), ("totp", "/account/totp"),
            ("audit", "/admin/audit"), ("tokens", "/admin/tokens"),
            ("staff", "/admin/staff"), ("rota", "/admin/rota"), ("not-found", "/enrollments/999999")]


# The deepest elements reaching past the window's right edge: what to fix when a page is too wide.
CULPRITS = """() => {
  const out = e => e.checkVisibility()
                   && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')].filter(e => out(e) && ![...e.children].some(out))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                          + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
}"""


def _too_wide(page, what: str) -> list[str]:
    """[] when the page fits the window; else what is too wide and what sticks out."""
    page.wait_for_load_state("load")
    if page.evaluate(OVERFLOW) <= 0:
        return []
    return [f"{what}: {page.evaluate(OVERFLOW)} px too wide, {page.evaluate(CULPRITS)}"]


def _lines(page, selector: str) -> float:
    """How many lines the element's box takes (1 when nothing in it wrapped)."""
    return page.locator(selector).evaluate("""e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const height = Math.max(...rects.map(r => r.bottom)) - Math.min(...rects.map(r => r.top));
        return height / parseFloat(getComputedStyle(e).lineHeight);
    }""")


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_window_and_the_navigation_works(browser, seeded, size, tmp_path):
    live, ana, bo = seeded
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/login")
        too_wide = _too_wide(page, "the sign-in page")
        shot(page, f"layout-{size}-login")
        page.get_by_label("Name").fill("boss")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live.url}/")
        page.goto("/flags")
        flag = page.locator('article[data-kind="red_flag"]').first.get_attribute("id")
        flag = int(flag.removeprefix("flag-"))

        for name, path in _pages(ana, bo, flag):
            assert page.goto(path).status == (404 if name == "not-found" else 200), path
            too_wide += _too_wide(page, path)
            shot(page, f"layout-{size}-{name}")

        # the chart spans the plan (texts run to day 14) and is not drawn without a score
        page.goto(f"/enrollments/{ana}")
        page.wait_for_function("window.painChart && window.painChart.chartArea")
        assert page.evaluate("window.painChart.scales.x.max") == 14  # the last text: day 14
        page.locator(".chart-box").screenshot(path=str(ARTIFACTS / f"layout-{size}-chart.png"))
        page.goto(f"/enrollments/{bo}")
        expect(page.locator("#no-scores")).to_be_visible()
        expect(page.locator("canvas")).to_have_count(0)

        # the flag queue: a row per flag with its actions on one line on the laptop, a card
        # with them stacked on the phone and the tablet
        page.goto("/flags")
        card = page.locator('article[data-kind="red_flag"]:has(select)').first
        ack, resolve = (card.locator("footer button").nth(i).bounding_box() for i in (0, 1))
        middle = [round(box["y"] + box["height"] / 2) for box in (ack, resolve)]
        if size == "laptop":
            assert abs(middle[0] - middle[1]) <= 2 and resolve["x"] > ack["x"] + ack["width"]
        else:
            assert resolve["y"] > ack["y"] + ack["height"]

        # the pages reached only through a form: the correction's preview, the import check
        page.goto(f"/enrollments/{ana}")
        page.locator("details:has(#preview-reschedule) > summary").click()
        page.locator("#preview-reschedule").click()
        expect(page.locator("#changes")).to_be_visible()
        too_wide += _too_wide(page, "the correction's preview")
        shot(page, f"layout-{size}-reschedule")
        csv = tmp_path / "list.csv"
        csv.write_text("first_name,phone,injected_at,protocol,consent_by\n"
                       "Cy,(312) 555-0173,2026-06-01 09:00,hip-joint-injection,Nurse Kim\n"
                       "Di,555-01,2026-06-01 09:00,hip-joint-injection,Nurse Kim\n")
        page.goto("/import")
        page.locator("#file").set_input_files(str(csv))
        page.locator("form[enctype] button[type=submit]").click()
        expect(page.locator("#import-summary")).to_be_visible()
        too_wide += _too_wide(page, "the import check")
        shot(page, f"layout-{size}-import-check")
        assert not too_wide, "\n".join(too_wide)

        # the navigation, by keyboard: open the menu where it is folded, follow a link
        page.goto("/")
        menu = page.locator("#nav-menu > summary")
        if size == "laptop":
            expect(menu).to_be_hidden()  # every link is in view: nothing to open
            for link in ("#nav-audit", "#nav-tokens", "#nav-flags"):
                assert _lines(page, link) < 1.5, f"{link} wraps at {width} px"
        else:
            expect(menu).to_be_visible()
            expect(page.locator("#nav-reports")).to_be_hidden()
            menu.focus()
            page.keyboard.press("Enter")
            shot(page, f"layout-{size}-menu-open")
            page.keyboard.press("Escape")  # folds it again, back on its button
            expect(page.locator("#nav-reports")).to_be_hidden()
            expect(menu).to_be_focused()
            page.keyboard.press("Enter")
        link = page.locator("#nav-reports")
        expect(link).to_be_visible()
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/reports$"))
    finally:
        context.close()
