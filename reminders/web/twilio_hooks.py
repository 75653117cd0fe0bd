"""Webhooks Twilio calls. Each checks X-Twilio-Signature against PUBLIC_BASE_URL first:
a request that fails gets 403 and writes nothing. Without TWILIO_AUTH_TOKEN every request
fails: a signature made with an empty key is one anybody can make (`reminders reply` is
the way to try replies locally)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from reminders.callbacks import record_status
from reminders.core.field_text import unstorable, whole_number
from reminders.inbound_message import from_form
from reminders.transports.twilio_codes import status_report
from reminders.transports.twilio_sms import signature_is_valid, twiml_reply
from reminders.web.current import MAX_ID, inbox, now, sessions, settings
from reminders.web.metrics import metrics, timed

bp = Blueprint("twilio_hooks", __name__, url_prefix="/twilio")
MAX_BODY = 64 * 1024  # Twilio's forms are a few hundred bytes
MAX_SID = 64  # the column's width; Twilio's ids are 34 characters


@bp.before_request
def _limit_body():
    request.max_content_length = MAX_BODY


def _signed_form() -> dict[str, str]:
    token = settings().twilio_auth_token
    if not token:
        abort(403)
    url = settings().public_base_url.rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    form = request.form.to_dict()
    if not signature_is_valid(token, url, form,
                              request.headers.get("X-Twilio-Signature", "")):
        abort(403)
    # the message's id is a key we store and look up: one that cannot be stored as sent
    # is refused (Twilio's are 34 letters and digits), nothing written
    for name in ("MessageSid", "SmsSid"):
        reason = unstorable(form.get(name, ""), lines=False, max_length=MAX_SID)
        if reason:
            abort(400, f"{name} {reason}")
    return form


@bp.post("/status")
@timed("status")
def status():
    """A delivery status. Its ErrorCode becomes a Refusal here, before anything else sees it."""
    form = _signed_form()
    # our own id, put in the callback URL when the text was sent; anything else is no row
    outbox_id = whole_number(request.args.get("outbox", ""), max=MAX_ID)
    report = status_report(form)
    done = record_status(sessions(), report, outbox_id, now())
    if report and report.refusal and done != "duplicate":  # Twilio's repeats count once
        metrics().carrier_refused(report.refusal)
    return "", 204


@bp.post("/inbound")
@timed("inbound")
def inbound():
    """A text from a phone. Answered with TwiML: a message only when we mean to reply
    (HELP, a red flag, no improvement); an empty response otherwise."""
    raw = request.get_data(cache=True)  # before the form is parsed: kept byte for byte
    form = _signed_form()
    outcome = inbox().receive(from_form(form, raw), now())
    return Response(twiml_reply(outcome.answer), mimetype="text/xml")
