"""Every wrong field named in one answer, in the words of the interface that was used:
the CLI's options, the enrol page's labels, the API's field names, the CSV's columns. On
SQLite and PostgreSQL; nothing is written."""

import html
import io
import re
from datetime import UTC, datetime, timedelta

from reminders import importer
from reminders.cli import main
from tests.integration.helpers import NOW, counts

CLI_OPTIONS = ("--first-name", "--phone", "--injected-at", "--timezone", "--consent-by",
               "--baseline-pain")
CLI_WORDS = re.compile(r"--[a-z]")  # any CLI option, which no other interface may name
FORM = {"first_name": "Ana", "phone": "(312) 555-0101", "protocol": "hip-joint-injection",
        "injected_at": "2026-06-01T10:00", "timezone": "America/Chicago", "language": "en",
        "baseline_pain": "7", "consent": "on"}
BODY = {"first_name": "Ana", "phone": "(312) 555-0101", "injected_at": "2026-06-01T10:00:00",
        "protocol": "hip-joint-injection", "consent_by": "Nurse Kim"}


def _cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_names_every_wrong_option_at_once(cli_env, capsys):
    code, out, err = _cli(capsys, "enroll", "--first-name", "R2D2", "--phone", "12",
                          "--injected-at", "yesterday", "--timezone", "Mars/Base",
                          "--consent-by", " ", "--baseline-pain", "11")
    assert code == 2 and out == ""
    named = [line.split(": ")[1] for line in err.splitlines()]
    assert sorted(named) == sorted(CLI_OPTIONS), err
    # the zone is wrong, and the time's own mistake is still reported
    assert "--injected-at: 'yesterday' is not a date and time" in err
    assert _cli(capsys, "list", "--all", "--json")[1].strip() == "[]"


def test_the_cli_names_missing_options_with_the_wrong_ones(cli_env, capsys):
    code, _, err = _cli(capsys, "enroll", "--phone", "12", "--side", "middle",
                        "--timezone", "Mars/Base", "--injected-at", "2026-06-01 25:00")
    assert code == 2
    assert err.splitlines()[:2] == ["error: --first-name: is required",
                                    "error: --consent-by: is required"]
    named = {line.split(": ")[1] for line in err.splitlines()}
    assert named == {"--first-name", "--consent-by", "--phone", "--side", "--timezone",
                     "--injected-at"}, err
    assert _cli(capsys, "list", "--all", "--json")[1].strip() == "[]"


def test_resolving_a_flag_names_both_wrong_options(cli_env, capsys):
    code, _, err = _cli(capsys, "resolve", "1", "--by", " ", "--note", " ")
    assert code == 2
    assert [line.split(": ")[1] for line in err.splitlines()] == ["--by", "--note"]


