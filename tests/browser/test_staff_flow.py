"""A nurse's day in a real browser: sign in, enrol with the live preview, follow the
timeline, see a reply and its flag arrive, work the flag, correct the injection time.
The tests run in order and share one signed-in tab and one database."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import requests
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from twilio.request_validator import RequestValidator

from reminders.core.statuses import FlagStatus
from reminders.models import Enrollment, Flag
from tests.browser.conftest import TWILIO_TOKEN, shot
from tests.integration.helpers import NOW, dispatcher

PHONE = "+13125550161"


def text_from_patient(live, body: str, sid: str) -> requests.Response:
    """The patient's reply as Twilio delivers it: a signed form post to the webhook."""
    params = {"MessageSid": sid, "AccountSid": "ACtest", "From": PHONE, "To": "+13125550199",
              "Body": body, "NumMedia": "0"}
    url = f"{live.url}/twilio/inbound"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    return requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)


def _enrollment(live) -> Enrollment:
    with live.sessions() as session:
        return session.scalars(select(Enrollment).options(
            selectinload(Enrollment.patient), selectinload(Enrollment.messages))
            .order_by(Enrollment.id.desc())).first()


def test_enrol_with_the_live_preview(page, live):
    page.goto("/enrol")
    expect(page.get_by_label("Injection time")).to_have_value("2026-06-01T12:00")  # now, clinic time
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Mobile number").fill("12")
    expect(page.locator("#phone-error")).to_contain_text("not a valid phone number")
    page.get_by_label("Mobile number").fill("312 555 0161")
    expect(page.locator("#phone-e164")).to_have_text(f"Will text {PHONE}")
    expect(page.locator("#phone-error")).to_have_count(0)
    # a day late, the day-0 texts are struck out in the preview …
    page.get_by_label("Injection time").fill("2026-05-31T10:50")
    expect(page.locator('#plan tr.expired[data-step="pain-check"]')).to_be_visible()
    # … and with the real time, 70 minutes ago, nothing is
    page.get_by_label("Injection time").fill("2026-06-01T10:50")
    expect(page.locator("#plan tr.expired")).to_have_count(0)
    expect(page.locator('#plan tr[data-step="day10-check"]')).to_contain_text("Thu 11 Jun, 10:00")
    page.get_by_label("Pain before the injection").fill("7")
    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("#consent-error")).to_contain_text("agreed to receive texts")
    expect(page.locator("#first_name-error")).to_contain_text("first name")
    banner = page.locator("#form-errors li")
    expect(banner).to_have_count(2)  # every error, by the label on the page
    expect(banner.nth(0)).to_contain_text("First name: must be a first name")
    expect(banner.nth(1)).to_contain_text("Consent to texts: tick to confirm")
    page.get_by_label("Mobile number").fill("(312) 555-0161")  # the other errors stay up
    expect(page.locator("#phone-e164")).to_have_text(f"Will text {PHONE}")
    expect(page.locator("#first_name-error")).to_contain_text("first name")
    assert _enrollment(live) is None  # nothing saved on error
    page.get_by_label("First name").fill("Ana")
    expect(banner).to_have_count(1)  # the banner follows the live check
    expect(page.locator("#form-errors-summary")).to_have_text(
        "Nothing was saved: please correct the 1 field below.")
    page.locator("#consent").check()
    expect(page.locator("#consent-error")).to_have_count(0)  # the preview caught up
    expect(page.locator("#first_name-error")).to_have_count(0)
    expect(page.locator("#form-errors")).to_be_hidden()  # nothing left to correct
    shot(page, "enrol-page")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(re.compile(r"/enrollments/\d+$"))
    enrollment = _enrollment(live)
    assert enrollment.consent_by == "kim" and enrollment.patient.phone == PHONE


def test_the_texts_are_on_the_timeline(page, live):
    enrollment = _enrollment(live)
    dispatcher(live.engine, NOW).run_once()  # welcome and the pain check are due now
    page.goto(f"/enrollments/{enrollment.id}")
    expect(page.locator('#timeline li.text[data-status="sent"]')).to_have_count(2)
    pending = page.locator('#timeline li.text[data-status="pending"]')
    expect(pending.first).to_be_visible()
    assert pending.count() == len(enrollment.messages) - 2


def test_a_reply_and_its_flag_appear_on_the_timeline_with_the_chart(page, live):
    enrollment = _enrollment(live)
    assert text_from_patient(live, "3", "SM" + "1" * 32).status_code == 200
    answer = text_from_patient(live, "I have a fever and it is swollen", "SM" + "2" * 32)
    assert answer.status_code == 200 and "<Message>" in answer.text  # the red-flag advice
    page.goto(f"/enrollments/{enrollment.id}")
    expect(page.locator("#timeline li.reply").last).to_contain_text("fever")
    expect(page.locator("#timeline li.flag")).to_contain_text("red flag")
    expect(page.locator("#diagnostic")).to_contain_text("pain 3")
    page.wait_for_function("window.painChart && window.painChart.data.datasets[0].data.length === 1")
    assert page.evaluate("window.painChart.data.datasets.map(d => d.label)") == [
        "Reported pain (0-10)", "Baseline 7", "Improved at or below 5.0"]
    shot(page, "patient-page")


