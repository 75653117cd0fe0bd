"""The JSON shapes of the brief §5, shared by the CLI and (later) the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from reminders.models import Enrollment, OutboxMessage
from reminders.planner import PlannedText


def iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def planned_json(text: PlannedText, tz: ZoneInfo) -> dict:
    return {"id": None, "step": text.step, "status": text.status, "send_at": iso(text.send_at),
            "local_send_at": iso(text.send_at.astimezone(tz)), "expires_at": iso(text.expires_at),
            "reason": text.reason, "language": text.language, "text": text.text,
            "segments": text.segments, "encoding": text.encoding, "provider_sid": None}


def message_json(row: OutboxMessage, tz: ZoneInfo) -> dict:
    return {"id": row.id, "step": row.step, "status": row.status.value,
            "send_at": iso(row.send_at), "local_send_at": iso(row.send_at.astimezone(tz)),
            "expires_at": iso(row.expires_at), "reason": row.reason, "language": row.language,
            "text": row.body, "segments": row.segments, "encoding": row.encoding,
            "provider_sid": row.provider_sid, "attempts": row.attempts,
            "sent_at": iso(row.sent_at), "last_error": row.last_error}


def enrollment_json(enrollment: Enrollment, *, messages: bool = True) -> dict:
    patient = enrollment.patient
    tz = ZoneInfo(patient.timezone)
    data = {"enrollment_id": enrollment.id, "patient_id": patient.id,
            "status": enrollment.status.value, "protocol": enrollment.protocol_id,
            "injected_at": iso(enrollment.injected_at), "timezone": patient.timezone,
            "first_name": patient.first_name, "phone": patient.phone,
            "language": patient.language, "side": enrollment.side,
            "diabetic": enrollment.diabetic, "pt_referral": enrollment.pt_referral,
            "baseline_pain": enrollment.baseline_pain, "consent_by": enrollment.consent_by,
            "consent_at": iso(enrollment.consent_at), "created_by": enrollment.created_by}
    if messages:
        data["messages"] = [message_json(m, tz) for m in enrollment.messages]
    return data
