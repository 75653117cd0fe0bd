"""A loopback fake of Twilio's Messages API, for driving the real `twilio` client.

It checks Basic auth and the form fields Twilio checks, answers with Twilio-shaped JSON,
keeps what it accepted, lists it like `GET Messages.json`, fires signed status callbacks,
posts a patient's text to the webhook as Twilio does (once, within Twilio's timeout, and
again on request as a connection override's retry would) and keeps what each POST got
back: the status and the TwiML answer Twilio would text the patient,
serves the pictures of received messages at their media URLs (behind the same Basic auth,
directly or through a redirect to its "CDN", with or without a Content-Length), and
misbehaves on demand: latency, 429s, 5xx, a timeout after accepting, a connection
dropped after accepting.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from twilio.request_validator import RequestValidator

from reminders.core.segments import count_segments

ACCOUNT_SID = "AC" + "a1" * 16
AUTH_TOKEN = "fake-auth-token"
_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
_MEDIA = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages/MM[0-9a-f]{32}/Media/"
                    r"(ME[0-9a-f]{32})$")
_CDN = re.compile(r"^/cdn/(ME[0-9a-f]{32})$")

# Fault kinds for `FakeTwilio.fail_next`
RATE_LIMIT = "429"  # refused, not created
SERVER_ERROR = "500"  # refused, not created (but the client cannot know that)
SLOW_ACCEPT = "slow"  # created, then the answer comes after the client's timeout
DROP_AFTER_ACCEPT = "drop"  # created, then the connection is closed without an answer
INVALID_NUMBER = "21211"  # refused for good
OPTED_OUT = "21610"  # refused for good: the recipient replied STOP

WEBHOOK_TIMEOUT = 15.0  # seconds Twilio waits for a webhook's answer before giving up


@dataclass
class Accepted:
    sid: str
    to: str
    body: str
    sender: dict[str, str]
    status_callback: str | None
    validity_period: int | None
    date_created: datetime

    def as_json(self) -> dict:
        count = count_segments(self.body)
        return {
            "sid": self.sid, "account_sid": ACCOUNT_SID, "to": self.to, "body": self.body,
            "from": self.sender.get("From"),
            "messaging_service_sid": self.sender.get("MessagingServiceSid"),
            "status": "accepted" if "MessagingServiceSid" in self.sender else "queued",
            "num_segments": str(count.segments), "direction": "outbound-api",
            "date_created": format_datetime(self.date_created),
            "date_updated": format_datetime(self.date_created),
            "date_sent": None, "error_code": None, "error_message": None, "price": None,
            "api_version": "2010-04-01", "num_media": "0",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{self.sid}.json",
        }


@dataclass
class Incoming:
    """A text a patient sent to one of our numbers."""

    sid: str
    sender: str
    to: str
    body: str
    date_sent: datetime

    def as_json(self) -> dict:
        return {
            "sid": self.sid, "account_sid": ACCOUNT_SID, "to": self.to, "from": self.sender,
            "body": self.body, "status": "received", "direction": "inbound",
            "num_segments": "1", "num_media": "0", "messaging_service_sid": None,
            "date_created": format_datetime(self.date_sent),
            "date_updated": format_datetime(self.date_sent),
            "date_sent": format_datetime(self.date_sent), "error_code": None,
            "error_message": None, "price": None, "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{self.sid}.json",
        }


@dataclass(frozen=True)
class Delivery:
    """One POST of a received text to the webhook, as Twilio's debugger shows it: the
    HTTP status (None: no answer at all, the server refused, dropped the connection or was
    slower than Twilio's timeout) and the TwiML <Message> texts of a 200 answer, which are
    what Twilio then sends back to the patient."""

    sid: str
    status: int | None
    answers: tuple[str, ...] = ()


@dataclass
class Medium:
    content_type: str
    data: bytes
    with_length: bool = True  # send a Content-Length (else the body is chunked)
    redirect: str | None = None  # answer 307 to this address instead (None: serve it)


@dataclass
class FakeTwilio:
    latency: float = 0.0
    slow_seconds: float = 3.0
    accepted: list[Accepted] = field(default_factory=list)
    incoming: list[Incoming] = field(default_factory=list)
    requests: int = 0
    media: dict[str, Medium] = field(default_factory=dict)  # MediaSid → what is kept
    media_requests: int = 0  # GETs of a media URL or of the "CDN"
    deliveries: list[Delivery] = field(default_factory=list)  # webhook POSTs of received texts
    _faults: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, kind: str, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([kind] * times)

    def fire_status(self, sid: str, status: str, error_code: int | None = None) -> int:
        """POST a signed status callback for an accepted message to its StatusCallback,
        as Twilio does; returns the HTTP status the receiver answered."""
        message = next(m for m in self.accepted if m.sid == sid)
        params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
                  "AccountSid": ACCOUNT_SID, "To": message.to, "ApiVersion": "2010-04-01",
                  "From": message.sender.get("From", "")}
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return _post_signed(message.status_callback, params)

    def text_from_patient(self, sender: str, to: str, body: str, *, webhook: str | None = None,
                          at: datetime | None = None,
                          timeout: float = WEBHOOK_TIMEOUT) -> int | None:
        """A patient texts our number: Twilio keeps the message, then POSTs the signed
        webhook once (no retry) and waits `timeout` seconds for the answer. Returns the
        status the receiver answered, or None when it could not be reached (the service was
        down) or did not answer in time."""
        message = Incoming(sid="SM" + uuid.uuid4().hex, sender=sender, to=to, body=body,
                           date_sent=(at or datetime.now(UTC)).replace(microsecond=0))
        with self._lock:
            self.incoming.append(message)
        if webhook is None:
            return None
        return self._deliver(message, webhook, timeout)

    def redeliver(self, sid: str, webhook: str, *, timeout: float = WEBHOOK_TIMEOUT) -> int | None:
        """POST a received text to the webhook again, as Twilio does when the webhook URL
        carries connection overrides asking for retries (`#rc=1&rp=ct,rt`) and the first
        POST got no answer: the same MessageSid, the same signed form."""
        message = next(m for m in self.incoming if m.sid == sid)
        return self._deliver(message, webhook, timeout)

    def answers_to(self, sid: str) -> list[str]:
        """The texts Twilio sent back to the patient for this message (every delivery's)."""
        with self._lock:
            return [a for d in self.deliveries if d.sid == sid for a in d.answers]

    def _deliver(self, message: Incoming, webhook: str, timeout: float) -> int | None:
        params = {"MessageSid": message.sid, "SmsSid": message.sid, "AccountSid": ACCOUNT_SID,
                  "From": message.sender, "To": message.to, "Body": message.body,
                  "NumMedia": "0", "ApiVersion": "2010-04-01"}
        try:
            status, body = _post(webhook, params, timeout)
        except (OSError, http.client.HTTPException):  # refused, dropped or too slow: Twilio
            status, body = None, b""  # logs it and moves on
        answers = _twiml_messages(body) if status == 200 else ()
        with self._lock:
            self.deliveries.append(Delivery(message.sid, status, answers))
        return status

    def add_media(self, base_url: str, content_type: str, data: bytes, *,
                  with_length: bool = True, via_cdn: bool = False,
                  redirect: str | None = None) -> str:
        """Keep a picture as Twilio keeps a received MMS's; returns its media URL. With
        `via_cdn` the URL redirects to this fake's /cdn/ (as Twilio redirects to its CDN);
        `redirect` sends the client to any other address instead."""
        media_sid = "ME" + uuid.uuid4().hex
        if via_cdn:
            redirect = f"{base_url}/cdn/{media_sid}"
        with self._lock:
            self.media[media_sid] = Medium(content_type, data, with_length, redirect)
        return (f"{base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM{uuid.uuid4().hex}"
                f"/Media/{media_sid}")

    def _next_fault(self) -> str | None:
        with self._lock:
            self.requests += 1
            return self._faults.popleft() if self._faults else None

    def _accept(self, form: dict[str, str]) -> Accepted:
        sender = {k: form[k] for k in ("From", "MessagingServiceSid") if k in form}
        message = Accepted(sid="SM" + uuid.uuid4().hex, to=form["To"], body=form["Body"],
                           sender=sender, status_callback=form.get("StatusCallback"),
                           validity_period=int(form["ValidityPeriod"]) if "ValidityPeriod" in form
                           else None, date_created=datetime.now(UTC))
        with self._lock:
            self.accepted.append(message)
        return message


def _post_signed(url: str, params: dict[str, str]) -> int:
    """POST `params` to `url` signed as Twilio signs its webhooks; the HTTP status."""
    return _post(url, params, timeout=10)[0]


def _post(url: str, params: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST `params` to `url` signed as Twilio signs its webhooks: the status and body."""
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    request = urllib.request.Request(url, data=urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, b""


def _twiml_messages(body: bytes) -> tuple[str, ...]:
    """The texts of a TwiML answer's <Message> verbs (what Twilio sends back)."""
    if not body.strip():
        return ()
    return tuple("".join(m.itertext()) for m in ET.fromstring(body).iter("Message"))


def _sent(message: Accepted | Incoming) -> datetime:
    return message.date_sent if isinstance(message, Incoming) else message.date_created


def _error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {"code": code, "message": message, "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # http.server writes headers and body separately; without NODELAY, Nagle holds the
        # body until the client's delayed ACK (~40 ms): a stall real Twilio does not have.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # keep test output clean
        pass

    def _authorised(self, account: str) -> bool:
        header = self.headers.get("Authorization", "")
        expected = base64.b64encode(f"{account}:{AUTH_TOKEN}".encode()).decode()
        return account == ACCOUNT_SID and header == f"Basic {expected}"

    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _route(self) -> str | None:
        match = _MESSAGES.match(urlsplit(self.path).path)
        if not match:
            self._answer(*_error(404, 20404, "The requested resource was not found"))
            return None
        if not self._authorised(match.group(1)):
            self._answer(*_error(401, 20003, "Authenticate"))
            return None
        return match.group(1)

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self._route() is None:
            return
        time.sleep(fake.latency)
        fault = fake._next_fault()
        if "To" not in form or "Body" not in form:
            return self._answer(*_error(400, 21604, "A 'To' phone number and 'Body' are required"))
        if not ("From" in form) ^ ("MessagingServiceSid" in form):
            return self._answer(*_error(400, 21603, "A 'From' or 'MessagingServiceSid' is required"))
        validity = form.get("ValidityPeriod")
        if validity is not None and not (validity.isdigit() and 1 <= int(validity) <= 36000):
            return self._answer(*_error(400, 21623, "ValidityPeriod must be 1 to 36000"))
        if fault == RATE_LIMIT:
            return self._answer(*_error(429, 20429, "Too Many Requests"))
        if fault == SERVER_ERROR:
            return self._answer(*_error(500, 20500, "Internal Server Error"))
        if fault == INVALID_NUMBER:  # Twilio's own words quote the number
            return self._answer(*_error(400, 21211, f"The 'To' number {form['To']} is not a "
                                        "valid phone number."))
        if fault == OPTED_OUT:
            return self._answer(*_error(400, 21610, "Attempt to send to unsubscribed recipient"))
        message = fake._accept(form)
        if fault == DROP_AFTER_ACCEPT:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return None
        if fault == SLOW_ACCEPT:
            time.sleep(fake.slow_seconds)
        return self._answer(201, message.as_json())

    def _medium(self) -> None:
        fake = self.server.fake
        path = urlsplit(self.path).path
        media, cdn = _MEDIA.match(path), _CDN.match(path)
        with fake._lock:
            fake.media_requests += 1
            medium = fake.media.get((media or cdn).group(media.lastindex if media else 1))
        if media and not self._authorised(media.group(1)):
            return self._answer(*_error(401, 20003, "Authenticate"))
        if cdn and "Authorization" in self.headers:  # the CDN is never sent the credentials
            return self._answer(*_error(400, 0, "credentials sent to the CDN"))
        if medium is None:
            return self._answer(*_error(404, 20404, "The requested resource was not found"))
        if media and medium.redirect:
            self.send_response(307)
            self.send_header("Location", medium.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self.send_response(200)
        self.send_header("Content-Type", medium.content_type)
        if medium.with_length:
            self.send_header("Content-Length", str(len(medium.data)))
            self.end_headers()
            self.wfile.write(medium.data)
            return None
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(medium.data), 65536):
            piece = medium.data[start:start + 65536]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        return None

    def do_GET(self):
        fake = self.server.fake
        path = urlsplit(self.path).path
        if _MEDIA.match(path) or _CDN.match(path):
            return self._medium()
        if self._route() is None:
            return
        time.sleep(fake.latency)
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        with fake._lock:
            found: list[Accepted | Incoming] = [
                m for m in [*fake.accepted, *fake.incoming] if m.to == query.get("To", m.to)]
        if "DateSent>" in query:  # Twilio compares the day sent (GMT), not the instant
            day = datetime.fromisoformat(query["DateSent>"]).date()
            found = [m for m in found if _sent(m).date() >= day]
        found.sort(key=_sent, reverse=True)  # newest first, as Twilio lists them
        size = min(int(query.get("PageSize", 50)), 1000)
        page = int(query.get("Page", 0))
        path = urlsplit(self.path).path
        shown = found[page * size:(page + 1) * size]
        more = (page + 1) * size < len(found)
        next_uri = f"{path}?{urlencode({**query, 'Page': page + 1, 'PageSize': size})}" if more \
            else None
        self._answer(200, {
            "messages": [m.as_json() for m in shown], "page": page, "page_size": size,
            "first_page_uri": path, "next_page_uri": next_uri, "previous_page_uri": None,
            "uri": path, "start": page * size, "end": page * size + max(len(shown) - 1, 0)})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeTwilio):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake

    def handle_error(self, request, client_address):
        # A client that stops reading on purpose (an oversize picture refused mid-stream)
        # closes the connection under the handler: as Twilio would, carry on quietly.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeTwilioServer:
    """Context manager: `with FakeTwilioServer() as server:` then `server.base_url`."""

    def __init__(self, fake: FakeTwilio | None = None):
        self.fake = fake or FakeTwilio()
        self._server = _Server(self.fake)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeTwilioServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
