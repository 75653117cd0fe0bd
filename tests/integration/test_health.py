"""GET /healthz on SQLite and PostgreSQL: unread replies (how many, how old) and whether
the database can be written; 503 when a reply has waited too long or writes fail."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from reminders.inbound import Inbox
from reminders.models import HealthCheck, Reply
from reminders.reply_sweep import sweep_replies
from reminders.web import create_app
from tests.integration.helpers import NOW
from tests.integration.injected import failing, store_only


@pytest.fixture
def health(sessions, settings, protocols):
    """GET /healthz at a time the test sets: returns (status, body)."""
    app = create_app(settings, sessions, protocols)
    clock = [NOW]
    app.extensions["reminders"]["clock"] = lambda: clock[0]
    client = app.test_client()

    def get(at=NOW):
        clock[0] = at
        response = client.get("/healthz")
        return response.status_code, response.get_json()

    return get


@pytest.fixture
def inbox(sessions, protocols, settings):
    return Inbox(sessions, protocols, settings)


def test_a_quiet_service_is_healthy_and_writes_its_check_row(health, sessions):
    status, body = health()
    assert status == 200
    assert body == {"database": "ok", "oldest_due_unsent_seconds": None, "unread_replies": 0,
                    "oldest_unread_reply_seconds": None, "problems": []}
    status, _ = health(NOW + timedelta(minutes=1))
    with sessions() as session:
        assert session.scalars(select(HealthCheck.written_at)).all() == [NOW + timedelta(minutes=1)]


def test_unread_replies_are_counted_and_past_ten_minutes_answer_503(health, inbox, patient):
    store_only(inbox, "3", NOW, sid="SMone")
    store_only(inbox, "fever", NOW + timedelta(minutes=4), sid="SMtwo")
    status, body = health(NOW + timedelta(minutes=5))
    assert status == 200
    assert (body["unread_replies"], body["oldest_unread_reply_seconds"]) == (2, 300.0)
    status, body = health(NOW + timedelta(minutes=10, seconds=1))
    assert status == 503
    assert body["problems"] == ["a reply has waited 601 s to be read"]
    assert body["database"] == "ok"
    sweep_replies(inbox, 5, NOW + timedelta(minutes=10, seconds=2))
    status, body = health(NOW + timedelta(minutes=11))
    assert (status, body["unread_replies"], body["problems"]) == (200, 0, [])


def test_a_reply_given_up_on_is_a_flag_not_an_alarm(health, inbox, sessions, patient):
    reply_id = store_only(inbox, "3", NOW)
    with sessions.begin() as session:
        session.execute(update(Reply).where(Reply.id == reply_id).values(gave_up_at=NOW))
    status, body = health(NOW + timedelta(hours=1))
    assert (status, body["unread_replies"]) == (200, 0)


def test_the_alarm_age_is_a_setting(sessions, settings, protocols, inbox, patient):
    app = create_app(replace(settings, unread_reply_alert_minutes=2), sessions, protocols)
    app.extensions["reminders"]["clock"] = lambda: NOW + timedelta(minutes=3)
    store_only(inbox, "3", NOW)
    assert app.test_client().get("/healthz").status_code == 503


def test_a_database_that_cannot_be_written_answers_503(health, engine):
    with failing(engine, "UPDATE HEALTH_CHECKS"):
        status, body = health()
    assert status == 503
    assert body["database"] == "not writable"
    assert body["problems"] == ["the database cannot be written: injected fault"]
    assert health(NOW + timedelta(seconds=1))[0] == 200
