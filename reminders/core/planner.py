"""The planner (pure): protocol + enrolment facts + now → the texts to send and when.

No database, no clock, no Twilio. The rules are the brief's §3: day N is the local
calendar date of the injection plus N at a local wall-clock time; `after` is elapsed time;
texts go out only inside quiet hours; stale advice is never sent late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from reminders.core.localtime import resolve_local
from reminders.core.protocol import INTRO_STEP, Protocol, Step, Template
from reminders.core.segments import count_segments
from reminders.core.statuses import MessageStatus
from reminders.core.wording import local_words

# A planned text is written as pending; a stale one as expired (never sent).
PLANNED = MessageStatus.PENDING
EXPIRED = MessageStatus.EXPIRED

# A text due this little before the enrolment is sent on time, without a "late" reason:
# the staff form's injection time is to the minute and a nurse enrols in the minutes after
# the injection, so the welcome (due at the injection) is always a little "overdue".
ON_TIME_GRACE = timedelta(minutes=30)


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
    timing = step.timing
    if timing.after is not None:
        return facts.injected_at + timing.after
    assert timing.day is not None and timing.at is not None  # no `after`: a day and a time
    injected_local = facts.injected_at.astimezone(facts.timezone)
    day = injected_local.date() + timedelta(days=timing.day)
    return resolve_local(day, timing.at, facts.timezone)


def _local(instant: datetime, tz: ZoneInfo) -> str:
    return f"{local_words(instant, tz)} {instant.astimezone(tz):%Z}"


class _Rendered(TypedDict):
    language: str
    text: str
    segments: int
    encoding: str


def _render(template: Template, facts: Facts, context: Mapping[str, str]) -> _Rendered:
    language, text = template.render(facts.language, context)
    count = count_segments(text)
    return {"language": language, "text": text, "segments": count.segments,
            "encoding": count.encoding}


def _plan_step(protocol: Protocol, step: Step, facts: Facts, now: datetime,
               context: Mapping[str, str]) -> PlannedText:
    tz = facts.timezone
    due = nominal_time(step, facts)
    expires_at = due + step.expires
    rendered = _render(step.template, facts, context)

    def text(status: MessageStatus, send_at: datetime, reason: str) -> PlannedText:
        return PlannedText(step=step.id, order=step.order, status=status, send_at=send_at,
                           expires_at=expires_at, reason=reason,
                           expects=step.expects.reply.value if step.expects else None,
                           reply_window=step.expects.window if step.expects else None,
                           **rendered)

    if expires_at <= now:
        return text(EXPIRED, due, f"already past: was due {_local(due, tz)} and worth sending "
                    f"until {_local(expires_at, tz)}; not sent")
    earliest = max(due, now)
    send_at = protocol.quiet_hours.next_opening(earliest, tz)
    if send_at >= expires_at:
        return text(EXPIRED, due, f"not sent: quiet hours until {_local(send_at, tz)}, and "
                    f"it is worth sending only until {_local(expires_at, tz)}")
    if send_at > earliest:
        reason = f"moved out of quiet hours: would have gone {_local(earliest, tz)}"
    elif due < now - ON_TIME_GRACE:
        reason = f"sent now: enrolled after it was due ({_local(due, tz)})"
    else:
        reason = ""
    return text(PLANNED, send_at, reason)


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
            expires_at=first.expires_at,
            reason=f"introduces the clinic before {protocol.step_title(first.step)}",
            expects=None, reply_window=None, **_render(protocol.intro, facts, context)))
    return sorted(texts, key=lambda t: (t.send_at, t.order))
