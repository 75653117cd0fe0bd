"""The real transport's requests, checked by Prism against Twilio's OpenAPI description."""

from datetime import UTC, datetime, timedelta

import pytest

from reminders.transports.base import OutgoingText
from reminders.transports.twilio_sms import TwilioTransport

ACCOUNT = "AC" + "0" * 32
NOW = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


def transport(prism_url, **sender) -> TwilioTransport:
    return TwilioTransport(account_sid=ACCOUNT, auth_token="contract-token",
                           api_base_url=prism_url, timeout=10.0, clock=lambda: NOW,
                           status_callback="https://clinic.example/twilio/status",
                           **(sender or {"messaging_service_sid": "MG" + "1" * 32}))


TEXT = OutgoingText(message_id=42, to="+13125550101", body="Example Pain Clinic: hello",
                    segments=1, expires_at=NOW + timedelta(hours=2))


@pytest.mark.parametrize("sender", [{"messaging_service_sid": "MG" + "1" * 32},
                                    {"from_number": "+13125550100"}])
def test_the_create_request_is_accepted_by_the_spec(prism_url, sender):
    result = transport(prism_url, **sender).send(TEXT)  # the client raises on any error status
    assert result.provider_sid.startswith(("SM", "MM"))


def test_the_reconciler_list_request_is_accepted_by_the_spec(prism_url):
    t = transport(prism_url)
    t.find(TEXT.to, TEXT.body, NOW - timedelta(minutes=5))  # raises TransportError unless 2xx
    response = t.client.request("GET", MESSAGES, params={"To": TEXT.to, "PageSize": 50})
    assert response.status_code == 200


def test_a_deliberately_broken_create_request_gets_422(prism_url):
    t = transport(prism_url)
    assert t.client.request("POST", MESSAGES, data={
        "To": TEXT.to, "MessagingServiceSid": "MG" + "1" * 32, "Body": "x"}).status_code == 201
    response = t.client.request("POST", MESSAGES, data={"Body": "no recipient, no sender"})
    assert response.status_code == 422
    response = t.client.request("POST", MESSAGES, data={
        "To": "+13125550101", "From": "+13125550100", "Body": "x", "ValidityPeriod": "forever"})
    assert response.status_code == 422
