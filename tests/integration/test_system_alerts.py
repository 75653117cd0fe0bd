"""A refusal every patient gets alike (unregistered sender, filtering, credentials, a
suspended account) is a system alert: one row that counts repeats, a banner for admins on
every staff page, /healthz failing, a log line at ERROR, until an admin marks it fixed."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from reminders.audit import Actor
from reminders.callbacks import record_status
from reminders.core.errors import Conflict
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import AuditEntry, Flag, SystemAlert
from reminders.system_alerts import mark_fixed
from reminders.transports.base import Refusal, TransportError
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_codes import status_report
from tests.integration.helpers import NOW, dispatcher, form, rows

ADMIN = Actor("boss", "web")


def alerts(sessions) -> list[SystemAlert]:
    with sessions() as session:
        return list(session.scalars(select(SystemAlert).order_by(SystemAlert.id)))


def refuse_every_send(refusal, code):
    def fail(_text):
        raise TransportError(f"HTTP 400: refused ({code})", refusal=refusal, code=code)
    return FakeTransport(fail=fail)


def sent_welcome(svc, engine, sessions, transport, phone="+13125550101"):
    enrollment_id = enroll(svc, form(injected_at=NOW, phone=phone), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW, transport).run_once()
    return rows(sessions, enrollment_id)["welcome"]


def unregistered(sessions, row, at):
    record_status(sessions, status_report({"MessageSid": row.provider_sid, "ErrorCode": "30034",
                                           "MessageStatus": "undelivered"}), None, at)


def test_an_unregistered_sender_callback_opens_one_alert_and_repeats_count_on_it(
        svc, engine, sessions, caplog):
    transport = FakeTransport()
    first = sent_welcome(svc, engine, sessions, transport)
    second = sent_welcome(svc, engine, sessions, transport, "+13125550102")  # another patient
    with caplog.at_level(logging.ERROR):
        unregistered(sessions, first, NOW + timedelta(minutes=1))
        unregistered(sessions, second, NOW + timedelta(minutes=2))
    [alert] = alerts(sessions)
    assert (alert.kind, alert.code, alert.count, alert.fixed_at) == (Refusal.SENDER, 30034, 2, None)
    assert (alert.first_seen_at, alert.last_seen_at) == (NOW + timedelta(minutes=1),
                                                         NOW + timedelta(minutes=2))
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 2 and all("not registered" in line for line in logged)
    assert not any("+1" in line for line in logged)  # no phone numbers in the log
    with sessions() as session:  # a welcome expects no reply: no flag for staff
        assert session.scalars(select(Flag)).all() == []


@pytest.mark.parametrize(("refusal", "code"), [(Refusal.ACCOUNT, 20003), (Refusal.SUSPENDED, 30002),
                                               (Refusal.FILTERED, 30007)])
def test_a_refused_send_for_the_operator_opens_an_alert(svc, engine, sessions, refusal, code):
    sent_welcome(svc, engine, sessions, refuse_every_send(refusal, code))
    [alert] = alerts(sessions)
    assert (alert.kind, alert.code, alert.count) == (refusal, code, 1)


def test_a_patients_own_number_opens_no_alert(svc, engine, sessions):
    sent_welcome(svc, engine, sessions, refuse_every_send(Refusal.LANDLINE, 21614))
    assert alerts(sessions) == []


def test_an_alert_marked_fixed_closes_is_audited_and_the_next_refusal_opens_a_new_one(
        svc, engine, sessions):
    transport = FakeTransport()
    first = sent_welcome(svc, engine, sessions, transport)
    second = sent_welcome(svc, engine, sessions, transport, "+13125550102")
    unregistered(sessions, first, NOW + timedelta(minutes=1))
    [alert] = alerts(sessions)
    mark_fixed(sessions, alert.id, ADMIN, NOW + timedelta(hours=1))
    with pytest.raises(Conflict):
        mark_fixed(sessions, alert.id, ADMIN, NOW + timedelta(hours=2))
    [fixed] = alerts(sessions)
    assert (fixed.fixed_by, fixed.fixed_at) == ("boss", NOW + timedelta(hours=1))
    with sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "alert fixed")).one()
        assert (entry.actor, entry.via) == ("boss", "web")
    unregistered(sessions, second, NOW + timedelta(hours=3))
    assert [(a.count, a.fixed_at is None) for a in alerts(sessions)] == [(1, False), (1, True)]


def open_one(svc, engine, sessions):
    unregistered(sessions, sent_welcome(svc, engine, sessions, FakeTransport()),
                 NOW + timedelta(minutes=1))
    return alerts(sessions)[0].id


def test_healthz_fails_naming_the_alert_until_an_admin_marks_it_fixed(svc, engine, sessions, boss):
    client = boss.app.test_client()
    assert client.get("/healthz").status_code == 200
    alert_id = open_one(svc, engine, sessions)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    [named] = answer.get_json()["system_alerts"]
    assert (named["kind"], named["code"]) == ("sender", 30034)
    assert "not registered" in named["problem"]
    boss.get("/")
    response = boss.post(f"/admin/alerts/{alert_id}/fixed", {"next": "/flags"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/flags")
    assert alerts(sessions)[0].fixed_by == "boss"
    assert client.get("/healthz").status_code == 200


def test_admins_see_the_banner_on_every_staff_page_and_staff_a_calmer_line(
        svc, engine, sessions, boss, kim):
    alert_id = open_one(svc, engine, sessions)
    for path in ("/", "/flags", "/reports", "/enrol"):
        page = boss.get(path).get_data(as_text=True)
        assert 'id="system-alerts"' in page and "not registered with the carriers" in page, path
        assert f"/admin/alerts/{alert_id}/fixed" in page
        calm = kim.get(path).get_data(as_text=True)
        assert "an administrator has been alerted" in calm, path
        assert "/admin/alerts/" not in calm


def test_staff_cannot_mark_an_alert_fixed_nor_anyone_without_the_csrf_token(
        svc, engine, sessions, boss, kim):
    alert_id = open_one(svc, engine, sessions)
    kim.get("/")
    assert kim.post(f"/admin/alerts/{alert_id}/fixed").status_code == 403
    boss.get("/")
    assert boss.post(f"/admin/alerts/{alert_id}/fixed", csrf=False).status_code == 400
    assert alerts(sessions)[0].fixed_at is None
    with sessions() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "alert fixed")).all() == []


def test_without_an_open_alert_no_banner_is_shown(boss, kim):
    assert 'id="system-alerts"' not in boss.get("/").get_data(as_text=True)
    assert 'id="system-alerts"' not in kim.get("/").get_data(as_text=True)
