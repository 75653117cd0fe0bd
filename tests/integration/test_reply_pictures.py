"""Pictures (MMS), on SQLite and PostgreSQL: a signed reply's pictures are stored with it
and raise "photo received"."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from reminders.models import Flag, ReplyMedia
from tests.fakes.twilio_api import FakeTwilioServer
from tests.integration.texting import STRANGER, flags, play_to, replies

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"  # ~10 KB


@pytest.fixture
def twilio():
    with FakeTwilioServer() as server:
        yield server


def mms(phone, twilio, body="", content_type="image/jpeg", data=JPEG, *, url=None, at=None,
        sender=None, **medium):
    url = url or twilio.fake.add_media(twilio.base_url, content_type, data, **medium)
    extra = {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": content_type}
    response = phone.text(body, extra=extra, at=at, **({"sender": sender} if sender else {}))
    assert response.status_code == 200
    return replies(phone_sessions(phone))[-1]


def phone_sessions(phone):
    return phone.client.application.extensions["reminders"]["sessions"]


# --- received: stored with the reply, and flagged --------------------------------------

def test_a_photo_with_no_words_is_stored_and_raises_a_high_photo_flag(sessions, patient, phone,
                                                                      twilio):
    reply = mms(phone, twilio)
    with sessions() as session:
        media = session.scalars(select(ReplyMedia)).all()
        assert [(m.reply_id, m.position, m.content_type) for m in media] == [
            (reply.id, 0, "image/jpeg")]
        assert media[0].url.startswith(twilio.base_url + "/2010-04-01/Accounts/")
        flag = session.scalars(select(Flag)).one()
        assert (flag.kind.value, flag.priority.value, flag.reason) == (
            "photo", "high", "photo received: look at it")
        assert flag.reply.id == reply.id
    assert reply.kind == "photo"
    assert reply.findings == []  # not "not understood" just because the body is empty
    assert twilio.fake.media_requests == 0  # nothing is fetched until staff look


def test_a_photo_answering_the_pain_check_is_only_the_photo_flag(engine, sessions, patient,
                                                                 phone, twilio):
    at = play_to(engine, patient, "pain-check")
    mms(phone, twilio, at=at + timedelta(minutes=10))
    assert flags(sessions) == [("photo", "open")]


def test_words_with_a_photo_are_read_as_usual(engine, sessions, patient, phone, twilio):
    at = play_to(engine, patient, "day10-check")
    reply = mms(phone, twilio, "same, and the spot is red and hot", at=at + timedelta(hours=1))
    assert sorted(kind for kind, _ in flags(sessions)) == ["no_improvement", "photo", "red_flag"]
    assert reply.kind != "photo"


def test_a_photo_from_an_unknown_number_goes_to_review_at_high_priority(sessions, phone, twilio):
    mms(phone, twilio, sender=STRANGER)
    with sessions() as session:
        flag = session.scalars(select(Flag)).one()
    assert (flag.kind.value, flag.priority.value) == ("needs_review", "high")
    assert "photo received" in flag.reason
