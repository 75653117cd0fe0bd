"""How each interface names the fields the core's errors are keyed by (pure).

The core keys every error by a field key (`consent_by`, `supersede`, `enrollment_id`) and
never writes an interface's words: a message that points at another field says
`{on:supersede}` ("that switch turned on"). Each shell holds a `Naming` that turns keys
into the control its user sees (the CLI's `--consent-by`, the web's "Consent to texts"
box, the API's `consent_by`, the CSV's column), so no message names another interface's
option.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# The keys of an enrolment's errors (EnrollmentInput's fields) and of the records a
# request names (a path parameter on the API and the web, a positional ID on the CLI).
ENROLMENT_FIELDS = ("first_name", "phone", "injected_at", "protocol", "consent_by",
                    "timezone", "language", "side", "diabetic", "pt_referral",
                    "baseline_pain", "supersede")
RECORD_FIELDS = ("enrollment_id", "flag_id", "message_id")
SWITCHES = ("diabetic", "pt_referral", "supersede")  # yes/no fields a message may point at

_REFERENCE = re.compile(r"\{on:([a-z_]+)\}")


def on(key: str) -> str:
    """A reference, inside a core message, to the switch `key` turned on."""
    return "{on:" + key + "}"


@dataclass(frozen=True)
class Naming:
    """One interface's words for field keys."""

    default: Callable[[str], str]  # a key's name when `names` has none
    switched_on: str  # how this interface says a switch is on; "{name}" is its name
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, key: str) -> str:
        return self.names.get(key) or self.default(key)

    def message(self, text: str) -> str:
        """`text` with each `{on:key}` reference in this interface's words."""
        return _REFERENCE.sub(lambda m: self.switched_on.format(name=self.name(m[1])), text)

    def keyed(self, errors: Mapping[str, str]) -> dict[str, str]:
        """The messages in this interface's words, still keyed by field key (a form
        places each beside its control)."""
        return {key: self.message(text) for key, text in errors.items()}

    def named(self, errors: Mapping[str, str]) -> dict[str, str]:
        """The messages keyed by this interface's names for the fields."""
        return {self.name(key): self.message(text) for key, text in errors.items()}
