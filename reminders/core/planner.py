"""The planner (pure): protocol + enrolment facts + now → the texts to send and when.

No database, no clock, no Twilio. The rules are the brief's §3: day N is the local
calendar date of the injection plus N at a local wall-clock time; `after` is elapsed time;
texts go out only inside quiet hours; stale advice is never sent late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reminders.core.localtime import resolve_local
from reminders.core.protocol import INTRO_STEP, Protocol, Step, Template
from reminders.core.segments import count_segments
from reminders.core.statuses import MessageStatus

# A planned text is written as pending; a stale one as expired (never sent).
PLANNED = MessageStatus.PENDING
EXPIRED = MessageStatus.EXPIRED


@dataclass(frozen=True)
class Facts:
    """What the planner needs to know about an enrolment."""

    injected_at: datetime  # aware; the injection instant
    timezone: ZoneInfo  # the patient's zone
    language: str = "en"
    side: str | None = None
    diabetic: bool = False
    pt_referral: bool = False

    def as_conditions(self) -> dict[str, object]:
        return {"language": self.language, "side": self.side,
                "diabetic": self.diabetic, "pt_referral": self.pt_referral}


@dataclass(frozen=True)
class PlannedText:
    step: str
    order: int  # position in the protocol; breaks ties between texts due at once
    status: MessageStatus  # PLANNED or EXPIRED
    send_at: datetime  # UTC; for an expired text, when it would have been due
    expires_at: datetime  # UTC
    reason: str  # why it moved or expired; empty when sent at its nominal time
    language: str  # the language of `text` (English when the translation is missing)
    text: str
    segments: int
    encoding: str
    expects: str | None  # the reply kind this text asks for
    reply_window: timedelta | None


def nominal_time(step: Step, facts: Facts) -> datetime:
    """When `step` is due, before quiet hours and lateness are considered."""
    if step.timing.after is not None:
        return facts.injected_at + step.timing.after
    injected_local = facts.injected_at.astimezone(facts.timezone)
    day = injected_local.date() + timedelta(days=step.timing.day)
    return resolve_local(day, step.timing.at, facts.timezone)


def _local(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%a %d %b %H:%M %Z")


def _render(template: Template, facts: Facts, context: Mapping[str, str]):
    language, text = template.render(facts.language, context)
    count = count_segments(text)
    return {"language": language, "text": text, "segments": count.segments,
            "encoding": count.encoding}


def _plan_step(protocol: Protocol, step: Step, facts: Facts, now: datetime, context) -> PlannedText:
    tz = facts.timezone
    due = nominal_time(step, facts)
    expires_at = due + step.expires
    common = dict(step=step.id, order=step.order, expires_at=expires_at,
                  expects=step.expects.reply.value if step.expects else None,
                  reply_window=step.expects.window if step.expects else None,
                  **_render(step.template, facts, context))
    if expires_at <= now:
        return PlannedText(status=EXPIRED, send_at=due, reason=(
            f"stale: was due {_local(due, tz)} and current until {_local(expires_at, tz)}"),
            **common)
    earliest = max(due, now)
    send_at = protocol.quiet_hours.next_opening(earliest, tz)
    if send_at >= expires_at:
        return PlannedText(status=EXPIRED, send_at=due, reason=(
            f"quiet hours: next opening {_local(send_at, tz)} is past its expiry "
            f"{_local(expires_at, tz)}"), **common)
    if send_at > earliest:
        reason = f"quiet hours: moved from {_local(earliest, tz)}"
    elif due < now:
        reason = f"late enrolment: was due {_local(due, tz)}, sent now"
    else:
        reason = ""
    return PlannedText(status=PLANNED, send_at=send_at, reason=reason, **common)


def plan(protocol: Protocol, facts: Facts, now: datetime, context: Mapping[str, str],
         *, introduced: bool = False) -> list[PlannedText]:
    """Every applicable step of `protocol` as a planned or expired text, in sending order.

    `context` holds the placeholder values (clinic name and phones, first name). When the
    step that introduces the clinic will not be sent, the protocol's intro goes out with
    the first text that will, so a patient never gets an unexplained text; `introduced`
    says a text has already reached the patient (a re-plan), so no intro is needed.
    """
    conditions = facts.as_conditions()
    texts = [_plan_step(protocol, step, facts, now, context)
             for step in protocol.steps if step.applies_to(conditions)]
    planned = sorted((t for t in texts if t.status == PLANNED), key=lambda t: (t.send_at, t.order))
    if planned and not introduced and not protocol.step(planned[0].step).introduces:
        first = planned[0]
        texts.append(PlannedText(
            step=INTRO_STEP, order=-1, status=PLANNED, send_at=first.send_at,
            expires_at=first.expires_at, reason=f"introduces the clinic before {first.step}",
            expects=None, reply_window=None, **_render(protocol.intro, facts, context)))
    return sorted(texts, key=lambda t: (t.send_at, t.order))
