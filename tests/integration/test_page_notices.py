"""Each page round is also POSTed as HMAC-signed JSON to a configured chat or paging tool,
here a loopback receiver that checks the signature as a real one would."""

import hashlib
import hmac
import json
import threading
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from reminders.models import PageRound
from reminders.page_notices import MAX_ATTEMPTS, notify_rounds
from reminders.paging import page_due
from tests.integration.oncall import NIGHT, urgent

SECRET = "notice-test-secret"


class Receiver(ThreadingHTTPServer):
    """Answers `status` (a list the test may change); keeps what arrived and whether its
    signature held."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.got: list[tuple[dict, bool]] = []
        self.status = [204]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/pages"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers.get("X-Reminders-Timestamp", "")
        expected = "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-Reminders-Signature", ""))
        self.server.got.append((json.loads(body), valid))
        self.send_response(self.server.status[0])
        self.end_headers()


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_each_round_is_posted_once_signed_and_without_patient_data(engine, sessions, settings,
                                                                   team, receiver, patient):
    current = replace(settings, page_webhook_url=receiver.url, page_webhook_secret=SECRET,
                      public_base_url="https://clinic.example")
    flag_id = urgent(sessions)
    page_due(sessions, current, NIGHT)
    assert notify_rounds(engine, current, NIGHT) == 1
    assert notify_rounds(engine, current, NIGHT + timedelta(seconds=15)) == 0  # sent already
    [(notice, valid)] = receiver.got
    assert valid
    assert notice == {"id": notice["id"], "flag": flag_id, "kind": "red_flag",
                      "priority": "urgent", "round": 1, "paged": ["nora"],
                      "link": f"https://clinic.example/flags/{flag_id}",
                      "at": NIGHT.isoformat()}
    raw = json.dumps(notice)
    assert "Ana" not in raw and "555" not in raw  # no patient, no phone number
    with sessions() as session:
        assert session.scalar(select(PageRound.notified_at)) == NIGHT


def test_a_receiver_that_fails_is_tried_again_then_left(engine, sessions, settings, team,
                                                        receiver):
    current = replace(settings, page_webhook_url=receiver.url, page_webhook_secret=SECRET)
    urgent(sessions)
    page_due(sessions, current, NIGHT)
    receiver.status[0] = 503
    for n in range(MAX_ATTEMPTS + 2):
        assert notify_rounds(engine, current, NIGHT + timedelta(seconds=15 * n)) == 0
    assert len(receiver.got) == MAX_ATTEMPTS
    receiver.status[0] = 200
    assert notify_rounds(engine, current, NIGHT + timedelta(minutes=5)) == 0  # given up


def test_a_receiver_that_fails_once_gets_the_notice_on_the_next_tick(engine, sessions, settings,
                                                                     team, receiver):
    current = replace(settings, page_webhook_url=receiver.url, page_webhook_secret=SECRET)
    urgent(sessions)
    page_due(sessions, current, NIGHT)
    receiver.status[0] = 500
    assert notify_rounds(engine, current, NIGHT) == 0
    receiver.status[0] = 200
    assert notify_rounds(engine, current, NIGHT + timedelta(seconds=15)) == 1
    assert [n["round"] for n, _ in receiver.got] == [1, 1]  # the same notice, its id stable
    assert receiver.got[0][0]["id"] == receiver.got[1][0]["id"]


def test_without_a_url_nothing_is_posted(engine, sessions, settings, team, receiver):
    urgent(sessions)
    page_due(sessions, settings, NIGHT)
    assert notify_rounds(engine, settings, NIGHT) == 0
    assert receiver.got == []
