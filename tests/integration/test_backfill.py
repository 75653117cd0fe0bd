"""Texts patients sent while the service was down are recovered from the provider (the
loopback fake of Twilio's Messages API), stored once and read in the order they were sent."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from reminders.backfill import Backfiller
from reminders.inbound import Inbox
from reminders.models import Flag, Reply
from reminders.transports.base import TransportError
from reminders.transports.twilio_sms import TwilioTransport
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, Incoming
from tests.integration.helpers import NOW, rows
from tests.integration.texting import PATIENT, STRANGER, kinds, play_to, replies

OURS = "+13125550199"


@pytest.fixture
def inbox(sessions, protocols, settings):
    return Inbox(sessions, protocols, settings)


def transport(server) -> TwilioTransport:
    return TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=OURS,
                           api_base_url=server.base_url, timeout=2.0, clock=lambda: NOW)


def backfiller(inbox, provider, started_at) -> Backfiller:
    """A worker that started at `started_at`, watching our number."""
    return Backfiller(inbox, provider, [OURS], started_at)


def test_texts_sent_while_down_are_stored_once_and_read_in_order(sessions, patient, phone,
                                                                  inbox, twilio):
    fake = twilio.fake
    seen = phone.text("thanks!", at=NOW + timedelta(hours=3), sid="SM" + "0" * 32)
    assert seen.status_code == 200  # this one reached the webhook before the outage
    fake.incoming.append(Incoming("SM" + "0" * 32, PATIENT, OURS, "thanks!",
                                  NOW + timedelta(hours=3)))
    down = NOW + timedelta(hours=4)
    for minutes, body in ((0, "is it ok to shower?"), (5, "I have a fever of 102 and chills"),
                          (9, "STOP")):
        assert fake.text_from_patient(PATIENT, OURS, body, webhook="http://127.0.0.1:9/off",
                                      at=down + timedelta(minutes=minutes)) is None

    worker = backfiller(inbox, transport(twilio), down + timedelta(minutes=20))
    counts = worker.run(down + timedelta(minutes=20))

    assert (counts.listed, counts.recovered, counts.failed) == (4, 3, 0)
    stored = replies(sessions)
    assert [r.body for r in stored] == ["thanks!", "is it ok to shower?",
                                        "I have a fever of 102 and chills", "STOP"]
    assert all(r.processed_at is not None for r in stored)
    assert [r.received_at for r in stored[1:]] == [down, down + timedelta(minutes=5),
                                                   down + timedelta(minutes=9)]
    assert all(r.response_text is None for r in stored[1:])  # nobody waits for an answer
    with sessions() as session:
        red = session.scalars(select(Flag).where(Flag.kind == "red_flag")).one()
        assert red.priority.value == "urgent" and red.reply.body.startswith("I have a fever")
    assert "opted_out" in kinds(sessions)

    again = worker.run(down + timedelta(minutes=25))
    assert (again.listed, again.recovered) == (2, 0)  # from where the last pass began, less 15 min
    assert len(replies(sessions)) == 4


def test_a_recovered_answer_counts_for_the_question_open_when_it_was_sent(
        engine, sessions, patient, inbox, twilio):
    at = play_to(engine, patient, "day10-check")
    twilio.fake.text_from_patient(PATIENT, OURS, "same", at=at + timedelta(hours=2))

    later = at + timedelta(days=3)  # the reply window has closed
    backfiller(inbox, transport(twilio), later).run(later)

    (reply,) = replies(sessions)
    assert reply.question_id == rows(sessions, patient)["day10-check"].id
    assert kinds(sessions) == ["no_improvement"]


def test_a_stranger_recovered_is_reviewed_like_any_stranger(sessions, inbox, twilio):
    twilio.fake.text_from_patient(STRANGER, OURS, "who is this?", at=NOW)
    start = NOW + timedelta(minutes=5)
    assert backfiller(inbox, transport(twilio), start).run(start).recovered == 1
    assert kinds(sessions) == ["needs_review"]


def test_only_the_window_since_the_newest_stored_text_is_read(sessions, patient, phone, inbox,
                                                              twilio):
    phone.text("ok", at=NOW + timedelta(days=3))
    twilio.fake.text_from_patient(PATIENT, OURS, "old news", at=NOW + timedelta(days=1))
    twilio.fake.text_from_patient(PATIENT, OURS, "hip hurts", at=NOW + timedelta(days=3, hours=1))

    start = NOW + timedelta(days=3, hours=2)
    counts = backfiller(inbox, transport(twilio), start).run(start)

    assert counts.recovered == 1
    assert [r.body for r in replies(sessions)] == ["ok", "hip hurts"]


class Unreachable:
    name = "twilio"

    def received(self, to, since):
        raise TransportError("could not connect")


def test_a_provider_that_cannot_be_asked_changes_nothing_and_is_asked_again(sessions, inbox):
    worker = backfiller(inbox, Unreachable(), NOW)
    counts = worker.run(NOW)
    assert (counts.recovered, counts.failed) == (0, 1)
    assert worker.since is None  # the next pass starts from the same point
    with sessions() as session:
        assert session.scalars(select(Reply)).all() == []


def test_a_text_the_webhook_stores_after_the_restart_does_not_hide_those_it_missed(
        sessions, patient, phone, inbox, twilio):
    fake = twilio.fake
    down = NOW + timedelta(hours=4)
    fake.text_from_patient(PATIENT, OURS, "is swelling normal?", at=down)
    fake.text_from_patient(PATIENT, OURS, "now I have a fever", at=down + timedelta(minutes=5))
    back = down + timedelta(hours=1)
    phone.text("hello?", at=back + timedelta(minutes=1))  # the webhook is first after the restart

    counts = backfiller(inbox, transport(twilio), back).run(back + timedelta(minutes=2))

    assert counts.recovered == 2
    assert sorted(r.body for r in replies(sessions)) == [
        "hello?", "is swelling normal?", "now I have a fever"]
    assert "red_flag" in kinds(sessions)


def test_a_long_backlog_is_listed_page_by_page_oldest_first(twilio):
    start = NOW - timedelta(hours=2)
    twilio.fake.incoming.extend(Incoming(f"SM{n:032d}", PATIENT, OURS, f"text {n}",
                                         start + timedelta(seconds=n)) for n in range(1005))
    twilio.fake.incoming.append(Incoming("SM" + "f" * 32, PATIENT, "+13125550198", "elsewhere",
                                         start))

    listed = transport(twilio).received(OURS, start + timedelta(seconds=3))

    # 1,002 texts: more than one page of 1,000, so every page was followed
    assert [m.body for m in listed] == [f"text {n}" for n in range(3, 1005)]
