"""The acceptance fault matrix of issue 12, "No silent failure between a patient and the
clinic": every fault below, on SQLite and on PostgreSQL, and afterwards every reply is
stored and read exactly once, every red flag is raised and paged, nothing is answered twice.

One scenario for every case. Ana is enrolled (baseline pain 8) and was sent the pain
check at 18:00 UTC; its reply window closes at 20:00. She answers in its last minute, three
texts ten seconds apart: "3" (her score), "fever 102 and short of breath" and "my hip is
red and swollen now" (both red flags, by the symptom words of schedules.yaml). Her phone is
the loopback fake of Twilio: it keeps each text as the provider keeps it (what the
backfill lists) and posts it, signed, to the web app served on loopback (the service),
waiting as long as Twilio waits; it keeps what each POST got back, and the TwiML answer of
a 200 is what Twilio texts her (`FakeTwilio.deliveries`). The worker's ticks, the reply
sweep every 30 s and the backfill every 5 minutes, are called on a virtual clock.

The faults: (a) the flags INSERT fails once, then works; (b) the answer never reaches
Twilio; (c) the web process is killed (SIGKILL) between storing a text and reading it;
(d) the database is locked for 30 s, with the service's own lock waits and with waits
shorter than the lock; (e) the service is down for ten minutes. Each case injects its
fault, checks that it bit (the state it leaves before recovery), lets the ticks run for
half an hour (with the dispatch tick, which pages the person on call, nora, about the red
flag) and ends in `assert_every_reply_heard`.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import event, func, select
from werkzeug.serving import make_server

from reminders.backfill import Backfiller
from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.core.triage import FlagKind, Priority
from reminders.db import make_engine, session_factory
from reminders.dispatcher import Dispatcher
from reminders.models import Enrollment, Flag, PageRound, Reply, flag_replies
from reminders.paging import page_due
from reminders.reply_sweep import sweep_replies
from reminders.transports.twilio_sms import TwilioTransport
from reminders.web import create_app
from tests.conftest import PG_SCHEMA, POSTGRES_URL
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, FakeTwilioServer
from tests.integration.helpers import NOW
from tests.integration.injected import failing
from tests.integration.oncall import MOBILES
from tests.integration.processes import Output, Workers, free_port, worker_env
from tests.integration.texting import PATIENT, answers, play_to, rows

OURS = "+13125550199"
SCORE, FEVER, SWOLLEN = "3", "fever 102 and short of breath", "my hip is red and swollen now"
RED = (FEVER, SWOLLEN)
PARKED_WEBHOOK = Path(__file__).with_name("parked_webhook.py")
GAVE_UP = 0.5  # Twilio's webhook timeout (15 s), where a case makes the service slower than it
SWEEP, BACKFILL = timedelta(seconds=30), timedelta(minutes=5)  # scheduler.py's ticks


class Answer(NamedTuple):
    """What the service made of a text's answer: the kind it recorded (the protocol's
    answer, "fallback", or None) and whether it reached her phone (Twilio got the TwiML)."""

    kind: str | None
    reached: bool


NONE = Answer(None, False)  # nothing answered, nothing recorded


def sent(kind: str) -> Answer:
    return Answer(kind, True)


def lost(kind: str) -> Answer:
    """Recorded as the answer, never delivered: Twilio had stopped waiting for it."""
    return Answer(kind, False)


class Service:
    """The web app on a loopback port, on the test's clock. It counts the requests it has
    finished, and can hold its answers back (`hold`) until the caller has stopped waiting."""

    def __init__(self, sessions, settings, protocols, clock: list[datetime]):
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.app = create_app(replace(settings, public_base_url=self.url,
                                      twilio_auth_token=AUTH_TOKEN), sessions, protocols)
        self.app.extensions["reminders"]["clock"] = lambda: clock[0]
        self.inbox = self.app.extensions["reminders"]["inbox"]
        self.hold: threading.Event | None = None
        self.finished = 0
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def webhook(self) -> str:
        return f"{self.url}/twilio/inbound"

    def _wsgi(self, environ, start_response):
        try:
            result = self.app(environ, start_response)  # stored, read, answered
            try:
                body = b"".join(result)
            finally:
                result.close()
            if self.hold is not None:
                self.hold.wait(timeout=10)
            return [body]
        finally:
            with self._done:
                self.finished += 1
                self._done.notify_all()

    def wait_finished(self, requests: int) -> None:
        """Until `requests` requests have been answered (bounded: a hang fails the test)."""
        with self._done:
            assert self._done.wait_for(lambda: self.finished >= requests, timeout=20), (
                f"{self.finished} of {requests} webhook requests finished")

    def close(self) -> None:
        self.server.shutdown()
        self._thread.join(timeout=10)
        self.server.server_close()


@dataclass
class Scene:
    engine: object
    sessions: object
    settings: object
    protocols: object
    hip: object
    enrollment: int
    question: int  # the pain check's outbox id
    asked: datetime  # when the pain check went out
    twilio: FakeTwilioServer
    service: Service
    clock: list[datetime]
    tmp_path: object
    db_url: str
    worker_started: datetime = NOW  # when the worker whose ticks recover replies started
    posted: int = 0  # webhook requests sent to `service`
    extra: list = field(default_factory=list)  # things to close at the end

    @property
    def fake(self) -> FakeTwilio:
        return self.twilio.fake

    def text(self, body: str, at: datetime, *, webhook: str | None = None,
             timeout: float = 15.0, wait: bool = True) -> int | None:
        """Ana texts `body` at `at`: the provider keeps it and posts it to `webhook` (the
        service's unless given); the status the webhook answered, None for no answer."""
        self.clock[0] = at
        to_service = webhook is None
        status = self.fake.text_from_patient(PATIENT, OURS, body, at=at, timeout=timeout,
                                             webhook=self.service.webhook if to_service else webhook)
        if to_service:
            self.posted += 1
            if wait:
                self.service.wait_finished(self.posted)
        return status

    def sid(self, body: str) -> str:
        (sid,) = [m.sid for m in self.fake.incoming if m.body == body]
        return sid

    def reply(self, body: str) -> Reply | None:
        with self.sessions() as session:
            return session.scalar(select(Reply).where(Reply.message_sid == self.sid(body)))

    def red_flag_replies(self) -> list[str]:
        """The bodies of the replies linked to a red flag so far."""
        with self.sessions() as session:
            return sorted(session.scalars(
                select(Reply.body).join(flag_replies, flag_replies.c.reply_id == Reply.id)
                .join(Flag, Flag.id == flag_replies.c.flag_id)
                .where(Flag.kind == FlagKind.RED_FLAG)))

    def answer(self, kind: str) -> str:
        return answers(self.hip, self.settings, kind)

    def recover(self, start: datetime, minutes: int = 30) -> dict[str, int]:
        """The worker's ticks from `start` for `minutes`, on the virtual clock: the reply
        sweep every 30 s and the backfill every 5 minutes (both counted from when the worker
        started, as APScheduler runs them); the total of what they did."""
        inbox = self.service.inbox
        provider = TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                   from_number=OURS, api_base_url=self.twilio.base_url,
                                   timeout=2.0, clock=lambda: start)
        backfiller = Backfiller(inbox, provider, [OURS], self.worker_started)
        ticks = -(-(start - self.worker_started) // SWEEP)  # the first tick at or after start
        at = self.worker_started + ticks * SWEEP
        total: dict[str, int] = {}
        while at <= start + timedelta(minutes=minutes):
            self.clock[0] = at
            if (at - self.worker_started) % BACKFILL == timedelta(0):
                counts = backfiller.run(at)
                total["recovered"] = total.get("recovered", 0) + counts.recovered
                total["not_listed"] = total.get("not_listed", 0) + counts.failed
            for key, n in sweep_replies(inbox, self.settings.reply_max_attempts, at).items():
                total[key] = total.get(key, 0) + n
            # the dispatch tick: page rounds due, then every due text (pages included)
            page_due(self.sessions, self.settings, at)
            Dispatcher(self.engine, provider, clock=lambda t=at: t).run_once()
            at += SWEEP
        return total


# When Ana sends each text, after the pain check (18:00; its window closes at 20:00).
WHEN = {SCORE: timedelta(hours=1, minutes=59), FEVER: timedelta(hours=1, minutes=59, seconds=10),
        SWOLLEN: timedelta(hours=1, minutes=59, seconds=20)}


def at(scene: Scene, body: str) -> datetime:
    return scene.asked + WHEN[body]


# --- the faults ---------------------------------------------------------------------------

def flags_insert_fails_once(scene: Scene) -> dict[str, Answer]:
    """(a) The first INSERT INTO flags fails (a full disk, a dropped connection), then the
    database works again. The red-flag reply it hit gets the fallback answer and is read
    by the sweep 30 s later; the next red flag opens the flag the first one then joins."""
    with failing(scene.engine, "INSERT INTO FLAGS", times=1):
        for body in (SCORE, FEVER, SWOLLEN):
            assert scene.text(body, at(scene, body)) == 200
    hit = scene.reply(FEVER)
    assert hit.processed_at is None and hit.attempts == 1 and hit.last_error == "OperationalError"
    assert hit.response_kind == "fallback"
    assert scene.red_flag_replies() == [SWOLLEN]  # the fever is not flagged yet

    done = scene.recover(at(scene, SWOLLEN))
    assert done == {"read": 1, "recovered": 0, "not_listed": 0}
    return {SCORE: NONE, FEVER: sent("fallback"), SWOLLEN: sent("red_flag")}


def answer_never_reaches_twilio(scene: Scene) -> dict[str, Answer]:
    """(b) The answer cannot be sent. In this design the answer is the webhook's HTTP
    response (TwiML) and Twilio sends it; the service never calls the Messages API for it.
    So it fails when that response does not reach Twilio: here the service reads the fever
    reply, raises its flag and commits, but answers after Twilio stopped waiting (its 15 s
    timeout; a dropped connection is the same to both sides). Twilio sends nothing, and as
    with connection overrides asking for retries (`#rc=2&rp=ct,rt`) posts the text again:
    the same MessageSid is not read again, and that post gets the answer recorded for it
    (Twilio posts again only when the first answer did not reach it). The patient is
    answered once; her red flag reaches the clinic."""
    assert scene.text(SCORE, at(scene, SCORE)) == 200
    scene.service.hold = threading.Event()
    assert scene.text(FEVER, at(scene, FEVER), timeout=GAVE_UP, wait=False) is None
    scene.service.hold.set()  # the answer goes out now, to nobody
    scene.service.wait_finished(scene.posted)
    scene.service.hold = None
    hit = scene.reply(FEVER)
    assert hit.processed_at is not None and hit.response_kind == "red_flag"
    assert scene.fake.answers_to(scene.sid(FEVER)) == []

    assert scene.fake.redeliver(scene.sid(FEVER), scene.service.webhook) == 200
    scene.posted += 1
    scene.service.wait_finished(scene.posted)
    assert scene.fake.answers_to(scene.sid(FEVER)) == [scene.answer("red_flag")]
    assert scene.reply(FEVER).processed_at == hit.processed_at
    assert scene.text(SWOLLEN, at(scene, SWOLLEN)) == 200

    assert scene.recover(at(scene, SWOLLEN)) == {"recovered": 0, "not_listed": 0}
    return {SCORE: NONE, FEVER: sent("red_flag"), SWOLLEN: sent("red_flag")}


def killed_between_storing_and_reading(scene: Scene) -> dict[str, Answer]:
    """(c) The web process is killed (SIGKILL) after it stored the score, before reading it.

    A real process: `worker.py --web-only` run by tests/integration/parked_webhook.py,
    whose only changes are a clock standing at the text's time and a stop at the reading's
    first statement (inside its transaction, after the store committed) until the kill.
    Twilio's POST loses its connection: no answer. The service is restarted (the loopback
    one) for the next texts; the reply sweep reads the score after the webhook's minute,
    by then after the pain check's window closed: it still answers the pain check, the
    question that was open when she sent it."""
    port = free_port()
    workers = Workers()
    scene.extra.append(workers.kill_all)
    env = worker_env(scene.db_url, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                     PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    proc = workers.start(scene.tmp_path, env, at(scene, SCORE).isoformat(), "--web-only",
                         "--port", str(port), script=PARKED_WEBHOOK)
    output = Output(proc)
    assert output.wait_for("err", "web app on", timeout=60), output.text
    statuses: list[int | None] = []
    posting = threading.Thread(target=lambda: statuses.append(scene.text(
        SCORE, at(scene, SCORE), webhook=f"http://127.0.0.1:{port}/twilio/inbound")))
    posting.start()
    try:
        assert output.wait_for("out", "parked", timeout=60), output.text
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        posting.join(timeout=30)
        output.join()
    assert statuses == [None]  # the connection died with the process: no answer
    stored = scene.reply(SCORE)
    assert stored is not None and stored.processed_at is None and stored.attempts == 0
    health = scene.service.app.test_client().get("/healthz").get_json()
    assert health["unread_replies"] == 1

    for body in (FEVER, SWOLLEN):
        assert scene.text(body, at(scene, body)) == 200
    assert scene.reply(SCORE).processed_at is None  # nobody reads it during the webhook's minute
    assert scene.recover(at(scene, SWOLLEN)) == {"read": 1, "recovered": 0, "not_listed": 0}
    # read at 20:00:00, the webhook's minute after she sent it: the window has just closed
    assert scene.reply(SCORE).processed_at == at(scene, SCORE) + timedelta(minutes=1)
    return {SCORE: NONE, FEVER: sent("red_flag"), SWOLLEN: sent("red_flag")}


@contextmanager
def locked(engine, tables: str) -> Iterator[object]:
    """Another connection holds a lock: on SQLite the write lock of the whole database
    (BEGIN IMMEDIATE, as every transaction of the service begins; readers go on), on
    PostgreSQL, which has no database-wide lock, an ACCESS EXCLUSIVE lock on `tables` (as a
    migration altering them takes)."""
    url = engine.url.render_as_string(hide_password=False)
    holder = make_engine(url) if engine.dialect.name == "sqlite" else engine
    try:
        with holder.connect() as conn, conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
            yield conn  # the holder: it can read what others cannot write
    finally:
        if holder is not engine:
            holder.dispose()


def locked_while_the_webhook_waits(scene: Scene) -> dict[str, Answer]:
    """(d) The database is locked for 30 s (19:58:55 to 19:59:25) while the three texts
    come, with the service's own lock waits (SQLite's busy timeout of 30 s, PostgreSQL
    without a lock timeout): each webhook waits for the lock, and Twilio stops waiting
    first (its 15 s; here half a second, with the lock held until every POST has given
    up, so it does not take 30 real seconds). On PostgreSQL the lock is on the replies and
    flags tables, every table a text is written to first. When the lock is gone each text
    is stored and read once, and its answer goes out to nobody: none reaches her."""
    with locked(scene.engine, "replies, flags") as holder:
        for body in (SCORE, FEVER, SWOLLEN):
            assert scene.text(body, at(scene, body), timeout=GAVE_UP, wait=False) is None
        # Twilio has given up on all three, and none is stored yet: each webhook waits
        assert holder.scalar(select(func.count()).select_from(Reply)) == 0
    scene.service.wait_finished(scene.posted)
    assert scene.recover(at(scene, SWOLLEN)) == {"recovered": 0, "not_listed": 0}
    return {SCORE: NONE, FEVER: lost("red_flag"), SWOLLEN: lost("red_flag")}


@contextmanager
def impatient_sessions(engine) -> Iterator[object]:
    """Sessions whose connections give up on a lock after 0.2 s instead of 30 s."""
    if engine.dialect.name == "sqlite":
        short = make_engine(engine.url.render_as_string(hide_password=False))
        event.listen(short, "connect", lambda dbapi, _record: dbapi.execute(
            "PRAGMA busy_timeout = 200"))
    else:
        short = make_engine(POSTGRES_URL, connect_args={
            "options": f"-csearch_path={PG_SCHEMA} -c lock_timeout=200"})
    try:
        yield session_factory(short)
    finally:
        short.dispose()


def locked_longer_than_the_webhook_waits(scene: Scene) -> dict[str, Answer]:
    """(d) The database is locked for 30 s, and the service's lock waits are shorter than
    that (0.2 s here, for 30 s: the SQLite busy timeout a lock can outlast, a PostgreSQL
    lock_timeout), so the first attempt fails while the lock is held. On SQLite the
    texts cannot even be stored: the webhook answers 500, Twilio does not retry, and the
    backfill, at the worker's next 5-minute tick, stores and reads them without answering.
    On PostgreSQL they are stored; the score is read at once, the red flags fail on the
    locked flags table (locked alone, as a migration of that table would), get the fallback
    and are read by the sweep after the lock."""
    sqlite = scene.engine.dialect.name == "sqlite"
    with locked(scene.engine, "flags"):
        for body in (SCORE, FEVER, SWOLLEN):
            assert scene.text(body, at(scene, body)) == (500 if sqlite else 200)
        # a sweep tick during the lock costs no attempt
        assert sweep_replies(scene.service.inbox, scene.settings.reply_max_attempts,
                             at(scene, SWOLLEN)) == ({"busy": 1} if sqlite else {})
    if sqlite:
        assert [scene.reply(body) for body in (SCORE, FEVER, SWOLLEN)] == [None] * 3
    else:
        assert scene.reply(SCORE).processed_at is not None
        assert [scene.reply(b).response_kind for b in RED] == ["fallback"] * 2
        assert scene.red_flag_replies() == []
    done = scene.recover(at(scene, SWOLLEN) + timedelta(seconds=10))
    assert done == ({"recovered": 3, "not_listed": 0} if sqlite
                    else {"read": 2, "recovered": 0, "not_listed": 0})
    if sqlite:
        return {SCORE: NONE, FEVER: NONE, SWOLLEN: NONE}
    return {SCORE: NONE, FEVER: sent("fallback"), SWOLLEN: sent("fallback")}


def down_for_ten_minutes(scene: Scene) -> dict[str, Answer]:
    """(e) The service is down from 19:58:30 to 20:08:30: Twilio keeps each text and its
    POST is refused (nothing listens). At the restart the backfill lists the texts, stores
    and reads them in the order sent, each against the question open when it was sent,
    and answers none: nobody is waiting for an answer ten minutes on."""
    gone = f"http://127.0.0.1:{free_port()}/twilio/inbound"
    for body in (SCORE, FEVER, SWOLLEN):
        assert scene.text(body, at(scene, body), webhook=gone) is None
    assert [d.status for d in scene.fake.deliveries] == [None] * 3
    assert all(scene.reply(body) is None for body in (SCORE, FEVER, SWOLLEN))
    scene.worker_started = at(scene, SCORE) + timedelta(minutes=9, seconds=30)
    assert scene.recover(scene.worker_started) == {"recovered": 3, "not_listed": 0}
    return {SCORE: NONE, FEVER: NONE, SWOLLEN: NONE}


FAULTS: dict[str, Callable[[Scene], dict[str, Answer]]] = {
    "flags-insert-fails-once": flags_insert_fails_once,
    "answer-never-reaches-twilio": answer_never_reaches_twilio,
    "killed-between-storing-and-reading": killed_between_storing_and_reading,
    "locked-while-the-webhook-waits": locked_while_the_webhook_waits,
    "locked-longer-than-the-webhook-waits": locked_longer_than_the_webhook_waits,
    "down-for-ten-minutes": down_for_ten_minutes,
}


# --- what must hold after every fault ---------------------------------------------------

def assert_every_reply_heard(scene: Scene, answered: dict[str, Answer]) -> None:
    """Every text Ana sent, as the provider holds it, is stored once (by MessageSid) and
    read once; each red flag is an urgent flag of her enrolment linked to its reply, once,
    that paged the person on call;
    her score answers the pain check; nothing else was flagged (no "a reply could not be
    read": no case here gives up); and no text was answered twice: `answered` says, for
    each, what the service recorded as its answer and whether that reached her phone, and
    her phone got nothing else (a text the backfill recovered: no answer at all)."""
    sent_texts = [m for m in scene.fake.incoming if m.sender == PATIENT]
    with scene.sessions() as session:
        stored = {r.message_sid: r for r in session.scalars(select(Reply))}
        flags = {f.id: f for f in session.scalars(select(Flag))}
        links = session.execute(select(flag_replies.c.reply_id, flag_replies.c.flag_id)).all()
        enrollment = session.get(Enrollment, scene.enrollment)
    assert sorted(stored) == sorted(m.sid for m in sent_texts), "stored once, by MessageSid"
    for message in sent_texts:
        reply, body = stored[message.sid], message.body
        assert (reply.body, reply.received_at) == (body, message.date_sent)
        assert reply.processed_at is not None and reply.gave_up_at is None, body
        assert reply.enrollment_id == scene.enrollment and reply.findings, body
        linked = [flags[f] for r, f in links if r == reply.id]
        assert len({f.kind for f in linked}) == len(linked), f"linked twice: {body}"
        if body in RED:
            (red,) = [f for f in linked if f.kind == FlagKind.RED_FLAG]
            assert (red.priority, red.status, red.enrollment_id) == (
                Priority.URGENT, FlagStatus.OPEN, scene.enrollment)
        else:
            assert linked == [], f"{body!r} raised {[f.kind.value for f in linked]}"
            assert (reply.score, reply.question_id) == (3, scene.question)

        kind, reached = answered[body]
        text = scene.answer(kind) if kind else None
        assert (reply.response_kind, reply.response_text) == (kind, text), body
        assert scene.fake.answers_to(message.sid) == ([text] if reached else []), body
        if b"Source=backfill" in reply.raw:
            assert kind is None, f"{body!r} recovered late, and answered"
    kinds = sorted(f.kind.value for f in flags.values())
    assert kinds == ["red_flag"], kinds  # one flag: later red flags join the open one
    # ... and it paged the person on call, through the provider, once
    (red,) = flags.values()
    with scene.sessions() as session:
        first = session.scalars(select(PageRound).where(PageRound.flag_id == red.id)
                                .order_by(PageRound.round)).first()
        assert first is not None, "the red flag paged nobody"
        (page,) = first.pages
        assert (page.staff.name, page.text.status) == ("nora", MessageStatus.SENT)
    to_nora = [m.body for m in scene.fake.accepted if m.to == MOBILES["nora"]]
    assert to_nora and f"flag {red.id} " in to_nora[0], to_nora
    assert enrollment.anaesthetic_pain == 3 and enrollment.diagnostic_relief_met is True


# --- the matrix ---------------------------------------------------------------------------

@contextmanager
def service_sessions(fault: str, engine, sessions) -> Iterator[object]:
    """The service's sessions: the test's, but for the case whose lock waits are short."""
    if fault == "locked-longer-than-the-webhook-waits":
        with impatient_sessions(engine) as short:
            yield short
    else:
        yield sessions


@pytest.mark.parametrize("fault", FAULTS)
def test_every_reply_is_heard_whatever_fails(fault, engine, sessions, patient, team, settings,
                                             protocols, hip, twilio, db_url, tmp_path):
    clock = [NOW]
    asked = play_to(engine, patient, "pain-check")
    question = rows(sessions, patient)["pain-check"].id
    with service_sessions(fault, engine, sessions) as used:
        service = Service(used, settings, protocols, clock)
        scene = Scene(engine, used, settings, protocols, hip, patient, question, asked,
                      twilio, service, clock, tmp_path, db_url)
        try:
            answered = FAULTS[fault](scene)
            assert_every_reply_heard(scene, answered)
        finally:
            for close in scene.extra:
                close()
            service.close()
