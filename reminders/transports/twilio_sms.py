"""Twilio transport: the only module that imports `twilio`.

The REST client always has a timeout. `api_base_url` sends every REST call to another
base URL (Prism, or the loopback fake in the tests) through an injected HTTP client, so
no Twilio internals are patched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from reminders.clock import utcnow
from reminders.transports.base import (
    DeliveryUnknown,
    OutgoingText,
    Received,
    SendResult,
    TransportError,
)
from reminders.transports.twilio_codes import classify

LOOKUP_LIMIT = 200  # a patient gets about a dozen texts; this is far more than enough
MAX_VALIDITY_SECONDS = 36_000  # Twilio's upper bound for ValidityPeriod
DEFAULT_TIMEOUT = 10.0


class BaseUrlHttpClient(TwilioHttpClient):
    """A TwilioHttpClient that sends requests for *.twilio.com to `base_url` instead."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("twilio.com"):
            url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, *args, **kwargs)


def validity_seconds(expires_at: datetime, now: datetime) -> int:
    """ValidityPeriod that makes Twilio drop the text rather than deliver it after expiry."""
    return max(1, min(MAX_VALIDITY_SECONDS, int((expires_at - now).total_seconds())))


def _never_left(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before the request could be written."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


RECEIVED_PAGE = 1000  # Twilio's largest page: a backlog is listed in few round trips


class TwilioTransport:
    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, messaging_service_sid: str = "",
                 from_number: str = "", status_callback: str | None = None,
                 api_base_url: str = "", timeout: float = DEFAULT_TIMEOUT,
                 clock: Callable[[], datetime] = utcnow):
        if not (messaging_service_sid or from_number):
            raise ValueError("a Messaging Service SID or a From number is required")
        http = (BaseUrlHttpClient(api_base_url, timeout) if api_base_url
                else TwilioHttpClient(timeout=timeout))
        self.client = Client(account_sid, auth_token, http_client=http)
        self.sender = ({"messaging_service_sid": messaging_service_sid} if messaging_service_sid
                       else {"from_": from_number})
        self.status_callback = status_callback
        self.clock = clock

    def send(self, text: OutgoingText) -> SendResult:
        params = dict(to=text.to, body=text.body,
                      validity_period=validity_seconds(text.expires_at, self.clock()), **self.sender)
        if self.status_callback:  # our id rides along: a callback can settle an `unknown` text
            params["status_callback"] = f"{self.status_callback}?outbox={text.message_id}"
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise classify(exc.status, exc.code, exc.msg) from exc
        except requests.ConnectionError as exc:
            if _never_left(exc):
                raise TransportError(f"could not connect: {exc}") from exc
            raise DeliveryUnknown(f"connection lost after sending: {exc}") from exc
        except requests.Timeout as exc:  # a read timeout: the request was written
            raise DeliveryUnknown(f"no answer in time: {exc}") from exc
        except requests.RequestException as exc:
            raise DeliveryUnknown(f"{type(exc).__name__}: {exc}") from exc
        return SendResult(provider_sid=message.sid)

    def find(self, to: str, body: str, since: datetime) -> str | None:
        # Filter by recipient only: DateSent, the only date filter, is empty while a
        # message is queued, and a queued message is exactly what must not be missed.
        try:
            for message in self.client.messages.stream(to=to, limit=LOOKUP_LIMIT):
                if message.body == body and message.date_created and message.date_created >= since:
                    return message.sid
        except (TwilioRestException, requests.RequestException) as exc:
            raise TransportError(f"lookup failed: {exc}") from exc
        return None


    def received(self, to: str, since: datetime) -> list[Received]:
        # Twilio filters by the day sent (GMT), not the instant: ask from the start of
        # `since`'s day and keep the exact window here.
        day = datetime.combine(since.astimezone(UTC).date(), time.min, tzinfo=UTC)
        found = []
        try:
            for message in self.client.messages.stream(to=to, date_sent_after=day,
                                                       page_size=RECEIVED_PAGE):
                sent_at = message.date_sent or message.date_created
                if message.direction == "inbound" and sent_at is not None and sent_at >= since:
                    found.append(Received(sid=message.sid, sender=message.from_ or "",
                                          to=message.to or to, body=message.body or "",
                                          sent_at=sent_at))
        except (TwilioRestException, requests.RequestException) as exc:
            raise TransportError(f"listing received texts failed: {exc}") from exc
        return sorted(found, key=lambda m: m.sent_at)


def signature_is_valid(auth_token: str, url: str, params: dict[str, str], signature: str) -> bool:
    """Whether `signature` (X-Twilio-Signature) is Twilio's for this URL and form. Never
    with an empty token: anybody can sign with an empty key."""
    from twilio.request_validator import RequestValidator

    if not (auth_token and signature):
        return False
    return bool(RequestValidator(auth_token).validate(url, params, signature))


def twiml_reply(text: str | None) -> str:
    """TwiML answering an incoming text: one message, or none (an empty response)."""
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
