"""No patient's number (in any format) and no message body reaches the logs: a whole
course through the loopback fake of Twilio (enrolment, texts, delivery callbacks, replies
with a red flag, a provider refusal quoting the number, a dropped connection settled by
reconciliation, a backfill, a database error), logged at INFO with SQLAlchemy's statements
on, on both databases, as `configure_logging` writes it, text and JSON."""

import io
import json
import logging
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from reminders.backfill import Backfiller
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.inbound import Inbox
from reminders.log_setup import configure_logging
from reminders.models import Patient
from reminders.reconciler import recover
from reminders.transports.twilio_sms import TwilioTransport
from reminders.web import create_app
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, DROP_AFTER_ACCEPT, INVALID_NUMBER
from tests.integration.helpers import NOW, dispatcher, form
from tests.integration.processes import free_port

OURS = "+13125550199"
PATIENTS = {"Ana": "(312) 555-0101", "Ben": "312.555.0102", "Cy": "312 555 0103"}
REPLIES = ["2", "I have a fever of 102 and chills", "call me on 312-555-0166 please",
           "my hip is swollen and red"]


def shapes(e164: str) -> list[str]:
    """Every way a log line could spell this US number."""
    d = e164[2:]
    area, mid, last = d[:3], d[3:6], d[6:]
    return [e164, e164[1:], d, f"({area}) {mid}-{last}", f"{area}-{mid}-{last}",
            f"{area}.{mid}.{last}", f"{area} {mid} {last}", f"%2B{e164[1:]}", f"{mid}-{last}",
            f"{mid}{last}", f"1-{area}-{mid}-{last}"]


class Everything(logging.Handler):
    """Every record as it was logged, before any masking."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        plain = logging.Formatter()
        return "\n".join(f"{r.name} {r.getMessage()}"
                         + (plain.formatException(r.exc_info) if r.exc_info else "")
                         for r in self.records)


@pytest.fixture
def logs():
    root, quiet = logging.getLogger(), {n: logging.getLogger(n).level
                                        for n in ("sqlalchemy.engine", "twilio", "twilio.http_client")}
    level, before = root.level, list(root.handlers)
    raw, out = Everything(), io.StringIO()
    root.addHandler(raw)  # first: it sees each record before the masking handler does
    handler = configure_logging("INFO", "text", stream=out)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement
    yield raw, out, handler
    root.handlers[:] = before
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def live(sessions, settings, protocols):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(replace(settings, public_base_url=url, twilio_auth_token=AUTH_TOKEN),
                     sessions, protocols)
    clock = [NOW]
    app.extensions["reminders"]["clock"] = lambda: clock[0]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, clock
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_a_whole_course_with_replies_and_errors_logs_no_number_and_no_body(
        engine, sessions, svc, protocols, settings, twilio, live, logs):
    raw, out, handler = logs
    url, clock = live
    fake = twilio.fake

    def transport():
        return TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=OURS,
                               api_base_url=twilio.base_url, timeout=2.0,
                               status_callback=f"{url}/twilio/status", clock=lambda: clock[0])

    ids = {name: enroll(svc, form(first_name=name, phone=phone, injected_at=NOW,
                                  baseline_pain="8"), CONSENT_TAKER, NOW)
           for name, phone in PATIENTS.items()}
    numbers = ["+1" + "".join(ch for ch in p if ch.isdigit()) for p in PATIENTS.values()]

    # The first text is refused quoting the number, the second accepted but the connection
    # dropped (settled by reconciliation), the rest delivered or undelivered by callback.
    fake.fail_next(INVALID_NUMBER)
    fake.fail_next(DROP_AFTER_ACCEPT)
    for minutes in (5, 40, 24 * 60, 2 * 24 * 60):
        clock[0] = NOW + timedelta(minutes=minutes)
        dispatcher(engine, clock[0], transport()).run_once()
        recover(engine, transport(), clock[0] + timedelta(minutes=3))
    assert len(fake.accepted) >= 4
    for i, message in enumerate(fake.accepted):
        assert fake.fire_status(message.sid, "delivered" if i % 2 else "undelivered",
                                None if i % 2 else 30003) == 204

    clock[0] = NOW + timedelta(minutes=50)
    for body in REPLIES:
        assert fake.text_from_patient(numbers[1], OURS, body,
                                      webhook=f"{url}/twilio/inbound") == 200
    # Sent while the service was down, recovered from the provider's list
    fake.text_from_patient(numbers[2], OURS, "is it ok to shower tonight?",
                           webhook="http://127.0.0.1:9/off", at=clock[0])
    Backfiller(Inbox(sessions, protocols, settings), transport(), [OURS],
               clock[0] - timedelta(hours=1)).run(clock[0] + timedelta(minutes=5))

    # A database error with a patient's number among its parameters, logged as code would
    with pytest.raises(IntegrityError), sessions() as session:
        try:
            session.add(Patient(first_name="Ana", phone=numbers[0], language="en",
                                timezone="America/Chicago"))
            session.flush()
        except IntegrityError:
            logging.getLogger("reminders.test").exception("could not store the patient")
            raise

    handler.flush()
    written = out.getvalue()
    every = raw.text()
    bodies = REPLIES[1:] + ["is it ok to shower tonight?"] + [m.body for m in fake.accepted]
    assert "could not store the patient" in written and "IntegrityError" in written
    assert "INSERT INTO patients" in written  # the statement is logged, its values are not
    assert "SQL parameters hidden" in every
    assert not [r for r in raw.records if r.name.startswith("twilio")
                and r.levelno < logging.WARNING]  # the client's `To`-quoting lines
    for number in [*numbers, "+13125550166"]:
        leaked = [shape for shape in shapes(number) if shape in written]
        assert not leaked, (number, leaked)
    for body in bodies:
        for text in (written, every):  # a body cannot be masked: it must never be logged
            assert body not in text and body[:40] not in text, body
    assert len(ids) == 3 and len(written.splitlines()) > 100  # it did log, a lot


def test_json_logs_are_one_masked_object_per_line(logs):
    assert logs  # the root logger restored afterwards
    out = io.StringIO()
    configure_logging("INFO", "json", stream=out)
    log = logging.getLogger("reminders.test")
    log.info("texting %s", "+13125550101")
    try:
        raise ValueError("The 'To' number (312) 555-0101 is not a valid phone number.")
    except ValueError:
        log.exception("send failed for 312-555-0101")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {"time": first["time"], "level": "INFO", "logger": "reminders.test",
                     "message": "texting +*********01", "exception": None}
    assert first["time"].endswith("+00:00")
    assert second["message"] == "send failed for ***-***-**01"
    assert "(***) ***-**01" in second["exception"] and "555" not in second["exception"]
