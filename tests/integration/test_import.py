"""CSV import of the procedure list, on SQLite and PostgreSQL: every row checked and
reported, nothing enrolled before the confirmation, and the confirmation all or nothing."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from reminders import importer
from reminders.audit import Actor
from reminders.cli import main
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import AuditEntry, Enrollment, ImportBatch
from tests.integration.helpers import NOW, counts, form

HEADER = "first_name,phone,injected_at,protocol,consent_by,baseline_pain\n"
GOOD = "Ana,(312) 555-0101,2026-06-01 10:00,hip-joint-injection,Nurse Kim,7\n"
BAD_PHONE = "Bo,555-01,2026-06-01 10:00,hip-joint-injection,Nurse Kim,\n"
OTHER = "Cy,(312) 555-0103,2026-06-01 09:30,hip-joint-injection,Nurse Kim,5\n"
OPERATOR = Actor("kim", "web")


def _report(svc, text: str):
    return importer.preview(svc, text.encode(), NOW)


def test_a_clean_file_previews_every_row_and_enrols_nothing(svc, sessions):
    report = _report(svc, HEADER + GOOD + OTHER)
    assert report.file_errors == [] and report.rejected == []
    assert [(r.line, r.valid.phone) for r in report.accepted] == [(2, "+13125550101"),
                                                                 (3, "+13125550103")]
    assert report.accepted[0].valid.injected_at == NOW - timedelta(hours=2)  # clinic time
    assert counts(sessions) == (0, 0, 0)


@pytest.mark.parametrize(("text", "words"), [
    ("name,phone\nAna,3125550101\n", "unknown column(s): name"),
    ("first_name,phone\nAna,3125550101\n", "missing column(s): injected_at, protocol, consent_by"),
    (HEADER.replace("baseline_pain", "phone"), "named twice: phone"),
    ("", "the file is empty"),
    (HEADER, "no rows"),
])
def test_wrong_columns_are_named_and_nothing_is_enrolled(svc, sessions, text, words):
    report, ids = importer.import_csv(svc, text.encode(), "columns.csv", OPERATOR, NOW)
    assert any(words in e for e in report.file_errors), report.file_errors
    assert ids == [] and counts(sessions) == (0, 0, 0)


def test_a_file_that_is_not_utf8_is_refused_saying_so(svc):
    report = importer.preview(svc, (HEADER + GOOD).encode("utf-16"), NOW)
    assert "not UTF-8" in report.file_errors[0]


def test_each_bad_row_is_reported_with_its_line_and_field(svc):
    text = (HEADER + GOOD + BAD_PHONE + GOOD.replace("Ana", "Ann")
            + "Dee,(312) 555-0104,tomorrow,knee,,11\n" + "Eve,(312) 555-0105\n")
    report = _report(svc, text)
    assert [r.line for r in report.accepted] == [2]
    rejected = {r.line: r.errors for r in report.rejected}
    assert "not a valid phone number" in rejected[3]["phone"]
    assert rejected[4]["phone"] == "+13125550101 is also on line 2: one row per patient"
    assert set(rejected[5]) == {"injected_at", "protocol", "consent_by", "baseline_pain"}
    assert "has 2 cells; the header has 6" in rejected[6]["row"]


def test_yes_no_columns_take_yes_or_no_only(svc):
    text = ("first_name,phone,injected_at,protocol,consent_by,diabetic,pt_referral\n"
            "Ana,(312) 555-0101,2026-06-01 10:00,hip-joint-injection,Kim,yes,maybe\n")
    report = _report(svc, text)
    assert report.rejected[0].errors == {"pt_referral": "'maybe' is not yes or no"}


def test_numbers_that_opted_out_or_are_enrolled_are_rejected_unless_superseded(svc, sessions):
    enroll(svc, form(phone="(312) 555-0103"), CONSENT_TAKER, NOW)
    report = _report(svc, HEADER + GOOD + OTHER)
    assert [r.line for r in report.rejected] == [3]
    assert "already has an active enrolment" in report.rejected[0].errors["phone"]
    superseding = _report(svc, HEADER.replace("baseline_pain", "supersede") + OTHER.replace(",5\n", ",yes\n"))
    assert superseding.rejected == []


def _big_file(rows: int = 10_000) -> str:
    """Only 555-0100..0199 are fictional, so 100 patients: the other rows repeat them,
    and every thousandth has a broken number."""
    lines = []
    for i in range(rows):
        phone = "555" if i % 1000 == 999 else f"(312) 555-01{i % 100:02d}"
        lines.append(f"Pat,{phone},2026-06-01 10:00,hip-joint-injection,Nurse Kim,\n")
    return HEADER + "".join(lines)


def test_ten_thousand_rows_get_a_per_row_report_and_nothing_is_enrolled(svc, sessions):
    report = _report(svc, _big_file())
    assert len(report.rows) == 10_000
    assert [r.line for r in report.accepted] == list(range(2, 102))
    assert len(report.rejected) == 9_900
    broken = [r for r in report.rejected if "not a valid phone number" in r.errors["phone"]]
    assert [r.line for r in broken] == [1001 + 1000 * k for k in range(10)]
    repeated = report.rejected[0]
    assert (repeated.line, repeated.errors) == (102, {"phone": "+13125550100 is also on line 2: "
                                                      "one row per patient"})
    assert counts(sessions) == (0, 0, 0)
    too_many = _report(svc, _big_file() + GOOD)
    assert too_many.file_errors == ["more than 10,000 rows: split the file"]


def test_confirming_enrols_the_accepted_rows_in_one_go_and_skips_the_rejected(svc, sessions):
    report, ids = importer.import_csv(svc, (HEADER + GOOD + BAD_PHONE + OTHER).encode(),
                                      "monday.csv", OPERATOR, NOW)
    assert len(ids) == 2 and [r.line for r in report.rejected] == [3]
    with sessions() as session:
        assert session.scalar(select(func.count(Enrollment.id))) == 2
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "imported")).one()
        assert audit.detail == "monday.csv: 2 enrolled, 1 rejected"


def test_a_row_that_fails_at_confirmation_enrols_nobody(svc, sessions, monkeypatch):
    """Someone enrols line 3's phone between the check and the write: no partial import."""
    original = importer.preview

    def preview_then_enrol(svc_, data, now):
        report = original(svc_, data, now)
        enroll(svc, form(phone="(312) 555-0103", first_name="Zed"), CONSENT_TAKER, NOW)
        return report

    monkeypatch.setattr(importer, "preview", preview_then_enrol)
    report, ids = importer.import_csv(svc, (HEADER + GOOD + OTHER).encode(), "monday.csv", OPERATOR, NOW)
    assert ids == []
    assert "already has an active enrolment" in report.rejected[-1].errors["phone"]
    with sessions() as session:
        names = [e.patient.first_name for e in session.scalars(select(Enrollment))]
    assert names == ["Zed"]  # only the other enrolment; not Ana


