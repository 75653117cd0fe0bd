"""The patients page (who is enrolled, how each is doing) and one patient's page: the
timeline (with the pictures patients sent and the texts staff wrote, each with its
answers), the pain chart and the actions staff take on the record, texting the patient
among them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from reminders.audit import record
from reminders.core.errors import NotFound, ValidationError
from reminders.core.field_text import whole_number
from reminders.core.statuses import EnrollmentStatus
from reminders.core.trajectory import trajectory
from reminders.corrections import add_note, change_phone, mark_opted_out, resend
from reminders.enrollment_view import EnrollmentView, load_enrollment_view
from reminders.enrollments import cancel
from reminders.models import Enrollment, Reply, ReplyMedia
from reminders.replanning import preview_reschedule, reschedule
from reminders.reply_labels import parse_reading, record_reading
from reminders.roster import FILTERS, day_number, search
from reminders.staff_texts import saved_reply_options, staff_message, text_patient
from reminders.transports.base import MediaRefused
from reminders.web.current import MAX_ID, media, now, refusal, services

bp = Blueprint("patients", __name__)


@bp.get("/")
def index():
    query = request.args.get("q", "")[:64]
    show = request.args.get("show", "active")
    if show not in FILTERS:
        show = "active"
    svc = services()
    with svc.sessions() as session:
        rows = search(session, now(), query=query, show=show)
        # The next text by the title in the patient's own protocol version (a snapshot).
        titles = {r.enrollment.id: svc.snapshots.get(session, r.enrollment.protocol_digest)
                  .step_title(r.next_text.step) for r in rows if r.next_text is not None}
    return render_template("patients.html", rows=rows, query=query, show=show, filters=FILTERS,
                           titles=titles)


def _timeline(view: EnrollmentView) -> list[dict]:
    """Texts, replies, flags and notes in the order they happened (or will)."""
    items = [{"kind": "text", "at": m.sent_at or m.send_at, "anchor": f"text-{m.id}", "item": m}
             for m in view.messages]
    items += [{"kind": "reply", "at": r.received_at, "anchor": f"reply-{r.id}", "item": r}
              for r in view.replies]
    items += [{"kind": "flag", "at": f.created_at, "anchor": f"flag-{f.id}", "item": f}
              for f in view.flags]
    items += [{"kind": "note", "at": n.created_at, "anchor": f"note-{n.id}", "item": n}
              for n in view.notes]
    order = {"text": 0, "reply": 1, "flag": 2, "note": 3}
    return sorted(items, key=lambda i: (i["at"], order[i["kind"]]))


@bp.get("/enrollments/<id:enrollment_id>")
def detail(enrollment_id: int):
    at = now()
    with services().sessions.begin() as session:
        try:
            view = load_enrollment_view(session, enrollment_id)
        except NotFound:
            abort(404)
        enrollment = view.enrollment
        protocol = services().snapshots.get(session, enrollment.protocol_digest)
        record(session, current_user.actor, "viewed", at, patient_id=view.patient.id,
               enrollment_id=enrollment.id)
        others = list(session.scalars(select(Enrollment.id).where(
            Enrollment.patient_id == view.patient.id, Enrollment.id != enrollment.id)
            .order_by(Enrollment.id.desc())))
    tz = ZoneInfo(enrollment.timezone)
    chart = trajectory(enrollment.injected_at, enrollment.baseline_pain, protocol.improvement,
                       [(r.received_at, r.score, r.question.step if r.question else None)
                        for r in view.replies if r.score is not None],
                       [m.send_at for m in view.messages if m.sent_by is None])
    return render_template(
        "patient.html", e=enrollment, p=view.patient, tz=tz, timeline=_timeline(view), chart=chart,
        day=day_number(enrollment.injected_at, at, tz), protocol=protocol, others=others,
        local_injected=enrollment.injected_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        reading_flags=READING_FLAGS, open_reading=whole_number(request.args.get("read", ""), max=MAX_ID),
        answers=_answers(view), texting=texting_options(enrollment, view.patient))


def _answers(view: EnrollmentView) -> dict[int, list[Reply]]:
    """The replies matched to each staff text, shown under it."""
    staff = {m.id for m in view.messages if m.sent_by is not None}
    answers: dict[int, list[Reply]] = {}
    for reply in view.replies:
        if reply.question_id in staff:
            answers.setdefault(reply.question_id, []).append(reply)
    return answers


def texting_options(enrollment: Enrollment, patient) -> list[tuple[str, str]] | None:
    """The saved replies in the patient's language, or None when no text can go to them
    (the service refuses it too; this only spares staff the form)."""
    if enrollment.status != EnrollmentStatus.ACTIVE or patient.opted_out_at is not None:
        return None
    return saved_reply_options(services().protocols, services().settings, enrollment.language,
                               patient.first_name)


def send_staff_text(enrollment_id: int, flag_id: int | None = None):
    """Queue the form's text; what will happen (or why not) as the flash message. Returns
    the queued text's id, or None when it was refused (nothing written)."""
    form = request.form
    try:
        queued = text_patient(services(), enrollment_id,
                              staff_message(form.get("body"), form.get("saved")),
                              current_user.actor, now(), flag_id=flag_id,
                              outside_quieter_window=form.get("quiet_override") == "yes")
    except ValidationError as exc:
        flash(refusal("Not sent: ", exc.errors), "error")
        return None
    except NotFound:
        abort(404)
    flash(queued.summary(named=False), "info")
    return queued.message_id


