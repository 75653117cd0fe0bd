"""A stored reply is always read (issue 12 part 1), on SQLite and PostgreSQL: a reply
whose first reading fails, or that was never read because the process died, or that met a
locked database, is read by the sweep exactly once; one that fails every attempt raises
one urgent "a reply could not be read" flag and is left alone after that."""

import logging
import threading
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import event, select, update

import reminders.inbound
from reminders.db import make_engine, session_factory
from reminders.inbound import Inbox
from reminders.inbound_message import from_form
from reminders.models import Flag, Reply
from reminders.reply_sweep import _sweep_one, sweep_replies
from tests.conftest import PG_SCHEMA, POSTGRES_URL
from tests.integration.helpers import NOW
from tests.integration.injected import failing, store_only
from tests.integration.texting import PATIENT, answer_of, answers, flags, replies

AT = NOW + timedelta(minutes=5)
RED = "my temp is 101 and I am short of breath"


@pytest.fixture
def inbox(sessions, protocols, settings):
    return Inbox(sessions, protocols, settings)


def sweep_for(inbox, start, minutes: int = 30, max_attempts: int = 5) -> dict[str, int]:
    """Sweep every 30 virtual seconds for `minutes`; the total of what became of replies."""
    total: dict[str, int] = {}
    for step in range(minutes * 2):
        for key, n in sweep_replies(inbox, max_attempts, start + step * timedelta(seconds=30)).items():
            total[key] = total.get(key, 0) + n
    return total


def the_reply(sessions) -> Reply:
    (reply,) = replies(sessions)
    return reply


def urgent(sessions) -> list[tuple[str, str]]:
    with sessions() as session:
        return sorted((f.kind.value, f.priority.value) for f in session.scalars(select(Flag)))


# --- (a) the flags insert fails once ----------------------------------------------------

def test_a_failed_flag_insert_gets_the_fallback_answer_and_the_sweep_reads_it_once(
        engine, sessions, patient, phone, inbox, hip, settings, caplog):
    caplog.set_level(logging.INFO)
    with failing(engine, "INSERT INTO FLAGS"):
        answer = answer_of(phone.text(RED, at=AT))
    assert answer == answers(hip, settings, "fallback")
    stored = the_reply(sessions)
    assert stored.processed_at is None and stored.attempts == 1
    assert stored.response_kind == "fallback" and stored.last_error == "OperationalError"
    assert flags(sessions) == []  # undone with the rest of the reading

    assert sweep_replies(inbox, 5, AT + timedelta(seconds=10)) == {}  # not due yet
    assert sweep_for(inbox, AT + timedelta(seconds=30)) == {"read": 1}
    stored = the_reply(sessions)
    assert stored.processed_at is not None and stored.attempts == 2
    assert urgent(sessions) == [("red_flag", "urgent")]
    assert stored.response_kind == "fallback"  # answered once: the sweep sends nothing
    assert RED not in caplog.text and PATIENT not in caplog.text


# --- (b) the process died between storing and reading -------------------------------------

def test_a_reply_stored_by_a_process_that_died_is_read_by_the_sweep(sessions, patient, inbox):
    store_only(inbox, RED, AT)
    # the webhook's minute: the sweep leaves it alone
    assert sweep_replies(inbox, 5, AT + timedelta(seconds=59)) == {}
    assert sweep_replies(inbox, 5, AT + timedelta(minutes=1)) == {"read": 1}
    assert sweep_for(inbox, AT + timedelta(minutes=2)) == {}
    stored = the_reply(sessions)
    assert stored.processed_at == AT + timedelta(minutes=1) and stored.patient_id is not None
    assert urgent(sessions) == [("red_flag", "urgent")]
    assert stored.response_kind is None  # nothing was answered, and the sweep answers nothing


def test_a_reply_read_late_answers_the_question_open_when_it_was_sent(engine, sessions,
                                                                      patient, inbox):
    from tests.integration.helpers import rows
    from tests.integration.texting import play_to

    asked = play_to(engine, patient, "pain-check")  # its window: 2 h
    store_only(inbox, "3", asked + timedelta(hours=1, minutes=59, seconds=30))
    assert sweep_for(inbox, asked + timedelta(hours=2), minutes=2) == {"read": 1}
    stored = the_reply(sessions)
    assert stored.processed_at >= asked + timedelta(hours=2)  # read after the window closed
    assert (stored.score, stored.question_id) == (3, rows(sessions, patient)["pain-check"].id)
    assert flags(sessions) == []  # not "no question open"


