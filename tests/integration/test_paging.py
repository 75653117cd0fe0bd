"""Paging the on-call clinician: an urgent flag at night texts the person on call (through
the outbox, exactly once), then again, then the backup, then every admin, until someone
acknowledges it in the queue or by replying ACK from the paged phone. A text from a staff
phone is never read as a patient's."""

import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.callbacks import record_status
from reminders.core.errors import ValidationError
from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.core.triage import FlagKind, Priority
from reminders.flag_history import histories
from reminders.flags import acknowledge
from reminders.models import AuditEntry, Flag, OutboxMessage, PageRound, Reply, Role
from reminders.paging import page_due
from reminders.rota import ShiftInput, set_mobile, set_paged_kinds, set_shift
from reminders.transports.base import Refusal, TransportError
from reminders.transports.fake import FakeTransport
from reminders.transports.twilio_codes import status_report
from tests.integration.oncall import MOBILES, NIGHT, SETUP, paged_to, tick, urgent
from tests.integration.staff import PASSWORD
from tests.integration.texting import answer_of, play_to


def test_an_urgent_flag_at_night_pages_the_person_on_call_once_with_no_patient_data(
        engine, sessions, settings, team, patient):
    flag_id = urgent(sessions)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=1), transport)  # nothing new
    [page] = transport.sent
    assert page.to == MOBILES["nora"]
    assert f"flag {flag_id}" in page.body and f"/flags/{flag_id}" in page.body
    assert f"ACK {flag_id}" in page.body
    assert "Ana" not in page.body and "5550101" not in page.body and "fever" not in page.body
    with sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.enrollment_id.is_(None)))
        assert (row.status, row.to_number, row.sent_at) == (MessageStatus.SENT, MOBILES["nora"], NIGHT)


def test_unacknowledged_pages_go_again_then_to_the_backup_then_to_every_admin(
        engine, sessions, settings, team):
    urgent(sessions)
    transport = FakeTransport()
    for minutes in (0, 5, 15, 20, 30, 45, 60, 120):
        tick(engine, sessions, settings, NIGHT + timedelta(minutes=minutes), transport)
    assert paged_to(transport) == [MOBILES["nora"], MOBILES["nora"], MOBILES["ben"],
                                   MOBILES["boss"], MOBILES["ada"]]
    assert "reminder" in transport.sent[1].body  # the second round says it is a repeat
    with sessions() as session:
        rounds = session.scalars(select(PageRound.created_at).order_by(PageRound.round)).all()
    assert rounds == [NIGHT + timedelta(minutes=m) for m in (0, 15, 30, 45)]


def test_acknowledging_in_the_queue_stops_the_pages(engine, sessions, settings, team):
    flag_id = urgent(sessions)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    acknowledge(sessions, flag_id, Actor("nora", "web"), NIGHT + timedelta(minutes=3))
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=20), transport)
    assert paged_to(transport) == [MOBILES["nora"]]


def test_ack_by_text_from_the_paged_phone_takes_the_flag_and_is_on_its_history(
        engine, sessions, settings, team, phone):
    flag_id = urgent(sessions)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    answer = answer_of(phone.text(f"ack {flag_id}", sender=MOBILES["nora"],
                                  at=NIGHT + timedelta(minutes=4)))
    assert answer.startswith(f"Flag {flag_id} is yours")
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=20), transport)
    assert paged_to(transport) == [MOBILES["nora"]]
    with sessions() as session:
        flag = session.get(Flag, flag_id)
        assert (flag.status, flag.acknowledged_by, flag.acknowledged_at) == (
            FlagStatus.ACKNOWLEDGED, "nora", NIGHT + timedelta(minutes=4))
        entry = session.scalar(select(AuditEntry).where(AuditEntry.flag_id == flag_id))
        assert (entry.actor, entry.via, entry.action) == ("nora", "sms", "acknowledged")
        reply = session.scalar(select(Reply))
        assert (reply.patient_id, reply.kind, reply.processed_at) == (None, "staff",
                                                                     NIGHT + timedelta(minutes=4))
        events = [e.what for e in histories(session, [flag])[flag_id]]
    assert events == ["Raised", "Paged nora (on call) by text: sent", "Acknowledged by nora by text"]


