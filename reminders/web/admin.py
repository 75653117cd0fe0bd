"""Administrators' pages: the audit log, API tokens, staff accounts, and marking a
system alert fixed."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from reminders import second_factor
from reminders.accounts import (
    create_staff,
    create_token,
    generate_password,
    list_tokens,
    manage_staff,
    revoke_token,
)
from reminders.audit import entries
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.field_text import local_path, whole_number
from reminders.models import Role, StaffMember
from reminders.rota import set_mobile
from reminders.system_alerts import mark_fixed
from reminders.web.current import MAX_ID, now, sessions, settings

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


@bp.get("/audit")
@admin_only
def audit():
    actor = request.args.get("actor", "").strip()[:128] or None
    action = request.args.get("action", "").strip()[:32] or None
    patient = request.args.get("patient", "")
    with sessions()() as session:
        rows = entries(session, actor=actor, action=action,
                       patient_id=whole_number(patient, max=MAX_ID),
                       before_id=whole_number(request.args.get("before", ""), max=MAX_ID))
    return render_template("audit.html", rows=rows, actor=actor or "", action=action or "",
                           patient=patient)


@bp.route("/tokens", methods=["GET", "POST"])
@admin_only
def tokens():
    new_token, errors = None, {}
    if request.method == "POST":
        try:
            if request.form.get("revoke"):
                revoke_token(sessions(), request.form["revoke"], current_user.actor, now())
                flash(f"Token {request.form['revoke']} revoked: it is refused from now on.", "info")
            else:
                new_token = create_token(sessions(), request.form.get("name", ""),
                                         current_user.actor, now())
        except ValidationError as exc:
            errors = exc.errors
    with sessions()() as session:
        rows = list_tokens(session)
    return render_template("tokens.html", rows=rows, new_token=new_token, errors=errors), (
        422 if errors else 200)


@bp.route("/staff", methods=["GET", "POST"])
@admin_only
def staff():
    created, errors = None, {}
    mobile_for = request.form.get("mobile_for") if request.method == "POST" else None
    if request.method == "POST":
        try:
            if "mobile_for" in request.form:
                name = request.form["mobile_for"]
                number = set_mobile(sessions(), name, request.form.get("mobile", ""),
                                    settings().default_region, current_user.actor, now())
                flash(f"Mobile number of {name} {'saved' if number else 'removed'}.", "info")
            elif request.form.get("action") == "totp_reset":
                name = request.form.get("account", "")
                second_factor.reset(sessions(), name, current_user.actor, now())
                flash(f"Authenticator app of {name} removed: they sign in with their "
                      "password and set one up again.", "info")
            elif request.form.get("action"):
                name = request.form.get("account", "")
                password = manage_staff(sessions(), name, request.form["action"],
                                        current_user.actor, now())
                if password:
                    created = (name, password)
                else:
                    flash(f"Account {name} {request.form['action']}d.", "info")
            else:
                password = generate_password()
                role = Role.ADMIN if request.form.get("admin") == "on" else Role.STAFF
                member = create_staff(sessions(), request.form.get("name", ""), password, role,
                                      current_user.actor, now(), one_time=True)
                created = (member.name, password)
        except ValidationError as exc:
            errors = exc.errors
    with sessions()() as session:
        rows = list(session.scalars(select(StaffMember).order_by(StaffMember.name)))
    return render_template("staff.html", rows=rows, created=created, errors=errors,
                           mobile_for=mobile_for if errors else None,
                           mobile_typed=request.form.get("mobile", ""),
                           # a refused new account keeps the name typed, to correct it
                           typed_name=request.form.get("name", "") if "name" in errors else ""), (
        422 if errors else 200)


@bp.post("/alerts/<id:alert_id>/fixed")
@admin_only
def alert_fixed(alert_id: int):
    """The banner's button: the operator dealt with the cause (audited)."""
    try:
        mark_fixed(sessions(), alert_id, current_user.actor, now())
    except NotFound:
        abort(404)
    except Conflict as exc:
        flash(exc.errors["alert_id"], "info")
    else:
        flash("System alert marked fixed. A new refusal of the same kind raises it again.", "info")
    return redirect(local_path(request.form.get("next")) or url_for("patients.index"))
