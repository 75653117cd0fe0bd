"""The second factor's pages, on the sign-in blueprint: the code step after the password
(/login/code) and setting up or turning off one's authenticator app (/account/totp)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from reminders import login_throttle
from reminders.accounts import Throttled
from reminders.core.errors import ValidationError
from reminders.core.sign_in_throttle import refusal, whole_seconds
from reminders.models import StaffMember
from reminders.second_factor import (
    check_code,
    disable,
    enrol,
    enrolment_secret,
    provisioning_uri,
    qr_svg,
)
from reminders.web.auth import PENDING_SECONDS, bp, refused, sign_in
from reminders.web.current import now, sessions, settings


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step for a member with an authenticator app. Wrong codes count in the
    sign-in throttle like wrong passwords (6 digits are few)."""
    pending = session.get("pending")
    if not pending or len(pending) != 4 or now().timestamp() - pending[2] > PENDING_SECONDS:
        session.pop("pending", None)
        flash("Please sign in with your name and password first.", "info")
        return redirect(url_for("auth.login"))
    staff_id, name, version = pending[0], pending[1], pending[3]
    error, status, headers = None, 200, {}
    if request.method == "POST":
        address = login_throttle.client_address(request.remote_addr)
        delay = login_throttle.admit(sessions(), name, address, now())
        if delay > timedelta(0):
            error, status, headers = refused(Throttled(refusal(delay), whole_seconds(delay)))
        elif check_code(sessions(), staff_id, request.form.get("code", ""), now()):
            with sessions().begin() as db:
                login_throttle.settle(db, name, address, True, now())
                member = db.get(StaffMember, staff_id)
            # a reset, deactivation or sign-out everywhere since the password step ends it
            if member is not None and member.active and member.session_version == version:
                return sign_in(member)
            error, status = "Wrong name or password.", 401
        else:
            error, status = "That is not the code your authenticator app shows now.", 401
    return render_template("login_code.html", error=error), status, headers


@bp.route("/account/totp", methods=["GET", "POST"])
def totp():
    """Set up (or turn off) an authenticator app for one's own account."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.form.get("action") == "disable":
                disable(sessions(), current_user.id, request.form.get("code", ""), now())
                flash("Your authenticator app is turned off: you sign in with your "
                      "password alone.", "info")
                return redirect(url_for("auth.totp"))
            if current_user.has_totp:  # a new app only after the old one is turned off
                raise ValidationError({"code": "turn off your current app first"})
            if not session.get("totp_enrol"):
                raise ValidationError({"code": "the set-up expired; start again"})
            enrol(sessions(), current_user.id, _offered_secret(), request.form.get("code", ""),
                  now())
        except ValidationError as exc:
            errors = exc.errors
        else:
            session.pop("totp_enrol", None)
            flash("Your authenticator app is set up: sign-in now asks for its code.", "info")
            return redirect(url_for("patients.index"))
    secret = uri = svg = None
    if not current_user.has_totp:
        session.setdefault("totp_enrol", secrets.token_hex(16))  # the nonce, not the secret
        secret = _offered_secret()
        uri = provisioning_uri(secret, current_user.name, settings().clinic_name)
        svg = qr_svg(uri)
    return render_template("account_totp.html", errors=errors, secret=secret, qr=svg), (
        422 if errors else 200)


def _offered_secret() -> str:
    return enrolment_secret(str(current_app.config["SECRET_KEY"]), current_user.id,
                            session["totp_enrol"])