def test_the_cli_dry_run_reports_and_the_real_run_enrols(cli_env, tmp_path, capsys, sessions):
    path = tmp_path / "list.csv"
    text = (HEADER + GOOD + BAD_PHONE).replace("2026-06-01 10:00", _local_now_minus(hours=1))
    path.write_text(text)
    assert main(["import", str(path), "--dry-run"]) == 2
    out = capsys.readouterr().out
    assert "line 3: phone:" in out and "would enrol 1; rejected 1 (not enrolled)" in out
    assert counts(sessions) == (0, 0, 0)
    assert main(["import", str(path), "--json"]) == 2  # rejected rows: exit 2, still says so
    data = json.loads(capsys.readouterr().out)
    assert len(data["enrolled"]) == 1 and data["rejected"][0]["line"] == 3
    assert counts(sessions)[1] == 1


def _local_now_minus(hours: int) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).astimezone(
        ZoneInfo("America/Chicago")).strftime("%Y-%m-%d %H:%M")


# --- the web pages --------------------------------------------------------------------


def _upload(staff, text, name="list.csv"):
    """A multipart upload built here: Werkzeug's test client spools a large body to a
    temporary file it never closes (a ResourceWarning), a browser's body is just bytes."""
    if staff.token is None:
        staff.get("/import")
    boundary = "reminders-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{staff.token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n--{boundary}--\r\n")
    return staff.client.post("/import", data=body.encode(),
                             content_type=f"multipart/form-data; boundary={boundary}",
                             environ_base={"REMOTE_ADDR": staff.address})


def test_the_upload_shows_the_preview_and_only_the_confirmation_enrols(kim, sessions):
    page = _upload(kim, HEADER + GOOD + BAD_PHONE + OTHER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<strong>2</strong> will be enrolled; <strong>1</strong> rejected" in html
    assert '<tr data-line="3">' in html and "not a valid phone number" in html
    assert counts(sessions) == (0, 0, 0)
    with sessions() as session:
        batch_id = session.scalars(select(ImportBatch.id)).one()
    done = kim.post(f"/import/{batch_id}/confirm")
    assert done.status_code == 302
    assert counts(sessions)[1] == 2
    again = kim.post(f"/import/{batch_id}/confirm")
    assert again.status_code == 302 and counts(sessions)[1] == 2  # not twice


def test_a_file_with_wrong_columns_gets_its_problem_and_no_confirm_button(kim, sessions):
    page = _upload(kim, "name,phone\nAna,1\n")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "unknown column(s): name" in html
    assert "confirm-import" not in html
    with sessions() as session:
        assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_a_ten_thousand_row_upload_lists_every_rejected_row_and_enrols_nothing(kim, sessions):
    page = _upload(kim, _big_file())
    html = page.get_data(as_text=True)
    assert "<strong>100</strong> will be enrolled; <strong>9900</strong> rejected" in html
    assert html.count("is also on line") == 9_890 and '<tr data-line="10001">' in html
    assert counts(sessions) == (0, 0, 0)


def test_someone_else_cannot_confirm_your_upload(web, kim, boss, sessions):
    _upload(kim, HEADER + GOOD)
    with sessions() as session:
        batch_id = session.scalars(select(ImportBatch.id)).one()
    assert boss.post(f"/import/{batch_id}/confirm").status_code == 404
    assert counts(sessions) == (0, 0, 0)


def test_the_template_downloads_with_every_column(kim):
    response = kim.get("/import/template.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(importer.COLUMNS)
