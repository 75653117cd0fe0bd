"""Paging the on-call clinician about a flag, and reading their answer by text.

Every worker runs `page_due` on a tick: for each open flag that pages (core/paging.py) it
works out the round due now and writes it, with one outbox row per person paged, in one
transaction. The round's unique (flag, round) key means two workers never send a round
twice; the outbox sends the texts exactly once like any other (leased, reconciled), at
any hour: patient quiet hours do not cover staff. Acknowledging the flag (in the queue,
or `ACK <number>` by text from the paged phone) ends the chain. A text from a staff
member's number comes here from inbound.py and never reaches patient triage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from reminders.audit import Actor
from reminders.core.errors import Conflict, NotFound
from reminders.core.paging import (
    RoundSoFar,
    Shift,
    next_round,
    on_call,
    page_text,
    pages_for,
    read_staff_text,
    targets,
)
from reminders.core.segments import count_segments
from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.core.triage import Priority
from reminders.flags import acknowledge_in
from reminders.models import (
    Flag,
    OutboxMessage,
    Page,
    PagedKind,
    PageRound,
    Role,
    RotaShift,
    StaffMember,
)
from reminders.settings import Settings

log = logging.getLogger(__name__)

# A page that reached nobody: it failed, or could not be sent before the next round.
_NOT_REACHED = (MessageStatus.FAILED, MessageStatus.UNDELIVERED, MessageStatus.EXPIRED,
                MessageStatus.CANCELLED)


@dataclass
class PageCounts:
    rounds: int = 0
    texts: int = 0
    unreachable: int = 0  # rounds with nobody to text (no mobile on file)


def shifts(session: Session) -> list[Shift]:
    return [Shift(r.id, r.on_call_id, r.backup_id, r.starts_at, r.ends_at)
            for r in session.scalars(select(RotaShift))]


def page_due(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> PageCounts:
    """Write every round of pages due now (each in its own transaction)."""
    counts = PageCounts()
    deadline = timedelta(minutes=settings.page_ack_minutes)
    with sessions() as session:
        chosen = set(session.scalars(select(PagedKind.kind)))
        flags = [f for f in session.scalars(
            select(Flag).where(Flag.status == FlagStatus.OPEN,
                               or_(Flag.priority == Priority.URGENT, Flag.kind.in_(chosen)))
            .options(selectinload(Flag.page_rounds).selectinload(PageRound.pages)
                     .selectinload(Page.text)))
            if pages_for(f.kind, f.priority, chosen)]
        due = []
        for flag in flags:
            latest = max(flag.page_rounds, key=lambda r: r.round, default=None)
            so_far = None if latest is None else RoundSoFar(
                latest.round, latest.created_at,
                all(p.text.status in _NOT_REACHED for p in latest.pages))
            number = next_round(so_far, now, deadline)
            if number is not None:
                due.append((flag.id, number))
    for flag_id, number in due:
        texts = _send_round(sessions, settings, flag_id, number, deadline, now)
        if texts is None:
            continue  # another worker wrote it first
        counts.rounds += 1
        counts.texts += texts
        if not texts:
            counts.unreachable += 1
            log.error("flag %s: page round %s reached nobody: no mobile number on file for "
                      "the person on call, the backup or any admin", flag_id, number)
    return counts


def _send_round(sessions: sessionmaker[Session], settings: Settings, flag_id: int,
                number: int, deadline: timedelta, now: datetime) -> int | None:
    """Write round `number` of `flag_id` and its texts; how many texts, or None when the
    round existed already."""
    try:
        with sessions.begin() as session:
            round_ = PageRound(flag_id=flag_id, round=number, created_at=now, notify_attempts=0)
            session.add(round_)
            session.flush()  # the unique (flag, round) key decides who writes it
            shift = on_call(shifts(session), now)
            admins = list(session.scalars(
                select(StaffMember.id).where(StaffMember.role == Role.ADMIN,
                                             StaffMember.active).order_by(StaffMember.id)))
            people = {m.id: m for m in session.scalars(
                select(StaffMember).where(StaffMember.id.in_(targets(number, shift, admins)),
                                          StaffMember.active, StaffMember.mobile.is_not(None)))}
            link = f"{settings.public_base_url.rstrip('/')}/flags/{flag_id}"
            body = page_text(settings.clinic_name, flag_id, link, number)
            count = count_segments(body)
            for member in people.values():
                text = OutboxMessage(
                    enrollment_id=None, to_number=member.mobile,
                    step=f"page-{flag_id}-{number}-{member.id}", position=0, language="en",
                    body=body, segments=count.segments, encoding=count.encoding, send_at=now,
                    expires_at=now + deadline, status=MessageStatus.PENDING,
                    reason="page", created_at=now)
                session.add(text)
                session.flush()
                session.add(Page(round_id=round_.id, staff_id=member.id, outbox_id=text.id))
            log.info("flag %s: page round %s to %s people", flag_id, number, len(people))
            return len(people)
    except IntegrityError:
        return None


def paged_nobody(session: Session) -> int:
    """Open flags with a page round that had nobody to text (/healthz names them)."""
    empty = (select(PageRound.flag_id).join(Flag, Flag.id == PageRound.flag_id)
             .where(Flag.status == FlagStatus.OPEN, ~PageRound.pages.any()))
    return len(set(session.scalars(empty)))


# --- a text from a staff member's phone ---------------------------------------------------


def staff_member_by_mobile(session: Session, phone: str) -> StaffMember | None:
    return session.scalar(select(StaffMember).where(StaffMember.mobile == phone,
                                                    StaffMember.active))


def answer_staff_text(session: Session, member: StaffMember, body: str, now: datetime) -> str:
    """Act on a text from a staff phone, in the caller's transaction; the answer to send
    back. Only a flag paged to this phone may be acknowledged from it."""
    command = read_staff_text(body)
    if not command.ack:
        return "This number only takes acknowledgements of pages: reply ACK and the flag number."
    paged = select(PageRound.flag_id).join(Page).where(Page.staff_id == member.id)
    if command.flag_id is None:
        flag_id = session.scalar(
            paged.join(Flag, Flag.id == PageRound.flag_id)
            .where(Flag.status == FlagStatus.OPEN)
            .order_by(PageRound.created_at.desc(), PageRound.id.desc()).limit(1))
        if flag_id is None:
            return "No open flag was paged to you. Reply ACK and the flag number."
    else:
        flag_id = command.flag_id
        if session.scalar(paged.where(PageRound.flag_id == flag_id).limit(1)) is None:
            return (f"Flag {flag_id} was not paged to this phone: acknowledge it in the "
                    "flag queue.")
    try:
        acknowledge_in(session, flag_id, Actor(member.name, "sms"), now)
    except NotFound:
        return f"There is no flag {flag_id}."
    except Conflict as exc:
        return exc.errors["flag_id"].capitalize() + "."
    log.info("flag %s acknowledged by text by %s", flag_id, member.name)
    return f"Flag {flag_id} is yours: acknowledged. No more pages will be sent about it."