def test_a_reply_stored_before_the_sweep_existed_is_read_at_once(sessions, patient, inbox):
    reply_id = store_only(inbox, "3", AT)
    with sessions.begin() as session:  # as migration 0009 leaves an old unread reply
        session.execute(update(Reply).where(Reply.id == reply_id).values(next_attempt_at=None))
    assert sweep_replies(inbox, 5, AT) == {"read": 1}
    assert the_reply(sessions).score == 3


# --- (c) the database is locked --------------------------------------------------------

@pytest.fixture
def impatient(engine, protocols, settings):
    """An inbox whose database connections give up on a lock after a tenth of a second,
    and a way to hold the write lock from another connection meanwhile."""
    if engine.dialect.name == "sqlite":
        url = engine.url.render_as_string(hide_password=False)
        short = make_engine(url)

        @event.listens_for(short, "connect")
        def _short_wait(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA busy_timeout = 100")

        holder = make_engine(url)
        take = None  # BEGIN IMMEDIATE (db.py) takes the write lock
    else:
        short = make_engine(POSTGRES_URL, connect_args={
            "options": f"-csearch_path={PG_SCHEMA} -c lock_timeout=100"})
        holder = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={PG_SCHEMA}"})
        take = "LOCK TABLE replies IN EXCLUSIVE MODE"  # reads go on, writes wait

    @contextmanager
    def locked():
        with holder.connect() as conn, conn.begin():
            if take:
                conn.exec_driver_sql(take)
            yield

    yield Inbox(session_factory(short), protocols, settings), locked
    short.dispose()
    holder.dispose()


def test_a_reply_that_meets_a_locked_database_is_read_once_the_lock_is_gone(
        sessions, patient, impatient):
    inbox, locked = impatient
    store_only(inbox, RED, AT)
    with locked():
        assert sweep_replies(inbox, 5, AT + timedelta(minutes=1)) == {"busy": 1}
        assert sweep_replies(inbox, 5, AT + timedelta(minutes=2)) == {"busy": 1}
    stored = the_reply(sessions)
    assert stored.processed_at is None and stored.attempts == 0  # a lock costs no attempt
    assert sweep_for(inbox, AT + timedelta(minutes=3)) == {"read": 1}
    assert the_reply(sessions).processed_at == AT + timedelta(minutes=3)
    assert urgent(sessions) == [("red_flag", "urgent")]


# --- (d) a reply that cannot be read at all ----------------------------------------------

def test_a_reply_that_fails_every_attempt_raises_one_urgent_flag_and_is_left_alone(
        sessions, patient, phone, inbox, hip, settings, monkeypatch):
    def broken(*args, **kwargs):  # the usual way of raising flags is what fails
        raise RuntimeError("flags are broken")

    monkeypatch.setattr(reminders.inbound, "raise_flag", broken)
    assert answer_of(phone.text(RED, at=AT)) == answers(hip, settings, "fallback")
    assert sweep_for(inbox, AT, minutes=60) == {"retrying": 3, "gave_up": 1}
    stored = the_reply(sessions)
    assert stored.processed_at is None and stored.gave_up_at is not None
    assert stored.attempts == 5 and stored.last_error == "RuntimeError"
    with sessions() as session:
        (flag,) = session.scalars(select(Flag))
        assert (flag.kind.value, flag.priority.value, flag.status.value) == (
            "reply_unread", "urgent", "open")
        assert flag.phone == PATIENT and flag.reply_id == stored.id
        assert [r.id for r in flag.replies] == [stored.id]
        assert "could not be read after 5 attempts" in flag.reason
    monkeypatch.undo()
    assert sweep_for(inbox, AT + timedelta(days=1)) == {}  # given up: not read again
    assert the_reply(sessions).attempts == 5


def test_a_reply_whose_last_attempt_never_finished_is_given_up_and_flagged(
        sessions, patient, inbox):
    reply_id = store_only(inbox, RED, AT)
    with sessions.begin() as session:  # the process died during attempt 3 of 3
        session.execute(update(Reply).where(Reply.id == reply_id).values(
            attempts=3, next_attempt_at=AT))
    assert sweep_replies(inbox, 3, AT + timedelta(minutes=5)) == {"gave_up": 1}
    assert urgent(sessions) == [("reply_unread", "urgent")]
    assert sweep_for(inbox, AT + timedelta(minutes=6), max_attempts=3) == {}


def test_one_allowed_attempt_flags_the_reply_from_the_webhook(sessions, patient, phone, monkeypatch):
    monkeypatch.setattr(reminders.inbound, "parse_reply", lambda *a, **k: 1 / 0)
    webhook_inbox = phone.client.application.extensions["reminders"]["inbox"]
    monkeypatch.setattr(webhook_inbox, "settings", replace(webhook_inbox.settings,
                                                           reply_max_attempts=1))
    answer_of(phone.text(RED, at=AT))
    assert urgent(sessions) == [("reply_unread", "urgent")]
    assert the_reply(sessions).gave_up_at == AT


# --- nothing read twice -------------------------------------------------------------------

def test_a_sweep_that_looked_before_another_read_the_reply_does_not_read_it_again(
        sessions, patient, inbox):
    reply_id = store_only(inbox, RED, AT)
    later = AT + timedelta(minutes=1)
    assert _sweep_one(inbox, reply_id, 0, 5, later) == "read"
    assert _sweep_one(inbox, reply_id, 0, 5, later) == "taken"  # a second worker, late
    assert urgent(sessions) == [("red_flag", "urgent")]
    assert the_reply(sessions).attempts == 1


def test_two_sweeps_at_once_read_each_reply_exactly_once(sessions, svc, inbox):
    from reminders.enrollments import CONSENT_TAKER, enroll
    from tests.integration.helpers import form

    for n in range(12):
        phone = f"+1312555{n + 200:04d}"
        enroll(svc, form(phone=phone, injected_at=NOW), CONSENT_TAKER, NOW)
        store_only(inbox, RED, AT, sid=f"SMrace{n}", sender=phone)
    results: list[dict[str, int]] = []
    start = threading.Barrier(2)

    def worker():
        start.wait()
        results.append(sweep_replies(inbox, 5, AT + timedelta(minutes=1)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.get("read", 0) for r in results) == 12
    stored = replies(sessions)
    assert all(r.processed_at is not None and r.attempts == 1 for r in stored)
    assert urgent(sessions) == [("red_flag", "urgent")] * 12


def test_staff_see_the_unread_reply_flag_first_with_the_text_and_the_number(kim, sessions):
    from reminders.reply_sweep import give_up

    inbox = kim.app.extensions["reminders"]["inbox"]
    inbox.receive(from_form(*_form("+13125550177", "who is this", "SMnormal")), AT)
    reply_id = store_only(inbox, RED, AT)
    assert give_up(sessions, reply_id, "RuntimeError", AT + timedelta(minutes=9))
    html = kim.get("/flags").get_data(as_text=True)
    assert html.index('data-kind="reply_unread"') < html.index('data-kind="needs_review"')
    card = html[html.index('data-kind="reply_unread"'):html.index('data-kind="needs_review"')]
    assert RED in card and PATIENT in card and "could not be read" in card
    assert "Unknown sender" not in card


def _form(sender: str, body: str, sid: str):
    params = {"MessageSid": sid, "From": sender, "To": "+13125550199", "Body": body}
    return params, urlencode(params).encode()


def test_a_spanish_patient_gets_the_fallback_in_spanish(svc, sessions, phone, hip, settings,
                                                        monkeypatch):
    from reminders.enrollments import CONSENT_TAKER, enroll
    from tests.integration.helpers import form

    enroll(svc, form(injected_at=NOW, language="es"), CONSENT_TAKER, NOW)
    monkeypatch.setattr(reminders.inbound, "parse_reply", lambda *a, **k: 1 / 0)
    answer = answer_of(phone.text("tengo fiebre", at=AT))
    assert answer == answers(hip, settings, "fallback", "es")
    assert the_reply(sessions).response_text == answer
