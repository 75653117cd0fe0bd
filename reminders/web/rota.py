"""The on-call rota page (admins): who is paged about urgent flags, when, and for which
other kinds of flag. Mobile numbers are set on the staff accounts page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from reminders.core.errors import NotFound, ValidationError
from reminders.core.paging import on_call
from reminders.core.triage import FlagKind
from reminders.models import StaffMember
from reminders.paging import shifts
from reminders.rota import (
    ShiftInput,
    list_rota,
    paged_kinds,
    remove_shift,
    set_paged_kinds,
    set_shift,
)
from reminders.web.admin import admin_only
from reminders.web.current import now, sessions, settings

bp = Blueprint("rota", __name__, url_prefix="/admin/rota")

# Always raised urgent, so they page whatever is chosen: shown ticked, not to be unticked.
ALWAYS_URGENT = frozenset({FlagKind.RED_FLAG, FlagKind.REPLY_UNREAD})

# Kinds worth a page at night besides urgent ones; shown in this order with these words.
KIND_WORDS = {
    FlagKind.RED_FLAG: "red-flag symptoms (urgent: always pages)",
    FlagKind.REPLY_UNREAD: "a reply the service could not read (urgent: always pages)",
    FlagKind.NOT_REACHED: "a question that did not reach the patient",
    FlagKind.PHOTO: "a photo the patient sent",
    FlagKind.WORSENING: "worse on a relief check",
    FlagKind.NO_RESPONSE: "no reply to the day-10 check",
    FlagKind.NO_IMPROVEMENT: "no improvement by day 10",
    FlagKind.NEEDS_REVIEW: "a reply a person must read",
    FlagKind.UNDELIVERABLE: "a number that cannot get texts",
    FlagKind.OPTED_OUT: "a patient who stopped the texts",
}


@bp.get("")
@admin_only
def index():
    return _page({}, 200)


def _page(errors: dict[str, str], status: int, forms: dict[str, dict] | None = None):
    """The page; `forms`: what was typed into the form that was refused ("default" or
    "shift"), shown again with its errors (the other form keeps its usual values)."""
    at = now()
    with sessions()() as session:
        rows = list_rota(session, at)
        members = list(session.scalars(select(StaffMember).where(StaffMember.active)
                                       .order_by(StaffMember.name)))
        current = on_call(shifts(session), at)
        chosen = paged_kinds(session)
    names = {m.id: m.name for m in members}
    default_row = next((r for r in rows if r.is_default), None)
    forms = dict(forms or {})
    forms.setdefault("default", {  # the current default, preselected
        "on_call": default_row.on_call.name if default_row else "",
        "backup": default_row.backup.name if default_row and default_row.backup else ""})
    return render_template(
        "rota.html", rows=rows, members=members, errors=errors,
        default_form=forms["default"], shift_form=forms.get("shift", {}),
        chosen=chosen, kinds=KIND_WORDS, always=ALWAYS_URGENT,
        deadline=settings().page_ack_minutes,
        on_call_now=names.get(current.on_call) if current else None,
        backup_now=names.get(current.backup) if current and current.backup else None), status


@bp.post("/default")
@admin_only
def default():
    return _set("default", "The default on-call person is set.")


@bp.post("/shifts")
@admin_only
def add():
    return _set("shift", "Shift added.")


def _set(which: str, done: str):
    """Save the default or a shift; a refused form comes back with what was typed and
    each error under its field."""
    form = ShiftInput(on_call=request.form.get("on_call", ""),
                      backup=request.form.get("backup", ""),
                      starts=request.form.get("starts", ""), ends=request.form.get("ends", ""))
    try:
        set_shift(sessions(), form, settings().clinic_timezone, current_user.actor, now(),
                  default=which == "default")
    except ValidationError as exc:
        return _page({f"{which}_{k}": v for k, v in exc.errors.items()}, 422,
                     {which: request.form.to_dict()})
    flash(done, "info")
    return redirect(url_for("rota.index"))


@bp.post("/shifts/<id:shift_id>/remove")
@admin_only
def remove(shift_id: int):
    try:
        remove_shift(sessions(), shift_id, current_user.actor, now())
    except NotFound:
        abort(404)
    flash("Shift removed.", "info")
    return redirect(url_for("rota.index"))


@bp.post("/kinds")
@admin_only
def kinds():
    try:
        set_paged_kinds(sessions(), request.form.getlist("kind"), current_user.actor, now())
    except ValidationError as exc:
        return _page({"kinds": exc.errors["kinds"]}, 422)
    flash("Saved: which flags page the person on call.", "info")
    return redirect(url_for("rota.index"))
