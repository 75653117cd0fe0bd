"""The optional TOTP second factor for staff (RFC 6238 with pyotp: 6 digits, 30 s steps,
one step of clock drift either way), and its QR code (segno, SVG inline: no image files,
no JavaScript, nothing fetched).

A code is accepted once: the step it was made for is stored (`totp_last_step`) and a code
for that step or an earlier one is refused, so one read over a shoulder or from a log
cannot be replayed within its 30 seconds. The check and the store are one locked update.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

import pyotp
import segno
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reminders.audit import Actor, record
from reminders.core.errors import ValidationError
from reminders.models import StaffMember

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a phone's clock a little off still works


def enrolment_secret(key: str, staff_id: int, nonce: str) -> str:
    """The secret offered while a member sets up their app: derived from the app's
    SECRET_KEY and a nonce kept in the session, so the session cookie (signed, not
    encrypted) never carries the secret itself. 160 bits, as RFC 4226 recommends."""
    digest = hmac.new(key.encode(), f"totp-enrol:{staff_id}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def provisioning_uri(secret: str, name: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, for an authenticator app's camera."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="Authenticator QR code")


def _clean(code: str) -> str:
    return "".join((code or "").split())


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step `code` was made for (now, or one step either side), or None."""
    code = _clean(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def check_code(sessions: sessionmaker[Session], staff_id: int, code: str,
               now: datetime) -> bool:
    """True, and the code's step spent, if `code` is a fresh right code for the member."""
    with sessions.begin() as session:
        member = session.get(StaffMember, staff_id, with_for_update=True)
        if member is None or member.totp_secret is None:
            return False
        step = matching_step(member.totp_secret, code, now)
        if step is None or (member.totp_last_step is not None and step <= member.totp_last_step):
            return False
        member.totp_last_step = step
        member.last_login_at = now
        return True


def enrol(sessions: sessionmaker[Session], staff_id: int, secret: str, code: str,
          now: datetime) -> None:
    """Turn the second factor on with `secret`, once a code from the app proves it was
    set up. Audited."""
    step = matching_step(secret, code, now)
    if step is None:
        raise ValidationError({"code": "is not the code your authenticator app shows now"})
    with sessions.begin() as session:
        member = session.get(StaffMember, staff_id, with_for_update=True)
        if member is None:
            raise ValidationError({"code": "your account no longer exists"})
        member.totp_secret, member.totp_last_step = secret, step
        record(session, Actor(member.name, "web"), "totp_enrolled", now)


def disable(sessions: sessionmaker[Session], staff_id: int, code: str, now: datetime) -> None:
    """The member turns their own second factor off, proving it with a fresh code."""
    if not check_code(sessions, staff_id, code, now):
        raise ValidationError({"code": "is not the code your authenticator app shows now"})
    with sessions.begin() as session:
        member = session.get(StaffMember, staff_id, with_for_update=True)
        if member is not None:
            member.totp_secret, member.totp_last_step = None, None
            record(session, Actor(member.name, "web"), "totp_disabled", now)


def reset(sessions: sessionmaker[Session], name: str, actor: Actor, now: datetime) -> None:
    """An admin removes a member's second factor (a lost phone): the member signs in with
    the password alone and enrols again. Their sessions end. Audited."""
    with sessions.begin() as session:
        member = session.scalars(select(StaffMember).where(
            StaffMember.name == name).with_for_update()).first()
        if member is None:
            raise ValidationError({"account": f"no account named {name!r}"})
        if member.totp_secret is None:
            raise ValidationError({"account": f"{member.name} has no authenticator app set up"})
        member.totp_secret, member.totp_last_step = None, None
        member.session_version += 1
        record(session, actor, "totp_reset", now, detail=member.name)
