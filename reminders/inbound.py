"""Receiving a text: store it first, then understand it, answer it and raise flags.

The webhook (`POST /twilio/inbound`) and `reminders reply` both come here. The raw
message commits in a transaction of its own before anything else is tried, so nothing a
phone sends is lost: a failure later on leaves it stored and unprocessed, the patient is
sent the protocol's fallback answer (we received it; if urgent, call the after-hours
number or 911), and the reply sweep (reply_sweep.py) reads it again. The
second transaction matches the sender (E.164) to a patient and their active enrolment,
finds the open question (the latest text that expects a reply and whose reply window was
open when the reply came, however late it is read), parses and triages the reply (pure),
and records the consent change, the flags, the diagnostic response and the answer, all or
nothing.

Long on purpose: storing, reading and answering a reply is one path whose order is the
point (stored first, read once, answered once); split, it would be read across
files that each hold half of that promise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.protocol import DEFAULT_LANGUAGE, Protocol, ProtocolSet, ReplyKind
from reminders.core.reading.findings import Finding, Reading, What
from reminders.core.reading.parser import parse_reply
from reminders.core.reading.plain_words import describe
from reminders.core.reading.vocabulary import ReadingRules, Vocabulary
from reminders.core.reply_retry import first_attempt_due
from reminders.core.reply_window import window_open
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.core.triage import (
    FlagKind,
    FlagRequest,
    Priority,
    Question,
    relief_percent,
    triage,
)
from reminders.flags import close_opt_out_flags, raise_flag
from reminders.inbound_message import Inbound, provider_request, storable, to_e164
from reminders.models import Enrollment, OutboxMessage, Patient, Reply, ReplyMedia
from reminders.optout import opt_out
from reminders.paging import answer_staff_text, staff_member_by_mobile
from reminders.protocol_files import ProtocolCache
from reminders.replanning import resume_after_opt_in
from reminders.reply_sweep import record_failure
from reminders.settings import Settings
from reminders.transports.base import mask_phone

log = logging.getLogger(__name__)

_KEYWORDS = {"opt_out": "stop", "opt_in": "start", "help": "help", "call": "call"}


@dataclass(frozen=True)
class Outcome:
    reply_id: int
    answer: str | None = None  # the text to send back, if we deliberately reply
    flags: tuple[int, ...] = ()


# Built once: the webhook's statements are the same every time, so neither building them
# nor their cache keys cost anything per request (bound values come with each execute).
_STORE = insert(Reply).returning(Reply.id)
_PICTURES = (select(func.count()).where(ReplyMedia.reply_id == Reply.id)
             .correlate(Reply).scalar_subquery())
_CLAIM = (update(Reply).where(Reply.id == bindparam("reply_id"), Reply.processed_at.is_(None))
          .values(processed_at=bindparam("now"))
          .returning(Reply.id, Reply.from_number, Reply.body, Reply.raw, Reply.response_kind,
                     Reply.received_at, _PICTURES.label("pictures")))
_RECORD = update(Reply).where(Reply.id == bindparam("reply_id"))
_FIND = (select(Patient.id.label("patient_id"), Patient.phone, Patient.first_name,
                Enrollment.language, Patient.opted_out_at, Enrollment.id, Enrollment.status,
                Enrollment.protocol_id, Enrollment.protocol_digest, Enrollment.baseline_pain)
         .join(Enrollment, Enrollment.patient_id == Patient.id)
         .where(Patient.phone == bindparam("phone"))
         # the active enrolment, else the latest one
         .order_by((Enrollment.status == EnrollmentStatus.ACTIVE).desc(), Enrollment.id.desc())
         .limit(1).with_for_update(of=Patient))
_ASKED = (select(OutboxMessage.id, OutboxMessage.step, OutboxMessage.expects,
                 OutboxMessage.sent_at, OutboxMessage.reply_window_seconds,
                 OutboxMessage.sent_by)
          .where(OutboxMessage.enrollment_id == bindparam("enrollment_id"),
                 OutboxMessage.expects.is_not(None),
                 OutboxMessage.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED)),
                 OutboxMessage.sent_at <= bindparam("now"))
          .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()).limit(5))
_DIAGNOSTIC = update(Enrollment).where(Enrollment.id == bindparam("enrollment_id"))


def open_question(conn: Connection, enrollment_id: int, now: datetime):
    """The latest text of the enrolment that expects a reply and whose window is open:
    a row with its id, step, expects, sent_at, reply_window_seconds and sent_by (the staff
    member who wrote it, or None for a protocol text), or None."""
    for row in conn.execute(_ASKED, {"enrollment_id": enrollment_id, "now": now}):
        if window_open(row.sent_at, row.reply_window_seconds, now):
            return row
    return None


class Inbox:
    """Receives texts. Shared by the web app's threads: it holds only caches."""

    def __init__(self, sessions: sessionmaker[Session], protocols: ProtocolSet,
                 settings: Settings):
        self.sessions = sessions
        self.settings = settings
        self.protocols = ProtocolCache()
        # Replies are read with the protocol file as it is now, whatever version planned
        # the texts: a term a clinic adds counts for every patient at the next start.
        self.current = dict(protocols.protocols)
        # a sender we do not know may still be a patient on a new phone: read for every
        # protocol's symptoms, so such a text is flagged as the most urgent review
        rules = [p.reading for p in protocols.protocols.values()] or [ReadingRules()]
        merged = {s.id: s for r in rules for s in r.symptoms}
        self.stranger_vocabulary = Vocabulary(replace(rules[0], symptoms=tuple(merged.values())))

    def receive(self, message: Inbound, now: datetime, *, answering: bool = True) -> Outcome:
        """Store the text, then read and act on it. `answering` False: nobody is waiting
        for an answer (a text recovered after the service was down), so none is made or
        recorded; flags are raised all the same."""
        # A repeated MessageSid is processed only if its first delivery never got that far.
        reply_id, fresh = self._store(message, now)
        try:
            outcome = self._process(reply_id, now, answering=answering)
        except Exception as exc:  # stored already: the sweep reads it again
            log.error("reply #%s could not be read (%s): %s; the sweep tries again", reply_id,
                      type(exc).__name__, "answered with the fallback" if answering
                      else "nobody to answer")
            log.debug("reply #%s: the failure", reply_id, exc_info=True)
            answer = self.fallback_answer(message.sender) if answering else None
            record_failure(self.sessions, reply_id, exc, self.settings.reply_max_attempts,
                           now, answer=answer)
            return Outcome(reply_id, answer=answer)
        outcome = outcome or Outcome(reply_id)  # None: read before
        if answering and not fresh and outcome.answer is None:
            # Twilio posts a text again only when our answer to its first post did not
            # reach it (a timeout, a dropped connection): the patient never got the answer
            # recorded then (a red flag's, the fallback), so it goes now, once.
            outcome = replace(outcome, answer=self._recorded_answer(reply_id))
        return outcome

    def _recorded_answer(self, reply_id: int) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(Reply.response_text).where(Reply.id == reply_id))

    def read_again(self, reply_id: int, now: datetime) -> bool:
        """Read a stored reply for the sweep; False when it had been read already. Nothing
        is answered: the webhook's answer (the fallback, or none) was the one reply the
        patient gets to a text; the flags are how the clinic acts on it."""
        return self._process(reply_id, now, answering=False) is not None

    def fallback_answer(self, sender: str) -> str | None:
        """The protocol file's answer for a reply that could not be read, in the sender's
        latest enrolment's language when the database still tells it (else English)."""
        protocol_id, language = None, DEFAULT_LANGUAGE
        try:
            phone = to_e164(sender, self.settings.default_region)
            with self.sessions() as session:
                found = phone and session.execute(
                    select(Enrollment.language, Enrollment.protocol_id)
                    .join(Patient, Enrollment.patient_id == Patient.id)
                    .where(Patient.phone == phone).order_by(Enrollment.id.desc()).limit(1)).first()
            if found:
                protocol_id, language = found.protocol_id, found.language
        except Exception as exc:  # the answer goes out whatever failed
            log.warning("the fallback answer's language could not be looked up (%s)",
                        type(exc).__name__)
        protocol = self.current.get(protocol_id or "") or next(iter(self.current.values()), None)
        if protocol is None or "fallback" not in protocol.answers:
            return None
        context = {**self.settings.placeholders, "first_name": ""}
        return protocol.answers["fallback"].render(language, context)[1]

    # --- step 1: keep it -----------------------------------------------------------------

    def _store(self, message: Inbound, now: datetime) -> tuple[int, bool]:
        """The reply's id, and whether it is new. A MessageSid seen before is the same
        message (the unique index says so: no look-up first, as almost every message is
        new)."""
        try:
            with self.sessions.begin() as session:
                reply_id = session.connection().execute(_STORE, dict(
                    message_sid=message.sid, from_number=storable(message.sender),
                    to_number=storable(message.to), body=storable(message.body),
                    raw=message.raw, received_at=now,
                    next_attempt_at=first_attempt_due(now))).scalar_one()
                session.add_all(ReplyMedia(reply_id=reply_id, position=n, url=m.url,
                                           content_type=m.content_type)
                                for n, m in enumerate(message.media))
                return reply_id, True
        except IntegrityError:  # seen before (a retry), or delivered twice at once
            existing = message.sid and self._existing(message.sid)
            if not existing:
                raise
            return existing, False

    def _existing(self, sid: str) -> int | None:
        with self.sessions() as session:
            return session.scalar(select(Reply.id).where(Reply.message_sid == sid))

    # --- step 2: understand and act ----------------------------------------------------------

    def _process(self, reply_id: int, now: datetime, *, answering: bool = True
                 ) -> Outcome | None:
        """None when another request already processed this reply. `answering`: whether
        the patient may be answered (never twice: not when the fallback went out).

        Marking the reply processed is the first statement: it takes the row (a second
        delivery of the same message waits, then finds it done), and it is undone with
        everything else if processing fails.
        """
        with self.sessions.begin() as session:
            conn = session.connection()  # Core statements on the hot path; ORM where it helps
            received = conn.execute(_CLAIM, {"reply_id": reply_id, "now": now}).first()
            if received is None:
                return None
            phone = to_e164(received.from_number, self.settings.default_region)
            member = phone and staff_member_by_mobile(session, phone)
            if member:  # a page's answer: never read as a patient's text
                outcome, values = self._from_staff(
                    session, received, member, now, answering and received.response_kind is None)
                conn.execute(_RECORD, {"reply_id": reply_id, **values})
                return outcome
            found = phone and conn.execute(_FIND, {"phone": phone}).first()
            if not found:
                outcome, values = self._from_stranger(conn, received, phone, now)
            else:
                outcome, values = self._from_patient(
                    session, received, found, now,
                    answering and received.response_kind is None)
            conn.execute(_RECORD, {"reply_id": reply_id, **values})
            return outcome

    def _from_staff(self, session: Session, received, member, now: datetime,
                    answering: bool) -> tuple[Outcome, dict]:
        """A text from a staff member's mobile: ACK to a page, or how to send one."""
        answer = answer_staff_text(session, member, received.body, now)
        log.info("reply #%s from staff member %s's phone: answered", received.id, member.name)
        values: dict = {"kind": "staff"}
        if not answering:
            return Outcome(received.id), values
        return (Outcome(received.id, answer=answer),
                {**values, "response_kind": "staff", "response_text": answer})

    def _from_stranger(self, conn: Connection, received, phone: str | None,
                       now: datetime) -> tuple[Outcome, dict]:
        vocabulary = self.stranger_vocabulary
        reading = parse_reply(received.body, vocabulary).with_pictures(received.pictures)
        reason = "text from a number that is not a patient's"
        red = [s for s in reading.symptoms
               if vocabulary.symptoms.get(s) is None or vocabulary.symptoms[s].flag == "red_flag"]
        if red:
            reason += "; reports " + ", ".join(vocabulary.label(s) for s in red)
        if received.pictures:
            reason += "; photo received: look at it"
        priority = Priority.HIGH if red or received.pictures else Priority.NORMAL
        flag_id = raise_flag(conn, FlagRequest(FlagKind.NEEDS_REVIEW, priority, reason), now,
                             phone=phone or received.from_number, reply_id=received.id)
        log.info("reply #%s from unknown number %s: flagged for review", received.id,
                 mask_phone(received.from_number))
        return Outcome(received.id, flags=(flag_id,)), _reading_values(reading, vocabulary,
                                                                       received.pictures)

    def _from_patient(self, session: Session, received, found, now: datetime,
                      answering: bool) -> tuple[Outcome, dict]:
        """`found`: the patient, with their active enrolment or else their latest one."""
        conn = session.connection()
        protocol = self.protocols.get(session, found.protocol_digest)
        vocabulary = (self.current.get(found.protocol_id) or protocol).vocabulary
        reading = _override(parse_reply(received.body, vocabulary),
                            received.raw).with_pictures(received.pictures)
        # The question open when it was sent, however late it is read (the sweep). A
        # completed enrolment's last question may still be open (a staff text on the last
        # day): its answer still goes to whoever asked.
        question_row = (open_question(conn, found.id, received.received_at) if found.status in (
            EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED) else None)
        question = _question(protocol, question_row)
        decision = triage(reading, question, protocol.improvement, found.baseline_pain,
                          vocabulary.symptoms, received.pictures)
        question_id = question_row.id if question_row else None
        values = {**_reading_values(reading, vocabulary, received.pictures),
                  "patient_id": found.patient_id,
                  "enrollment_id": found.id, "question_id": question_id}

        opted_out = found.opted_out_at is not None
        if decision.consent == "opt_out":
            opted_out = True
            cancelled = opt_out(session, found.phone, now, "patient opted out by text")
            log.info("reply #%s: patient %s opted out; %s pending texts cancelled", received.id,
                     mask_phone(found.phone), cancelled)
        elif decision.consent == "opt_in" and opted_out:
            opted_out = False
            patient = session.get_one(Patient, found.patient_id)
            patient.opted_out_at = None
            resumed = resume_after_opt_in(session, patient, self.settings, self.protocols, now)
            session.flush()
            close_opt_out_flags(conn, found.patient_id, now,
                                "patient opted back in by text: texts resumed")
            log.info("reply #%s: patient %s opted back in; %s texts re-planned", received.id,
                     mask_phone(found.phone), resumed)

        flags = [raise_flag(conn, request, now, enrollment_id=found.id,
                            patient_id=found.patient_id, message_id=question_id,
                            reply_id=received.id)
                 for request in decision.flags]
        if question and question.expects == ReplyKind.PAIN_SCORE and reading.score is not None:
            conn.execute(_DIAGNOSTIC, {"enrollment_id": found.id, **_diagnostic_response(
                found.baseline_pain, protocol, reading.score)})

        answer = None
        # An opted-out number gets nothing from us, but for the red-flag answer: a patient
        # who reports a fever while asking to stop is still told whom to call (a reply to
        # their own message, which the carrier lets through unless they sent a keyword).
        if answering and decision.answer and (not opted_out or decision.answer == "red_flag"):
            context = {**self.settings.placeholders, "first_name": found.first_name}
            answer = protocol.answers[decision.answer].render(found.language, context)[1]
            values.update(response_kind=decision.answer, response_text=answer)
        log.info("reply #%s from %s: %s%s%s", received.id, mask_phone(found.phone),
                 reading.summary, f", answered ({decision.answer})" if answer else "",
                 "".join(f", flag {r.kind.value}" for r in decision.flags))
        return Outcome(received.id, answer=answer, flags=tuple(flags)), values


