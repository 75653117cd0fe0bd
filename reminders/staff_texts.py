"""Staff texts: a staff member texts the patient from a flag or the patient page, a saved
reply ("We will call you today.", in the patient's language) or words of their own.

The text is an outbox row like any other, written in one transaction with its audit
entry, and sent by the dispatcher with the same last checks (enrolment active, not opted
out, consent on record, the window, the expiry). Its step is `staff-<n>` (n counts this
enrolment's staff texts), `sent_by` names its author, `flag_id` the flag it answers.
The window is the protocol's quiet hours, or with `outside_quieter_window` 08:00-21:00
patient time; never outside that (core.delivery_rules). A text outside its window is
held until the window opens, and expires if it could not go within EXPIRES_AFTER.

It expects an answer: one within REPLY_WINDOW of its sending is matched to it and goes to
its author for review (core.triage), while a red flag in it is still urgent for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.delivery_rules import send_window
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.protocol import STAFF_STEP_PREFIX, ProtocolSet, ReplyKind
from reminders.core.saved_replies import staff_text_body
from reminders.core.segments import count_segments
from reminders.core.statuses import EnrollmentStatus, MessageStatus
from reminders.models import Enrollment, Flag, OutboxMessage
from reminders.services import Services
from reminders.settings import Settings

MAX_CHARACTERS = limits.STAFF_TEXT  # what a staff member may write (the clinic's name goes first)
EXPIRES_AFTER = timedelta(hours=24)  # not sent by then: stale, call the patient instead
REPLY_WINDOW = timedelta(hours=24)  # an answer within this long of the sending is for its author
POSITION = 1000  # after the protocol's texts due at the same instant (the first names the clinic)


@dataclass(frozen=True)
class SavedReply:
    """A saved reply, by its id in schedules.yaml `saved_replies`."""

    id: str


@dataclass(frozen=True)
class Queued:
    """A staff text in the outbox, and when it goes."""

    message_id: int
    step: str
    send_at: datetime  # now, or when the window opens
    timezone: str  # the patient's
    held: bool  # outside the window now: waits until send_at
    first_name: str

    def local_send_at(self) -> datetime:
        return self.send_at.astimezone(ZoneInfo(self.timezone))

    def summary(self, named: bool = True) -> str:
        """What will happen, in a sentence for the staff member who sent it. Not `named`:
        "the patient" instead of the name (a flash message rides in the session cookie)."""
        who = self.first_name if named else "the patient"
        if not self.held:
            return (f"Sending now: the text to {who} goes out within a minute. "
                    "Their answer comes to you.")
        local = self.local_send_at()
        hour = f"{local:%I:%M}".lstrip("0") + (" a.m." if local.hour < 12 else " p.m.")
        return (f"Held until {hour} patient time ({local:%a %d %b}): it is outside texting "
                f"hours for {who}. It goes then; their answer comes to you.")


def staff_message(body: str | None, saved: str | None) -> str | SavedReply:
    """What a form or a command chose: a saved reply or words of their own, one of them."""
    body, saved = (body or "").strip(), (saved or "").strip()
    if body and saved:
        raise ValidationError({"body": "choose a saved reply or write a text, not both"})
    if saved:
        return SavedReply(saved)
    return body  # an empty text is refused by text_patient, naming the field


def saved_reply_options(protocols: ProtocolSet, settings: Settings, language: str,
                        first_name: str) -> list[tuple[str, str]]:
    """(id, the text as the patient would get it) of each saved reply, in their language."""
    context = {**settings.placeholders, "first_name": first_name}
    return [(reply_id, template.render(language, context)[1])
            for reply_id, template in protocols.saved_replies.items()]


def _body(svc: Services, message: str | SavedReply, language: str, first_name: str
          ) -> tuple[str, str, str]:
    """(text to send, its language, what the audit log says it was)."""
    if isinstance(message, SavedReply):
        template = svc.protocols.saved_replies.get(message.id)
        if template is None:
            known = ", ".join(svc.protocols.saved_replies) or "none in the schedules file"
            raise ValidationError(limits.over("saved", message.id, limits.SHORT) or {
            "saved": f"{message.id!r} is not a saved reply ({known})"})
        used, text = template.render(language, {**svc.settings.placeholders,
                                                "first_name": first_name})
        return text, used, f"saved reply {message.id}"
    # no control characters (PostgreSQL text cannot even hold a NUL); line breaks stay
    words = "".join(c for c in message.replace("\r\n", "\n").strip()
                    if c == "\n" or (c >= " " and c != "\x7f"))
    if not words:
        raise ValidationError({"body": "is empty: write a text or choose a saved reply"})
    if len(words) > MAX_CHARACTERS:
        raise ValidationError({"body": f"is {len(words)} characters; at most "
                               f"{MAX_CHARACTERS} (a longer talk is a call)"})
    return (staff_text_body(words, svc.settings.clinic_name), language,
            f"free text, {len(words)} characters")


def text_patient(svc: Services, enrollment_id: int, message: str | SavedReply, actor: Actor,
                 now: datetime, *, flag_id: int | None = None,
                 outside_quieter_window: bool = False) -> Queued:
    """Queue a staff text to the enrolment's patient; returns when it will go.

    Raises NotFound (no such enrolment), ValidationError naming the field (`body`,
    `saved`, `flag`: the flag it answers) or Conflict (`enrollment_id` not active,
    `patient` opted out, `consent` not on record): then nothing is written.
    """
    try:
        with svc.sessions.begin() as session:
            return _queue(svc, session, enrollment_id, message, actor, now, flag_id,
                          outside_quieter_window)
    except IntegrityError:  # another staff text of this enrolment took the step name
        raise Conflict({"enrollment_id": "another text to this patient was queued at the "
                        "same moment; check the timeline and send again"}) from None


def _queue(svc: Services, session, enrollment_id: int, message: str | SavedReply,
           actor: Actor, now: datetime, flag_id: int | None, override: bool) -> Queued:
    enrollment = session.get(Enrollment, enrollment_id, with_for_update=True)
    if enrollment is None:
        raise NotFound(f"no enrolment {enrollment_id}")
    patient = enrollment.patient
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise Conflict({"enrollment_id": f"enrolment {enrollment_id} is "
                        f"{enrollment.status.value}: texts go only to an active one; call "
                        "the patient instead"})
    if patient.opted_out_at is not None:
        raise Conflict({"patient": "has opted out of texts (STOP): call them instead"})
    if not (enrollment.consent_by and enrollment.consent_unencrypted_sms):
        raise Conflict({"consent": "no consent to texts is on record for this enrolment"})
    if flag_id is not None:
        flag = session.get(Flag, flag_id)
        if flag is None or flag.enrollment_id != enrollment.id:
            raise ValidationError({"flag": f"flag {flag_id} is not a flag of enrolment "
                                   f"{enrollment.id}"})
    body, language, what = _body(svc, message, enrollment.language, patient.first_name)
    protocol = svc.snapshots.get(session, enrollment.protocol_digest)
    tz = ZoneInfo(enrollment.timezone)
    send_at = send_window(protocol.quiet_hours, quiet_override=override).next_opening(now, tz)
    held = send_at > now
    earlier = session.scalar(select(func.count()).where(
        OutboxMessage.enrollment_id == enrollment.id, OutboxMessage.sent_by.is_not(None)))
    step = f"{STAFF_STEP_PREFIX}{earlier + 1}"
    segments = count_segments(body)
    reason = (f"held until {send_at.astimezone(tz):%H:%M} patient time "
              f"({'08:00-21:00' if override else 'the clinic texting hours'})" if held else "")
    row = OutboxMessage(
        enrollment_id=enrollment.id, step=step, position=POSITION + earlier, language=language,
        body=body, segments=segments.segments, encoding=segments.encoding, send_at=send_at,
        expires_at=now + EXPIRES_AFTER, status=MessageStatus.PENDING, reason=reason,
        expects=ReplyKind.FREE_TEXT.value, reply_window_seconds=int(REPLY_WINDOW.total_seconds()),
        sent_by=actor.name[:128], flag_id=flag_id, quiet_override=override,
        created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    record(session, actor, "texted_patient", now, patient_id=patient.id,
           enrollment_id=enrollment.id, flag_id=flag_id,
           detail=f"{step}: {what}" + ("; may go outside the protocol's quiet hours"
                                       if override else "")
           + (f"; held until {send_at.isoformat()}" if held else ""))
    return Queued(message_id=row.id, step=step, send_at=send_at, timezone=enrollment.timezone,
                  held=held, first_name=patient.first_name)
