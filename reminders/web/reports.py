"""Reports: outcomes by protocol and month (a table and a chart) and the CSV exports of
enrolments with their outcomes and of the flag log. Every export is in the audit log."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user

from reminders import reports
from reminders.audit import record
from reminders.flags import list_flags
from reminders.reply_labels import agreement, export_labelled
from reminders.web.current import now, services, sessions

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _clinic_zone() -> str:
    return services().settings.clinic_timezone


@bp.get("")
def index():
    with sessions()() as session:
        rows = reports.by_protocol_and_month(
            reports.outcomes(session, _clinic_zone(), services().snapshots))
        agreed, read = agreement(session)
        loops = reports.loop_times(reports.flag_times(session), services().settings.clinic_hours)
    return render_template("reports.html", rows=rows, counts=reports.COUNTS, agreed=agreed,
                           read=read, loops=loops)


def _download(text: str, name: str) -> Response:
    stamp = now().strftime("%Y%m%d-%H%M")
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={name}-{stamp}.csv",
        "Cache-Control": "no-store"})  # patient data: not kept in shared caches


@bp.get("/enrollments.csv")
def enrollments_csv():
    with sessions().begin() as session:
        items = reports.outcomes(session, _clinic_zone(), services().snapshots)
        record(session, current_user.actor, "exported", now(),
               detail=f"enrolments CSV: {len(items)} enrolments")
        text = reports.enrollments_csv(items)
    return _download(text, "enrolments")


@bp.get("/replies.tsv")
def replies_tsv():
    """The replies staff have read, as a labelled corpus (docs/reply-corpus.md)."""
    text, _ = export_labelled(sessions(), current_user.actor, now())
    stamp = now().strftime("%Y%m%d-%H%M")
    return Response(text, mimetype="text/tab-separated-values", headers={
        "Content-Disposition": f"attachment; filename=labelled-replies-{stamp}.tsv",
        "Cache-Control": "no-store"})


@bp.get("/flags.csv")
def flags_csv():
    with sessions().begin() as session:
        flags = list_flags(session, include_resolved=True)
        record(session, current_user.actor, "exported", now(),
               detail=f"flag log CSV: {len(flags)} flags")
        text = reports.flags_csv(flags)
    return _download(text, "flag-log")