def _reading_values(reading: Reading, vocabulary: Vocabulary, pictures: int) -> dict:
    """The reading as stored: a summary in the old columns ("photo" for a picture without
    words), and every finding with its plain words ("fever: said no — 'no fever'")."""
    requests = [_KEYWORDS[r] for r in reading.values(What.REQUEST)]
    labels = vocabulary.labels
    kind = "photo" if pictures and not reading.findings else reading.summary
    return {"kind": kind, "score": reading.score, "relief": reading.relief,
            "yes_no": reading.answer, "keyword": requests[0] if requests else None,
            "red_flags": reading.symptoms, "confidence": None,
            "findings": [{**f.as_json(), "text": describe(f, labels)} for f in reading.findings]}


def _override(reading: Reading, raw: bytes) -> Reading:
    """A keyword the provider matched that the reader did not find is a finding too."""
    request = provider_request(raw)
    if request is None or request in reading.requests:
        return reading
    said = Finding(What.REQUEST, request, 0, 0, "", detail={"provider": "OptOutType"})
    return Reading((said, *reading.findings))


def _question(protocol: Protocol, row) -> Question | None:
    if row is None:
        return None
    try:
        escalates = protocol.step(row.step).escalates
    except KeyError:
        escalates = False
    return Question(step=row.step, expects=ReplyKind(row.expects), escalates=escalates,
                    asked_by=row.sent_by, title=protocol.step_title(row.step))


def _diagnostic_response(baseline: int | None, protocol: Protocol, score: int) -> dict:
    """The anaesthetic-window score and its relief against the baseline (for staff)."""
    percent = relief_percent(baseline, score)
    return {"anaesthetic_pain": score, "diagnostic_relief_percent": percent,
            "diagnostic_relief_met": (None if percent is None
                                      else percent >= protocol.diagnostic_relief_percent)}
