"""Staff accounts, sign-in with throttling, and API tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults). Sign-in is throttled per
account and per address (login_throttle.py), never so that failures from elsewhere refuse
a right password. Raising a member's `session_version` ends all of their sessions: a
password change or reset and a deactivation do it here, sign-out in the web app.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders import login_throttle
from reminders.audit import Actor, record
from reminders.core import limits
from reminders.core.errors import ValidationError
from reminders.core.sign_in_throttle import refusal, whole_seconds
from reminders.models import ApiToken, LoginAttempt, Role, StaffMember

MIN_PASSWORD = 10
TOKEN_PREFIX = "rmd_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so an unknown name costs the same
    time. Hashed on first use: importing the module must not spend argon2's time and memory."""
    return _hasher.hash("not a password anyone has")


class LoginRefused(Exception):
    """Sign-in refused; the message is safe to show (it never says which part was wrong)."""


class Throttled(LoginRefused):
    """Too many recent failures for the account from this address, or from this address;
    the message says only how long to wait (`seconds`)."""

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def check_name(name: str, field: str = "name") -> str:
    name = normalise_name(name)
    if not _NAME.match(name):
        raise ValidationError({field: "must be 1 to 64 lower-case letters, digits, '.', '_' or "
                               "'-', starting with a letter or digit"})
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError({"password": f"must be at least {MIN_PASSWORD} characters"})
    if len(password) > limits.PASSWORD:
        raise ValidationError({"password": f"must be at most {limits.PASSWORD} characters"})
    return password


def generate_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


def create_staff(sessions: sessionmaker[Session], name: str, password: str, role: Role,
                 actor: Actor, now: datetime, *, one_time: bool = False) -> StaffMember:
    errors: dict[str, str] = {}
    for check in (lambda: check_name(name), lambda: check_password(password)):
        try:
            check()
        except ValidationError as exc:  # both fields named at once
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    name = check_name(name)
    try:
        with sessions.begin() as session:
            member = StaffMember(name=name, password_hash=_hasher.hash(password), role=role,
                                 active=True, must_change_password=one_time, created_at=now)
            session.add(member)
            session.flush()
            record(session, actor, "staff_created", now, detail=f"{name} ({role.value})")
            return member
    except IntegrityError:
        raise ValidationError({"name": f"{name!r} already has an account"}) from None


def has_staff(session: Session) -> bool:
    return (session.scalar(select(func.count(StaffMember.id))) or 0) > 0


def authenticate(sessions: sessionmaker[Session], name: str, password: str, address: str,
                 now: datetime) -> StaffMember:
    """The staff member, or LoginRefused. Every password checked is recorded; an attempt
    the throttle refuses (login_throttle.py) is not checked at all. For a member with a
    second factor the throttle's streak goes on until the code is right (second_factor)."""
    name = normalise_name(name)
    if not _NAME.match(name):  # no account has such a name: refused with nothing to check
        raise LoginRefused("Wrong name or password.")
    address = login_throttle.client_address(address)
    delay = login_throttle.admit(sessions, name, address, now)
    if delay > timedelta(0):
        raise Throttled(refusal(delay), whole_seconds(delay))
    with sessions() as session:
        member = session.scalars(select(StaffMember).where(StaffMember.name == name)).first()
        stored = member.password_hash if member else _dummy_hash()
    # checked outside any transaction: argon2 takes a while and must not hold the write lock
    ok = _verify(stored, password or "")
    with sessions.begin() as session:
        member = session.scalars(select(StaffMember).where(StaffMember.name == name)).first()
        ok = ok and member is not None and member.active and member.password_hash == stored
        session.add(LoginAttempt(name=name, address=address, at=now, succeeded=ok))
        if not ok or member is None:
            refused = LoginRefused("Wrong name or password.")
        else:
            login_throttle.settle(session, name, address, member.totp_secret is None, now)
            if _hasher.check_needs_rehash(member.password_hash):
                member.password_hash = _hasher.hash(password)
            if member.totp_secret is None:
                member.last_login_at = now
    if ok and member is not None:
        login_throttle.prune(sessions, now)
        return member
    raise refused  # after the commit, so the attempt is recorded


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(sessions: sessionmaker[Session], staff_id: int, current: str, new: str,
                 now: datetime, confirm: str | None = None) -> int:
    """Change one's own password; the member's new session version (the caller's session
    keeps going with it, every other one ends). Every rule broken is reported at once
    (ValidationError by field: current_password, password, confirm); `confirm`, when
    given, is the new password typed again."""
    errors: dict[str, str] = {}
    try:
        check_password(new)
    except ValidationError as exc:
        errors.update(exc.errors)
    if confirm is not None and new != confirm:
        errors["confirm"] = "does not match the new password"
    with sessions.begin() as session:
        member = session.get(StaffMember, staff_id, with_for_update=True)
        if member is None or not _verify(member.password_hash, current or ""):
            errors["current_password"] = "is not your current password"
        elif new == current:
            errors["password"] = "; ".join(filter(None, (
                errors.get("password"), "must differ from the current password")))
        if errors or member is None:
            raise ValidationError(errors)
        member.password_hash = _hasher.hash(new)
        member.must_change_password = False
        member.session_version += 1  # every other session of this member ends
        record(session, Actor(member.name, "web"), "password_changed", now)
        return member.session_version


