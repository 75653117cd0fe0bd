"""A patient's picture in a real browser: a signed MMS reaches the webhook, and the
patient page draws the picture, which the app fetched from the loopback fake of Twilio
for the signed-in nurse; a browser that is not signed in gets the sign-in page instead."""

from __future__ import annotations

import struct
import zlib

import pytest
import requests
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.services import Services
from tests.browser.conftest import serve, shot
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioServer
from tests.integration.helpers import NOW, form

PHONE = "+13125550162"


def png(width: int = 24, height: int = 16) -> bytes:
    """A small red PNG that a browser can decode."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def twilio():
    with FakeTwilioServer() as server:
        yield server


@pytest.fixture(scope="module")
def live(tmp_path_factory, settings, protocols, twilio):
    """The web app with the account's credentials, its API base URL the loopback fake."""
    with serve(tmp_path_factory.mktemp("pictures"), settings, protocols,
               twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
               twilio_api_base_url=twilio.base_url) as running:
        yield running


def test_the_patient_page_draws_the_picture_for_the_signed_in_nurse(page, live, twilio,
                                                                    settings, protocols):
    services = Services(live.sessions, protocols, settings)
    enrollment_id = enroll(services, form(phone=PHONE, injected_at=NOW), CONSENT_TAKER, NOW)
    media_url = twilio.fake.add_media(twilio.base_url, "image/png", png())
    params = {"MessageSid": "MM" + "3" * 32, "AccountSid": ACCOUNT_SID, "From": PHONE,
              "To": "+13125550199", "Body": "", "NumMedia": "1", "MediaUrl0": media_url,
              "MediaContentType0": "image/png"}
    hook = f"{live.url}/twilio/inbound"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(hook, params)
    assert requests.post(hook, data=params, headers={"X-Twilio-Signature": signature},
                         timeout=10).status_code == 200

    page.goto(f"/enrollments/{enrollment_id}")
    picture = page.locator("#timeline li.reply .reply-picture img")
    expect(picture).to_have_attribute("alt", "Photo the patient sent (1 of 1)")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 24",
                           arg=picture.element_handle())
    expect(page.locator("#timeline li.flag").first).to_contain_text("photo")
    shot(page, "patient-photo")

    # the same address in a browser that is not signed in: the sign-in page, no picture
    picture_url = live.url + picture.get_attribute("src")
    fetched = twilio.fake.media_requests
    stranger = requests.get(picture_url, timeout=10, allow_redirects=False)
    assert stranger.status_code in (302, 401)
    assert "/login" in stranger.headers.get("Location", "/login")
    assert twilio.fake.media_requests == fetched
