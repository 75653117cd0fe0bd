"""Staff texting the patient, on SQLite and PostgreSQL: from the patient page and from a
flag, through the outbox and the dispatcher's last checks (the window, opt-out, consent,
an active enrolment), audited, and the patient's answer matched to the text and sent to
its author for review."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from reminders.audit import Actor
from reminders.cli import main
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.corrections import mark_opted_out
from reminders.enrollments import CONSENT_TAKER, cancel, enroll
from reminders.models import AuditEntry, Enrollment, Flag, OutboxMessage, Reply
from reminders.replanning import reschedule
from reminders.staff_texts import SavedReply, text_patient
from reminders.transports.base import Refusal, TransportError
from reminders.transports.fake import FakeTransport
from tests.conftest import utc
from tests.integration.helpers import NOW, dispatcher, form
from tests.integration.texting import answer_of, answers

KIM = Actor("kim", "web")
CLINIC = "Example Pain Clinic"
# Chicago in June is UTC-5: patient time → UTC
EVENING = utc(2026, 6, 2, 1, 30)  # 20:30, 1 June: after the protocol's 09:00-20:00
NIGHT = utc(2026, 6, 2, 3, 0)  # 22:00, 1 June: after 21:00
EIGHT = utc(2026, 6, 2, 13, 0)  # 08:00, 2 June
NINE = utc(2026, 6, 2, 14, 0)  # 09:00, 2 June


def row(sessions, message_id) -> OutboxMessage:
    with sessions() as session:
        return session.get_one(OutboxMessage, message_id)


def staff_rows(sessions) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.sent_by.is_not(None))
                                    .order_by(OutboxMessage.id)))


def sent(transport, message_id) -> list[str]:
    return [t.body for t in transport.sent if t.message_id == message_id]


def audit(sessions, action="texted_patient") -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def send_now(engine, svc, enrollment_id, body="Please rest today.", at=NOW, **kwargs):
    """Queue a staff text and dispatch at `at`; (the queued text, the transport)."""
    queued = text_patient(svc, enrollment_id, body, KIM, at, **kwargs)
    transport = FakeTransport()
    dispatcher(engine, at, transport).run_once()
    return queued, transport


# --- from the patient page and from a flag --------------------------------------------


def test_a_text_from_the_patient_page_goes_out_now_with_its_author_shown_and_audited(
        engine, sessions, patient, kim):
    response = kim.post(f"/enrollments/{patient}/texts", {"body": "Please rest today, Ana."})
    assert response.status_code == 302
    (staff,) = staff_rows(sessions)
    assert response.headers["Location"].endswith(f"/enrollments/{patient}#text-{staff.id}")
    assert (staff.step, staff.sent_by, staff.status) == ("staff-1", "kim", MessageStatus.PENDING)
    assert staff.body == f"{CLINIC}: Please rest today, Ana."
    assert staff.send_at == NOW and staff.expires_at == NOW + timedelta(hours=24)
    assert staff.expects == "free_text" and staff.flag_id is None
    (entry,) = audit(sessions)
    assert (entry.actor, entry.via, entry.enrollment_id) == ("kim", "web", patient)
    assert entry.detail.startswith("staff-1: free text")
    assert "Please rest" not in entry.detail  # the audit log does not copy the words
    html = kim.get(f"/enrollments/{patient}").get_data(as_text=True)
    assert "Sending now: the text to the patient goes out within a minute." in html

    transport = FakeTransport()
    dispatcher(engine, NOW + timedelta(seconds=5), transport).run_once()
    assert sent(transport, staff.id) == [f"{CLINIC}: Please rest today, Ana."]
    assert transport.sent[-1].to == "+13125550101"
    assert row(sessions, staff.id).status == MessageStatus.SENT
    html = kim.get(f"/enrollments/{patient}").get_data(as_text=True)
    item = html.split(f'id="text-{staff.id}"')[1].split("</li>")[0]
    assert "Text from kim" in item and "status-sent" in item and "no answer yet" in item


def test_a_saved_reply_from_a_flag_records_the_flag_it_answers(engine, sessions, patient,
                                                                phone, kim):
    assert answer_of(phone.text("when can I shower?")) is None  # a question: review
    with sessions() as session:
        flag = session.scalars(select(Flag)).one()
    page = kim.get("/flags").get_data(as_text=True)
    card = page.split(f'id="flag-{flag.id}"')[1].split("</article>")[0]
    assert f'action="/flags/{flag.id}/text"' in card
    assert f"{CLINIC}: We will call you today." in card  # the saved replies, as sent

    response = kim.post(f"/flags/{flag.id}/text", {"saved": "will-call-today"})
    assert response.headers["Location"].endswith(f"/flags#flag-{flag.id}")
    (staff,) = staff_rows(sessions)
    assert staff.flag_id == flag.id and staff.body == f"{CLINIC}: We will call you today."
    (entry,) = audit(sessions)
    assert entry.flag_id == flag.id and "saved reply will-call-today" in entry.detail
    transport = FakeTransport()
    dispatcher(engine, NOW, transport).run_once()
    assert sent(transport, staff.id) == [f"{CLINIC}: We will call you today."]
    with sessions() as session:
        assert session.get_one(Flag, flag.id).status == FlagStatus.OPEN  # still to work


def test_a_spanish_patient_gets_the_saved_reply_in_spanish(engine, svc, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW, language="es"), CONSENT_TAKER, NOW)
    queued, transport = send_now(engine, svc, enrollment_id, SavedReply("please-call-clinic"))
    staff = row(sessions, queued.message_id)
    assert staff.language == "es"
    assert sent(transport, staff.id) == [
        f"{CLINIC}: Por favor llame a la clínica al (312) 555-0100."]
    assert staff.encoding == "UCS-2"


# --- the window: held outside it, never outside 08:00-21:00 ----------------------------


def test_at_22_00_patient_time_a_text_is_held_until_08_00_and_sent_then(engine, svc, sessions,
                                                                        patient):
    queued = text_patient(svc, patient, "Call us in the morning.", KIM, NIGHT,
                          outside_quieter_window=True)
    assert queued.held and queued.send_at == EIGHT
    assert queued.summary().startswith("Held until 8:00 a.m. patient time (Tue 02 Jun)")
    staff = row(sessions, queued.message_id)
    assert staff.status == MessageStatus.PENDING and staff.send_at == EIGHT
    assert "held until 08:00 patient time" in staff.reason
    transport = FakeTransport()
    for at in (NIGHT, EIGHT - timedelta(minutes=1)):
        dispatcher(engine, at, transport).run_once()
        assert sent(transport, queued.message_id) == []
    dispatcher(engine, EIGHT, transport).run_once()
    assert sent(transport, queued.message_id) == [f"{CLINIC}: Call us in the morning."]


def test_the_protocols_quiet_hours_hold_a_staff_text_unless_staff_override_them(
        engine, svc, sessions, patient):
    plain = text_patient(svc, patient, "Plain.", KIM, EVENING)
    overridden = text_patient(svc, patient, "Overridden.", KIM, EVENING,
                              outside_quieter_window=True)
    assert plain.held and plain.send_at == NINE
    assert not overridden.held and overridden.send_at == EVENING
    transport = FakeTransport()
    dispatcher(engine, EVENING, transport).run_once()
    assert sent(transport, overridden.message_id) == [f"{CLINIC}: Overridden."]
    assert sent(transport, plain.message_id) == []
    dispatcher(engine, EIGHT, transport).run_once()  # 08:00: only an override may go then
    assert sent(transport, plain.message_id) == []
    dispatcher(engine, NINE, transport).run_once()
    assert sent(transport, plain.message_id) == [f"{CLINIC}: Plain."]


def test_an_override_never_sends_after_21_00_even_when_the_dispatcher_was_behind(
        engine, svc, sessions, patient):
    queued = text_patient(svc, patient, "Overridden.", KIM, EVENING, outside_quieter_window=True)
    transport = FakeTransport()
    late = utc(2026, 6, 2, 2, 15)  # 21:15: the worker was down until now
    dispatcher(engine, late, transport).run_once()
    staff = row(sessions, queued.message_id)
    assert sent(transport, queued.message_id) == []
    assert staff.status == MessageStatus.PENDING and staff.send_at == EIGHT
    assert staff.reason == "outside 08:00-21:00 patient time: held until 08:00"
    dispatcher(engine, EIGHT, transport).run_once()
    assert sent(transport, queued.message_id) == [f"{CLINIC}: Overridden."]


def test_before_08_00_even_an_override_waits(engine, svc, sessions, patient):
    early = utc(2026, 6, 2, 12, 0)  # 07:00
    queued = text_patient(svc, patient, "Early.", KIM, early, outside_quieter_window=True)
    assert queued.held and queued.send_at == EIGHT


def test_the_page_says_when_a_held_text_will_go(sessions, patient, kim):
    kim.clock[0] = NIGHT
    assert kim.login().status_code == 302  # the night shift signs in
    kim.post(f"/enrollments/{patient}/texts", {"saved": "tried-to-call", "quiet_override": "yes"})
    html = kim.get(f"/enrollments/{patient}").get_data(as_text=True)
    assert "Held until 8:00 a.m. patient time (Tue 02 Jun)" in html
    (staff,) = staff_rows(sessions)
    assert staff.quiet_override and staff.send_at == EIGHT


# --- refused: nothing written, the field named -----------------------------------------


def _opted_out(svc, enrollment_id):
    mark_opted_out(svc, enrollment_id, KIM, NOW)


def _cancelled(svc, enrollment_id):
    cancel(svc, enrollment_id, KIM, NOW)


def _no_consent(svc, enrollment_id):
    with svc.sessions.begin() as session:
        session.execute(update(Enrollment).where(Enrollment.id == enrollment_id)
                        .values(consent_unencrypted_sms=False))


@pytest.mark.parametrize(("make", "field", "words", "shown"), [
    (_opted_out, "patient", "opted out", "patient"),
    (_cancelled, "enrollment_id", "is cancelled", "enrolment"),
    (_no_consent, "consent", "no consent", "Consent to texts"),
])
def test_refused_for_an_opted_out_patient_no_consent_or_an_inactive_enrolment(
        svc, sessions, patient, kim, make, field, words, shown):
    make(svc, patient)
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(OutboxMessage))
    with pytest.raises(Conflict) as info:
        text_patient(svc, patient, "Hello", KIM, NOW)
    assert list(info.value.errors) == [field] and words in info.value.errors[field]
    kim.post(f"/enrollments/{patient}/texts", {"body": "Hello"})
    html = kim.get(f"/enrollments/{patient}").get_data(as_text=True)
    assert f"Not sent: {shown}: " in html  # the page's words, not the field key
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before
    assert staff_rows(sessions) == [] and audit(sessions) == []


@pytest.mark.parametrize(("body", "kwargs", "field"), [
    ("   ", {}, "body"),
    ("x" * 321, {}, "body"),
    (SavedReply("see-you-soon"), {}, "saved"),
    ("Hello", {"flag_id": 999}, "flag"),
])
def test_a_bad_text_is_refused_naming_the_field_and_nothing_is_written(svc, sessions, patient,
                                                                       body, kwargs, field):
    with pytest.raises(ValidationError) as info:
        text_patient(svc, patient, body, KIM, NOW, **kwargs)
    assert list(info.value.errors) == [field]
    assert staff_rows(sessions) == [] and audit(sessions) == []


def test_no_such_enrolment_is_not_found(svc):
    with pytest.raises(NotFound):
        text_patient(svc, 4242, "Hello", KIM, NOW)


def test_the_dispatchers_last_check_cancels_a_queued_text_when_consent_is_gone(
        engine, svc, sessions, patient):
    queued = text_patient(svc, patient, "Hello", KIM, NOW)
    _no_consent(svc, patient)
    transport = FakeTransport()
    dispatcher(engine, NOW, transport).run_once()
    staff = row(sessions, queued.message_id)
    assert transport.sent == [] and staff.status == MessageStatus.CANCELLED
    assert staff.reason == "no consent on record"


def test_a_stop_cancels_a_held_staff_text(engine, svc, sessions, patient, phone):
    queued = text_patient(svc, patient, "Hello", KIM, NIGHT)
    phone.text("STOP", at=NIGHT + timedelta(minutes=5))
    assert row(sessions, queued.message_id).status == MessageStatus.CANCELLED


# --- the answer: matched to the text, for its author ------------------------------------


def test_the_patients_answer_is_matched_to_the_staff_text_and_flagged_for_its_author(
        engine, svc, sessions, patient, phone, kim):
    queued, _ = send_now(engine, svc, patient, "Did the numbness wear off?")
    assert answer_of(phone.text("yes it did, thank you", at=NOW + timedelta(hours=3))) is None
    (reply,) = [r for r in _replies(sessions) if r.question_id is not None]
    assert reply.question_id == queued.message_id
    with sessions() as session:
        (flag,) = session.scalars(select(Flag)).all()
    assert flag.kind.value == "needs_review" and flag.assigned_to == "kim"
    assert flag.reason.startswith("answer to kim's text") and flag.message_id == queued.message_id
    page = kim.get("/flags").get_data(as_text=True)
    assert 'data-assigned-to="kim"' in page and "for you" in page
    html = kim.get(f"/enrollments/{patient}").get_data(as_text=True)
    item = html.split(f'id="text-{queued.message_id}"')[1].split("</li>")[0]
    assert "“yes it did, thank you”" in item and f"#reply-{reply.id}" in item
    assert "to kim's text" in html


def test_a_red_flag_answer_to_a_staff_text_still_raises_the_urgent_flag_and_its_answer(
        engine, svc, sessions, patient, phone, hip, settings):
    send_now(engine, svc, patient, "How is the injection site?")
    answer = answer_of(phone.text("it is red and I have a fever", at=NOW + timedelta(hours=1)))
    assert answer == answers(hip, settings, "red_flag")
    with sessions() as session:
        flags = {f.kind.value: f for f in session.scalars(select(Flag))}
    assert flags["red_flag"].priority.value == "urgent" and flags["red_flag"].assigned_to is None
    assert flags["needs_review"].assigned_to == "kim"


def test_an_answer_after_the_reply_window_is_not_the_staff_texts(engine, svc, sessions, patient,
                                                                   phone):
    queued, _ = send_now(engine, svc, patient, "Any questions?")
    phone.text("thanks", at=NOW + timedelta(hours=25))
    assert all(r.question_id != queued.message_id for r in _replies(sessions))
    with sessions() as session:
        assert all(f.assigned_to is None for f in session.scalars(select(Flag)))


def test_a_staff_text_that_does_not_reach_the_patient_is_flagged_for_its_author(
        engine, svc, sessions, patient):
    queued = text_patient(svc, patient, "Please call us.", KIM, NOW)

    def refuse(text):
        if text.message_id == queued.message_id:
            raise TransportError("phone off", refusal=Refusal.UNREACHABLE)

    dispatcher(engine, NOW, FakeTransport(fail=refuse)).run_once()
    with sessions() as session:
        (flag,) = session.scalars(select(Flag)).all()
    assert flag.kind.value == "not_reached" and flag.assigned_to == "kim"
    assert "kim's text did not reach them" in flag.reason


def test_correcting_the_injection_time_leaves_staff_texts_alone(svc, sessions, patient):
    queued = text_patient(svc, patient, "Hello", KIM, NIGHT)
    reschedule(svc, patient, "2026-06-01T11:00", KIM, NIGHT)
    staff = row(sessions, queued.message_id)
    assert staff.status == MessageStatus.PENDING and staff.send_at == NINE


def test_each_staff_text_of_an_enrolment_has_its_own_step(svc, sessions, patient):
    for words in ("One", "Two", "Three"):
        text_patient(svc, patient, words, KIM, NOW)
    assert [r.step for r in staff_rows(sessions)] == ["staff-1", "staff-2", "staff-3"]


def _replies(sessions) -> list[Reply]:
    with sessions() as session:
        return list(session.scalars(select(Reply).order_by(Reply.id)))


# --- the command line ----------------------------------------------------------------


def test_the_command_queues_a_saved_reply_and_names_the_field_it_refuses(cli_env, capsys,
                                                                         sessions, patient):
    code = main(["text-patient", str(patient), "--saved", "will-call-today", "--by", "lee",
                 "--override-quiet", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["step"] == "staff-1" and data["sent_by"] == "lee" and data["quiet_override"]
    assert data["text"] == f"{CLINIC}: We will call you today." and data["status"] == "pending"
    assert isinstance(data["held"], bool)  # the clock is the real one here: either may be
    (entry,) = audit(sessions)
    assert (entry.actor, entry.via) == ("lee", "cli")

    assert main(["text-patient", str(patient), "--body", "  "]) == 2
    assert capsys.readouterr().err.startswith("error: --body: is empty")
    assert main(["text-patient", str(patient), "--saved", "nope"]) == 2
    assert capsys.readouterr().err.startswith("error: --saved: 'nope' is not a saved reply")
    assert len(staff_rows(sessions)) == 1
