"""Texts a patient sends and notes staff write reach the CSV exports as text a spreadsheet
shows, never as a formula it runs: on SQLite and PostgreSQL, from a real course."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select

from reminders.core.export_cells import is_formula
from reminders.core.reply_eval import read_corpus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.inbound_message import from_form
from reminders.models import Flag, Reply
from tests.integration.helpers import NOW, dispatcher, form

PHONES = ["+13125550101", "+13125550102", "+13125550103", "+13125550104"]
STRANGER = "+13125550177"
ATTACKS = ['-1+HYPERLINK("http://x")', "+1-cmd|' /C calc'!A0", "＝1+1", "@SUM(1)"]


def _text(kim, phone, body, at):
    params = {"MessageSid": f"SM{abs(hash((phone, body, at))):032d}", "From": phone,
              "To": "+13125550199", "Body": body}
    kim.app.extensions["reminders"]["inbox"].receive(
        from_form(params, urlencode(params).encode()), at)


def _csv(kim, path) -> list[dict[str, str]]:
    response = kim.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_formulas_a_patient_texts_are_quoted_in_every_export(svc, engine, sessions, kim):
    ids = [enroll(svc, form(phone=phone, baseline_pain=8, consent_by="-Nurse Kim"),
                  CONSENT_TAKER, NOW) for phone in PHONES]
    for day in range(11):  # at noon each day, what is due goes out
        dispatcher(engine, NOW + timedelta(days=day, minutes=5)).run_once()
        if day == 6:  # no question open: each text is for staff to read
            for phone, body in zip(PHONES, ATTACKS, strict=True):
                _text(kim, phone, body, NOW + timedelta(days=6, hours=1))
    _text(kim, STRANGER, ATTACKS[3], NOW + timedelta(days=10, hours=2))
    with sessions() as session:
        flag_id = session.scalars(select(Flag.id).order_by(Flag.id)).first()
    kim.get(f"/flags/{flag_id}")
    assert kim.post(f"/flags/{flag_id}/resolve", {"note": "=1+1 called her back"}).status_code == 302

    flags = _csv(kim, "/reports/flags.csv")
    shown = {row["reply_text"] for row in flags}
    for body in ATTACKS:
        assert "'" + body in shown, (body, shown)
        assert body not in shown
    assert {row["phone"] for row in flags} == {*PHONES, STRANGER}  # numbers keep their +
    assert "'=1+1 called her back" in {row["resolution_note"] for row in flags}
    assert all(row["flag_id"].isdigit() for row in flags)

    row = {r["phone"]: r for r in _csv(kim, "/reports/enrollments.csv")}[PHONES[0]]
    assert row["enrollment_id"] == str(ids[0])
    assert row["consent_by"] == "'-Nurse Kim"  # staff text too
    assert row["baseline_pain"] == "8"


def test_the_labelled_replies_export_quotes_formulas_and_reads_back_as_sent(svc, engine,
                                                                           sessions, kim):
    ids = [enroll(svc, form(phone=phone, baseline_pain=8), CONSENT_TAKER, NOW)
           for phone in PHONES]
    for day in range(7):
        dispatcher(engine, NOW + timedelta(days=day, minutes=5)).run_once()
    for phone, body in zip(PHONES, ATTACKS, strict=True):
        _text(kim, phone, body, NOW + timedelta(days=6, hours=1))
    with sessions() as session:
        replies = {r.body: (r.id, r.enrollment_id) for r in session.scalars(select(Reply))}
    for body in ATTACKS:
        reply_id, enrollment_id = replies[body]
        kim.get(f"/enrollments/{enrollment_id}")
        assert kim.post(f"/enrollments/{enrollment_id}/replies/{reply_id}/reading",
                        {"agrees": "no", "flags": ["needs_review"],
                         "note": "@staff: odd"}).status_code == 302
    response = kim.get("/reports/replies.tsv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    cells = [c for line in text.splitlines()[2:] for c in line.split("\t")]
    assert not [c for c in cells if is_formula(c)]  # nothing a spreadsheet would run
    assert sorted(r.body for r in read_corpus(text)) == sorted(ATTACKS)  # read back as sent
    assert len(ids) == len(ATTACKS)
