"""The reports page and the CSV exports, on SQLite and PostgreSQL, from real courses:
replies through the inbox, the day-10 sweep, STOP."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select

from reminders import reports
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.escalation import flag_silence
from reminders.inbound_message import from_form
from reminders.models import AuditEntry
from tests.integration.helpers import HIP_NAME, NOW, dispatcher, form, visible_text


def _text(kim, phone, body, at):
    params = {"MessageSid": f"SM{abs(hash((phone, body, at))):032d}", "From": phone,
              "To": "+13125550199", "Body": body}
    kim.app.extensions["reminders"]["inbox"].receive(
        from_form(params, urlencode(params).encode()), at)


def _courses(svc, engine, kim):
    """Four patients injected at NOW - 2 h: better, same, silent, opted out."""
    phones = ["+13125550101", "+13125550102", "+13125550103", "+13125550104"]
    for i, phone in enumerate(phones):
        enroll(svc, form(phone=phone, first_name="Pat", baseline_pain=8), CONSENT_TAKER,
               NOW + timedelta(minutes=i))
    dispatcher(engine, NOW + timedelta(minutes=5)).run_once()  # welcome, pain check (late)
    _text(kim, phones[0], "2", NOW + timedelta(minutes=20))  # 75 % relief: a responder
    _text(kim, phones[1], "7", NOW + timedelta(minutes=20))  # 12.5 %: not
    _text(kim, phones[3], "STOP", NOW + timedelta(minutes=30))
    day10 = NOW + timedelta(days=10)
    for day in range(1, 11):  # at noon each day, what is due goes out (day 10's check too)
        dispatcher(engine, NOW + timedelta(days=day)).run_once()
    _text(kim, phones[0], "better", day10 + timedelta(hours=1))
    _text(kim, phones[1], "same", day10 + timedelta(hours=1))
    flag_silence(svc.sessions, day10 + timedelta(days=3))  # the third never answered
    return phones


def test_outcomes_count_improvement_responders_silence_and_opt_out(svc, engine, sessions, kim):
    _courses(svc, engine, kim)
    with sessions() as session:
        rows = reports.by_protocol_and_month(reports.outcomes(session, "America/Chicago"))
    assert rows == [{"protocol": "hip-joint-injection", "protocol_name": HIP_NAME,
                     "month": "2026-06", "enrolled": 4,
                     "completed": 0, "improved_by_day10": 1, "diagnostic_responders": 1,
                     "no_response": 1, "opted_out": 1}]


def test_the_reports_page_shows_the_table_and_its_chart(svc, engine, kim):
    _courses(svc, engine, kim)
    html = kim.get("/reports").get_data(as_text=True)
    cells = html.split('<table class="striped" id="outcomes">')[1].split("</table>")[0]
    row = (f'<td><span title="hip-joint-injection">{HIP_NAME}</span></td>'
           + "".join(f"<td>{v}</td>" for v in ("2026-06", 4, 0, 1, 1, 1, 1)))
    assert row in cells
    assert "hip-joint-injection" not in visible_text(cells)  # the name, not the slug
    assert 'id="outcomes-data"' in html and "vendor/chart.umd.min.js" in html


def test_the_enrolments_export_has_each_outcome_and_is_audited(svc, engine, sessions, kim):
    phones = _courses(svc, engine, kim)
    response = kim.get("/reports/enrollments.csv")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert "attachment; filename=enrolments-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_phone = {r["phone"]: r for r in rows}
    assert list(rows[0]) == reports.ENROLLMENT_COLUMNS
    assert (by_phone[phones[0]]["day10_answer"], by_phone[phones[0]]["improved_by_day10"],
            by_phone[phones[0]]["diagnostic_responder"]) == ("better", "yes", "yes")
    assert by_phone[phones[1]]["improved_by_day10"] == "no"
    assert by_phone[phones[2]]["no_response"] == "yes"
    assert by_phone[phones[3]]["opted_out"] == "yes"
    assert {r["protocol_name"] for r in rows} == {HIP_NAME}
    with sessions() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "exported")).one()
    assert (audit.actor, audit.detail) == ("kim", "enrolments CSV: 4 enrolments")


def test_the_flag_log_export_lists_every_flag_with_its_outcome(svc, engine, sessions, kim):
    _courses(svc, engine, kim)
    rows = list(csv.DictReader(io.StringIO(kim.get("/reports/flags.csv").get_data(as_text=True))))
    assert list(rows[0]) == reports.FLAG_COLUMNS
    assert sorted(r["kind"] for r in rows) == ["no_improvement", "no_response", "opted_out"]
    with sessions() as session:
        assert session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "exported")).one() == "flag log CSV: 3 flags"