def test_acknowledge_and_resolve_the_flag(page, live):
    page.goto("/")
    expect(page.locator("#nav-flags .badge")).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Flags")).click()
    card = page.locator('article[data-kind="red_flag"]')
    expect(card).to_contain_text("fever")
    shot(page, "flag-queue")
    card.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(page.locator('article[data-kind="red_flag"]')).to_have_attribute("data-status", "acknowledged")
    expect(page.locator("#nav-flags .badge")).to_have_text("0")
    card = page.locator('article[data-kind="red_flag"]')
    card.get_by_label("Outcome").fill("Called: seen in clinic today, no infection.")
    card.get_by_role("button", name="Resolve").click()
    expect(page.locator("#no-flags")).to_be_visible()
    with live.sessions() as session:
        flag = session.scalars(select(Flag)).one()
        assert flag.status == FlagStatus.RESOLVED and flag.resolved_by == "kim"
    # the reply that raised it is linked from the flag log
    page.goto("/flags?resolved=1")
    page.get_by_role("link", name=re.compile("Ana, enrolment")).click()
    assert re.search(r"#reply-\d+$", page.url)
    expect(page.locator("#" + page.url.split("#")[1])).to_contain_text("fever")


def test_correct_the_injection_time_seeing_the_change_first(page, live):
    enrollment = _enrollment(live)
    page.goto(f"/enrollments/{enrollment.id}")
    page.get_by_text("Correct the injection time").click()
    page.get_by_label(re.compile("^Injection time")).fill("2026-06-01T10:20")
    page.get_by_role("button", name="Show what will change").click()
    expect(page.locator("#changes tr.change-move").first).to_be_visible()
    expect(page.locator("#changes tr.change-keep")).to_have_count(2)  # the two sent texts
    assert _enrollment(live).injected_at == enrollment.injected_at  # not yet
    page.get_by_role("button", name="Apply the correction").click()
    expect(page.locator(".flash-info")).to_contain_text("Injection time corrected")
    assert _enrollment(live).injected_at.isoformat() == "2026-06-01T15:20:00+00:00"


def test_import_a_csv_with_one_bad_row(page, live, tmp_path):
    path = tmp_path / "monday.csv"
    path.write_text("first_name,phone,injected_at,protocol,consent_by\n"
                    "Bo,(312) 555-0162,2026-06-01 09:00,hip-joint-injection,Nurse Kim\n"
                    "Cy,555-01,2026-06-01 09:00,hip-joint-injection,Nurse Kim\n"
                    "Di,(312) 555-0164,2026-06-01 09:30,hip-joint-injection,Nurse Kim\n")
    page.goto("/")
    page.get_by_role("link", name="Import").click()
    expect(page.locator("#template-link")).to_be_visible()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-summary")).to_have_text("2 will be enrolled; 1 rejected.")
    expect(page.locator('#rejected tr[data-line="3"]')).to_contain_text("not a valid phone number")
    with live.sessions() as session:  # nothing enrolled before the confirmation
        assert session.scalars(select(Enrollment).where(Enrollment.id > 1)).all() == []
    page.get_by_role("button", name=re.compile("Enrol 2 patients")).click()
    expect(page.locator(".flash-info")).to_contain_text("2 patients enrolled; 1 rejected rows were not")
    expect(page.locator("#patients")).to_contain_text("Bo")
    expect(page.locator("#patients")).to_contain_text("Di")


def test_export_the_enrolments_as_csv(page, live):
    page.goto("/reports")
    expect(page.locator("#outcomes")).to_contain_text("Hip joint injection (fluoroscopy-guided) aftercare")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export enrolments (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("enrolments-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert sorted(r["first_name"] for r in rows) == ["Ana", "Bo", "Di"]
    ana = next(r for r in rows if r["first_name"] == "Ana")
    assert ana["phone"] == PHONE and ana["diagnostic_responder"] == "yes"


def test_record_the_right_reading_export_it_and_measure_the_reader_on_it(page, live, capsys):
    from reminders import cli
    from reminders.models import Reply

    body = "Ana here. the spot looks kinda weird today"
    assert text_from_patient(live, body, "SM" + "3" * 32).status_code == 200
    with live.sessions() as session:
        reply = session.scalars(select(Reply).order_by(Reply.id.desc())).first()
    page.goto(f"/enrollments/{reply.enrollment_id}")
    item = page.locator(f"#reply-{reply.id}")
    expect(item).to_contain_text("not understood")
    item.get_by_text("Check this reading").click()
    item.get_by_label("Red flag (urgent)").check()
    item.get_by_label("Needs a person to read it").check()
    item.get_by_label("Note (optional)").fill("weird = red and sore, she said on the phone")
    item.get_by_role("button", name="Record this reading").click()
    expect(page.locator(".flash-info")).to_contain_text("Reading recorded")
    expect(page.locator(f"#reply-{reply.id} .staff-reading")).to_contain_text(
        "should raise red flag, needs review")
    page.goto("/reports")
    expect(page.locator("#reading-agreement")).to_contain_text(
        "Staff checked 1 reply and found the automatic reading right in 0 (0 %)")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("Export the checked replies")).click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "Ana" not in text and "Alex here. the spot looks kinda weird today" in text
    capsys.readouterr()
    assert cli.main(["eval-replies", str(download.path())]) == 0
    printed = capsys.readouterr().out
    assert "1 replies; every expectation held for 0" in printed
    assert "missed red_flag" in printed
