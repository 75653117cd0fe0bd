"""An enrolment's language and time zone are its own, on SQLite and PostgreSQL: a later
enrolment with other details (a supersede) never rewrites an old one's history in
`reminders show --json` or on its page, and everything that plans, sends or answers an
enrolment's texts uses its facts, not the patient row's (the latest enrolment's)."""

import json
import re
from datetime import timedelta

from alembic import command
from sqlalchemy import select, text, update

from reminders import cli
from reminders.core.statuses import MessageStatus
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.migrate import _config, upgrade
from reminders.models import Enrollment, Patient
from reminders.transports.fake import FakeTransport
from tests.integration.helpers import NOW, dispatcher, form, rows
from tests.integration.texting import answer_of, answers

NEW_YORK = dict(language="es", timezone="America/New_York")


def _show(enrollment_id: int, capsys) -> str:
    assert cli.main(["show", str(enrollment_id), "--json"]) == 0
    return capsys.readouterr().out


def test_a_supersede_with_another_language_and_zone_leaves_the_old_show_json_as_it_was(
        svc, engine, cli_env, capsys):
    old = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW).run_once()  # welcome and pain-check go out
    before = _show(old, capsys)
    new = enroll(svc, form(injected_at=NOW, supersede=True, **NEW_YORK), CONSENT_TAKER,
                 NOW + timedelta(minutes=5))
    after = _show(old, capsys)

    # What a supersede does to the old enrolment (and nothing else): it ends, and the
    # texts it had not sent are withdrawn. Every other byte is as it was.
    expected = json.loads(before)
    expected["status"] = "superseded"
    for message in expected["messages"]:
        if message["status"] == "pending":
            message.update(status="cancelled", reason=f"superseded by enrolment {new}")
    assert after == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    shown = json.loads(after)
    assert (shown["language"], shown["timezone"]) == ("en", "America/Chicago")
    assert shown["messages"][0]["local_send_at"].endswith("-05:00")  # Chicago summer time

    # The new enrolment takes the new facts; a third one changes nothing of the first.
    replacement = json.loads(_show(new, capsys))
    assert (replacement["language"], replacement["timezone"]) == ("es", "America/New_York")
    assert all(m["language"] == "es" and m["local_send_at"].endswith("-04:00")
               for m in replacement["messages"])
    enroll(svc, form(injected_at=NOW, supersede=True, timezone="America/Denver"),
           CONSENT_TAKER, NOW + timedelta(minutes=10))
    assert _show(old, capsys) == after


_TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')
_OTHERS = re.compile(r'<p class="muted">Other enrolments of this patient:.*?</p>')


def _page(kim, enrollment_id: int) -> str:
    response = kim.get(f"/enrollments/{enrollment_id}")
    assert response.status_code == 200
    return _TOKEN.sub("", response.get_data(as_text=True))


def test_the_old_enrolments_page_keeps_its_language_zone_and_times_after_a_supersede(
        svc, engine, kim):
    old = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW).run_once()
    enroll(svc, form(injected_at=NOW, supersede=True, **NEW_YORK), CONSENT_TAKER,
           NOW + timedelta(minutes=5))
    page = _page(kim, old)
    assert "<dt>Language</dt><dd>English</dd>" in page
    assert "<dt>Time zone</dt><dd>America/Chicago</dd>" in page
    assert "injected Mon 01 Jun 2026 12:00 CDT" in page

    enroll(svc, form(injected_at=NOW, supersede=True, timezone="America/Denver"),
           CONSENT_TAKER, NOW + timedelta(minutes=10))
    again = _page(kim, old)
    # The list of the patient's other enrolments gains the new one: the rest is unchanged.
    assert _OTHERS.sub("", again) == _OTHERS.sub("", page)
    assert _OTHERS.search(again) and _OTHERS.search(again).group() != _OTHERS.search(page).group()


def test_sending_and_answering_follow_the_enrolment_not_the_patient_row(
        svc, engine, sessions, phone, hip, settings):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    with sessions.begin() as session:  # as a later enrolment would leave the patient row
        session.execute(update(Patient).values(language="es", timezone="Asia/Tokyo"))
    transport = FakeTransport()
    # 12:00 in Chicago, 02:00 in Tokyo: inside the texting hours only in the enrolment's zone
    dispatcher(engine, NOW, transport).run_once()
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.SENT
    assert transport.sent
    help_answer = answer_of(phone.text("HELP", at=NOW + timedelta(minutes=5)))
    assert help_answer == answers(hip, settings, "help", "en")


def test_upgrading_fills_each_enrolments_facts_from_its_patient(engine):
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0014")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO protocol_versions (digest, protocol_id, source, created_at) "
            "VALUES ('d1', 'hip', '{}', :at)"), {"at": NOW})
        for pid, language, zone in ((1, "en", "America/Chicago"), (2, "es", "America/Denver")):
            conn.execute(text(
                "INSERT INTO patients (id, first_name, phone, language, timezone, created_at, "
                "updated_at) VALUES (:id, 'Ana', :phone, :language, :zone, :at, :at)"),
                {"id": pid, "phone": f"+1312555010{pid}", "language": language, "zone": zone,
                 "at": NOW})
        for eid, pid in ((1, 1), (2, 2), (3, 2)):
            conn.execute(text(
                "INSERT INTO enrollments (id, patient_id, protocol_id, protocol_digest, "
                "injected_at, diabetic, pt_referral, consent_by, consent_at, consent_text, "
                "consent_unencrypted_sms, status, created_by, created_at, updated_at) VALUES "
                "(:id, :pid, 'hip', 'd1', :at, false, false, 'kim', :at, 'ok', true, "
                "'completed', 'kim', :at, :at)"), {"id": eid, "pid": pid, "at": NOW})
    upgrade(engine)
    with engine.connect() as conn:
        facts = conn.execute(select(Enrollment.id, Enrollment.language, Enrollment.timezone)
                             .order_by(Enrollment.id)).all()
    assert [tuple(f) for f in facts] == [(1, "en", "America/Chicago"),
                                         (2, "es", "America/Denver"),
                                         (3, "es", "America/Denver")]
