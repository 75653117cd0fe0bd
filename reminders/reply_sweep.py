"""The reply sweep: every stored reply is read, even when the first attempt failed or the
service was down when it came (an APScheduler tick in every worker: scheduler.py).

Oldest first, each due reply is claimed by a conditional UPDATE that counts the attempt
and moves its next attempt into the future before the reply is read: two workers never
read one reply at once, and a reply whose reading kills the process still uses up its
attempts. When and how often: core/reply_retry.py. After the last failed attempt the reply
gets one urgent "a reply could not be read" flag, written by plain INSERTs of their own
that need none of the matching, reading or triage that may be what failed.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from reminders.core.reply_retry import backoff, next_attempt
from reminders.core.statuses import FlagStatus
from reminders.core.triage import FlagKind, Priority
from reminders.models import Flag, Reply, flag_replies

if TYPE_CHECKING:
    from reminders.inbound import Inbox

log = logging.getLogger(__name__)

BATCH = 20  # replies a sweep takes on; the rest wait for the next tick, oldest first

_UNREAD = (Reply.processed_at.is_(None), Reply.gave_up_at.is_(None))
_DUE = (select(Reply.id, Reply.attempts)
        .where(*_UNREAD, or_(Reply.next_attempt_at.is_(None),
                             Reply.next_attempt_at <= bindparam("now")))
        .order_by(Reply.received_at, Reply.id).limit(BATCH))
# the claim: only if nobody has read, claimed or given up this reply since we looked
_CLAIM = (update(Reply)
          .where(Reply.id == bindparam("reply_id"), Reply.attempts == bindparam("seen"), *_UNREAD,
                 or_(Reply.next_attempt_at.is_(None), Reply.next_attempt_at <= bindparam("now")))
          .values(attempts=bindparam("attempts"), next_attempt_at=bindparam("lease")))


def sweep_replies(inbox: Inbox, max_attempts: int, now: datetime) -> dict[str, int]:
    """Read the due unread replies again; counts of what became of them: `read`,
    `retrying`, `gave_up`, `taken` (another worker had it), `busy` (the database refused)."""
    try:
        with inbox.sessions() as session:
            due = session.execute(_DUE, {"now": now}).all()
    except SQLAlchemyError as exc:
        log.warning("reply sweep: unread replies could not be listed (%s)", type(exc).__name__)
        return {"busy": 1}
    counts: Counter[str] = Counter()
    for reply_id, seen in due:
        counts[_sweep_one(inbox, reply_id, seen, max_attempts, now)] += 1
    return dict(counts)


def _sweep_one(inbox: Inbox, reply_id: int, seen: int, max_attempts: int, now: datetime) -> str:
    try:
        if seen >= max_attempts:  # its last attempt never finished (the process died)
            return "gave_up" if give_up(inbox.sessions, reply_id, "interrupted", now) else "taken"
        with inbox.sessions.begin() as session:
            claimed = session.connection().execute(_CLAIM, {
                "reply_id": reply_id, "seen": seen, "now": now, "attempts": seen + 1,
                "lease": now + backoff(seen + 1)}).rowcount
        if not claimed:
            return "taken"
    except SQLAlchemyError as exc:
        log.warning("reply #%s: could not be claimed (%s); tried again later", reply_id,
                    type(exc).__name__)
        return "busy"
    try:
        read = inbox.read_again(reply_id, now)
    except Exception as exc:  # whatever it was: tried again or flagged
        log.error("reply #%s could not be read on attempt %s (%s)", reply_id, seen + 1,
                  type(exc).__name__)
        log.debug("reply #%s: the failure", reply_id, exc_info=True)
        return record_failure(inbox.sessions, reply_id, exc, max_attempts, now, counted=True)
    log.info("reply #%s read on attempt %s", reply_id, seen + 1)
    return "read" if read else "taken"


def record_failure(sessions: sessionmaker[Session], reply_id: int, error: BaseException,
                   max_attempts: int, now: datetime, *, counted: bool = False,
                   answer: str | None = None) -> str:
    """Write down a failed attempt (`counted`: the sweep's claim counted it already) and
    when the next one is due; after the last, give up and flag. `answer`: the fallback the
    patient was sent, kept as the reply's answer so none is sent again. Returns `retrying`,
    `gave_up` or `unrecorded` (the database refused this too: the reply stays due)."""
    name = type(error).__name__[:64]
    try:
        with sessions.begin() as session:
            attempts = session.scalar(select(Reply.attempts).where(Reply.id == reply_id)
                                      .with_for_update()) or 0
            attempts += 0 if counted else 1
            due = next_attempt(attempts, now, max_attempts)
            values: dict[str, object] = {"attempts": attempts, "last_error": name}
            if due is not None:
                values["next_attempt_at"] = due
            if answer is not None:
                values.update(response_kind="fallback", response_text=answer)
            session.execute(update(Reply).where(Reply.id == reply_id, *_UNREAD).values(values))
    except SQLAlchemyError as exc:
        log.warning("reply #%s: the failed attempt could not be recorded (%s); the sweep "
                    "takes it when it is due", reply_id, type(exc).__name__)
        return "unrecorded"
    if due is not None:
        return "retrying"
    try:
        return "gave_up" if give_up(sessions, reply_id, name, now) else "retrying"
    except SQLAlchemyError as exc:
        log.warning("reply #%s: could not be flagged yet (%s); the sweep tries again",
                    reply_id, type(exc).__name__)
        return "unrecorded"


def give_up(sessions: sessionmaker[Session], reply_id: int, error: str, now: datetime) -> bool:
    """Stop reading the reply and raise its urgent flag, in one transaction (never one
    without the other); False when it was read or given up meanwhile."""
    with sessions.begin() as session:
        row = session.execute(
            update(Reply).where(Reply.id == reply_id, *_UNREAD)
            .values(gave_up_at=now, next_attempt_at=None)
            .returning(Reply.from_number, Reply.attempts)).first()
        if row is None:
            return False
        flag_id = session.execute(insert(Flag).returning(Flag.id), dict(
            kind=FlagKind.REPLY_UNREAD, priority=Priority.URGENT, status=FlagStatus.OPEN,
            reason=f"a reply could not be read after {row.attempts} attempts ({error}): "
                   "read it and act on it now",
            phone=row.from_number, reply_id=reply_id, created_at=now,
            updated_at=now)).scalar_one()
        session.execute(insert(flag_replies), {"flag_id": flag_id, "reply_id": reply_id})
    log.error("reply #%s could not be read after %s attempts: urgent flag %s raised",
              reply_id, row.attempts, flag_id)
    return True
