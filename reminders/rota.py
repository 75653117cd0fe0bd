"""The on-call rota and the staff mobiles pages go to: set by admins (web and CLI).

Shifts are entered in clinic time (CLINIC_TIMEZONE) and stored in UTC; the default covers
every time no shift does. The person on call must have a mobile number on file: a rota
that names someone who cannot be texted would page nobody. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.errors import NotFound, ValidationError
from reminders.core.localtime import zone
from reminders.core.triage import FlagKind, Priority
from reminders.core.validation import normalise_phone, parse_instant
from reminders.models import PagedKind, RotaShift, StaffMember

MAX_SHIFT_DAYS = 31  # a longer "shift" is a default in disguise, or a typo in the year


@dataclass(frozen=True)
class ShiftInput:
    on_call: str  # sign-in names
    backup: str = ""
    starts: str = ""  # clinic time, "2026-12-24 18:00" (empty for the default)
    ends: str = ""


def _member(session: Session, name: str, field: str, errors: dict[str, str]) -> StaffMember | None:
    name = (name or "").strip().lower()
    member = session.scalar(select(StaffMember).where(StaffMember.name == name)) if name else None
    if member is None or not member.active:
        errors[field] = (f"no active staff account named {name!r}" if name
                         else "is required: a staff member's sign-in name")
        return None
    if not member.mobile:
        errors[field] = (f"{member.name} has no mobile number on file: add one on the staff "
                         "accounts page first")
    return member


def set_shift(sessions: sessionmaker[Session], data: ShiftInput, clinic_timezone: str,
              actor: Actor, now: datetime, *, default: bool = False) -> int:
    """Add a shift (or replace the default); every wrong field is named at once."""
    errors = limits.too_long(vars(data), limits.SHIFT)
    if errors:  # not looked up or parsed: an error would echo the whole value
        raise ValidationError(errors)
    tz = zone(clinic_timezone)
    starts = ends = None
    if not default:
        for field, raw in (("starts", data.starts), ("ends", data.ends)):
            if not raw.strip():
                errors[field] = "is required: a date and time in clinic time (2026-12-24 18:00)"
                continue
            try:
                value = parse_instant(raw.strip().replace(" ", "T", 1), tz)
            except ValueError:
                errors[field] = f"{raw!r} is not a date and time (use 2026-12-24 18:00)"
                continue
            starts, ends = (value, ends) if field == "starts" else (starts, value)
        if starts and ends and ends <= starts:
            errors["ends"] = "must be after the start"
        elif starts and ends and (ends - starts).days > MAX_SHIFT_DAYS:
            errors["ends"] = f"a shift may be at most {MAX_SHIFT_DAYS} days: use the default"
        elif ends and ends <= now:
            errors["ends"] = "is in the past"
    with sessions.begin() as session:
        on_call = _member(session, data.on_call, "on_call", errors)
        backup = (_member(session, data.backup, "backup", errors)
                  if data.backup.strip() else None)
        if on_call and backup and on_call.id == backup.id:
            errors["backup"] = "must be someone else than the person on call"
        if errors or on_call is None:
            raise ValidationError(errors)
        if default:
            session.execute(delete(RotaShift).where(RotaShift.is_default))
        shift = RotaShift(is_default=default, starts_at=starts, ends_at=ends,
                          on_call_id=on_call.id, backup_id=backup.id if backup else None,
                          created_by=actor.name, created_at=now)
        session.add(shift)
        session.flush()
        when = "default" if default else f"{data.starts.strip()} to {data.ends.strip()}"
        record(session, actor, "set_rota", now,
               detail=f"{when}: on call {on_call.name}" + (f", backup {backup.name}" if backup else ""))
        return shift.id


def remove_shift(sessions: sessionmaker[Session], shift_id: int, actor: Actor, now: datetime) -> None:
    with sessions.begin() as session:
        shift = session.get(RotaShift, shift_id)
        if shift is None:
            raise NotFound(f"no shift {shift_id}")
        session.delete(shift)
        record(session, actor, "removed_shift", now, detail=f"shift {shift_id}")


def list_rota(session: Session, now: datetime) -> list[RotaShift]:
    """The default first, then shifts not yet over, soonest first."""
    rows = session.scalars(select(RotaShift).options(
        selectinload(RotaShift.on_call), selectinload(RotaShift.backup)))
    current = [r for r in rows if r.is_default or (r.ends_at is not None and r.ends_at > now)]
    return sorted(current, key=lambda r: (not r.is_default, r.starts_at or now, r.id))


def paged_kinds(session: Session) -> set[FlagKind]:
    return set(session.scalars(select(PagedKind.kind)))


def set_paged_kinds(sessions: sessionmaker[Session], kinds: list[str], actor: Actor,
                    now: datetime) -> set[FlagKind]:
    """The kinds that page besides urgent flags (every urgent flag pages anyway)."""
    chosen: set[FlagKind] = set()
    for raw in kinds:
        if len(raw) > limits.SHORT:
            raise ValidationError(limits.over("kinds", raw, limits.SHORT))
        try:
            chosen.add(FlagKind(raw.strip().lower()))
        except ValueError:
            raise ValidationError({"kinds": f"{raw!r} is not a flag kind (one of "
                                   f"{', '.join(k.value for k in FlagKind)})"}) from None
    with sessions.begin() as session:
        session.execute(delete(PagedKind))
        session.add_all(PagedKind(kind=k) for k in sorted(chosen))
        record(session, actor, "set_paged_kinds", now,
               detail=f"{Priority.URGENT.value} flags and: "
               + (", ".join(sorted(chosen)) if chosen else "nothing else"))
    return chosen


def set_mobile(sessions: sessionmaker[Session], name: str, mobile: str, region: str,
               actor: Actor, now: datetime) -> str | None:
    """Record (or, empty, remove) a staff member's mobile; its E.164 form."""
    number = None
    errors = {**limits.over("account", name, limits.SIGN_IN_NAME),
              **limits.over("mobile", mobile, limits.PHONE)}
    if errors:
        raise ValidationError(errors)
    if (mobile or "").strip():
        try:
            number = normalise_phone(mobile.strip(), region)
        except ValueError as exc:
            raise ValidationError({"mobile": str(exc)}) from None
    try:
        with sessions.begin() as session:
            member = session.scalar(select(StaffMember).where(
                StaffMember.name == (name or "").strip().lower()))
            if member is None:
                raise ValidationError({"account": f"no staff account named {name!r}"})
            if number is None and session.scalar(select(RotaShift.id).where(
                    (RotaShift.on_call_id == member.id) | (RotaShift.backup_id == member.id))
                    .limit(1)) is not None:
                raise ValidationError({"mobile": f"{member.name} is on the on-call rota: take "
                                       "them off it before removing their number"})
            member.mobile = number
            record(session, actor, "set_mobile", now,
                   detail=f"{member.name}: " + ("a mobile number" if number else "removed"))
    except IntegrityError:
        raise ValidationError({"mobile": "another staff account has this number"}) from None
    return number
