"""One check of every field a browser or an API client sends, before any view reads it:
query parameters, form fields (names and values) and upload file names. A NUL byte, a
lone surrogate or a 100,000-character value would otherwise reach PostgreSQL (which
refuses them: a 500) or a view that trusts its length. A refused request is answered
before the view runs, so nothing is written.

Pages answer 400 with "Label: reason. Nothing was saved." in the words of the form; the
API answers 422 with its usual `{"error": "invalid", "errors": {field: message}}`. The
Twilio webhooks are not checked here: a patient's message is stored, never refused
(twilio_hooks.py makes it storable).
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request

from reminders.core.field_text import unstorable

MAX_VALUE = 20_000  # far above any real field (a note is bounded lower by its own check)
MAX_NAME = 64
MAX_REPORTED = 20  # a form of 10,000 bad fields gets a page of 20 reasons, not 10,000
# Fields where a line break belongs: free text staff type into a text area.
MULTI_LINE = frozenset({"note", "body", "message", "detail"})
# The words the forms show beside a field; other fields are named as they are sent.
LABELS = {
    "q": "Search", "actor": "Who", "action": "Action", "patient": "Patient number",
    "before": "Earlier entries", "name": "Name", "password": "Password",
    "current_password": "Current password", "confirm": "New password again",
    "note": "Note", "body": "Your own text", "phone": "Mobile number",
    "mobile": "Mobile number", "first_name": "First name", "injected_at": "Injection time",
    "timezone": "Patient's time zone", "language": "Language of the texts", "side": "Side",
    "baseline_pain": "Pain before the injection", "score": "Pain score it meant",
    "relief": "Compared with before", "starts": "From", "ends": "Until",
    "on_call": "On call", "backup": "Backup", "file": "CSV file", "next": "Next page",
    "account": "Account", "mobile_for": "Account", "revoke": "Token",
}
# Where a form words a field its own way.
FORM_LABELS = {
    "flag_queue.done": {"note": "Outcome"},
    "admin.staff": {"name": "Sign-in name"},
    "admin.tokens": {"name": "Name of the system that will use it"},
    "patients.phone": {"phone": "New mobile number"},
    "auth.password": {"password": "New password"},
    "enrol.submit": {"timezone": "Patient's time zone"},
}
_SKIPPED = frozenset({"twilio_hooks.inbound", "twilio_hooks.status", "static"})


def init_app(app: Flask) -> None:
    """Registered after the access guard and CSRF: a stranger is still sent to sign in."""
    app.before_request(_check)


def label(endpoint: str | None, name: str) -> str:
    """The words the page shows beside field `name` of `endpoint`'s form."""
    return (FORM_LABELS.get(endpoint or "", {}).get(name) or LABELS.get(name)
            or name[:MAX_NAME].replace("_", " ").capitalize() or "A field")


def problems() -> dict[str, str]:
    """Every refused field of this request: its name as sent (cut short) and the reason."""
    found: dict[str, str] = {}

    def check(name: str, value: str, *, lines: bool, limit: int) -> None:
        reason = unstorable(name, lines=False, max_length=MAX_NAME)
        if reason:
            if len(found) < MAX_REPORTED:
                found[name[:MAX_NAME]] = "its name " + reason
            return
        reason = unstorable(value, lines=lines, max_length=limit)
        if reason and name not in found and len(found) < MAX_REPORTED:
            found[name] = reason

    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if request.endpoint == "auth.login" and name == "next" and source is request.args:
                continue  # a redirect target, checked as one: a bad one leads home
            check(name, value, lines=name in MULTI_LINE, limit=MAX_VALUE)
    for name, upload in request.files.items(multi=True):
        check(name, upload.filename or "", lines=False, limit=255)
    return found


def _check():
    if request.endpoint in _SKIPPED:
        return None
    found = problems()
    if not found:
        return None
    if request.endpoint == "auth.login" and request.method == "POST" and (
            {"name", "password"} & set(found)):
        # no account's name holds such characters: the answer any wrong name gets
        return render_template("login.html", error="Wrong name or password.", name=""), 401
    if request.blueprint == "api" or request.path.startswith("/api/"):
        response = jsonify(error="invalid",
                           detail="; ".join(f"{k}: {v}" for k, v in found.items()),
                           errors=found)
        response.status_code = 422
        return response
    message = " ".join(
        f"{'A field' if reason.startswith('its name') else label(request.endpoint, name)}: {reason}."
        for name, reason in found.items())
    return render_template("error.html", title="Not saved",
                           message=message + " Nothing was saved."), 400
