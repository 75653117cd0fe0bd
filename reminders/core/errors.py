"""The application's few exceptions, shared by every interface (CLI, pages, API).

Each interface turns them into its own words and codes by type: a ValidationError names
the fields that are wrong (exit 2, a form error, 422), NotFound is an id with no row (404),
Conflict is a request that is well formed but clashes with the current state (409).

Short on purpose: few exceptions, in one place every interface imports.
"""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input; `errors` maps each field key to what is wrong with it. A message names
    no interface's control: each interface names the field (field_names.Naming)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Conflict(ValidationError):
    """Well-formed input the current state refuses (e.g. cancelling a cancelled
    enrolment). A ValidationError too, so a form shows it beside its field."""


class NotFound(LookupError):
    """No row with that id (an enrolment, a flag, a reply)."""
