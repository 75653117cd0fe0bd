"""In a real browser: the enrol page's banner of a refused save follows the live check,
and cancelling an enrolment goes through its confirm page (no script: the CSP allows
only the site's own files)."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from reminders.core.statuses import EnrollmentStatus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import Enrollment
from reminders.services import Services
from tests.integration.helpers import NOW, form


def _statuses(live) -> list[str]:
    with live.sessions() as session:
        return list(session.scalars(select(Enrollment.status).order_by(Enrollment.id)))


def test_the_error_banner_follows_the_live_check_and_goes_when_all_is_corrected(page, live):
    page.goto("/enrol")
    page.get_by_label("Mobile number").fill("(312) 555-0162")
    page.get_by_role("button", name="Enrol").click()  # no first name, no consent
    banner = page.locator("#form-errors")
    summary = page.locator("#form-errors-summary")
    expect(summary).to_have_text("Nothing was saved: please correct the 2 fields below.")
    page.get_by_label("First name").fill("Ana")
    expect(page.locator("#first_name-error")).to_have_count(0)
    expect(summary).to_have_text("Nothing was saved: please correct the 1 field below.")
    page.locator("#consent").check()
    expect(page.locator("#consent-error")).to_have_count(0)
    expect(banner).to_be_hidden()
    assert _statuses(live) == []  # nothing saved until the form is sent again
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(re.compile(r"/enrollments/\d+$"))
    assert _statuses(live) == [EnrollmentStatus.ACTIVE]


def test_cancelling_asks_first_and_back_changes_nothing(page, live, protocols, settings):
    services = Services(live.sessions, protocols, settings)
    mia = enroll(services, form(phone="+13125550163", first_name="Mia"), CONSENT_TAKER, NOW)
    before = _statuses(live)
    page.goto(f"/enrollments/{mia}")
    page.get_by_text("Cancel this enrolment").click()  # the <details> on the patient page
    page.get_by_role("button", name="Cancel enrolment…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel Mia's enrolment?")
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(f"{live.url}/enrollments/{mia}")
    assert _statuses(live) == before
    page.get_by_text("Cancel this enrolment").click()
    page.get_by_role("button", name="Cancel enrolment…").click()
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live.url}/enrollments/{mia}")
    expect(page.locator(".flash-info")).to_contain_text("Enrolment cancelled")
    assert _statuses(live) == [*before[:-1], EnrollmentStatus.CANCELLED]
