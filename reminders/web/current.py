"""What a request's code reads from the app it runs in: the services, the inbox, where
patients' pictures are fetched from, the clock, and the way a refused action is worded
for staff. One place, so views do not each rebuild them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.routing import IntegerConverter

from reminders.core.field_names import Naming
from reminders.core.redact import mask_phones
from reminders.inbound import Inbox
from reminders.services import Services
from reminders.settings import Settings
from reminders.transports.base import MediaSource

MAX_ID = 2**31 - 1  # the database's integer keys; a larger id in a URL is no row (404)


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id; anything above MAX_ID does not match the route (404)
    instead of overflowing PostgreSQL's integer."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def _app() -> dict:
    return current_app.extensions["reminders"]


def services() -> Services:
    return _app()["services"]


def settings() -> Settings:
    return services().settings


def inbox() -> Inbox:
    return _app()["inbox"]


def media() -> MediaSource | None:
    """Where patients' pictures are fetched from; None without provider credentials."""
    return _app()["media"]


def sessions() -> sessionmaker[Session]:
    return services().sessions


def now() -> datetime:
    return _app()["clock"]()


# The staff pages' words for the core's field keys: the label beside the field (the
# enrol form's), the box to tick, or the thing a page acts on; other keys read as words.
NAMING = Naming(default=lambda key: key.replace("_", " "), switched_on="the “{name}” box ticked",
                names={"first_name": "First name", "phone": "Mobile number",
                       "protocol": "Procedure", "side": "Side",
                       "injected_at": "Injection time", "timezone": "Patient's time zone",
                       "language": "Language of the texts",
                       "baseline_pain": "Pain before the injection",
                       "consent_by": "Consent to texts", "consent": "Consent to texts",
                       "diabetic": "Diabetic",
                       "pt_referral": "Referred to physical therapy",
                       "supersede": "Replace this number's active enrolment",
                       "enrollment_id": "enrolment", "flag_id": "flag", "message_id": "text"})


def refusal(prefix: str, errors: dict[str, str], labels: Mapping[str, str] | None = None) -> str:
    """A ValidationError's fields as one line for a flash message, each by its label
    (`labels`: where the page words a field its own way). Flash messages ride in
    the session cookie, which is signed, not encrypted: the value a message echoes first
    (`'312-555-01999' is not a valid phone number`) is left out, and numbers are masked."""
    return prefix + "; ".join(
        f"{(labels or {}).get(k) or NAMING.name(k)}: {mask_phones(_ECHO.sub('', NAMING.message(v)))}"
        for k, v in errors.items())


_ECHO = re.compile(r"""^(?:'[^']*'|"[^"]*")\s*""")  # a repr of what was typed
