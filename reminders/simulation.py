"""Play a protocol for a sample patient on a virtual clock, through the real enrolment,
dispatch and inbound code, in a throw-away in-memory database and an in-memory transport.

Scripted replies (`{"day10-check": "same"}`) are sent a few minutes after their text
goes out and take the webhook's path, so the answers and flags shown are the real ones;
the no-response sweep runs whenever a reply window closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select

from reminders.audit import Actor
from reminders.core.protocol import ProtocolSet
from reminders.core.reply_window import window_closes, window_open
from reminders.core.statuses import MessageStatus
from reminders.core.validation import EnrollmentInput
from reminders.db import make_engine, session_factory
from reminders.dispatcher import Dispatcher
from reminders.enrollment_view import load_enrollment_view
from reminders.enrollments import enroll
from reminders.escalation import flag_silence
from reminders.inbound import Inbox
from reminders.inbound_message import from_form
from reminders.json_shapes import shown_enrollment_json
from reminders.models import Base, OutboxMessage
from reminders.services import Services
from reminders.settings import Settings
from reminders.transports.fake import FakeTransport

REPLY_DELAY = timedelta(minutes=5)  # when a scripted reply arrives after its text
SIMULATED_PHONE = "+13125550100"


@dataclass(frozen=True)
class Event:
    at: datetime  # UTC: when it was sent or received, or when it would have been due
    step: str
    status: str  # a text's status; "reply", "answer" or "flag" for the others
    text: str
    reason: str


@dataclass(frozen=True)
class Result:
    data: dict  # the enrolment as `reminders show --json` prints it
    events: list[Event]
    unused: list[str]  # scripted replies whose text was never sent


def simulate(protocols: ProtocolSet, settings: Settings, data: EnrollmentInput,
             enrolled_at: datetime, replies: dict[str, str] | None = None) -> Result:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    try:
        return _play(engine, protocols, settings, data, enrolled_at, dict(replies or {}))
    finally:
        engine.dispose()


def _play(engine, protocols, settings, data, enrolled_at, script) -> Result:
    sessions = session_factory(engine)
    svc = Services(sessions=sessions, protocols=protocols, settings=settings)
    enrollment_id = enroll(svc, data, Actor("simulation", "cli"), enrolled_at)
    clock = [enrolled_at]
    dispatcher = Dispatcher(engine, FakeTransport(), clock=lambda: clock[0], owner="simulation")
    inbox = Inbox(sessions, protocols, settings)
    answers: list[Event] = []
    for _ in range(1000):  # bounded: each pass sends, moves, answers or closes something
        due_replies, next_at = _next(sessions, clock[0], script)
        if next_at is None:
            break
        clock[0] = max(clock[0], next_at)
        dispatcher.run_once()
        for step, sent_at in due_replies:
            if sent_at + REPLY_DELAY <= clock[0]:
                answers += _reply(inbox, step, script.pop(step), clock[0])
        flag_silence(sessions, clock[0])
    with sessions() as session:
        view = load_enrollment_view(session, enrollment_id)
    events = [Event(at=m.sent_at or m.send_at, step=m.step, status=m.status.value,
                    text=m.body, reason=m.reason) for m in view.messages]
    events += [Event(at=f.created_at, step=f.kind.value, status="flag", text=f.priority.value,
                     reason=f.reason) for f in sorted(view.flags, key=lambda f: f.id)]
    events += answers
    return Result(shown_enrollment_json(view), sorted(events, key=lambda e: (e.at, _ORDER[e.status])),
                  sorted(script))


# at one instant: the text, then the patient's reply, our answer, and the flags it raised
_ORDER = {**{s.value: 0 for s in MessageStatus}, "reply": 1, "answer": 2, "flag": 3}


def _next(sessions, now: datetime, script: dict[str, str]):
    """(scripted replies whose text went out, the next instant anything happens)."""
    with sessions() as session:
        next_send = session.scalar(select(func.min(OutboxMessage.send_at)).where(
            OutboxMessage.status == MessageStatus.PENDING))
        sent = session.execute(select(OutboxMessage.step, OutboxMessage.sent_at,
                                      OutboxMessage.reply_window_seconds)
                               .where(OutboxMessage.sent_at.is_not(None))).all()
    due = [(step, at) for step, at, _ in sent if step in script]
    closes = [window_closes(at, w) for _, at, w in sent if w and window_open(at, w, now)]
    times = [t for t in [next_send, *(at + REPLY_DELAY for _, at in due), *closes] if t]
    return due, min(times, default=None)


def _reply(inbox: Inbox, step: str, text: str, now: datetime) -> list[Event]:
    params = {"MessageSid": f"SMsimulated{step}", "From": SIMULATED_PHONE, "Body": text}
    outcome = inbox.receive(from_form(params, urlencode(params).encode()), now)
    events = [Event(at=now, step=step, status="reply", text=text, reason="")]
    if outcome.answer:
        events.append(Event(at=now, step=step, status="answer", text=outcome.answer, reason=""))
    return events


def default_injection(now: datetime, tz) -> datetime:
    """A sample injection: today at 10:30 clinic time (or yesterday, if that is ahead)."""
    local = now.astimezone(tz).replace(hour=10, minute=30, second=0, microsecond=0)
    return local if local <= now else local - timedelta(days=1)