def test_a_bare_ack_takes_the_latest_flag_paged_to_that_phone(engine, sessions, settings, team,
                                                              phone):
    urgent(sessions)
    second = urgent(sessions, kind=FlagKind.REPLY_UNREAD)
    tick(engine, sessions, settings, NIGHT, FakeTransport())
    assert answer_of(phone.text("ACK", sender=MOBILES["nora"])).startswith(f"Flag {second} is yours")


def test_a_staff_phone_cannot_acknowledge_a_flag_it_was_not_paged_and_is_never_triaged(
        engine, sessions, settings, team, phone, patient):
    flag_id = urgent(sessions)
    tick(engine, sessions, settings, NIGHT, FakeTransport())
    refused = answer_of(phone.text(f"ACK {flag_id}", sender=MOBILES["ben"]))
    assert "not paged to this phone" in refused
    # words that would be a red flag from a patient: from a staff phone, only instructions
    help_text = answer_of(phone.text("I have a fever and chest pain", sender=MOBILES["ben"]))
    assert "ACK" in help_text
    with sessions() as session:
        flags = session.scalars(select(Flag)).all()
        assert [(f.id, f.status) for f in flags] == [(flag_id, FlagStatus.OPEN)]
        assert session.scalar(select(func.count()).select_from(Reply)
                              .where(Reply.patient_id.is_not(None))) == 0


def test_a_page_that_cannot_be_delivered_goes_to_the_next_in_line_at_once(
        engine, sessions, settings, team):
    urgent(sessions)

    def refuse_nora(text):
        if text.to == MOBILES["nora"]:
            raise TransportError("HTTP 400: not a mobile (21614)", refusal=Refusal.LANDLINE,
                                 code=21614)
    transport = FakeTransport(fail=refuse_nora)
    tick(engine, sessions, settings, NIGHT, transport)  # round 1 fails
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=1), transport)  # round 2 fails
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=2), transport)  # the backup
    assert paged_to(transport) == [MOBILES["ben"]]
    with sessions() as session:  # a page refused is not a patient's flag
        assert session.scalar(select(func.count()).select_from(Flag)) == 1


def test_with_nobody_on_call_every_admin_is_paged(engine, sessions, settings):
    create_staff(sessions, "boss", PASSWORD, Role.ADMIN, SETUP, NIGHT)
    set_mobile(sessions, "boss", MOBILES["boss"], "US", SETUP, NIGHT)
    urgent(sessions)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    assert paged_to(transport) == [MOBILES["boss"]]


def test_a_round_with_nobody_to_text_is_logged_on_the_history_and_fails_healthz(
        engine, sessions, settings, caplog, web):
    client = web[0].test_client()
    web[1][0] = NIGHT
    assert client.get("/healthz").status_code == 200
    flag_id = urgent(sessions)
    with caplog.at_level(logging.ERROR):
        page_due(sessions, settings, NIGHT)
    assert any("reached nobody" in r.getMessage() for r in caplog.records)
    with sessions() as session:
        flag = session.get(Flag, flag_id)
        events = [e.what for e in histories(session, [flag])[flag_id]]
    assert "Nobody could be paged (on call): no mobile number on file" in events
    health = client.get("/healthz")
    assert health.status_code == 503
    assert any("could not page anyone" in p for p in health.get_json()["problems"])
    acknowledge(sessions, flag_id, Actor("kim", "web"), NIGHT + timedelta(minutes=5))
    assert client.get("/healthz").status_code == 200


