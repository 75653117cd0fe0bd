"""CSV import pages: upload the day's procedure list, see what will be enrolled and what
is rejected and why, then confirm. Nothing is enrolled before the confirmation."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from reminders.importer import COLUMNS, OPTIONAL, REQUIRED, TEMPLATE, import_csv, preview
from reminders.models import ImportBatch
from reminders.web.current import now, services

bp = Blueprint("imports", __name__, url_prefix="/import")
SHOWN = 200  # accepted rows listed on the preview page; the rest are counted


@bp.get("")
def upload():
    return render_template("import.html", required=REQUIRED, optional=OPTIONAL, report=None)


@bp.get("/template.csv")
def template():
    return Response(TEMPLATE, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=procedure-list.csv"})


@bp.post("")
def check():
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("Choose a CSV file to upload.", "error")
        return redirect(url_for("imports.upload"))
    data = file.read()
    file.close()
    report = preview(services(), data, now())
    batch_id = None
    if not report.file_errors and report.accepted:
        with services().sessions.begin() as session:
            batch = ImportBatch(filename=file.filename[:255], content=data.decode("utf-8-sig"),
                                uploaded_by=current_user.name, uploaded_at=now())
            session.add(batch)
            session.flush()
            batch_id = batch.id
    return render_template("import.html", required=REQUIRED, optional=OPTIONAL, report=report,
                           batch_id=batch_id, filename=file.filename, shown=SHOWN,
                           columns=COLUMNS), 422 if report.file_errors else 200


@bp.post("/<id:batch_id>/confirm")
def confirm(batch_id: int):
    svc = services()
    with svc.sessions() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None or batch.uploaded_by != current_user.name:
            abort(404)
        if batch.imported_at is not None:
            # not the file's name: flash messages ride in the readable session cookie, and
            # a list may be named after a patient
            flash(f"This list was already imported ({batch.enrolled} enrolled).", "error")
            return redirect(url_for("patients.index"))
        content, filename = batch.content, batch.filename
    report, ids = import_csv(svc, content.encode(), filename, current_user.actor, now())
    if not ids:
        flash("Nothing was imported: the list changed since the preview. See why below.", "error")
        return render_template("import.html", required=REQUIRED, optional=OPTIONAL,
                               report=report, batch_id=None, filename=filename, shown=SHOWN,
                               columns=COLUMNS), 409
    with svc.sessions.begin() as session:
        batch = session.get_one(ImportBatch, batch_id)
        batch.imported_at, batch.enrolled = now(), len(ids)
    skipped = len(report.rejected)
    flash(f"Imported: {len(ids)} patients enrolled"
          + (f"; {skipped} rejected rows were not." if skipped else "."), "info")
    return redirect(url_for("patients.index"))
