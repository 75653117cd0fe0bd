"""Every field a member types is bounded (reminders/core/limits.py): over its limit it is
refused with an error naming the field in the interface's words, and nothing is saved;
at its limit it is taken. Web forms, the API and the command line, on both databases."""

import pytest
from sqlalchemy import func, select

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.core import limits
from reminders.core.statuses import FlagStatus
from reminders.models import Flag, Note, OutboxMessage, Role, RotaShift
from tests.integration.helpers import NOW, counts
from tests.integration.staff import PASSWORD
from tests.integration.test_api import BODY
from tests.integration.test_cli import enrolled, run

LONG_NOTE = "x" * (limits.NOTE + 1)


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _red_flag(phone, sessions) -> int:
    phone.text("I have a fever of 102 and chills", at=NOW.replace(hour=19))
    with sessions() as session:
        return session.scalars(select(Flag.id)).one()


def _flag_status(sessions, flag_id):
    with sessions() as session:
        flag = session.get(Flag, flag_id)
        return flag.status, flag.resolution_note


# --- the web forms ---------------------------------------------------------------------


def test_a_resolution_note_over_2000_characters_is_refused_and_one_of_2000_is_kept(
        sessions, patient, phone, kim):
    flag_id = _red_flag(phone, sessions)
    kim.get(f"/flags/{flag_id}")
    assert kim.post(f"/flags/{flag_id}/resolve", {"note": LONG_NOTE}).status_code == 302
    page = kim.get(f"/flags/{flag_id}").get_data(as_text=True)
    assert "Not done: note: must be at most 2000 characters (this is 2001)" in page
    assert _flag_status(sessions, flag_id) == (FlagStatus.OPEN, None)
    assert kim.post(f"/flags/{flag_id}/resolve", {"note": "y" * 2000}).status_code == 302
    assert _flag_status(sessions, flag_id) == (FlagStatus.RESOLVED, "y" * 2000)


@pytest.mark.parametrize(("path", "form", "model", "said"), [
    ("notes", {"note": LONG_NOTE}, Note, "note: is longer than 2000 characters"),
    ("texts", {"body": "x" * (limits.STAFF_TEXT + 1)}, OutboxMessage,
     "body: is 321 characters; at most 320"),
    ("texts", {"saved": "x" * 65}, OutboxMessage, "saved: must be at most 64 characters"),
    ("reschedule", {"injected_at": "2" * 65}, OutboxMessage,
     "Injection time: must be at most 64 characters"),  # the page's label
])
def test_an_over_long_patient_page_field_is_refused_naming_it(sessions, patient, kim, path, form,
                                                              model, said):
    before = _count(sessions, model)
    kim.get(f"/enrollments/{patient}")
    assert kim.post(f"/enrollments/{patient}/{path}", form).status_code == 302
    assert said in kim.get(f"/enrollments/{patient}").get_data(as_text=True)
    assert _count(sessions, model) == before


def test_an_over_long_rota_name_is_refused_under_its_field(sessions, boss):
    boss.get("/admin/rota")
    response = boss.post("/admin/rota/default", {"on_call": "k" * 65})
    assert response.status_code == 422
    assert "must be at most 64 characters (this is 65)" in response.get_data(as_text=True)
    assert _count(sessions, RotaShift) == 0


def test_an_over_long_first_name_on_the_enrol_form_is_refused(sessions, kim):
    before = counts(sessions)
    kim.get("/enrol")
    response = kim.post("/enrol", {"first_name": "A" * 64, "phone": "(312) 555-0101",
                                   "injected_at": "2026-06-01T10:00", "consent": "yes",
                                   "protocol": "hip-joint-injection", "consent_by": "Nurse Kim"})
    assert response.status_code in (200, 422)
    assert "must be at most 63 characters" in response.get_data(as_text=True)
    assert counts(sessions) == before


# --- the API ---------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [
    ("first_name", "A" * 64), ("phone", "5" * 33), ("consent_by", "K" * 129),
    ("timezone", "America/" + "x" * 60), ("injected_at", "2" * 65), ("protocol", "p" * 65),
])
def test_an_over_long_api_field_is_refused_naming_it_and_nothing_is_written(api, sessions,
                                                                              field, value):
    before = counts(sessions)
    response = api.post("/api/v1/enrollments", json={**BODY, field: value})
    assert response.status_code == 422, response.json
    (error,) = response.json["errors"].items()
    assert error[0] == field and error[1].startswith("must be at most ")
    assert len(response.get_data()) < 1000  # the value is not echoed back
    assert counts(sessions) == before


# --- the command line ------------------------------------------------------------------


def test_an_over_long_resolution_note_on_the_command_line_names_the_option(cli_env, capsys,
                                                                             sessions):
    enrolled(capsys)
    assert run(capsys, "reply", "--from", "(312) 555-0101", "my hip is swollen")[0] == 0
    with sessions() as session:
        flag_id = session.scalars(select(Flag.id)).one()
    code, _, err = run(capsys, "resolve", str(flag_id), "--by", "Dr Lee", "--note", LONG_NOTE)
    assert code == 2
    assert err.strip() == "error: --note: must be at most 2000 characters (this is 2001)"
    assert _flag_status(sessions, flag_id)[0] == FlagStatus.OPEN
    code, _, err = run(capsys, "ack", str(flag_id), "--by", "L" * 129)
    assert (code, err.strip()) == (2, "error: --by: is longer than 128 characters")


@pytest.mark.parametrize(("argv", "error"), [
    (["text-patient", "1", "--body", "x" * 321], "--body: is 321 characters; at most 320"),
    (["text-patient", "1", "--saved", "x" * 65], "--saved: must be at most 64 characters"),
    (["enroll", "--first-name", "A" * 64, "--phone", "(312) 555-0102", "--injected-at",
      NOW.isoformat(), "--consent-by", "Nurse Kim"], "--first-name: must be at most 63"),
    (["enroll", "--first-name", "Bo", "--phone", "5" * 33, "--injected-at", NOW.isoformat(),
      "--consent-by", "Nurse Kim"], "--phone: must be at most 32 characters"),
    (["set-mobile", "kim", "5" * 33], "MOBILE: must be at most 32 characters"),
    (["reschedule", "1", "--injected-at", "2" * 65], "--injected-at: must be at most 64"),
    (["rota", "default", "--on-call", "k" * 65], "--on-call: must be at most 64 characters"),
    (["rota", "kinds", "--kinds", "k" * 65], "--kinds: must be at most 64 characters"),
])
def test_an_over_long_option_is_refused_naming_it_and_nothing_is_written(
        cli_env, capsys, sessions, argv, error):
    enrolled(capsys)
    create_staff(sessions, "kim", PASSWORD, Role.STAFF, Actor("test", "cli"), NOW)
    before = counts(sessions), _count(sessions, RotaShift)
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith(f"error: {error}"), err
    assert (counts(sessions), _count(sessions, RotaShift)) == before