def test_a_shift_overrides_the_default_in_clinic_time(engine, sessions, settings, team):
    set_shift(sessions, ShiftInput(on_call="ben", starts="2026-06-01 21:00",
                                   ends="2026-06-02 07:00"), "America/Chicago", SETUP, NIGHT)
    transport = FakeTransport()
    urgent(sessions)
    tick(engine, sessions, settings, NIGHT, transport)  # 22:00 Chicago: ben's shift
    urgent(sessions, at=NIGHT + timedelta(hours=10), kind=FlagKind.REPLY_UNREAD)  # 08:00
    tick(engine, sessions, settings, NIGHT + timedelta(hours=10), transport)
    assert paged_to(transport)[0] == MOBILES["ben"]
    assert paged_to(transport)[-1] == MOBILES["nora"]


def test_only_chosen_kinds_page_besides_urgent_flags(engine, sessions, settings, team):
    urgent(sessions, kind=FlagKind.NO_RESPONSE, priority=Priority.HIGH)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    assert transport.sent == []
    set_paged_kinds(sessions, ["no_response"], SETUP, NIGHT)
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=1), transport)
    assert paged_to(transport) == [MOBILES["nora"]]


def test_workers_paging_at_once_write_each_round_once(engine, sessions, settings, team):
    urgent(sessions)
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            page_due(sessions, settings, NIGHT)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PageRound)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_the_rota_names_every_wrong_field(sessions, team):
    create_staff(sessions, "nomobile", PASSWORD, Role.STAFF, SETUP, NIGHT)
    with pytest.raises(ValidationError) as caught:
        set_shift(sessions, ShiftInput(on_call="nomobile", backup="ghost", starts="tomorrow",
                                       ends="2026-06-01 08:00"), "America/Chicago", SETUP, NIGHT)
    assert set(caught.value.errors) == {"on_call", "backup", "starts", "ends"}
    assert "no mobile number" in caught.value.errors["on_call"]
    with pytest.raises(ValidationError) as caught:
        set_shift(sessions, ShiftInput(on_call="nora", backup="nora", starts="2026-06-03 08:00",
                                       ends="2026-06-03 07:00"), "America/Chicago", SETUP, NIGHT)
    assert set(caught.value.errors) == {"backup", "ends"}
    with pytest.raises(ValidationError) as caught:
        set_mobile(sessions, "nora", "", "US", SETUP, NIGHT)  # on the rota: keep the number
    assert "rota" in caught.value.errors["mobile"]
    with pytest.raises(ValidationError) as caught:
        set_mobile(sessions, "ben", MOBILES["nora"], "US", SETUP, NIGHT)
    assert "another staff account" in caught.value.errors["mobile"]


def test_pages_go_out_in_the_patients_quiet_hours_but_patient_texts_wait(
        engine, sessions, settings, team, patient):
    """At 22:00 Chicago a patient's text due then waits for the morning; the page does not."""
    play_to(engine, patient, "welcome")
    with sessions.begin() as session:
        due = session.scalar(select(OutboxMessage).where(
            OutboxMessage.enrollment_id == patient, OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.expires_at > NIGHT + timedelta(hours=12))
            .order_by(OutboxMessage.send_at).limit(1))
        due.send_at, due_id = NIGHT, due.id
    urgent(sessions)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    assert paged_to(transport) == [MOBILES["nora"]]
    with sessions() as session:
        held = session.get(OutboxMessage, due_id)
        assert held.status == MessageStatus.PENDING and held.send_at > NIGHT
        assert "quiet hours" in held.reason


def test_a_page_reported_undelivered_by_its_callback_moves_on_at_once_and_flags_no_patient(
        engine, sessions, settings, team):
    urgent(sessions)
    transport = FakeTransport()
    tick(engine, sessions, settings, NIGHT, transport)
    with sessions() as session:
        sid = session.scalar(select(OutboxMessage.provider_sid))
    record_status(sessions, status_report({"MessageSid": sid, "MessageStatus": "undelivered",
                                           "ErrorCode": "30003"}), None, NIGHT + timedelta(minutes=1))
    tick(engine, sessions, settings, NIGHT + timedelta(minutes=2), transport)
    assert paged_to(transport) == [MOBILES["nora"], MOBILES["nora"]]  # round 2, not waiting
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Flag)) == 1
