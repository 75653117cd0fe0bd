"""The states a text, an enrolment and a flag can be in (pure; stored as their values).

Short on purpose: the enums the core and the tables share, apart from both.
"""

from __future__ import annotations

from enum import StrEnum


class MessageStatus(StrEnum):
    PENDING = "pending"  # waiting for its send time
    LEASED = "leased"  # claimed by a dispatcher; being sent now
    SENT = "sent"  # accepted by the provider (has a provider SID)
    DELIVERED = "delivered"  # the carrier confirmed delivery
    UNDELIVERED = "undelivered"  # the carrier could not deliver it
    FAILED = "failed"  # refused for good; never retried automatically
    UNKNOWN = "unknown"  # may or may not have been accepted: reconcile before any resend
    EXPIRED = "expired"  # stale before it could be sent; never sent
    CANCELLED = "cancelled"  # withdrawn (enrolment cancelled or superseded, opt-out, re-plan)


# A text in one of these states may still be (re)planned; the others have left the building
# or are in flight, and a re-plan must not touch them.
REPLANNABLE = (MessageStatus.PENDING, MessageStatus.EXPIRED)


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"  # texts are being sent
    COMPLETED = "completed"  # every text has been sent or has expired
    CANCELLED = "cancelled"  # staff stopped it
    SUPERSEDED = "superseded"  # replaced by a newer enrolment of the same phone


class FlagStatus(StrEnum):
    OPEN = "open"  # nobody has taken it yet
    ACKNOWLEDGED = "acknowledged"  # someone is on it
    RESOLVED = "resolved"  # done, with an outcome note
