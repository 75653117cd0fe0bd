"""Time zones and times typed on every interface (CLI, staff web, API, CSV import), on
SQLite and PostgreSQL: a fixed offset or an old zone name is refused naming the zone to use,
a date without a time is refused with an example, and a time in an error is in the zone
the field is typed in. A row already holding an old name keeps working."""

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reminders import importer
from reminders.cli import main
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import Enrollment
from tests.integration.helpers import NOW, counts, form

EST = "EST is a fixed offset (UTC-05:00) with no daylight saving; use America/New_York"
OLD = "US/Eastern is an old name kept for compatibility; use America/New_York"
NO_TIME = "'2026-06-01' has no time: give a time too, e.g. 2026-06-01 09:30"


# --- CLI ------------------------------------------------------------------------------


def _cli_enrol(capsys, **flags) -> tuple[int, str, str]:
    args = {"--first-name": "Ana", "--phone": "(312) 555-0101", "--consent-by": "Nurse Kim",
            "--injected-at": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
            "--timezone": "America/New_York", **flags}
    code = main(["enroll", *[x for kv in args.items() for x in kv]])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("flags", "message"), [
    ({"--timezone": "EST"}, f"error: --timezone: {EST}"),
    ({"--timezone": "US/Eastern"}, f"error: --timezone: {OLD}"),
    ({"--injected-at": "2026-06-01"}, f"error: --injected-at: {NO_TIME}"),
])
def test_the_cli_refuses_a_fixed_offset_an_old_name_and_a_bare_date(cli_env, capsys, sessions,
                                                                     flags, message):
    code, out, err = _cli_enrol(capsys, **flags)
    assert code == 2 and out == ""
    assert err.splitlines()[0] == message
    assert counts(sessions) == (0, 0, 0)


def test_the_cli_names_a_bare_date_and_a_refused_zone_at_once(cli_env, capsys, sessions):
    code, _, err = _cli_enrol(capsys, **{"--timezone": "EST", "--injected-at": "2026-06-01"})
    assert code == 2
    assert sorted(err.splitlines()[:2]) == [f"error: --injected-at: {NO_TIME}",
                                            f"error: --timezone: {EST}"]
    assert counts(sessions) == (0, 0, 0)


@pytest.mark.parametrize("command", ["plan", "simulate"])
def test_the_dry_runs_refuse_a_fixed_offset_too(cli_env, capsys, command):
    assert main([command, "--injected-at", "2026-06-01T10:00", "--timezone", "EST"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == f"error: --timezone: {EST}"


def test_the_cli_shows_a_future_injection_time_in_the_timezone_given(cli_env, capsys, sessions):
    zone = ZoneInfo("America/New_York")
    typed = (datetime.now(UTC) + timedelta(hours=3)).astimezone(zone).replace(tzinfo=None)
    code, _, err = _cli_enrol(capsys, **{"--injected-at": typed.strftime("%Y-%m-%dT%H:%M")})
    assert code == 2
    assert err.startswith(f"error: --injected-at: {typed:%Y-%m-%d %H:%M} (America/New_York) "
                          "is in the future")
    assert counts(sessions) == (0, 0, 0)


def test_an_enrolment_stored_with_an_old_zone_name_still_shows(cli_env, capsys, svc, sessions):
    enrollment_id = enroll(svc, form(timezone="America/New_York"), CONSENT_TAKER, NOW)
    with sessions.begin() as session:  # written before zone names were checked
        stored = session.get(Enrollment, enrollment_id)
        stored.timezone = stored.patient.timezone = "US/Eastern"
    assert main(["show", str(enrollment_id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["timezone"] == "US/Eastern"


# --- staff web ------------------------------------------------------------------------

FORM = {"first_name": "Ana", "phone": "(312) 555-0101", "protocol": "hip-joint-injection",
        "injected_at": "2026-06-01T10:00", "timezone": "America/Chicago", "language": "en",
        "baseline_pain": "7", "consent": "on"}


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'<small class="field-error" id="{field}-error"[^>]*>([^<]*)</small>',
                      html)
    assert found, html[:3000]
    return found.group(1)


def test_the_zone_list_offers_the_common_zones_first_and_no_old_names(kim):
    html = kim.get("/enrol").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]+)"', html.split('id="timezone"')[1]
                         .split("</select>")[0])
    assert options[:7] == ["America/New_York", "America/Chicago", "America/Denver",
                           "America/Phoenix", "America/Los_Angeles", "America/Anchorage",
                           "Pacific/Honolulu"]
    assert "Europe/London" in options and len(options) == len(set(options))
    assert not {"EST", "MST", "EST5EDT", "US/Eastern", "Etc/GMT+5", "UTC"} & set(options)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"timezone": "EST"}, "timezone", EST.replace("'", "&#39;")),
    ({"timezone": "US/Eastern"}, "timezone", OLD),
    ({"injected_at": "2026-06-01"}, "injected_at", NO_TIME.replace("'", "&#39;")),
    # The form's time is clinic (Chicago) time, whatever the patient's zone: so is the error's.
    ({"injected_at": "2026-06-01T14:00", "timezone": "America/Los_Angeles"}, "injected_at",
     "2026-06-01 14:00 (America/Chicago) is in the future (more than 15 minutes after 12:00, "
     "the time now)"),
])
def test_the_enrol_form_names_the_zone_or_time_problem_at_its_field(kim, sessions, change,
                                                                      field, message):
    response = kim.post("/enrol", {**FORM, **change})
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), field) == message
    assert counts(sessions) == (0, 0, 0)


