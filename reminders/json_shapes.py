"""The JSON shapes of the brief §5, shared by the CLI, the API and the simulation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import object_session

from reminders.core.planner import PlannedText
from reminders.core.protocol import Protocol, step_title
from reminders.core.statuses import MessageStatus
from reminders.enrollment_view import EnrollmentView
from reminders.models import Enrollment, Flag, OutboxMessage, ProtocolVersion, Reply
from reminders.protocol_files import ProtocolCache

# Snapshots by digest, for the titles: a snapshot never changes, so keeping it is safe.
_SNAPSHOTS = ProtocolCache()


def iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def _dry_run_status(text: PlannedText) -> str:
    # The interface names a text the dry run would send `planned` (brief §5), not `pending`.
    return "planned" if text.status is MessageStatus.PENDING else text.status.value


def planned_json(text: PlannedText, tz: ZoneInfo, protocol: Protocol | None = None) -> dict:
    return {"id": None, "step": text.step, "title": step_title(protocol, text.step),
            "status": _dry_run_status(text), "send_at": iso(text.send_at),
            "local_send_at": iso(text.send_at.astimezone(tz)), "expires_at": iso(text.expires_at),
            "reason": text.reason, "language": text.language, "text": text.text,
            "segments": text.segments, "encoding": text.encoding, "provider_sid": None}


def message_json(row: OutboxMessage, tz: ZoneInfo, protocol: Protocol | None = None) -> dict:
    """A stored text; `title` (added beside the stable `step` id) is what staff call it."""
    return {"id": row.id, "step": row.step, "title": step_title(protocol, row.step),
            "status": row.status.value,
            "send_at": iso(row.send_at), "local_send_at": iso(row.send_at.astimezone(tz)),
            "expires_at": iso(row.expires_at), "reason": row.reason, "language": row.language,
            "text": row.body, "segments": row.segments, "encoding": row.encoding,
            "provider_sid": row.provider_sid, "attempts": row.attempts,
            "sent_at": iso(row.sent_at), "last_error": row.last_error,
            # a staff text: who wrote it, the flag it answers, outside the quiet hours or not
            "sent_by": row.sent_by, "flag_id": row.flag_id, "quiet_override": row.quiet_override}


def _snapshot(enrollment: Enrollment) -> Protocol | None:
    """The enrolment's protocol version, for the titles. The row is read whether or not the
    parsed protocol is cached (once per session: the identity map keeps it), so how many
    statements a caller sends does not depend on what other callers read before."""
    session = object_session(enrollment)
    if session is None:
        return None
    version = session.get_one(ProtocolVersion, enrollment.protocol_digest)
    return _SNAPSHOTS.get(session, version.digest)


def enrollment_json(enrollment: Enrollment, *, messages: bool = True,
                    protocol: Protocol | None = None) -> dict:
    """`protocol`: the enrolment's snapshot when the caller already has it."""
    patient = enrollment.patient
    tz = ZoneInfo(enrollment.timezone)
    protocol = protocol or _snapshot(enrollment)
    data: dict[str, object] = {"enrollment_id": enrollment.id, "patient_id": patient.id,
            "status": enrollment.status.value, "protocol": enrollment.protocol_id,
            "protocol_name": protocol.name if protocol else enrollment.protocol_id,
            "injected_at": iso(enrollment.injected_at), "timezone": enrollment.timezone,
            "first_name": patient.first_name, "phone": patient.phone,
            "language": enrollment.language, "side": enrollment.side,
            "diabetic": enrollment.diabetic, "pt_referral": enrollment.pt_referral,
            "baseline_pain": enrollment.baseline_pain, "consent_by": enrollment.consent_by,
            "consent_at": iso(enrollment.consent_at), "created_by": enrollment.created_by,
            "diagnostic_response": {"anaesthetic_pain": enrollment.anaesthetic_pain,
                                    "relief_percent": enrollment.diagnostic_relief_percent,
                                    "threshold_met": enrollment.diagnostic_relief_met}}
    if messages:
        data["messages"] = [message_json(m, tz, protocol) for m in enrollment.messages]
    return data


def shown_enrollment_json(view: EnrollmentView) -> dict:
    """`reminders show --json`: the enrolment with its replies and flags."""
    protocol = _snapshot(view.enrollment)
    return {**enrollment_json(view.enrollment, protocol=protocol),
            "replies": [reply_json(r, protocol) for r in view.replies],
            "flags": [flag_json(f) for f in view.flags]}


def reply_json(reply: Reply, protocol: Protocol | None = None) -> dict:
    """A reply; `protocol` (the enrolment's snapshot) names the question by its title."""
    return {"id": reply.id, "message_sid": reply.message_sid, "from": reply.from_number,
            "received_at": iso(reply.received_at), "text": reply.body,
            "enrollment_id": reply.enrollment_id, "question_id": reply.question_id,
            "question_step": reply.question.step if reply.question else None,
            "question_title": (step_title(protocol, reply.question.step)
                               if reply.question else None),
            "kind": reply.kind, "score": reply.score, "relief": reply.relief,
            "yes_no": reply.yes_no, "keyword": reply.keyword,
            "red_flags": reply.red_flags or [], "confidence": reply.confidence,
            # every finding, with its words and, in "text", its plain-words reading
            "findings": reply.findings or [],
            "response_kind": reply.response_kind, "response_text": reply.response_text,
            # the pictures sent with it (staff see them on the patient page, never by URL)
            "pictures": [{"position": m.position, "content_type": m.content_type}
                         for m in reply.media]}


def flag_json(flag: Flag) -> dict:
    first = flag.reply
    return {"id": flag.id, "kind": flag.kind.value, "priority": flag.priority.value,
            "status": flag.status.value, "enrollment_id": flag.enrollment_id,
            "message_id": flag.message_id, "reply_text": first.shown if first else None,
            "created_at": iso(flag.created_at), "reason": flag.reason,
            "patient_id": flag.patient_id, "phone": flag.phone,
            "reply_id": flag.reply_id,
            "replies": [{"id": r.id, "received_at": iso(r.received_at), "text": r.shown}
                        for r in flag.replies],
            "updated_at": iso(flag.updated_at),
            "acknowledged_by": flag.acknowledged_by, "acknowledged_at": iso(flag.acknowledged_at),
            "resolved_by": flag.resolved_by, "resolved_at": iso(flag.resolved_at),
            "resolution_note": flag.resolution_note, "assigned_to": flag.assigned_to}
