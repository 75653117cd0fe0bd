"""The Content-Security-Policy breaks nothing: on every staff page (and its chart) Chromium
reports no violation, and the pages' own scripts ran."""

from playwright.sync_api import expect

from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.inbound import Inbox
from reminders.inbound_message import Inbound
from reminders.services import Services
from tests.browser.conftest import signed_in
from tests.integration.helpers import NOW, dispatcher, form

PAGES = ["/", "/enrol", "/flags", "/flags?resolved=1", "/reports", "/import", "/password",
         "/account/totp"]
# Every violation, however it came (script, style, frame, form target), lands here.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def test_no_page_breaks_the_content_security_policy(browser, live, settings, protocols):
    enrollment = enroll(Services(live.sessions, protocols, settings),
                        form(phone="+13125550181", first_name="Csp", baseline_pain="7"),
                        CONSENT_TAKER, NOW)
    dispatcher(live.engine, NOW).run_once()  # the pain check goes; its answer is charted
    Inbox(live.sessions, protocols, settings).receive(
        Inbound("SM" + "7" * 32, "+13125550181", "+13125550199", "3", b"Body=3"), NOW)
    with signed_in(browser, live) as page:
        page.context.add_init_script(WATCH)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text
                else None)
        for path in [*PAGES, f"/enrollments/{enrollment}"]:
            page.goto(path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__csp") == [], path
        drawn = "window.Chart ? Object.keys(Chart.instances).length : 0"
        assert page.evaluate(drawn) == 1  # the pain chart: its scripts ran
        page.goto("/reports")
        expect(page.locator("#outcomes")).to_be_visible()
        assert page.evaluate(drawn) >= 1
        assert errors == []
