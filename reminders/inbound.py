"""Receiving a text: store it first, then understand it, answer it and raise flags.

The webhook (`POST /twilio/inbound`) and `reminders reply` both come here. The raw
message commits in a transaction of its own before anything else is tried, so nothing a
phone sends is lost: a failure later on leaves it stored, unprocessed, and flagged. The
second transaction matches the sender (E.164) to a patient and their active enrolment,
finds the open question (the latest text that expects a reply and whose reply window is
open), parses and triages the reply (pure), and records the consent change, the flags,
the diagnostic response and the answer, all or nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.enrollments import resume_after_opt_in
from reminders.flags import raise_flag
from reminders.models import (
    Enrollment,
    EnrollmentStatus,
    MessageStatus,
    OutboxMessage,
    Patient,
    Reply,
)
from reminders.optout import opt_out
from reminders.protocol import Protocol, ProtocolSet, ReplyKind
from reminders.reply_parser import Kind, Reading, parse_reply
from reminders.schedules import ProtocolCache
from reminders.settings import Settings
from reminders.transports.base import mask_phone
from reminders.triage import FlagKind, FlagRequest, Priority, Question, relief_percent, triage

log = logging.getLogger(__name__)

# Twilio's Advanced Opt-Out tells us which keyword list a message matched (its own and
# the clinic's custom words, in any language): that decides over our own reading.
_OPT_OUT_TYPES = {"stop": "stop", "start": "start", "help": "help"}


@dataclass(frozen=True)
class Inbound:
    """One received text, as the provider sent it."""

    sid: str | None
    sender: str
    to: str
    body: str
    raw: bytes  # the request body exactly as received


@dataclass(frozen=True)
class Outcome:
    reply_id: int
    answer: str | None = None  # the text to send back, if we deliberately reply
    duplicate: bool = False
    flags: tuple[int, ...] = ()


def storable(text: str) -> str:
    """`text` as a PostgreSQL text column can hold it (it cannot hold NUL)."""
    return text.replace("\x00", "\ufffd")


def to_e164(raw: str, default_region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def from_form(form: dict[str, str], raw: bytes) -> Inbound:
    """The message in a Twilio webhook form; unknown parameters are ignored."""
    return Inbound(sid=(form.get("MessageSid") or form.get("SmsSid") or "").strip() or None,
                   sender=form.get("From", ""), to=form.get("To", ""), body=form.get("Body", ""),
                   raw=raw)


def open_question(session: Session, enrollment_id: int, now: datetime) -> OutboxMessage | None:
    """The latest text of the enrolment that expects a reply and whose window is open."""
    asked = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.enrollment_id == enrollment_id, OutboxMessage.expects.is_not(None),
               OutboxMessage.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED)),
               OutboxMessage.sent_at <= now)
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()).limit(5))
    for row in asked:
        if now < row.sent_at + timedelta(seconds=row.reply_window_seconds or 0):
            return row
    return None


class Inbox:
    """Receives texts. Shared by the web app's threads: it holds only caches."""

    def __init__(self, sessions: sessionmaker[Session], protocols: ProtocolSet,
                 settings: Settings):
        self.sessions = sessions
        self.settings = settings
        self.protocols = ProtocolCache()
        # a sender we do not know may still be a patient on a new phone: look for every
        # protocol's red-flag words, so such a text is flagged as the most urgent review
        self.all_red_flags = {
            f"{pid}:{lang}": words for pid, protocol in protocols.protocols.items()
            for lang, words in protocol.red_flags.items()}

    def receive(self, message: Inbound, now: datetime) -> Outcome:
        # A repeated MessageSid is processed only if its first delivery never got that far.
        reply_id = self._store(message, now)
        try:
            outcome = self._process(reply_id, now)
        except Exception:  # stored already: make sure a person reads it
            log.exception("reply #%s could not be processed; flagged for review", reply_id)
            self._flag_unprocessed(reply_id, now)
            return Outcome(reply_id)
        return outcome if outcome is not None else Outcome(reply_id, duplicate=True)

    # --- step 1: keep it -----------------------------------------------------------------

    def _store(self, message: Inbound, now: datetime) -> int:
        """The reply's id. A MessageSid seen before is the same message."""
        if message.sid is not None:
            existing = self._existing(message.sid)
            if existing is not None:
                return existing
        try:
            with self.sessions.begin() as session:
                reply = Reply(message_sid=message.sid, from_number=storable(message.sender),
                              to_number=storable(message.to), body=storable(message.body),
                              raw=message.raw, received_at=now)
                session.add(reply)
                session.flush()
                return reply.id
        except IntegrityError:  # the same message, delivered twice at once: the other won
            existing = self._existing(message.sid)
            if existing is None:
                raise
            return existing

    def _existing(self, sid: str) -> int | None:
        with self.sessions() as session:
            return session.scalar(select(Reply.id).where(Reply.message_sid == sid))

    # --- step 2: understand and act ----------------------------------------------------------

    def _process(self, reply_id: int, now: datetime) -> Outcome | None:
        """None when another request already processed this reply."""
        with self.sessions.begin() as session:
            reply = session.get(Reply, reply_id, with_for_update=True)
            if reply.processed_at is not None:
                return None
            phone = to_e164(reply.from_number, self.settings.default_region)
            patient = phone and session.scalars(
                select(Patient).where(Patient.phone == phone).with_for_update()).first()
            enrollment = patient and session.scalars(
                select(Enrollment).where(Enrollment.patient_id == patient.id)
                .order_by((Enrollment.status == EnrollmentStatus.ACTIVE).desc(),
                          Enrollment.id.desc()).limit(1)).first()
            if not enrollment:
                return self._from_stranger(session, reply, phone, now)
            return self._from_patient(session, reply, patient, enrollment, now)

    def _from_stranger(self, session: Session, reply: Reply, phone: str | None,
                       now: datetime) -> Outcome:
        reading = parse_reply(reply.body, self.all_red_flags)
        self._record(reply, reading, now)
        reason = "text from a number that is not a patient's"
        if reading.red_flags:
            reason += "; red-flag words: " + ", ".join(reading.red_flags)
        priority = Priority.HIGH if reading.red_flags else Priority.NORMAL
        flag = raise_flag(session, FlagRequest(FlagKind.NEEDS_REVIEW, priority, reason), now,
                          phone=phone or reply.from_number, reply=reply)
        session.flush()
        log.info("reply #%s from unknown number %s: flagged for review", reply.id,
                 mask_phone(reply.from_number))
        return Outcome(reply.id, flags=(flag.id,))  # a stranger gets no answer

    def _from_patient(self, session: Session, reply: Reply, patient: Patient,
                      enrollment: Enrollment, now: datetime) -> Outcome:
        """The patient's active enrolment, or their latest one when none is active."""
        protocol = self.protocols.get(session, enrollment.protocol_digest)
        reading = _override(parse_reply(reply.body, protocol.red_flags), reply.raw)
        question_row = (open_question(session, enrollment.id, now)
                        if enrollment.status == EnrollmentStatus.ACTIVE else None)
        question = _question(protocol, question_row)
        decision = triage(reading, question, protocol.improvement, enrollment.baseline_pain)
        reply.patient_id, reply.enrollment_id = patient.id, enrollment.id
        reply.question_id = question_row.id if question_row else None
        self._record(reply, reading, now)

        if decision.consent == "opt_out":
            cancelled = opt_out(session, patient.phone, now, "patient opted out by text")
            log.info("reply #%s: patient %s opted out; %s pending texts cancelled", reply.id,
                     mask_phone(patient.phone), cancelled)
        elif decision.consent == "opt_in" and patient.opted_out_at is not None:
            patient.opted_out_at = None
            resumed = resume_after_opt_in(session, patient, self.settings, now)
            log.info("reply #%s: patient %s opted back in; %s texts re-planned", reply.id,
                     mask_phone(patient.phone), resumed)

        flags = [raise_flag(session, request, now, enrollment_id=enrollment.id,
                            patient_id=patient.id, message_id=reply.question_id, reply=reply)
                 for request in decision.flags]
        if (question and question.expects == ReplyKind.PAIN_SCORE and reading.score is not None
                and reading.kind in (Kind.SCORE, Kind.RELIEF)):
            _record_diagnostic_response(enrollment, protocol, reading.score)

        answer = None
        # an opted-out number gets nothing from us (the carrier would refuse it anyway)
        if decision.answer and patient.opted_out_at is None:
            context = {**self.settings.placeholders, "first_name": patient.first_name}
            answer = protocol.answers[decision.answer].render(patient.language, context)[1]
            reply.response_kind, reply.response_text = decision.answer, answer
        session.flush()
        log.info("reply #%s from %s: %s%s%s", reply.id, mask_phone(patient.phone), reading.kind,
                 f", answered ({decision.answer})" if answer else "",
                 "".join(f", flag {f.kind.value}" for f in flags))
        return Outcome(reply.id, answer=answer, flags=tuple(f.id for f in flags))

    @staticmethod
    def _record(reply: Reply, reading: Reading, now: datetime) -> None:
        reply.kind = reading.kind.value
        reply.score, reply.relief, reply.yes_no = reading.score, reading.relief, reading.answer
        reply.keyword, reply.red_flags = reading.keyword, list(reading.red_flags)
        reply.confidence = reading.confidence
        reply.processed_at = now

    def _flag_unprocessed(self, reply_id: int, now: datetime) -> None:
        try:
            with self.sessions.begin() as session:
                reply = session.get(Reply, reply_id)
                raise_flag(session, FlagRequest(FlagKind.NEEDS_REVIEW, Priority.HIGH,
                                                "reply could not be processed automatically"),
                           now, phone=reply.from_number, reply=reply)
        except Exception:  # the reply itself is stored; the log line above says the rest
            log.exception("reply #%s: could not flag it either", reply_id)


def _override(reading: Reading, raw: bytes) -> Reading:
    """Twilio's OptOutType (read from the stored request, so a retry sees it too)."""
    values = parse_qs(raw.decode("utf-8", "replace")).get("OptOutType") or [""]
    keyword = _OPT_OUT_TYPES.get(values[0].strip().lower())
    if keyword is None or keyword == reading.keyword:
        return reading
    return Reading(Kind.KEYWORD, keyword=keyword, red_flags=reading.red_flags, confidence=1.0)


def _question(protocol: Protocol, row: OutboxMessage | None) -> Question | None:
    if row is None:
        return None
    try:
        escalates = protocol.step(row.step).escalates
    except KeyError:
        escalates = False
    return Question(step=row.step, expects=ReplyKind(row.expects), escalates=escalates)


def _record_diagnostic_response(enrollment: Enrollment, protocol: Protocol, score: int) -> None:
    """The anaesthetic-window score and its relief against the baseline (for staff)."""
    enrollment.anaesthetic_pain = score
    percent = relief_percent(enrollment.baseline_pain, score)
    enrollment.diagnostic_relief_percent = percent
    enrollment.diagnostic_relief_met = (None if percent is None
                                        else percent >= protocol.diagnostic_relief_percent)
