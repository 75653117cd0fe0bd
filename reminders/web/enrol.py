"""The enrol page: the form, its live preview of the plan, and the enrolment itself.

The preview and the save go through the same checks (validation.validate); the save
writes nothing unless every field is right.
"""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from reminders.core.errors import ValidationError
from reminders.core.planner import EXPIRED, Facts, plan
from reminders.core.validation import EnrollmentInput, normalise_phone, parse_instant, validate
from reminders.core.zones import listed_zones
from reminders.enrollments import enroll
from reminders.web.current import NAMING, now, services

bp = Blueprint("enrol", __name__, url_prefix="/enrol")

# The form's fields top to bottom: its errors are listed in this order.
FIELDS = ("first_name", "phone", "protocol", "side", "injected_at", "timezone", "language",
          "baseline_pain", "consent")


def _in_form_order(errors: dict[str, str]) -> dict[str, str]:
    return dict(sorted(errors.items(), key=lambda item: (
        FIELDS.index(item[0]) if item[0] in FIELDS else len(FIELDS))))


def _injected_at(raw: str) -> str | datetime:
    """Staff type the injection time as clinic time, wherever the patient lives."""
    clinic = services().settings.clinic_timezone
    try:
        return parse_instant(raw, ZoneInfo(clinic))
    except ValueError:
        return raw  # validate() names the problem


def _input(form, consent_by: str) -> EnrollmentInput:
    return EnrollmentInput(
        first_name=form.get("first_name", ""), phone=form.get("phone", ""),
        injected_at=form.get("injected_at", ""), protocol=form.get("protocol", ""),
        consent_by=consent_by, timezone=form.get("timezone") or None,
        injected_zone=services().settings.clinic_timezone,
        language=form.get("language", "en"), side=form.get("side") or None,
        diabetic=form.get("diabetic") == "on", pt_referral=form.get("pt_referral") == "on",
        baseline_pain=form.get("baseline_pain", ""), supersede=form.get("supersede") == "on")


def _consent_by(form) -> str:
    """The signed-in staff member records consent by ticking the box; unticked: nobody."""
    return current_user.name if form.get("consent") == "on" else ""


def _errors(form, at: datetime) -> dict[str, str]:
    """What is wrong with the form, by field (the consent box stands for consent_by)."""
    svc = services()
    try:
        validate(_input(form, _consent_by(form)), svc.protocols,
                 clinic_timezone=svc.settings.clinic_timezone,
                 default_region=svc.settings.default_region, now=at)
    except ValidationError as exc:
        errors = NAMING.keyed(exc.errors)
        if "consent_by" in errors:
            errors["consent"] = "tick to confirm the patient agreed to receive texts"
            del errors["consent_by"]
        return _in_form_order(errors)
    return {}


def preview_data(form, at: datetime) -> dict:
    """Field errors, the phone in E.164, the consent wording and the plan as it stands."""
    svc = services()
    errors = _errors(form, at)
    facts_ok = not {"protocol", "timezone", "injected_at", "language", "side"} & set(errors)
    data: dict[str, object] = {"errors": errors, "phone": None, "texts": [], "consent_text": "",
                               "timezone": None}
    if "phone" not in errors and form.get("phone"):
        data["phone"] = normalise_phone(form["phone"], svc.settings.default_region)
    protocol = svc.protocols.protocols.get(form.get("protocol", ""))
    first_name = form.get("first_name", "").strip() if "first_name" not in errors else ""
    context = {**svc.settings.placeholders, "first_name": first_name or "(first name)"}
    language = form.get("language", "en") if "language" not in errors else "en"
    if protocol is not None:
        data["consent_text"] = protocol.consent.render(language, context)[1]
    injected_at = _injected_at(form.get("injected_at", "")) if facts_ok else None
    if isinstance(injected_at, datetime) and protocol is not None:  # facts_ok: it parsed
        tz = ZoneInfo(form.get("timezone") or svc.settings.clinic_timezone)
        facts = Facts(injected_at=injected_at, timezone=tz,
                      language=language, side=form.get("side") or None,
                      diabetic=form.get("diabetic") == "on",
                      pt_referral=form.get("pt_referral") == "on")
        data["timezone"] = tz.key
        data["texts"] = [{"step": t.step, "title": protocol.step_title(t.step),
                          "local": t.send_at.astimezone(tz),
                          "expired": t.status == EXPIRED, "segments": t.segments,
                          "encoding": t.encoding, "text": t.text, "reason": t.reason}
                         for t in plan(protocol, facts, at, context)]
    return data


def _defaults() -> dict:
    settings = services().settings
    local_now = now().astimezone(ZoneInfo(settings.clinic_timezone))
    protocols = list(services().protocols.protocols)
    return {"injected_at": local_now.strftime("%Y-%m-%dT%H:%M"), "timezone": settings.clinic_timezone,
            "language": "en", "protocol": protocols[0] if protocols else ""}


@functools.cache
def _zones(clinic: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The zones a patient may be in: the common US ones and the clinic's first, then every
    other place's zone (no fixed offsets or old names: see core/zones.py)."""
    return listed_zones((clinic,))


def labels(errors: dict[str, str]) -> dict[str, str]:
    """The label of each field in `errors`, as the form shows it (the banner lists them)."""
    return {field: NAMING.name(field) for field in errors}


def _page(form, preview: dict, status: int = 200):
    svc = services()
    return render_template("enrol.html", form=form, errors=preview["errors"], preview=preview,
                           labels=labels(preview["errors"]),
                           protocols=svc.protocols.protocols.values(),
                           zones=_zones(svc.settings.clinic_timezone),
                           clinic_timezone=svc.settings.clinic_timezone), status


@bp.get("")
def form():
    values = _defaults()
    preview = preview_data(values, now())
    preview["errors"] = {}  # a blank form has nothing wrong with it yet
    return _page(values, preview)


@bp.post("/preview")
def preview():
    """The live preview (fetched as the form is typed): the plan and each field's error."""
    data = preview_data(request.form, now())
    html = render_template("enrol_preview.html", preview=data)
    return jsonify(html=html, errors=data["errors"], labels=labels(data["errors"]),
                   phone=data["phone"],
                   consent_text=data["consent_text"])


@bp.post("")
def submit():
    at = now()
    errors = _errors(request.form, at)
    if not errors:
        try:
            enrollment_id = enroll(services(), _input(request.form, _consent_by(request.form)),
                                   current_user.actor, at)
        except ValidationError as exc:  # opted-out number, an active enrolment, a race
            errors = _in_form_order(NAMING.keyed(exc.errors))
        else:
            flash("Enrolled. The first text goes at the time shown below.", "info")
            return redirect(url_for("patients.detail", enrollment_id=enrollment_id))
    data = preview_data(request.form, at)
    data["errors"] = errors
    return _page(request.form, data, 422)
