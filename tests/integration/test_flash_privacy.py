"""Flash messages ride in the session cookie, which anyone holding it can read (it is
signed, not encrypted): after each staff action the cookie names no phone number, no
patient name and no words of a text. On both databases."""

import base64
import json
import zlib

import pytest

from tests.integration.helpers import NOW

NEW_PHONE = "(312) 555-0142"


def cookie_payload(staff) -> str:
    """What the session cookie says, decoded as anyone could, without the secret key."""
    cookie = staff.client.get_cookie("reminders_session")
    assert cookie is not None
    data = cookie.value
    compressed = data.startswith(".")
    payload = data.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.dumps(json.loads(zlib.decompress(raw) if compressed else raw), ensure_ascii=False)


def flashes(staff) -> list[str]:
    with staff.client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def leaks(text: str) -> list[str]:
    return [s for s in ("Ana", "555-0101", "5550101", "555-0142", "5550142", "555-01999",
                        "Please rest", "dizzy") if s in text]


@pytest.mark.parametrize(("path", "form", "said"), [
    ("phone", {"phone": NEW_PHONE}, "Phone number changed"),
    ("phone", {"phone": "312-555-01999"}, "Not done: New mobile number:"),
    ("texts", {"body": "Please rest today, Ana."}, "Sending now"),
    ("texts", {"body": "Please rest today, Ana.", "saved": "call-us"}, "Not sent"),
    ("notes", {"note": "Ana felt dizzy, called 312-555-0101"}, "Note added"),
])
def test_a_flash_message_names_no_phone_name_or_words(patient, kim, path, form, said):
    kim.get(f"/enrollments/{patient}")
    assert kim.post(f"/enrollments/{patient}/{path}", form).status_code == 302
    (message,) = flashes(kim)
    assert message.startswith(said), message
    assert leaks(message) == [] and leaks(cookie_payload(kim)) == []
    assert NOW  # the course's clock: the patient was enrolled at the injection