def test_create_staff_names_a_wrong_name_and_a_short_password_together(cli_env, capsys,
                                                                      monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = _cli(capsys, "create-staff", "Kim Lee!", "--password-stdin")
    assert code == 2
    assert [line.split(": ")[1] for line in err.splitlines()] == ["NAME", "password"]


def test_the_cli_says_replace_with_its_own_option(cli_env, capsys):
    recent = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    args = ["enroll", "--first-name", "Ana", "--phone", "(312) 555-0101", "--injected-at",
            recent, "--consent-by", "Nurse Kim"]
    assert _cli(capsys, *args)[0] == 0
    code, _, err = _cli(capsys, *args)
    assert code == 2
    assert err.startswith("error: --phone: already has an active enrolment")
    assert err.rstrip().endswith("to replace it, enrol again with --supersede")


def _banner(page: str) -> list[tuple[str, str, str]]:
    match = re.search(r'<div class="error" role="alert" id="form-errors">(.*?)</div>', page,
                      re.DOTALL)
    assert match, page[:3000]
    return [tuple(html.unescape(part) for part in item) for item in
            re.findall(r'<li><a href="#(\w+)">([^<]*)</a>: ([^<]*)</li>', match.group(1))]


def test_the_enrol_page_lists_every_wrong_field_by_its_label(kim, sessions):
    response = kim.post("/enrol", {**FORM, "first_name": "R2D2", "phone": "12",
                                   "injected_at": "yesterday", "timezone": "Mars/Base",
                                   "baseline_pain": "11", "consent": ""})
    assert response.status_code == 422
    banner = _banner(response.get_data(as_text=True))
    assert [label for _, label, _ in banner] == [  # as the form lists them
        "First name", "Mobile number", "Injection time", "Patient's time zone",
        "Pain before the injection", "Consent to texts"]
    assert all(not CLI_WORDS.search(message) for _, _, message in banner), banner
    assert "Nothing was saved: please correct the 6 fields below." in response.get_data(as_text=True)
    assert counts(sessions) == (0, 0, 0)


def test_the_enrol_page_says_replace_with_its_own_checkbox(kim, sessions):
    assert kim.post("/enrol", FORM).status_code == 302
    response = kim.post("/enrol", FORM)
    assert response.status_code == 422
    [(field, label, message)] = _banner(response.get_data(as_text=True))
    assert (field, label) == ("phone", "Mobile number")
    assert message.endswith("enrol again with the “Replace this number's active enrolment” "
                            "box ticked")
    assert "--supersede" not in html.unescape(response.get_data(as_text=True))


def test_the_live_check_gives_every_error_with_its_label_and_none_once_fixed(kim):
    kim.get("/enrol")
    wrong = kim.post("/enrol/preview", {**FORM, "phone": "12", "timezone": "Mars/Base",
                                        "injected_at": "yesterday"}).json
    assert wrong["labels"] == {"phone": "Mobile number", "timezone": "Patient's time zone",
                               "injected_at": "Injection time"}
    assert set(wrong["errors"]) == set(wrong["labels"])
    fixed = kim.post("/enrol/preview", FORM).json
    assert fixed["errors"] == {} and fixed["labels"] == {}


def test_the_api_reports_missing_and_invalid_fields_together(api, sessions):
    body = {"phone": "555", "injected_at": "yesterday", "protocol": "hip-joint-injection",
            "timezone": "Mars/Base", "diabetic": "yes", "baseline_pain": 11}
    response = api.post("/api/v1/enrollments", json=body)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors["first_name"] == errors["consent_by"] == "is required"
    assert set(errors) == {"first_name", "consent_by", "phone", "injected_at", "timezone",
                           "diabetic", "baseline_pain"}
    assert "is not a date and time" in errors["injected_at"]
    assert not CLI_WORDS.search(response.json["detail"])
    assert counts(sessions) == (0, 0, 0)


def test_the_api_says_replace_with_its_own_field(api, sessions):
    assert api.post("/api/v1/enrollments", json=BODY).status_code == 201
    response = api.post("/api/v1/enrollments", json=BODY)
    assert response.status_code == 422
    assert response.json["errors"]["phone"].endswith('enrol again with "supersede": true')
    assert not CLI_WORDS.search(response.json["detail"])


def test_the_csv_import_reports_every_wrong_column_of_every_row(svc, sessions):
    text = ("first_name,phone,injected_at,protocol,consent_by,timezone,baseline_pain,diabetic\n"
            "R2D2,12,tomorrow,knee,,Mars/Base,11,maybe\n"
            "Ana,(312) 555-0101,2026-06-01 10:00,hip-joint-injection,Kim,,,no\n"
            "Bo,555-01,2026-06-01 25:00,hip-joint-injection,,America/Chicago,x,\n")
    report = importer.preview(svc, text.encode(), NOW)
    rejected = {r.line: r.errors for r in report.rejected}
    assert set(rejected[2]) == {"first_name", "phone", "injected_at", "protocol", "consent_by",
                                "timezone", "baseline_pain", "diabetic"}
    assert "is not a date and time" in rejected[2]["injected_at"]  # though its zone is wrong too
    assert set(rejected[4]) == {"phone", "injected_at", "consent_by", "baseline_pain"}
    assert [r.line for r in report.accepted] == [3]
    assert not any(CLI_WORDS.search(m) for errors in rejected.values() for m in errors.values())
    assert counts(sessions) == (0, 0, 0)
