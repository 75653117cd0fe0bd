"""Enrolment input checks (pure). Every problem is reported at once, keyed by field name.

Errors are keyed by field key (field_names.ENROLMENT_FIELDS); each interface names the
field in its own words (field_names.Naming), so no message here names a control.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import phonenumbers

from reminders.core import limits
from reminders.core.errors import ValidationError
from reminders.core.field_text import whole_number
from reminders.core.localtime import resolve_local, zone
from reminders.core.protocol import SUPPORTED_LANGUAGES, Protocol, ProtocolSet
from reminders.core.zones import local_zone

MAX_FUTURE = timedelta(minutes=15)  # clocks differ; an injection further ahead is a typo
_NAME = re.compile(r"^[^\W\d_]+(?:[' .-]{1,2}[^\W\d_]+)*$")  # letters; inner ' . - and spaces
_P = ParamSpec("_P")
_T = TypeVar("_T")


@dataclass(frozen=True)
class EnrollmentInput:
    """What staff (CLI, form or API) hand in; strings as typed, checked by `validate`."""

    first_name: str
    phone: str
    injected_at: str | datetime
    protocol: str
    consent_by: str
    timezone: str | None = None  # None: the clinic's zone
    language: str = "en"
    side: str | None = None
    diabetic: bool = False
    pt_referral: bool = False
    baseline_pain: int | str | None = None
    supersede: bool = False
    injected_zone: str | None = None  # a typed injected_at's zone (web, CSV: the clinic's);
    # None: the patient's. Errors show the time in it.


@dataclass(frozen=True)
class ValidEnrollment:
    first_name: str
    phone: str  # E.164
    injected_at: datetime  # aware, UTC
    protocol: Protocol
    consent_by: str
    timezone: ZoneInfo
    language: str
    side: str | None
    diabetic: bool
    pt_referral: bool
    baseline_pain: int | None
    supersede: bool


def normalise_phone(raw: str, default_region: str) -> str:
    """E.164 form of `raw`, or ValueError saying what is wrong with it."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a valid phone number for region {default_region}")
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE:
        raise ValueError(f"{raw!r} is a landline; texts need a mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_instant(raw: str | datetime, tz: ZoneInfo) -> datetime:
    """An ISO 8601 instant; one without an offset is read as wall-clock time in `tz`. A date
    alone is refused: read as midnight it would be hours off without a word."""
    if isinstance(raw, datetime):
        value = raw
    else:
        text = raw.strip().replace("Z", "+00:00") if isinstance(raw, str) else ""
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            raise ValueError(f"{raw!r} has no time: give a time too, e.g. "
                             f"{day.isoformat()} 09:30")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{raw!r} is not a date and time (e.g. 2026-06-01 09:30)") from None
    try:
        if value.tzinfo is None:
            return resolve_local(value.date(), value.time(), tz)
        return value.astimezone(ZoneInfo("UTC"))
    except OverflowError:  # year 1 or 9999 moved across an offset
        raise ValueError(f"{raw!r} is out of the range of dates") from None


def check_injection_time(injected_at: datetime, protocol: Protocol, now: datetime,
                         tz: ZoneInfo) -> None:
    """Raises ValueError when the time is too far ahead or too old; the message shows the
    times in `tz`, the zone the field is typed in."""
    local = f"{injected_at.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"
    if injected_at > now + MAX_FUTURE:
        raise ValueError(f"{local} is in the future (more than "
                         f"{int(MAX_FUTURE.total_seconds() // 60)} minutes after "
                         f"{now.astimezone(tz):%H:%M}, the time now)")
    if injected_at < now - protocol.duration:
        raise ValueError(f"{local} is older than the protocol's "
                         f"{protocol.duration.days} days: nothing is left to send")


def validate(data: EnrollmentInput, protocols: ProtocolSet, *, clinic_timezone: str,
             default_region: str, now: datetime,
             found: Mapping[str, str] | None = None) -> ValidEnrollment:
    """The checked enrolment, or ValidationError naming every wrong field at once.

    `found`: what the interface already found wrong (a missing field, a wrong JSON type);
    those fields are not checked again, and their errors come with the others.
    """
    # A value over its limit is not parsed (a parser's error would echo the whole value);
    # every other field is still checked, so one answer names every wrong field.
    errors = {**limits.too_long(vars(data), limits.ENROLMENT), **(found or {})}

    def check(field: str, func: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs
              ) -> _T | None:
        if field in errors:
            return None
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            errors[field] = str(exc)
            return None

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, message)

    first_name = (data.first_name or "").strip()
    if "first_name" not in errors and not _NAME.match(first_name):
        refuse("first_name", f"must be a first name of 1 to {limits.FIRST_NAME} letters "
                             "(no digits)")
    phone = check("phone", normalise_phone, data.phone or "", default_region)
    tz = (check("timezone", local_zone, data.timezone, clinic_timezone) if data.timezone
          else check("timezone", zone, clinic_timezone))  # the clinic's: checked at start
    typed_in = tz if data.injected_zone is None else check("injected_at", zone,
                                                           data.injected_zone)
    protocol = protocols.protocols.get(data.protocol)
    if protocol is None:
        refuse("protocol", f"{data.protocol!r} is not a protocol in the schedules file "
                           f"(known: {', '.join(protocols.protocols)})")
    if data.language not in SUPPORTED_LANGUAGES:
        refuse("language", f"{data.language!r} is not one of {SUPPORTED_LANGUAGES}")
    if data.side not in (None, "", "left", "right"):
        refuse("side", f"{data.side!r} is not 'left' or 'right'")
    baseline = data.baseline_pain
    if baseline not in (None, ""):
        if isinstance(baseline, str):  # ASCII digits only: int() reads "٣" as 3
            baseline = whole_number(baseline, max=10)
        if not isinstance(baseline, int) or not 0 <= baseline <= 10:
            baseline = None
            refuse("baseline_pain", f"{str(data.baseline_pain)[:20]!r} is not a whole "
                                    "number from 0 to 10")
    else:
        baseline = None
    consent_by = (data.consent_by or "").strip()
    if not consent_by:
        refuse("consent_by", "is required: name the staff member who recorded the "
                             "patient's consent to texts; nothing is enrolled without it")
    elif any(ord(c) < 32 for c in consent_by):
        refuse("consent_by", f"must be a name of at most {limits.PERSON} characters, "
                             "on one line")
    injected_at = None
    if typed_in is not None:
        injected_at = check("injected_at", parse_instant, data.injected_at, typed_in)
    if injected_at is not None and protocol is not None and typed_in is not None:
        check("injected_at", check_injection_time, injected_at, protocol, now, typed_in)
    if typed_in is None:  # its zone is wrong, but how the time is written can be judged
        check("injected_at", parse_instant, data.injected_at, ZoneInfo("UTC"))
    if errors:
        raise ValidationError(errors)
    # Each of these is None only when an error was recorded for it above.
    assert phone is not None and tz is not None and protocol is not None
    assert injected_at is not None
    return ValidEnrollment(
        first_name=first_name, phone=phone, injected_at=injected_at, protocol=protocol,
        consent_by=consent_by, timezone=tz, language=data.language, side=data.side or None,
        diabetic=bool(data.diabetic), pt_referral=bool(data.pt_referral),
        baseline_pain=baseline, supersede=bool(data.supersede))
