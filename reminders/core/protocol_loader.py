"""Build and check protocols from the parsed `schedules.yaml` data (pure).

Every mistake is collected, not just the first, and each message starts with the path of
the offending value (`protocols.hip-joint-injection.steps[3].at.time: '25:00' is not a
time`), so an operator can fix the file in one pass.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from reminders.core.checker import Checker
from reminders.core.delivery_rules import OUTER_LIMIT
from reminders.core.localtime import QuietHours, parse_clock, parse_duration
from reminders.core.protocol import (
    CONDITION_FACTS,
    DEFAULT_LANGUAGE,
    INTRO_STEP,
    STAFF_STEP_PREFIX,
    SUPPORTED_LANGUAGES,
    Expects,
    Improvement,
    Protocol,
    ProtocolSet,
    ReplyKind,
    Step,
    Template,
    Timing,
    is_staff_step,
    placeholders_in,
)
from reminders.core.saved_replies import load_saved_replies
from reminders.core.symptom_loader import load_symptoms

TCPA_EARLIEST, TCPA_LATEST = f"{OUTER_LIMIT.start:%H:%M}", f"{OUTER_LIMIT.end:%H:%M}"
ANSWER_KINDS = ("help", "red_flag", "no_improvement", "fallback")
# The answer when a reply could not be read: required in the file, absent from snapshots
# stored before it existed (only the file's is ever sent).
_ADDED_ANSWERS = {"fallback"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ProtocolError(Exception):
    """The protocol file is invalid; `errors` holds one message per mistake."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def load_protocols(data: Any, budget_context: Mapping[str, str] | None) -> ProtocolSet:
    """Check the whole file's data and build its protocols, or raise ProtocolError.

    `budget_context` supplies the clinic's placeholder values used to render every text
    when checking its segment budget; None skips that check (for a stored snapshot that
    passed it when it was first loaded).
    """
    check = Checker(budget_context)
    root = check.mapping(data, "(file)", {"protocols"}, {"version", "saved_replies"})
    protocols: dict[str, Protocol] = {}
    raw_protocols = root.get("protocols")
    if "protocols" in root and (not isinstance(raw_protocols, Mapping) or not raw_protocols):
        check.error("protocols", "must map each protocol id to its definition")
    elif isinstance(raw_protocols, Mapping):
        for pid, raw in raw_protocols.items():
            path = f"protocols.{pid}"
            if not isinstance(pid, str) or not _SLUG.match(pid):
                check.error(path, "protocol id must be lower-case letters, digits and dashes")
                continue
            protocol = _protocol(check, pid, raw, path)
            if protocol is not None:
                protocols[pid] = protocol
    saved = load_saved_replies(check, root["saved_replies"]) if "saved_replies" in root else {}
    if check.errors:
        raise ProtocolError(check.errors)
    return ProtocolSet(protocols=protocols, warnings=tuple(check.warnings), saved_replies=saved)


def _protocol(check: Checker, pid: str, raw: Any, path: str) -> Protocol | None:
    required = {"name", "languages", "duration", "quiet_hours", "improvement",
                "diagnostic_relief", "answers", "intro", "consent", "steps"}
    # `red_flags` (a flat word list) is how snapshots from before symptom concepts read.
    legacy = isinstance(raw, Mapping) and "red_flags" in raw
    data = check.mapping(raw, path, required,
                         {"red_flags"} if legacy else {"symptoms", "fever_temperature",
                                                      "blood_sugar_threshold"})
    if not data:
        return None
    errors_before = len(check.errors)
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        check.error(f"{path}.name", "must be a non-empty text")
    languages = _languages(check, data.get("languages"), f"{path}.languages")
    duration = check.parsed(parse_duration, data.get("duration"), f"{path}.duration")
    quiet = _quiet_hours(check, data.get("quiet_hours"), f"{path}.quiet_hours")
    imp = check.mapping(data.get("improvement"), f"{path}.improvement", {"points", "percent"}, set())
    points = check.integer(imp.get("points"), f"{path}.improvement.points", 1, 10)
    percent = check.integer(imp.get("percent"), f"{path}.improvement.percent", 1, 100)
    diag = check.mapping(data.get("diagnostic_relief"), f"{path}.diagnostic_relief", {"percent"}, set())
    diag_percent = check.integer(diag.get("percent"), f"{path}.diagnostic_relief.percent", 1, 100)
    reading = load_symptoms(check, data, path, languages)
    snapshot = check.context is None
    answers_raw = check.mapping(data.get("answers"), f"{path}.answers",
                                set(ANSWER_KINDS) - (_ADDED_ANSWERS if snapshot else set()),
                                _ADDED_ANSWERS if snapshot else set())
    answers: dict[str, Template] = {}
    for kind in ANSWER_KINDS:
        if kind not in answers_raw:
            continue  # reported by check.mapping
        answer = check.template(answers_raw[kind], f"{path}.answers.{kind}", languages)
        if answer is not None:
            answers[kind] = answer
    _check_fallback(check, answers.get("fallback"), f"{path}.answers.fallback")
    intro = check.template(data.get("intro"), f"{path}.intro", languages)
    if intro is not None:
        _check_introduces(check, intro, f"{path}.intro")
    consent = check.template(data.get("consent"), f"{path}.consent", languages, sent=False)
    steps = _steps(check, data.get("steps"), f"{path}.steps", languages, quiet, duration)
    if len(check.errors) > errors_before:
        return None
    # Each of these is None only when an error was recorded for it above.
    assert duration is not None and quiet is not None and intro is not None
    assert consent is not None
    assert points is not None and percent is not None and diag_percent is not None
    return Protocol(
        id=pid, name=str(data["name"]), duration=duration, quiet_hours=quiet,
        improvement=Improvement(points=points, percent=percent),
        diagnostic_relief_percent=diag_percent, reading=reading, answers=answers,
        intro=intro, consent=consent, steps=steps, digest=_digest(raw), source=raw,
    )


