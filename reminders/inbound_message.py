"""A received text as the provider sent it: the webhook's form read into an `Inbound`
(with the pictures of an MMS: where each one is and its declared type), the sender's
number in E.164, and the provider's own reading of it (Twilio's Advanced Opt-Out keyword
type), kept apart from what the service makes of the text (inbound.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qs

import phonenumbers

from reminders.core import field_text

# Twilio's Advanced Opt-Out tells us which keyword list a message matched (its own and
# the clinic's custom words, in any language): that is a finding too.
_OPT_OUT_TYPES = {"stop": "opt_out", "start": "opt_in", "help": "help"}
# Twilio sends at most 10 media per message; a form claiming more is read up to here.
MAX_MEDIA = 10


@dataclass(frozen=True)
class Media:
    """One attachment: where the provider keeps it and the type it declares. Nothing
    here is fetched: staff fetch it through the transport's checked media reader."""

    url: str
    content_type: str


@dataclass(frozen=True)
class Inbound:
    """One received text, as the provider sent it."""

    sid: str | None
    sender: str
    to: str
    body: str
    raw: bytes  # the request body exactly as received
    media: tuple[Media, ...] = ()


def storable(text: str) -> str:
    """`text` as a database can hold it (NUL and lone surrogates replaced): a patient's
    message is kept, never refused."""
    return field_text.storable(text)


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
                   raw=raw, media=_media(form))


def _media(form: dict[str, str]) -> tuple[Media, ...]:
    """MediaUrl{N} and MediaContentType{N} for N below NumMedia (bounded by MAX_MEDIA);
    an entry without a URL is skipped."""
    # ASCII digits only: int() reads other scripts' digits, and a huge one is pointless
    count = field_text.whole_number(form.get("NumMedia", ""), max=1000) or 0
    found = []
    for n in range(min(count, MAX_MEDIA)):
        url = form.get(f"MediaUrl{n}", "").strip()
        if url:
            found.append(Media(storable(url)[:2000],
                               storable(form.get(f"MediaContentType{n}", "")).strip()[:128]))
    return tuple(found)


def provider_request(raw: bytes) -> str | None:
    """The request the provider's own keyword lists matched (Twilio's OptOutType), read
    from the stored request body so that processing it again sees it too."""
    values = parse_qs(raw.decode("utf-8", "replace")).get("OptOutType") or [""]
    return _OPT_OUT_TYPES.get(values[0].strip().lower())
