"""A received text as the provider sent it: the webhook's form read into an `Inbound`,
the sender's number in E.164, and the provider's own reading of it (Twilio's Advanced
Opt-Out keyword type), kept apart from what the service makes of the text (inbound.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qs

import phonenumbers

# Twilio's Advanced Opt-Out tells us which keyword list a message matched (its own and
# the clinic's custom words, in any language): that is a finding too.
_OPT_OUT_TYPES = {"stop": "opt_out", "start": "opt_in", "help": "help"}


@dataclass(frozen=True)
class Inbound:
    """One received text, as the provider sent it."""

    sid: str | None
    sender: str
    to: str
    body: str
    raw: bytes  # the request body exactly as received


def storable(text: str) -> str:
    """`text` as a PostgreSQL text column can hold it (it cannot hold NUL)."""
    return text.replace("\x00", "\ufffd")


@functools.lru_cache(maxsize=4096)
def to_e164(raw: str, default_region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def from_form(form: dict[str, str], raw: bytes) -> Inbound:
    """The message in a Twilio webhook form; unknown parameters are ignored."""
    return Inbound(sid=(form.get("MessageSid") or form.get("SmsSid") or "").strip() or None,
                   sender=form.get("From", ""), to=form.get("To", ""), body=form.get("Body", ""),
                   raw=raw)


def provider_request(raw: bytes) -> str | None:
    """The request the provider's own keyword lists matched (Twilio's OptOutType), read
    from the stored request body so that processing it again sees it too."""
    values = parse_qs(raw.decode("utf-8", "replace")).get("OptOutType") or [""]
    return _OPT_OUT_TYPES.get(values[0].strip().lower())