def _check_fallback(check: Checker, answer: Template | None, path: str) -> None:
    """The fallback goes out when a reply could not be read: who sent it may be unknown."""
    for lang, text in (answer.texts.items() if answer else ()):
        if any(name == "first_name" for name, _, _ in placeholders_in(text)):
            check.error(f"{path}.text.{lang}", "cannot use {first_name}: the answer goes out "
                        "when the sender may not be known")


def _languages(check: Checker, value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or DEFAULT_LANGUAGE not in value:
        check.error(path, f"must be a list that includes {DEFAULT_LANGUAGE!r}")
        return (DEFAULT_LANGUAGE,)
    for i, lang in enumerate(value):
        if lang not in SUPPORTED_LANGUAGES:
            check.error(f"{path}[{i}]", f"{lang!r} is not supported (supported: {SUPPORTED_LANGUAGES})")
    return tuple(lang for lang in value if lang in SUPPORTED_LANGUAGES)


def _quiet_hours(check: Checker, value: Any, path: str) -> QuietHours | None:
    data = check.mapping(value, path, {"start", "end"}, set())
    start = check.parsed(parse_clock, data.get("start"), f"{path}.start") if data else None
    end = check.parsed(parse_clock, data.get("end"), f"{path}.end") if data else None
    if start is None or end is None:
        return None
    if not parse_clock(TCPA_EARLIEST) <= start < end <= parse_clock(TCPA_LATEST):
        check.error(path, f"window {start:%H:%M}–{end:%H:%M} must lie inside "
                    f"{TCPA_EARLIEST}–{TCPA_LATEST} (TCPA) and start before it ends")
        return None
    return QuietHours(start, end)


def _check_introduces(check: Checker, template: Template, path: str) -> None:
    for lang, text in template.texts.items():
        missing = [w for w in ("{clinic_name}", "STOP", "HELP") if w not in text]
        if missing:
            check.error(f"{path}.text.{lang}", "a first text must name the clinic and say "
                        f"STOP and HELP; missing {', '.join(missing)}")


def _steps(check: Checker, value: Any, path: str, languages: tuple[str, ...],
           quiet: QuietHours | None, duration: timedelta | None) -> tuple[Step, ...]:
    if not isinstance(value, list) or not value:
        check.error(path, "must be a non-empty list of steps")
        return ()
    steps: list[Step] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        step = _step(check, raw, f"{path}[{i}]", i, languages, quiet, duration)
        if step is None:
            continue
        if step.id in seen:
            check.error(f"{path}[{i}].id", f"duplicate step id {step.id!r}")
        seen.add(step.id)
        steps.append(step)
    if len(steps) == len(value) and not any(s.introduces for s in steps):
        check.error(path, "one step must have `introduces: true` (the first text names the clinic)")
    return tuple(steps)


def _step(check: Checker, raw: Any, path: str, order: int, languages: tuple[str, ...],
          quiet: QuietHours | None, duration: timedelta | None) -> Step | None:
    keys = {"id", "at", "expires", "text", "segments"}
    data = check.mapping(raw, path, keys, {"when", "expects", "introduces", "escalates", "title"})
    if not data:
        return None
    errors_before = len(check.errors)
    step_id = data.get("id")
    if (not isinstance(step_id, str) or not _SLUG.match(step_id) or step_id == INTRO_STEP
            or is_staff_step(step_id)):
        check.error(f"{path}.id", f"{step_id!r} is not a step id (lower-case letters, digits, "
                    f"dashes; {INTRO_STEP!r} and {STAFF_STEP_PREFIX}… are reserved)")
    timing = _timing(check, data.get("at"), f"{path}.at", quiet, duration)
    expires = check.parsed(parse_duration, data.get("expires"), f"{path}.expires")
    if expires is not None and expires.total_seconds() <= 0:
        check.error(f"{path}.expires", "must be longer than 0m")
    when = _condition(check, data.get("when", {}), f"{path}.when")
    expects = _expects(check, data["expects"], f"{path}.expects") if "expects" in data else None
    flags: dict[str, Any] = {}
    for name in ("introduces", "escalates"):
        flags[name] = data.get(name, False)
        if not isinstance(flags[name], bool):
            check.error(f"{path}.{name}", "must be true or false")
    title: dict[str, str] = {}
    if "title" in data:
        title = check.titles(data["title"], f"{path}.title", languages, step_id)
    elif check.context is not None:  # a snapshot stored before steps had titles has none
        check.error(f"{path}.title", f"is required: the title staff see for step {step_id!r} "
                    f"in each of the protocol's languages ({', '.join(languages)}), "
                    "e.g. {en: Day 10 check, es: Control del día 10}")
    template = check.texts(data.get("text"), data.get("segments"), path, languages)
    if template is not None and flags["introduces"] is True:
        _check_introduces(check, template, path)
    if len(check.errors) > errors_before:
        return None
    # Each of these is None only when an error was recorded for it above.
    assert isinstance(step_id, str)
    assert timing is not None and expires is not None and template is not None
    return Step(id=step_id, order=order, timing=timing, expires=expires, template=template,
                when=when, expects=expects, title=title, **flags)


def _timing(check: Checker, value: Any, path: str, quiet: QuietHours | None,
            duration: timedelta | None) -> Timing | None:
    data = check.mapping(value, path, set(), {"after", "day", "time"})
    if not isinstance(value, Mapping):
        return None  # reported by check.mapping; an empty mapping is reported below
    if ("after" in data) == ("day" in data or "time" in data):
        check.error(path, "give either `after: <duration>` or `day: N` with `time: HH:MM`")
        return None
    if "after" in data:
        after = check.parsed(parse_duration, data["after"], f"{path}.after")
        if after is not None and duration is not None and after > duration:
            check.error(f"{path}.after", "is later than the protocol's duration")
        return None if after is None else Timing(after=after)
    day = check.integer(data.get("day"), f"{path}.day", 0, 365)
    at = check.parsed(parse_clock, data.get("time"), f"{path}.time")
    if at is not None and quiet is not None and not quiet.start <= at < quiet.end:
        check.error(f"{path}.time", f"'{at:%H:%M}' is outside the quiet-hours window "
                    f"{quiet.start:%H:%M}–{quiet.end:%H:%M}")
        return None
    if day is not None and duration is not None and day > duration.days:
        check.error(f"{path}.day", "is later than the protocol's duration")
    return None if day is None or at is None else Timing(day=day, at=at)


def _condition(check: Checker, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        check.error(path, "must map enrolment facts to values (e.g. diabetic: true)")
        return {}
    for name, wanted in value.items():
        if name not in CONDITION_FACTS:
            known = ", ".join(CONDITION_FACTS)
            check.error(f"{path}.{name}", f"unknown condition (known: {known})")
        elif wanted not in CONDITION_FACTS[name] or type(wanted) is not type(CONDITION_FACTS[name][0]):
            check.error(f"{path}.{name}", f"{wanted!r} is not one of {CONDITION_FACTS[name]}")
    return dict(value)


def _expects(check: Checker, value: Any, path: str) -> Expects | None:
    data = check.mapping(value, path, {"reply", "window"}, set())
    if not data:
        return None
    kinds = [k.value for k in ReplyKind if k != ReplyKind.FREE_TEXT]  # staff texts' only
    if data.get("reply") not in kinds:
        check.error(f"{path}.reply", f"{data.get('reply')!r} is not one of {kinds}")
    window = check.parsed(parse_duration, data.get("window"), f"{path}.window")
    if data.get("reply") not in kinds or window is None:
        return None
    return Expects(reply=ReplyKind(data["reply"]), window=window)
