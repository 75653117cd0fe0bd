"""The protocol model: what is sent when, in which language, and what a reply means (pure).

Built by `protocol_loader.load_protocols` from the `schedules.yaml` data; see
docs/protocol.md for the file format.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from enum import StrEnum
from string import Formatter
from typing import Any

from reminders.core.localtime import QuietHours, format_duration
from reminders.core.reading.vocabulary import ReadingRules, Vocabulary

DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "es")

# Values texts may name. Nothing identifying beyond a first name: no surname, no date of
# birth, no diagnosis ever reaches a text.
PLACEHOLDERS = frozenset({"clinic_name", "clinic_phone", "after_hours_phone", "first_name"})

# Enrolment facts a step's `when:` may test, with the values each may take.
CONDITION_FACTS: Mapping[str, tuple[Any, ...]] = {
    "diabetic": (True, False),
    "pt_referral": (True, False),
    "side": ("left", "right"),
    "language": SUPPORTED_LANGUAGES,
}

# Step id the planner uses for the clinic introduction it prepends when the step that
# normally introduces the clinic will not be sent (late enrolment, quiet hours).
INTRO_STEP = "intro"
# Step ids of the texts staff write (staff_texts.py): `staff-1`, `staff-2`, … per enrolment.
# Reserved: no protocol step may take such an id.
STAFF_STEP_PREFIX = "staff-"


def is_staff_step(step: str) -> bool:
    return step.startswith(STAFF_STEP_PREFIX)


# Staff-facing titles of the steps the planner and staff add (not in any protocol file).
INTRO_TITLE = "Clinic introduction"
STAFF_TITLE = "Text from staff"


def humanize_step_id(step_id: str) -> str:
    """'relief-check-day3' → 'Relief check day3': the title of a step stored before steps
    had titles (a protocol snapshot keeps the file as it was when the patient enrolled)."""
    words = step_id.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else step_id


class ReplyKind(StrEnum):
    PAIN_SCORE = "pain_score"  # a 0–10 score
    RELIEF = "relief"  # better / same / worse, or a 0–10 score
    YES_NO = "yes_no"  # yes or no
    FREE_TEXT = "free_text"  # anything: a person reads it (a staff text's answer; not a step's)


def placeholders_in(text: str) -> list[tuple[str, str | None, str | None]]:
    """(name, conversion, format spec) of each `{…}` field in `text`; raises ValueError on bad braces."""
    return [
        (name, conversion, spec or None)
        for _, name, spec, conversion in Formatter().parse(text)
        if name is not None
    ]


@dataclass(frozen=True)
class Template:
    """One text in several languages, and its segment budget per language."""

    texts: Mapping[str, str]
    budgets: Mapping[str, int]

    def language_for(self, language: str) -> str:
        """The language actually used: `language` when translated, else English."""
        return language if language in self.texts else DEFAULT_LANGUAGE

    def render(self, language: str, context: Mapping[str, str]) -> tuple[str, str]:
        """(language used, rendered text). `context` must hold every placeholder."""
        used = self.language_for(language)
        return used, self.texts[used].format_map(context)

    def budget(self, language: str) -> int:
        return self.budgets.get(language, self.budgets[DEFAULT_LANGUAGE])


@dataclass(frozen=True)
class Timing:
    """Either `after` (elapsed from the injection) or `day` + local `time`."""

    after: timedelta | None = None
    day: int | None = None
    at: time | None = None

    def describe(self) -> str:
        if self.after is not None:
            return f"after {format_duration(self.after)}"
        return f"day {self.day} {self.at:%H:%M}"


@dataclass(frozen=True)
class Expects:
    reply: ReplyKind
    window: timedelta  # how long after the text is sent a reply still answers it


@dataclass(frozen=True)
class Step:
    id: str
    order: int
    timing: Timing
    expires: timedelta  # measured from the nominal send time
    template: Template
    when: Mapping[str, Any] = field(default_factory=dict)
    expects: Expects | None = None
    introduces: bool = False  # this text identifies the clinic and says STOP/HELP
    escalates: bool = False  # silence or no improvement here is flagged for staff
    # What staff call this text ("Day 10 check") per language; empty only in a snapshot
    # stored before the file had titles.
    title: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, language: str = DEFAULT_LANGUAGE) -> str:
        return (self.title.get(language) or self.title.get(DEFAULT_LANGUAGE)
                or humanize_step_id(self.id))

    def applies_to(self, facts: Mapping[str, Any]) -> bool:
        return all(facts.get(name) == value for name, value in self.when.items())

    def describe_condition(self) -> str:
        return ", ".join(f"{k}={str(v).lower()}" for k, v in self.when.items()) or "-"


@dataclass(frozen=True)
class Improvement:
    points: int  # improved when the score dropped by at least this many points …
    percent: int  # … or by at least this percentage of the baseline


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    duration: timedelta  # an injection older than this cannot be enrolled
    quiet_hours: QuietHours
    improvement: Improvement
    diagnostic_relief_percent: int
    reading: ReadingRules  # the symptoms and thresholds replies are read for
    answers: Mapping[str, Template]
    intro: Template
    consent: Template
    steps: tuple[Step, ...]
    digest: str  # sha256 of the protocol's source data: identifies the version used
    source: Mapping[str, Any]  # the protocol's data as loaded, kept with each enrolment

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        """The reply reader's compiled phrase index (built on first use, then kept)."""
        return Vocabulary(self.reading)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def step_title(self, step_id: str, language: str = DEFAULT_LANGUAGE) -> str:
        """What staff call the text sent for `step_id`: the step's title, or the title of
        the planner's introduction or a staff text; an unknown id is humanised."""
        return step_title(self, step_id, language)


def step_title(protocol: Protocol | None, step_id: str, language: str = DEFAULT_LANGUAGE) -> str:
    """`Protocol.step_title`, also when the protocol is not at hand (None)."""
    if step_id == INTRO_STEP:
        return INTRO_TITLE
    if is_staff_step(step_id):
        return STAFF_TITLE
    if protocol is not None:
        for step in protocol.steps:
            if step.id == step_id:
                return step.title_in(language)
    return humanize_step_id(step_id)


@dataclass(frozen=True)
class ProtocolSet:
    protocols: Mapping[str, Protocol]
    warnings: tuple[str, ...] = ()
    # Texts staff may send with one click ("We will call you today."), by id, in the
    # file's order; the file's own, not any protocol's (core/saved_replies.py).
    saved_replies: Mapping[str, Template] = field(default_factory=dict)

    def get(self, protocol_id: str) -> Protocol:
        return self.protocols[protocol_id]
