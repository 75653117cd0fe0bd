"""The SMS transport contract.

`send()` either returns a `SendResult` (the provider accepted the text) or raises:

- `TransportError(permanent=False)`: known not sent (rate limited, connection refused
  before the request went out). Safe to try again later.
- `TransportError(permanent=True)`: refused for good (invalid number, landline, opted
  out at the carrier). Never retried; `code` says why.
- `DeliveryUnknown`: the request may have reached the provider (timeout after it was
  written, connection dropped mid-response). Never resent blindly: the row goes to
  `unknown` and is reconciled against the provider first.

A transport never retries on its own and never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


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
    def __init__(self, message: str, *, permanent: bool, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class DeliveryUnknown(Exception):
    """The provider may or may not have accepted the text."""


class Transport(Protocol):
    """Sends texts, and finds one whose outcome is unknown so it is never sent twice."""

    name: str

    def send(self, text: OutgoingText) -> SendResult: ...

    def find(self, to: str, body: str, since: datetime) -> str | None:
        """The provider's id of a message to `to` with exactly `body`, created at or after
        `since`, or None when the provider has no such message (the reconciler asks this
        before re-queueing an `unknown` text). Raises `TransportError` when it cannot tell."""
        ...


def mask_phone(phone: str) -> str:
    """Phone numbers are health information: logs show the last 4 digits only."""
    return f"***{phone[-4:]}" if len(phone) > 4 else "***"