@bp.post("/enrollments/<id:enrollment_id>/texts")
def text(enrollment_id: int):
    message_id = send_staff_text(enrollment_id)
    return _back(enrollment_id, f"#text-{message_id}" if message_id else "#text-patient")


@bp.get("/enrollments/<id:enrollment_id>/replies/<id:reply_id>/pictures/<int(max=99):position>")
def picture(enrollment_id: int, reply_id: int, position: int):
    """A picture the patient sent, fetched from the provider for this request: never
    stored or cached here, and every view is in the audit log."""
    with services().sessions() as session:
        row = session.execute(
            select(ReplyMedia.url, ReplyMedia.content_type, Reply.patient_id)
            .join(Reply, Reply.id == ReplyMedia.reply_id)
            .where(ReplyMedia.reply_id == reply_id, ReplyMedia.position == position,
                   Reply.enrollment_id == enrollment_id)).first()
    if row is None:
        abort(404)
    source = media()
    try:
        if source is None:
            raise MediaRefused("Not shown: pictures are fetched from Twilio, and this service "
                               "has no Twilio credentials.", 404)
        found = source.fetch(row.url, row.content_type)
    except MediaRefused as exc:
        return Response(str(exc), exc.status, mimetype="text/plain",
                        headers={"Cache-Control": "no-store"})
    try:
        with services().sessions.begin() as session:
            record(session, current_user.actor, "viewed photo", now(), patient_id=row.patient_id,
                   enrollment_id=enrollment_id, detail=f"reply {reply_id}, picture {position + 1}")
    except BaseException:
        found.close()
        raise
    response = Response(found.chunks, 200, content_type=found.content_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Content-Disposition": "inline"})
    if found.length is not None:
        response.content_length = found.length
    response.call_on_close(found.close)
    return response


# What a staff reading can say a reply should have raised, in a nurse's words.
READING_FLAGS = (("red_flag", "Red flag (urgent)"), ("no_improvement", "No improvement by day 10"),
                 ("worsening", "Worsening"), ("needs_review", "Needs a person to read it"))


@bp.post("/enrollments/<id:enrollment_id>/replies/<id:reply_id>/reading")
def read_reply(enrollment_id: int, reply_id: int):
    """A staff member's reading of a reply: right as read, or what it should have raised."""
    form = {**request.form, "flags": request.form.getlist("flags")}
    try:
        record_reading(services().sessions, reply_id, parse_reading(form), current_user.actor,
                       now(), enrollment_id=enrollment_id)
    except NotFound:
        abort(404)
    except ValidationError as exc:
        flash(refusal("Not recorded: ", exc.errors), "error")
        return redirect(url_for("patients.detail", enrollment_id=enrollment_id, read=reply_id)
                        + f"#reading-{reply_id}")
    flash("Reading recorded. It is part of the clinic's labelled replies now.", "info")
    return _back(enrollment_id, f"#reply-{reply_id}")


def _back(enrollment_id: int, anchor: str = ""):
    return redirect(url_for("patients.detail", enrollment_id=enrollment_id) + anchor)


def _act(enrollment_id: int, action, done: str, labels: dict[str, str] | None = None):
    """Run a staff action; its error goes back to the page as a message, nothing saved.
    `labels`: the form's words for its fields where they differ from the enrol page's."""
    try:
        result = action()
    except ValidationError as exc:
        flash(refusal("Not done: ", exc.errors, labels), "error")
        return _back(enrollment_id, "#actions")
    except NotFound:
        abort(404)
    flash(done.format(result=result), "info")
    return _back(enrollment_id)


# The two actions that stop a patient's texts ask first, on a page of their own (works
# without JavaScript, so under the CSP's 'self'-only scripts): the patient page links to
# it (GET); only its form's POST with confirm=yes acts. Any other POST asks again.
_CONFIRM = {
    "cancel": ("Cancel {name}'s enrolment?",
               "This stops every text still to come to {name}. It cannot be undone: to text "
               "{name} again, enrol them again."),
    "opt_out": ("Mark {name} as opted out?",
                "This stops every text still to come to {name}. {name} can text START to "
                "have them again."),
}


def _confirmed(enrollment_id: int, kind: str, action, done: str):
    if request.method == "POST" and request.form.get("confirm") == "yes":
        return _act(enrollment_id, action, done)
    with services().sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None:
            abort(404)
        name = enrollment.patient.first_name
    question, consequence = (text.format(name=name) for text in _CONFIRM[kind])
    return render_template("confirm.html", question=question, consequence=consequence,
                           action=request.path, enrollment_id=enrollment_id)


@bp.route("/enrollments/<id:enrollment_id>/cancel", methods=["GET", "POST"])
def cancel_enrollment(enrollment_id: int):
    return _confirmed(enrollment_id, "cancel",
                      lambda: cancel(services(), enrollment_id, current_user.actor, now()),
                      "Enrolment cancelled; {result} pending texts withdrawn.")


@bp.post("/enrollments/<id:enrollment_id>/phone")
def phone(enrollment_id: int):
    return _act(enrollment_id, lambda: change_phone(
        services(), enrollment_id, request.form.get("phone", ""), current_user.actor, now()),
        "Phone number changed; texts still to come go to the new number.",
        {"phone": "New mobile number"})


@bp.route("/enrollments/<id:enrollment_id>/opt-out", methods=["GET", "POST"])
def opt_out(enrollment_id: int):
    return _confirmed(enrollment_id, "opt_out",
                      lambda: mark_opted_out(services(), enrollment_id, current_user.actor, now()),
                      "Marked as opted out; {result} pending texts withdrawn.")


@bp.post("/enrollments/<id:enrollment_id>/notes")
def note(enrollment_id: int):
    return _act(enrollment_id, lambda: add_note(services(), enrollment_id, request.form.get("note", ""),
                                                current_user.actor, now()),
                "Note added.")


@bp.post("/enrollments/<id:enrollment_id>/messages/<id:message_id>/resend")
def resend_text(enrollment_id: int, message_id: int):
    def action():
        at, timezone = resend(services(), enrollment_id, message_id, current_user.actor, now())
        return at.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %H:%M")

    return _act(enrollment_id, action, "The text goes again at {result} (patient's time).")


@bp.post("/enrollments/<id:enrollment_id>/reschedule")
def reschedule_enrollment(enrollment_id: int):
    """First answer: what would change. With confirm=yes: the change itself."""
    injected_at = request.form.get("injected_at", "")
    svc = services()
    try:
        if request.form.get("confirm") != "yes":
            changes, tz, new_time = preview_reschedule(svc, enrollment_id, injected_at, now())
            return render_template("reschedule.html", changes=changes, injected_at=injected_at,
                                   new_time=new_time, enrollment_id=enrollment_id, tz=tz)
        changes = reschedule(svc, enrollment_id, injected_at, current_user.actor, now())
    except ValidationError as exc:
        flash(refusal("Not changed: ", exc.errors), "error")
        return _back(enrollment_id, "#actions")
    except NotFound:
        abort(404)
    moved = sum(c.action in ("move", "add", "cancel") for c in changes)
    flash(f"Injection time corrected; {moved} texts re-planned, sent ones untouched.", "info")
    return _back(enrollment_id)
