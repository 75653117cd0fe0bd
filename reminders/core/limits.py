"""How long each field a person types may be: one table for the web forms, the API and the
command line, which all reach the same services.

A value over its limit is refused with the field's name and the limit, and nothing is
saved. The limits are generous for what each field is for (a resolution note is a few
sentences; 2,000 characters is a page) and stop a pasted document or a hostile client
from filling the database, the pages and the exports.

Short on purpose: the table and the one check everyone calls.
"""

from __future__ import annotations

from collections.abc import Mapping

NOTE = 2000  # a patient note, a flag's resolution note, a note on a staff reading
STAFF_TEXT = 320  # a staff member's own words to a patient (the clinic's name goes first)
FIRST_NAME = 63
PERSON = 128  # a free-form person's name: who took consent, who acknowledged a flag
SIGN_IN_NAME = 64  # staff sign-in names and API token names (the accounts' rule says so too)
PASSWORD = 256
PHONE = 32  # as typed: "+1 (312) 555-0101 ext. 2" fits
SHORT = 64  # a time, a zone, a protocol, a language, a side, a flag kind, a saved reply id

ENROLMENT = {"first_name": FIRST_NAME, "phone": PHONE, "injected_at": SHORT,
             "protocol": SHORT, "consent_by": PERSON, "timezone": SHORT, "language": SHORT,
             "side": SHORT}
SHIFT = {"on_call": SIGN_IN_NAME, "backup": SIGN_IN_NAME, "starts": SHORT, "ends": SHORT}


def too_long(values: Mapping[str, object], limits: Mapping[str, int]) -> dict[str, str]:
    """An error per field whose text is over its limit (fields not in `limits`, and
    values that are not text, are left to the field's own checks)."""
    return {field: f"must be at most {limits[field]} characters (this is {len(value)})"
            for field, value in values.items()
            if field in limits and isinstance(value, str) and len(value) > limits[field]}


def over(field: str, value: str | None, limit: int) -> dict[str, str]:
    """`too_long` for one field."""
    return too_long({field: value}, {field: limit})
