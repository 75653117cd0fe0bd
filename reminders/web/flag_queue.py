"""The flag queue: open and acknowledged flags, most urgent and oldest first; staff
acknowledge a flag (they are on it), text the patient from it, and resolve it with an
outcome note. A flag addressed to someone (the patient answered their text) says for whom."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from reminders.core.deadlines import due_by, overdue
from reminders.core.errors import NotFound, ValidationError
from reminders.core.statuses import FlagStatus
from reminders.flag_history import histories
from reminders.flags import acknowledge, list_flags, resolve
from reminders.models import Flag
from reminders.reply_labels import StaffReading, record_reading
from reminders.web.current import now, refusal, services, sessions, settings
from reminders.web.patients import send_staff_text, texting_options

bp = Blueprint("flag_queue", __name__, url_prefix="/flags")


@bp.get("")
def index():
    show_resolved = request.args.get("resolved") == "1"
    return _queue(show_resolved=show_resolved, only=None)


@bp.get("/<id:flag_id>")
def one(flag_id: int):
    """One flag with its history: where a page's link leads."""
    return _queue(show_resolved=True, only=flag_id)


def _queue(*, show_resolved: bool, only: int | None):
    at, current = now(), settings()
    with sessions()() as session:
        flags = list_flags(session, include_resolved=show_resolved, flag_id=only)
        history = histories(session, flags)
        texting = {f.id: (options, services().snapshots.get(
                       session, f.enrollment.protocol_digest).quiet_hours)
                   for f in flags if f.enrollment is not None
                   and f.status != FlagStatus.RESOLVED
                   and (options := texting_options(f.enrollment, f.enrollment.patient))
                   is not None}
    if only is not None and not flags:
        abort(404)
    due = {f.id: due_by(f.created_at, f.priority, current.clinic_hours, current.ack_deadlines)
           for f in flags}
    late = {f.id for f in flags if overdue(f.status == FlagStatus.OPEN, f.created_at, f.priority,
                                           at, current.clinic_hours, current.ack_deadlines)}
    return render_template("flags.html", flags=flags, now=at, show_resolved=show_resolved,
                           due=due, late=late, history=history, only=only, texting=texting)


def _work(flag_id: int, action, done: str):
    try:
        action()
    except ValidationError as exc:
        flash(refusal("Not done: ", exc.errors), "error")
    except NotFound:
        abort(404)
    else:
        flash(done, "info")
    if request.form.get("back") == "flag":  # from the flag's own page (a page's link): stay
        return redirect(url_for("flag_queue.one", flag_id=flag_id))
    return redirect(url_for("flag_queue.index") + f"#flag-{flag_id}")


@bp.post("/<id:flag_id>/acknowledge")
def ack(flag_id: int):
    return _work(flag_id, lambda: acknowledge(sessions(), flag_id, current_user.actor, now()),
                 f"Flag {flag_id} is yours.")


@bp.post("/<id:flag_id>/text")
def text(flag_id: int):
    """Text the flag's patient; the text records the flag it answers."""
    with sessions()() as session:
        enrollment_id = session.scalar(select(Flag.enrollment_id).where(Flag.id == flag_id))
    if enrollment_id is None:  # no such flag, or a sender who is no patient of ours
        abort(404)
    send_staff_text(enrollment_id, flag_id)
    return redirect(url_for("flag_queue.index") + f"#flag-{flag_id}")


@bp.post("/<id:flag_id>/resolve")
def done(flag_id: int):
    """Resolve; staff may say at the same time whether the reply was read right (a wrong
    reading is recorded on the patient page, where the reply's form opens)."""
    reading = request.form.get("reading", "")
    response = _work(flag_id, lambda: resolve(sessions(), flag_id, request.form.get("note", ""),
                                              current_user.actor, now()),
                     f"Flag {flag_id} resolved.")
    with sessions()() as session:
        flag = session.get(Flag, flag_id)
        resolved = flag is not None and flag.status == FlagStatus.RESOLVED
        reply_id, enrollment_id = (flag.reply_id, flag.enrollment_id) if flag else (None, None)
    if not resolved or reply_id is None or enrollment_id is None or reading not in ("right", "wrong"):
        return response
    if reading == "right":
        record_reading(sessions(), reply_id, StaffReading(agrees=True), current_user.actor, now())
        return response
    flash("Record the right reading of the reply below.", "info")
    return redirect(url_for("patients.detail", enrollment_id=enrollment_id, read=reply_id)
                    + f"#reading-{reply_id}")
