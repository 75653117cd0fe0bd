"""Cancelling an enrolment and marking an opt-out ask first, on a page of their own that
needs no JavaScript; nothing changes until its form is sent with confirm=yes."""

import re

import pytest
from sqlalchemy import select

from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.models import AuditEntry, Enrollment

FORM = {"first_name": "Alex", "phone": "(312) 555-0101", "protocol": "hip-joint-injection",
        "injected_at": "2026-06-01T10:00", "timezone": "America/Chicago", "language": "en",
        "baseline_pain": "7", "consent": "on"}

ACTIONS = {
    "cancel": ("Cancel Alex&#39;s enrolment?", "This stops every text still to come to Alex."),
    "opt-out": ("Mark Alex as opted out?", "This stops every text still to come to Alex."),
}


def enrol(staff) -> int:
    response = staff.post("/enrol", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def state(sessions, enrollment_id: int) -> tuple:
    """What either action would change: the enrolment's status, the patient's opt-out,
    how many texts are pending, and the audit trail."""
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        pending = sum(m.status == MessageStatus.PENDING for m in enrollment.messages)
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
                   if a.action != "viewed"]
        return enrollment.status, enrollment.patient.opted_out_at, pending, actions


def test_the_patient_page_links_to_the_confirm_steps_instead_of_acting(kim):
    enrollment_id = enrol(kim)
    html = kim.get(f"/enrollments/{enrollment_id}").get_data(as_text=True)
    for action in ACTIONS:
        path = f"/enrollments/{enrollment_id}/{action}"
        assert re.search(rf'<a role="button"[^>]*href="{path}"', html)
        assert f'action="{path}"' not in html  # no form on the patient page acts at once


@pytest.mark.parametrize("action", ACTIONS)
def test_the_confirm_page_asks_and_changes_nothing(kim, sessions, action):
    enrollment_id = enrol(kim)
    before = state(sessions, enrollment_id)
    response = kim.get(f"/enrollments/{enrollment_id}/{action}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    question, consequence = ACTIONS[action]
    assert f"<h1>{question}</h1>" in html and consequence in html
    assert 'name="confirm" value="yes"' in html and "<script" not in html.split("<main")[1]
    assert f'href="/enrollments/{enrollment_id}">Back</a>' in html
    assert state(sessions, enrollment_id) == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("confirm", [None, "", "no", "YES"])
def test_a_post_without_the_confirmation_changes_nothing(kim, sessions, action, confirm):
    enrollment_id = enrol(kim)
    before = state(sessions, enrollment_id)
    assert before[0] == EnrollmentStatus.ACTIVE and before[1] is None and before[2] > 0
    data = {} if confirm is None else {"confirm": confirm}
    response = kim.post(f"/enrollments/{enrollment_id}/{action}", data)
    assert response.status_code == 200  # the question again
    assert ACTIONS[action][0] in response.get_data(as_text=True)
    assert state(sessions, enrollment_id) == before


def test_confirming_cancels_the_enrolment(kim, sessions):
    enrollment_id = enrol(kim)
    kim.get(f"/enrollments/{enrollment_id}/cancel")
    response = kim.post(f"/enrollments/{enrollment_id}/cancel", {"confirm": "yes"})
    assert response.headers["Location"] == f"/enrollments/{enrollment_id}"
    status, opted_out, pending, actions = state(sessions, enrollment_id)
    assert status == EnrollmentStatus.CANCELLED and opted_out is None and pending == 0
    assert actions[-1] == "cancelled"


def test_confirming_marks_the_opt_out(kim, sessions):
    enrollment_id = enrol(kim)
    response = kim.post(f"/enrollments/{enrollment_id}/opt-out", {"confirm": "yes"})
    assert response.status_code == 302
    _status, opted_out, pending, actions = state(sessions, enrollment_id)
    assert opted_out is not None and pending == 0 and actions[-1] == "opted_out"


@pytest.mark.parametrize("action", ACTIONS)
def test_the_confirm_page_of_an_unknown_enrolment_is_404(kim, action):
    assert kim.get(f"/enrollments/999999/{action}").status_code == 404
