"""Pictures (MMS), on SQLite and PostgreSQL: a signed reply's pictures are stored with it
and raise "photo received"; a signed-in staff member sees one, fetched from the loopback
fake of Twilio with the account's credentials, and no one else does; what is not a
picture, too large, or not at the clinic's Twilio address is refused, and the last is
never fetched."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.json_shapes import flag_json, reply_json
from reminders.models import AuditEntry, Flag, ReplyMedia, Role
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer
from tests.integration.helpers import NOW
from tests.integration.staff import PASSWORD, Staff, make_app
from tests.integration.texting import STRANGER, flags, play_to, replies

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"  # ~10 KB


@pytest.fixture
def staff_app(sessions, settings, protocols, twilio):
    """The staff pages of a service that has the account's credentials and whose API base
    URL is the loopback fake (a second web process beside the webhook's)."""
    app, clock = make_app(sessions, settings, protocols, twilio_account_sid=ACCOUNT_SID,
                          twilio_auth_token=AUTH_TOKEN, twilio_api_base_url=twilio.base_url,
                          media_max_bytes=64 * 1024)
    create_staff(sessions, "kim", PASSWORD, Role.STAFF, Actor("test", "cli"), NOW)
    return app, clock


@pytest.fixture
def nurse(staff_app):
    staff = Staff(*staff_app)
    assert staff.login().status_code == 302
    return staff


def mms(phone, twilio, body="", content_type="image/jpeg", data=JPEG, *, url=None, at=None,
        sender=None, **medium):
    url = url or twilio.fake.add_media(twilio.base_url, content_type, data, **medium)
    extra = {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": content_type}
    response = phone.text(body, extra=extra, at=at, **({"sender": sender} if sender else {}))
    assert response.status_code == 200
    return replies(phone_sessions(phone))[-1]


def phone_sessions(phone):
    return phone.client.application.extensions["reminders"]["sessions"]


def picture_path(reply, position=0):
    return f"/enrollments/{reply.enrollment_id}/replies/{reply.id}/pictures/{position}"


def view(staff, path):
    """GET as a browser's <img> does (the body is bytes, not a page to read a token from)."""
    return staff.client.get(path, environ_base={"REMOTE_ADDR": staff.address})


def audit(sessions):
    with sessions() as session:
        return [(a.action, a.actor, a.detail) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "viewed photo"))]


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


# --- viewed: by a signed-in member only, fetched from Twilio ----------------------------

def test_a_signed_in_member_sees_the_picture_uncached_and_the_view_is_audited(
        sessions, patient, phone, twilio, nurse):
    reply = mms(phone, twilio)
    response = view(nurse, picture_path(reply))
    assert response.status_code == 200
    assert response.data == JPEG
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert audit(sessions) == [("viewed photo", "kim", f"reply {reply.id}, picture 1")]


def test_the_timeline_shows_the_picture_with_alt_text(sessions, patient, phone, twilio, nurse):
    reply = mms(phone, twilio)
    page = nurse.get(f"/enrollments/{reply.enrollment_id}").get_data(as_text=True)
    assert f'src="{picture_path(reply)}"' in page
    assert 'alt="Photo the patient sent' in page
    assert twilio.fake.media_requests == 0  # the page itself fetches nothing


def test_signed_out_no_one_sees_it_and_nothing_is_fetched(sessions, patient, phone, twilio,
                                                          staff_app):
    reply = mms(phone, twilio)
    stranger = Staff(*staff_app)
    response = view(stranger, picture_path(reply))
    assert response.status_code in (302, 401)
    assert "/login" in response.headers.get("Location", "/login")
    assert twilio.fake.media_requests == 0
    assert audit(sessions) == []


def test_pictures_through_twilios_cdn_redirect_without_a_length_are_shown(
        patient, phone, twilio, nurse):
    # the fake's CDN refuses a request that carries the account's credentials
    reply = mms(phone, twilio, via_cdn=True, with_length=False)
    response = view(nurse, picture_path(reply))
    assert response.status_code == 200
    assert response.data == JPEG
    assert twilio.fake.media_requests == 2


