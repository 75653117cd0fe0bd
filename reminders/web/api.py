"""The JSON API under /api/v1/ for the clinic's EHR or scheduling system.

Bearer tokens only (auth.py checks them before any view runs). Every answer is JSON,
errors included: `{"error": code, "detail": text}`, and for bad fields (422)
`{"error": "invalid", "errors": {field: message}}`. The description is openapi.yaml,
served at /api/v1/openapi.json.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from reminders.audit import record
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.field_names import Naming
from reminders.core.field_text import nesting_depth, unstorable
from reminders.core.validation import EnrollmentInput, validate
from reminders.enrollment_view import load_enrollment_view
from reminders.enrollments import cancel, enroll
from reminders.flags import list_flags
from reminders.json_shapes import enrollment_json, flag_json
from reminders.web.current import now, services, sessions

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_STRINGS = ("first_name", "phone", "injected_at", "timezone", "protocol", "consent_by",
            "language", "side")
_BOOLS = ("diabetic", "pt_referral", "supersede")
_REQUIRED = ("first_name", "phone", "injected_at", "protocol", "consent_by")
FIELDS = frozenset((*_STRINGS, *_BOOLS, "baseline_pain"))
MAX_DEPTH = 32  # an enrolment is one flat object; anything this deep is not one
MAX_STRING = 1000  # far above any real value (a name, a phone, a timestamp)
# The API's words for the core's field keys: its JSON field names, which are the keys.
NAMING = Naming(default=lambda key: key, switched_on='"{name}": true')


@functools.cache
def openapi() -> dict:
    text = resources.files("reminders.web").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _error(status: int, code: str, detail: str, **extra):
    response = jsonify(error=code, detail=detail, **extra)
    response.status_code = status
    return response


# The query parameters each operation takes; any other is a mistake worth telling about.
_QUERY = {"api.flags": frozenset({"include_resolved"})}


@bp.before_request
def _known_query_only():
    unknown = set(request.args) - _QUERY.get(request.endpoint or "", frozenset())
    if unknown:
        raise ValidationError({name[:64]: "is not a query parameter of this operation"
                               for name in sorted(unknown)})
    # "?include_resolved=true&include_resolved=maybe" is not one value: refuse it rather
    # than read the first and ignore the rest (the description says each is a string)
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if repeated:
        raise ValidationError({name[:64]: "is given more than once" for name in repeated})


def http_error(exc: HTTPException):
    """An HTTP error under /api/ as JSON (a 404 of an unknown path or id, a 405, a 413);
    error_pages.py sends every other path's error as a page."""
    return _error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description or exc.name)


@bp.errorhandler(ValidationError)
def _invalid(exc: ValidationError):
    errors = NAMING.named(exc.errors)
    return _error(422, "invalid", "; ".join(f"{k}: {v}" for k, v in errors.items()),
                  errors=errors)


@bp.errorhandler(Conflict)  # Flask picks the most specific handler: before ValidationError's
def _conflict(exc: Conflict):
    return _error(409, "conflict", "; ".join(NAMING.named(exc.errors).values()))


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    return _error(404, "not_found", str(exc))


def _json_object() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json's parser recurses per level: thousands of "[" end here
        raise ValidationError({"body": f"nests deeper than {MAX_DEPTH} levels"}) from None
    if data is not None and nesting_depth(data) > MAX_DEPTH:
        raise ValidationError({"body": f"nests deeper than {MAX_DEPTH} levels"})
    if data is None:
        raise ValidationError({"body": "must be a JSON object (Content-Type: application/json)"})
    if not isinstance(data, dict):
        raise ValidationError({"body": "must be a JSON object, not a " + type(data).__name__})
    return data


def parse_enrollment(data: dict) -> tuple[EnrollmentInput, dict[str, str]]:
    """The request body as an EnrollmentInput and its type errors by field: a field that is
    missing or of the wrong type is left blank in the input, so the other fields can still
    be checked and every wrong field is reported in one answer."""
    errors: dict[str, str] = {}
    for field in sorted(set(data) - FIELDS)[:20]:
        # cut short: the name is the client's, of any length and content
        errors[field[:64].encode("utf-8", "replace").decode()] = "is not a field of an enrolment"
    for field in _REQUIRED:
        if data.get(field) in (None, ""):
            errors[field] = "is required"
    values: dict = {}
    for field in _STRINGS:
        value = data.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[field] = "must be a string"
        elif reason := unstorable(value, lines=False, max_length=MAX_STRING):
            errors[field] = reason
        else:
            values[field] = value
    for field in _BOOLS:
        value = data.get(field, False)
        if not isinstance(value, bool):
            errors[field] = "must be true or false"
            value = False
        values[field] = value
    baseline = data.get("baseline_pain")
    if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, int)):
        errors["baseline_pain"] = "must be a whole number from 0 to 10, or null"
        baseline = None
    return EnrollmentInput(
        first_name=values.get("first_name", ""), phone=values.get("phone", ""),
        injected_at=values.get("injected_at", ""), protocol=values.get("protocol", ""),
        consent_by=values.get("consent_by", ""), timezone=values.get("timezone"),
        language=values.get("language") or "en", side=values.get("side"),
        diabetic=values["diabetic"], pt_referral=values["pt_referral"],
        baseline_pain=baseline, supersede=values["supersede"]), errors


def _checked(data: EnrollmentInput, errors: dict[str, str]) -> None:
    """Raise every error of the request at once: its type errors with what validation
    finds in the other fields (a blank field's own error is its type error)."""
    if errors:
        svc = services()
        validate(data, svc.protocols, clinic_timezone=svc.settings.clinic_timezone,
                 default_region=svc.settings.default_region, now=now(), found=errors)


def _enrollment(enrollment_id: int, *, viewed: bool) -> dict:
    with sessions().begin() as session:
        view = load_enrollment_view(session, enrollment_id)
        if viewed:
            record(session, g.actor, "viewed", now(), patient_id=view.patient.id,
                   enrollment_id=enrollment_id, detail="API")
        return enrollment_json(view.enrollment)


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi())


@bp.post("/enrollments")
def create_enrollment():
    data, errors = parse_enrollment(_json_object())
    _checked(data, errors)
    enrollment_id = enroll(services(), data, g.actor, now())
    response = jsonify(_enrollment(enrollment_id, viewed=False))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_enrollment", enrollment_id=enrollment_id)
    return response


@bp.get("/enrollments/<id:enrollment_id>")
def get_enrollment(enrollment_id: int):
    return jsonify(_enrollment(enrollment_id, viewed=True))


@bp.post("/enrollments/<id:enrollment_id>/cancel")
def cancel_enrollment(enrollment_id: int):
    cancel(services(), enrollment_id, g.actor, now())
    return jsonify(_enrollment(enrollment_id, viewed=False))  # the cancel is audited


@bp.get("/flags")
def flags():
    raw = request.args.get("include_resolved", "false")
    if raw not in ("true", "false"):
        raise ValidationError({"include_resolved": "must be true or false"})
    with sessions()() as session:
        return jsonify([flag_json(f) for f in list_flags(session, include_resolved=raw == "true")])