def manage_staff(sessions: sessionmaker[Session], name: str, action: str, actor: Actor,
                 now: datetime) -> str | None:
    """An admin's change to an account: "deactivate" (signed out at its next request),
    "reactivate", or "reset" (a new one-time password, returned). Not one's own account."""
    if action not in ("deactivate", "reactivate", "reset"):
        raise ValidationError({"action": f"{action!r} is not deactivate, reactivate or reset"})
    if normalise_name(name) == normalise_name(actor.name):
        raise ValidationError({"name": "you cannot change your own account here"})
    with sessions.begin() as session:
        member = session.scalars(select(StaffMember).where(
            StaffMember.name == normalise_name(name)).with_for_update()).first()
        if member is None:
            raise ValidationError({"name": f"no account named {name!r}"})
        password = None
        if action == "reset":
            password = generate_password()
            member.password_hash = _hasher.hash(password)
            member.must_change_password = True
            member.session_version += 1
        else:
            member.active = action == "reactivate"
            if action == "deactivate":
                member.session_version += 1
        record(session, actor, f"staff_{action}d" if action != "reset" else "staff_password_reset",
               now, detail=member.name)
        return password


def end_sessions(sessions: sessionmaker[Session], staff_id: int) -> None:
    """End every session of this member (sign-out ends them all, as a copied cookie would
    otherwise outlive it)."""
    with sessions.begin() as session:
        session.execute(update(StaffMember).where(StaffMember.id == staff_id).values(
            session_version=StaffMember.session_version + 1))


# --- API tokens ---------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    token: str  # shown once; only its digest is stored


def create_token(sessions: sessionmaker[Session], name: str, actor: Actor,
                 now: datetime) -> NewToken:
    name = check_name(name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with sessions.begin() as session:
            row = ApiToken(name=name, token_hash=_digest(token), created_by=actor.name,
                           created_at=now)
            session.add(row)
            session.flush()
            record(session, actor, "token_created", now, detail=name)
            return NewToken(row.id, name, token)
    except IntegrityError:
        raise ValidationError({"name": f"a token named {name!r} exists; revoke it or "
                               "choose another name"}) from None


def revoke_token(sessions: sessionmaker[Session], name: str, actor: Actor, now: datetime) -> None:
    with sessions.begin() as session:
        row = session.scalars(select(ApiToken).where(
            ApiToken.name == normalise_name(name)).with_for_update()).first()
        if row is None:
            raise ValidationError({"name": f"no token named {name!r}"})
        if row.revoked_at is not None:
            raise ValidationError({"name": f"token {row.name!r} was already revoked"})
        row.revoked_at, row.revoked_by = now, actor.name
        record(session, actor, "token_revoked", now, detail=row.name)


def token_owner(sessions: sessionmaker[Session], token: str, now: datetime) -> str | None:
    """The name of a live token, or None (unknown or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    with sessions.begin() as session:
        row = session.scalars(select(ApiToken).where(
            ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))).first()
        if row is None:
            return None
        # a write per request would serialise API callers on SQLite: once a minute is enough
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
            row.last_used_at = now
        return row.name


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                          ApiToken.name)))

