"""Paging in a real browser: an admin records a nurse's mobile, makes her the default
on call, and, when an urgent flag pages her, follows the page's link to the flag's own
page, sees the page on its history and acknowledges it there."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.flags import raise_flag
from reminders.models import Role
from reminders.paging import page_due
from reminders.transports.fake import FakeTransport
from tests.browser.conftest import serve, shot, signed_in
from tests.integration.helpers import NOW, dispatcher
from tests.integration.staff import PASSWORD


@pytest.fixture(scope="module")
def live(tmp_path_factory, settings, protocols):
    """The app with kim (staff) and boss, an admin."""
    with serve(tmp_path_factory.mktemp("rota"), settings, protocols) as running:
        create_staff(running.sessions, "boss", PASSWORD, Role.ADMIN, Actor("test", "cli"), NOW)
        yield running


@pytest.fixture(scope="module")
def admin(browser, live):
    """boss's tab, signed in through the sign-in form."""
    with signed_in(browser, live, "boss") as tab:
        yield tab


def test_an_admin_puts_a_nurse_on_call_and_acknowledges_the_page_from_its_link(admin, live, settings):
    page = admin
    # kim's mobile, on the staff page: a landline is refused in her row, then her mobile
    page.get_by_role("link", name="Staff").click()
    row = page.locator('tr[data-account="kim"]')
    row.get_by_label("Mobile number of kim").fill("+44 20 7946 0958")
    row.get_by_role("button", name="Save").click()
    row = page.locator('tr[data-account="kim"]')
    expect(row.locator("#mobile-error")).to_contain_text("is a landline")
    expect(row.get_by_label("Mobile number of kim")).to_have_attribute("aria-invalid", "true")
    shot(page, "staff-mobile-refused")
    row.get_by_label("Mobile number of kim").fill("(312) 555-0123")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Mobile number of kim saved")).to_be_visible()
    expect(page.get_by_label("Mobile number of kim")).to_have_value("+13125550123")
    expect(page.locator("#mobile-error")).to_have_count(0)

    # the default on call, on the rota page
    page.get_by_role("link", name="On call").click()
    expect(page.locator("#on-call-now")).to_contain_text("Nobody is on call")
    default = page.locator("#default-form")
    default.get_by_label("On call").select_option("kim")
    default.get_by_role("button", name="Set the default").click()
    expect(page.locator("#on-call-now")).to_have_text("On call now: kim.")
    expect(page.locator("#default-form").get_by_label("On call")).to_have_value("kim")
    expect(page.locator('#rota tr[data-default="1"]')).to_contain_text("kim")
    shot(page, "rota-page")

    # an urgent flag pages her; the page's link opens the flag's own page
    with live.sessions.begin() as session:
        flag_id = raise_flag(session.connection(),
                             FlagRequest(FlagKind.RED_FLAG, Priority.URGENT, "reports fever"),
                             NOW, phone="+13125550177")
    transport = FakeTransport()
    page_due(live.sessions, replace(settings, public_base_url=live.url), NOW)
    dispatcher(live.engine, NOW, transport).run_once()
    [sent] = transport.sent
    assert sent.to == "+13125550123"
    link = re.search(r"https?://\S+/flags/\d+", sent.body).group(0)
    assert link == f"{live.url}/flags/{flag_id}"
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Flag {flag_id}")).to_be_visible()
    history = page.locator(f"#history-{flag_id}")
    expect(history).to_have_attribute("open", "")
    expect(history.locator('li[data-event="page"]')).to_contain_text(
        "Paged kim (on call) by text: sent")

    page.get_by_role("button", name="Acknowledge: I am on it").click()
    page.wait_for_url(f"{live.url}/flags/{flag_id}")  # back on the flag's own page
    expect(page.get_by_role("status").filter(has_text=f"Flag {flag_id} is yours.")).to_be_visible()
    expect(page.locator(f"#flag-{flag_id}")).to_have_attribute("data-status", "acknowledged")
    expect(history.locator('li[data-event="staff"]')).to_contain_text("Acknowledged by boss")
    expect(page.get_by_role("button", name="Acknowledge: I am on it")).to_have_count(0)
    shot(page, "flag-page-acknowledged")