def test_the_live_preview_refuses_a_fixed_offset_as_it_is_picked(kim):
    data = kim.post("/enrol/preview", {**FORM, "timezone": "Etc/GMT+5"}).json
    assert data["errors"]["timezone"].endswith("e.g. America/New_York")


def test_a_correction_to_a_bare_date_is_refused_with_an_example(kim, sessions):
    response = kim.post("/enrol", FORM)
    enrollment_id = int(response.headers["Location"].rsplit("/", 1)[1])
    kim.post(f"/enrollments/{enrollment_id}/reschedule",
             {"injected_at": "2026-06-01", "confirm": "yes"})
    html = kim.get(f"/enrollments/{enrollment_id}").get_data(as_text=True)
    assert "give a time too, e.g. 2026-06-01 09:30" in html
    with sessions() as session:
        assert session.get(Enrollment, enrollment_id).injected_at == NOW - timedelta(hours=2)


def test_an_enrolment_stored_with_an_old_zone_name_still_has_a_page(kim, sessions):
    response = kim.post("/enrol", FORM)
    enrollment_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with sessions.begin() as session:
        stored = session.get(Enrollment, enrollment_id)
        stored.timezone = stored.patient.timezone = "US/Central"
    html = kim.get(f"/enrollments/{enrollment_id}").get_data(as_text=True)
    assert "US/Central" in html


# --- API ------------------------------------------------------------------------------

BODY = {"first_name": "Ana", "phone": "(312) 555-0101", "injected_at": "2026-06-01T10:00:00",
        "protocol": "hip-joint-injection", "consent_by": "Nurse Kim"}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"timezone": "EST"}, "timezone", EST),
    ({"timezone": "US/Eastern"}, "timezone", OLD),
    ({"injected_at": "2026-06-01"}, "injected_at", NO_TIME),
    # Without an offset the API's time is the patient's: 14:00 in New York is 13:00 clinic time.
    ({"injected_at": "2026-06-01T14:00", "timezone": "America/New_York"}, "injected_at",
     "2026-06-01 14:00 (America/New_York) is in the future (more than 15 minutes after "
     "13:00, the time now)"),
])
def test_the_api_names_the_zone_or_time_problem_by_field(api, sessions, change, field, message):
    response = api.post("/api/v1/enrollments", json={**BODY, **change})
    assert response.status_code == 422
    assert response.json["errors"] == {field: message}
    assert counts(sessions) == (0, 0, 0)


def test_the_api_names_a_bare_date_and_a_refused_zone_at_once(api, sessions):
    response = api.post("/api/v1/enrollments",
                        json={**BODY, "timezone": "US/Eastern", "injected_at": "2026-06-01"})
    assert response.status_code == 422
    assert response.json["errors"] == {"timezone": OLD, "injected_at": NO_TIME}
    assert counts(sessions) == (0, 0, 0)


# --- CSV import -----------------------------------------------------------------------

HEADER = "first_name,phone,injected_at,protocol,consent_by,timezone\n"


@pytest.mark.parametrize(("cells", "column", "message"), [
    ("2026-06-01 10:00,hip-joint-injection,Kim,EST", "timezone", EST),
    ("2026-06-01 10:00,hip-joint-injection,Kim,US/Eastern", "timezone", OLD),
    ("2026-06-01,hip-joint-injection,Kim,America/New_York", "injected_at", NO_TIME),
    # The file's times are clinic (Chicago) time, whatever the patient's zone.
    ("2026-06-01 14:00,hip-joint-injection,Kim,America/Los_Angeles", "injected_at",
     "2026-06-01 14:00 (America/Chicago) is in the future (more than 15 minutes after 12:00, "
     "the time now)"),
])
def test_an_import_row_names_the_zone_or_time_problem_by_column(svc, sessions, cells, column,
                                                               message):
    report = importer.preview(svc, f"{HEADER}Ana,(312) 555-0101,{cells}\n".encode(), NOW)
    assert report.accepted == []
    assert report.rejected[0].errors == {column: message}
    assert counts(sessions) == (0, 0, 0)


def test_an_import_row_with_a_refused_zone_still_has_its_time_checked(svc):
    report = importer.preview(svc, f"{HEADER}Ana,(312) 555-0101,2026-06-01,"
                                   "hip-joint-injection,Kim,EST\n".encode(), NOW)
    assert report.rejected[0].errors == {"timezone": EST, "injected_at": NO_TIME}


def test_an_import_with_a_place_zone_is_accepted(svc, sessions):
    report = importer.preview(svc, f"{HEADER}Ana,(312) 555-0101,2026-06-01 10:00,"
                                   "hip-joint-injection,Kim,America/New_York\n".encode(), NOW)
    assert [r.valid.timezone.key for r in report.accepted] == ["America/New_York"]
    with sessions() as session:
        assert session.scalars(select(Enrollment)).all() == []
