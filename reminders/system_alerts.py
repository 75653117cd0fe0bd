"""System alerts: a refusal every patient gets alike (the carrier filtering our texts, an
unregistered or unverified sender, a suspended account, refused credentials) fails every
text until the operator fixes it, so it is not left to a log line nobody reads.

One open alert per kind: a repeat counts on it (how many, last seen) instead of adding a
row. While one is open, admins see a banner on every staff page (staff see a calmer line),
`/healthz` answers 503 naming it, and each occurrence is logged at ERROR. An admin marks it
fixed once the cause is dealt with (audited); the next refusal opens a new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.audit import Actor, record
from reminders.core.errors import Conflict, NotFound, ValidationError
from reminders.core.reach import Refusal
from reminders.models import SystemAlert

log = logging.getLogger(__name__)

# What the operator does about each kind, in the banner and /healthz.
_WHAT_TO_DO = {
    Refusal.FILTERED: "review the texts' wording and the sender's registration with Twilio",
    Refusal.SENDER: "register the sending number (US A2P 10DLC) or verify the toll-free "
                    "number in the Twilio console",
    Refusal.SUSPENDED: "contact Twilio about the suspended account",
    Refusal.ACCOUNT: "check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and the account's "
                     "permissions (regions, sending number)",
}


@dataclass(frozen=True)
class OpenAlert:
    """An open alert as staff pages and /healthz show it."""

    id: int
    kind: str
    code: int | None
    count: int
    first_seen_at: datetime
    last_seen_at: datetime
    problem: str  # in plain words
    what_to_do: str


def _code(error: str) -> int | None:
    head = error.split(":", 1)[0].strip()
    return int(head) if head.isdigit() and len(head) < 10 else None


def raise_alert(session: Session, refusal: Refusal, error: str, now: datetime) -> int:
    """Open the alert of this kind, or count a repeat on the open one; in the caller's
    transaction (a savepoint guards the race of two first occurrences). Logged at ERROR
    with the kind and code only: the provider's message may name the patient's number."""
    code = _code(error)
    for _ in range(2):
        alert = session.scalars(select(SystemAlert).where(
            SystemAlert.kind == refusal, SystemAlert.fixed_at.is_(None))
            .with_for_update()).first()
        if alert is not None:
            alert.count += 1
            alert.last_seen_at, alert.code = now, code if code is not None else alert.code
            break
        try:
            with session.begin_nested():
                alert = SystemAlert(kind=refusal, code=code, count=1, first_seen_at=now,
                                    last_seen_at=now)
                session.add(alert)
            break
        except IntegrityError:  # another worker opened it first: count on theirs
            continue
    assert alert is not None
    session.flush()
    log.error("OPERATOR ALERT: system alert %s (code %s, seen %s times): %s: %s", refusal.value, code,
              alert.count, refusal.words, _WHAT_TO_DO.get(refusal, "see the provider's console"))
    return alert.id


def open_alerts(session: Session) -> list[OpenAlert]:
    """The open alerts, oldest first."""
    alerts = session.scalars(select(SystemAlert).where(SystemAlert.fixed_at.is_(None))
                             .order_by(SystemAlert.first_seen_at, SystemAlert.id))
    return [OpenAlert(a.id, a.kind.value, a.code, a.count, a.first_seen_at, a.last_seen_at,
                      a.kind.words, _WHAT_TO_DO.get(a.kind, "see the provider's console"))
            for a in alerts]


def health(session: Session) -> dict[str, object] | None:
    """What `/healthz` adds while alerts are open (it then answers 503), else None."""
    alerts = open_alerts(session)
    if not alerts:
        return None
    return {"system_alerts": [{"kind": a.kind, "code": a.code, "count": a.count,
                               "problem": a.problem, "last_seen_at": a.last_seen_at.isoformat()}
                              for a in alerts]}


def mark_fixed(sessions: sessionmaker[Session], alert_id: int, actor: Actor,
               now: datetime) -> None:
    """An admin says the cause is dealt with: the alert closes (audited)."""
    by = (actor.name or "").strip()
    if not by:
        raise ValidationError({"by": "is required: the admin's name"})
    with sessions.begin() as session:
        alert = session.get(SystemAlert, alert_id, with_for_update=True)
        if alert is None:
            raise NotFound(f"no system alert {alert_id}")
        if alert.fixed_at is not None:
            raise Conflict({"alert_id": f"alert {alert_id} was already marked fixed by "
                            f"{alert.fixed_by}"})
        alert.fixed_by, alert.fixed_at = by[:128], now
        record(session, actor, "alert fixed", now,
               detail=f"system alert {alert.id} ({alert.kind.value}, code {alert.code}, "
                      f"seen {alert.count} times) marked fixed")
