"""The SMS transport contract.

`send()` either returns a `SendResult` (the provider accepted the text) or raises:

- `TransportError` without a refusal: known not sent (rate limited, connection refused
  before the request went out). Safe to try again later.
- `TransportError` with a `Refusal`: refused for good (invalid number, landline, opted
  out at the carrier, …). Never retried; the refusal says why.
- `DeliveryUnknown`: the request may have reached the provider (timeout after it was
  written, connection dropped mid-response). Never resent blindly: the row goes to
  `unknown` and is reconciled against the provider first.

A provider's later word on a text it accepted (a status callback) reaches the rest of the
service as a `StatusReport`, its error code already turned into a `Refusal`: nothing past
the transport and its webhook reads a provider's codes. A transport never retries on its
own and never touches the database.

Pictures a patient sends (MMS) stay at the provider: a `MediaSource` fetches one for a
signed-in staff member, checking its address, its type and its size, and streams it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from reminders.core.reach import Refusal  # in the core, which decides what each raises
from reminders.core.statuses import MessageStatus

__all__ = ["DeliveryUnknown", "OutgoingText", "Refusal", "SendResult", "StatusReport",
           "Transport", "TransportError", "mask_phone"]


@dataclass(frozen=True)
class OutgoingText:
    message_id: int  # the outbox row, for logs and the status callback
    to: str  # E.164
    body: str
    segments: int
    expires_at: datetime  # the provider should drop the text after this (ValidityPeriod)


@dataclass(frozen=True)
class SendResult:
    provider_sid: str


class TransportError(Exception):
    """Not sent: refused for good when `refusal` is set, else safe to try again later.

    `code` is the provider's own error code, kept for people reading the error; nothing
    switches on it.
    """

    def __init__(self, message: str, *, refusal: Refusal | None = None, code: int | None = None):
        super().__init__(message)
        self.refusal = refusal
        self.code = code


class DeliveryUnknown(Exception):
    """The provider may or may not have accepted the text."""


@dataclass(frozen=True)
class StatusReport:
    """A provider's status callback for a text it accepted, in our words."""

    sid: str  # the provider's id of the message
    word: str  # its own status word, stored as it came (a repeated word is a repeat)
    status: MessageStatus  # what that word means here
    refusal: Refusal | None = None  # why it was not delivered, when the provider said
    code: int | None = None  # the provider's error code, for people reading the error


@dataclass(frozen=True)
class Received:
    """A text a patient sent to one of our numbers, as the provider lists it."""

    sid: str  # the provider's id: the same as the webhook's MessageSid
    sender: str
    to: str
    body: str
    sent_at: datetime  # when the provider received it (aware, UTC)


class Transport(Protocol):
    """Sends texts, and finds one whose outcome is unknown so it is never sent twice."""

    name: str

    def send(self, text: OutgoingText) -> SendResult: ...

    def find(self, to: str, body: str, since: datetime) -> str | None:
        """The provider's id of a message to `to` with exactly `body`, created at or after
        `since`, or None when the provider has no such message (the reconciler asks this
        before re-queueing an `unknown` text). Raises `TransportError` when it cannot tell."""
        ...

    def received(self, to: str, since: datetime) -> list[Received]:
        """Texts sent to our number `to` at or after `since`, oldest first: what the
        webhook may have missed while the service was down. Raises `TransportError` when
        the provider cannot be asked."""
        ...


def mask_phone(phone: str) -> str:
    """Phone numbers are health information: logs show the last 4 digits only."""
    return f"***{phone[-4:]}" if len(phone) > 4 else "***"



# --- pictures a patient sent (MMS) --------------------------------------------------------

# The types staff are shown: pictures a browser draws. Never SVG (it can carry script),
# never anything else a phone may attach (a contact card, a video, a PDF).
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
                         "image/heif", "image/bmp"})


def is_image(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in IMAGE_TYPES


class MediaRefused(Exception):
    """A picture that is not shown, and why, in words for staff; `status` is the HTTP
    status that says so (403 not the provider's address, 404 gone, 413 too large, 415 not
    a picture, 502 the provider failed)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Picture:
    """A picture on its way from the provider: its type, its length when the provider said,
    and its bytes as they arrive (never more than the size limit). Call `close()` once the
    bytes are read, or are not going to be."""

    content_type: str
    length: int | None
    chunks: Iterator[bytes]
    close: Callable[[], None]


class MediaSource(Protocol):
    def fetch(self, url: str, content_type: str) -> Picture:
        """The picture at `url`, the provider's address for it; raises `MediaRefused` for
        an address that is not the provider's (never fetched), a type that is not a
        picture, one over the size limit, or a provider that fails."""
        ...
