"""Whatever a phone (or anyone) posts to the signed webhook: never a 500, and the message
stored exactly as it arrived."""

from dataclasses import replace
from itertools import count
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import Reply
from reminders.web import create_app
from tests.integration.helpers import NOW, dispatcher, form

BASE = "https://clinic.example"
TOKEN = "fuzz-token"
FRAGMENTS = ["'; DROP TABLE replies; --", "<script>alert(1)</script>", "]]></Message>",
             "%00", "\x00", "\u202e", "STOP", "HELP", "START", "4-6", "fever", "😷🤒",
             "\r\n", "𝟕/𝟏𝟎", "ｔｈｒｅｅ", "١٢", "NULL", "{{7*7}}", "&amp;", "\ud7ff"]

bodies = st.one_of(
    st.text(max_size=1600),
    st.text(alphabet=st.characters(max_codepoint=0x1f), max_size=50),  # control characters
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map(" ".join),
    st.just("x" * 1600), st.just("😀" * 1600), st.just(""),
)
senders = st.sampled_from(["+13125550101", "+13125550177", "", "not a number", "+1", "3125550101"])
extras = st.dictionaries(st.text(min_size=1, max_size=20).map(lambda k: "X" + k),
                         st.text(max_size=100), max_size=5)


@pytest.fixture
def client(engine, sessions, settings, protocols, svc):
    enroll(svc, form(injected_at=NOW, baseline_pain="8"), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW).run_once()
    app = create_app(replace(settings, public_base_url=BASE, twilio_auth_token=TOKEN),
                     sessions, protocols)
    return app.test_client()


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, sender=senders, extra=extras, with_opt_out_type=st.booleans())
def test_any_body_and_parameters_are_stored_exactly_never_a_500(client, sessions, body, sender,
                                                                extra, with_opt_out_type):
    sid = f"SMfuzz{next(SIDS):028d}"
    params = {**extra, "MessageSid": sid, "From": sender, "To": "+13125550199", "Body": body}
    if with_opt_out_type:
        params["OptOutType"] = "HELP"
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/twilio/inbound", params)
    response = client.post("/twilio/inbound", data=params,
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.data
    with sessions() as session:
        stored = session.scalars(select(Reply).where(Reply.message_sid == sid)).one()
    received = parse_qs(stored.raw.decode("utf-8"), keep_blank_values=True)
    assert received["Body"] == [body]
    assert {k: v[0] for k, v in received.items()} == params
    assert stored.body == body.replace("\x00", "\ufffd")  # text columns cannot hold NUL
    assert stored.from_number == sender.replace("\x00", "\ufffd")
    assert stored.processed_at is not None


SIDS = count()
