"""Planned texts as outbox rows: the facts the planner needs from an enrolment, and the
columns a planned text fills. Shared by enrolment and re-planning.

Short on purpose: the one translation from a plan to rows, shared by two modules.
"""

from __future__ import annotations

from datetime import datetime

from reminders.core.localtime import zone
from reminders.core.planner import Facts, PlannedText
from reminders.core.statuses import MessageStatus
from reminders.models import Enrollment, OutboxMessage
from reminders.settings import Settings

# Texts in these states may have reached the patient: after one of them, no intro is needed.
MAY_HAVE_REACHED = (MessageStatus.LEASED, MessageStatus.SENT, MessageStatus.DELIVERED,
                    MessageStatus.UNDELIVERED, MessageStatus.UNKNOWN)


def plan_rows(enrollment: Enrollment) -> dict[str, OutboxMessage]:
    """The enrolment's protocol texts by step. A staff text (staff_texts.py) is not part of
    the plan: a re-plan neither moves nor cancels it."""
    return {m.step: m for m in enrollment.messages if m.sent_by is None}


def facts_of(enrollment: Enrollment) -> Facts:
    """The enrolment's own facts: its language and zone, not the patient row's."""
    return Facts(injected_at=enrollment.injected_at, timezone=zone(enrollment.timezone),
                 language=enrollment.language, side=enrollment.side,
                 diabetic=enrollment.diabetic, pt_referral=enrollment.pt_referral)


def plan_context(settings: Settings, first_name: str) -> dict[str, str]:
    return {**settings.placeholders, "first_name": first_name}


def row_values(text: PlannedText) -> dict:
    return dict(
        step=text.step, position=text.order, language=text.language, body=text.text,
        segments=text.segments, encoding=text.encoding, send_at=text.send_at,
        expires_at=text.expires_at, reason=text.reason, expects=text.expects,
        status=text.status,
        reply_window_seconds=int(text.reply_window.total_seconds()) if text.reply_window else None,
    )


def rewrite(row: OutboxMessage, text: PlannedText, now: datetime) -> None:
    for key, value in row_values(text).items():
        setattr(row, key, value)
    row.updated_at = now