@pytest.mark.parametrize(("declared", "served", "data", "medium", "status", "message"), [
    ("text/vcard", "text/vcard", b"BEGIN:VCARD", {}, 415, "not a picture"),
    ("image/svg+xml", "image/svg+xml", b"<svg/>", {}, 415, "not a picture"),
    ("image/jpeg", "text/html", b"<script>", {}, 415, "not a picture"),
    ("image/jpeg", "image/jpeg", JPEG * 8, {}, 413, "larger than the 0.1 MB limit"),
    ("image/jpeg", "image/jpeg", JPEG * 8, {"with_length": False}, 413, "larger than"),
])
def test_what_is_not_a_picture_or_is_too_large_is_refused_with_a_message(
        sessions, patient, phone, twilio, nurse, declared, served, data, medium, status, message):
    url = twilio.fake.add_media(twilio.base_url, served, data, **medium)
    reply = mms(phone, twilio, content_type=declared, url=url)
    response = view(nurse, picture_path(reply))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert audit(sessions) == []
    if declared != "image/jpeg":
        assert twilio.fake.media_requests == 0  # refused on its declared type, unfetched


def test_an_address_that_is_not_the_clinics_twilio_media_url_is_never_fetched(
        sessions, patient, phone, twilio, nurse):
    with FakeTwilioServer() as elsewhere:  # another host, speaking the same API
        foreign = elsewhere.fake.add_media(elsewhere.base_url, "image/jpeg", JPEG)
        ours = twilio.fake.add_media(twilio.base_url, "image/jpeg", JPEG)
        other_account = ours.replace(ACCOUNT_SID, "AC" + "b2" * 16)
        bounced = twilio.fake.add_media(twilio.base_url, "image/jpeg", JPEG,
                                        redirect=foreign)
        cases = [(foreign, 403), (ours + "?x=1", 403), (other_account, 403),
                 (twilio.base_url + "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json", 403),
                 (ours.replace("http://", "http://user:pw@"), 403), (bounced, 502)]
        for url, status in cases:
            reply = mms(phone, twilio, url=url)
            response = view(nurse, picture_path(reply))
            assert response.status_code == status, url
            assert "not fetched" in response.get_data(as_text=True)
        assert elsewhere.fake.media_requests == 0
    assert twilio.fake.media_requests == 1  # only the redirect's first step, on our host
    assert audit(sessions) == []


def test_a_picture_of_another_enrolment_or_position_is_not_found(patient, phone, twilio, nurse):
    reply = mms(phone, twilio)
    assert view(nurse, f"/enrollments/{reply.enrollment_id + 1}/replies/{reply.id}/pictures/0"
                     ).status_code == 404
    assert view(nurse, picture_path(reply, position=1)).status_code == 404
    assert twilio.fake.media_requests == 0


def test_a_picture_without_words_is_shown_as_photo_in_lists_and_exports(
        sessions, patient, phone, twilio, nurse):
    mms(phone, twilio)
    for path in ("/", "/flags", "/reports/flags.csv"):
        page = nurse.get(path).get_data(as_text=True)
        assert "[photo]" in page, path
    with sessions() as session:
        flag = session.scalars(select(Flag)).one()
        shape = flag_json(flag)
        assert shape["reply_text"] == "[photo]"
        assert shape["replies"][0]["text"] == "[photo]"
        assert reply_json(flag.reply)["pictures"] == [{"position": 0, "content_type": "image/jpeg"}]


def test_a_malformed_address_is_refused_not_an_error(sessions, patient, phone, twilio, nurse):
    for url in (twilio.base_url + ":notaport/x", "http://[::1/x", "not a url"):
        reply = mms(phone, twilio, url=url)
        response = view(nurse, picture_path(reply))
        assert response.status_code == 403, url
    assert twilio.fake.media_requests == 0


def test_without_twilio_credentials_the_page_says_pictures_cannot_be_fetched(
        sessions, settings, protocols, patient, phone, twilio):
    app, clock = make_app(sessions, settings, protocols)  # the console: no credentials
    create_staff(sessions, "kim", PASSWORD, Role.STAFF, Actor("test", "cli"), NOW)
    staff = Staff(app, clock)
    assert staff.login().status_code == 302
    reply = mms(phone, twilio)
    response = view(staff, picture_path(reply))
    assert response.status_code == 404
    assert "no Twilio credentials" in response.get_data(as_text=True)
    assert twilio.fake.media_requests == 0
