"""What staff see of one enrolment, loaded the same way for every place that shows it: the
API, `reminders show`, the patient page and the simulation.

One enrolment with its patient, texts, replies (each with the question it answered and
the staff readings of it), flags (each with its replies) and notes. Each relationship is
loaded by one IN query, never one query per row, so one reply or a hundred take the same
number of statements (fewer when there is nothing to load: an empty IN is not sent).
tests/integration/test_enrollment_view.py counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from reminders.core.errors import NotFound
from reminders.flags import list_flags
from reminders.models import Enrollment, Flag, Note, OutboxMessage, Patient, Reply


@dataclass(frozen=True)
class EnrollmentView:
    """For reading only: the rows still belong to the session, so a change to one would
    be written if that session commits (the API and the patient page commit an audit
    entry in it)."""

    enrollment: Enrollment
    patient: Patient
    messages: tuple[OutboxMessage, ...]  # in planned order: send time, then id
    replies: tuple[Reply, ...]  # oldest first; .question, .corrections and .media loaded
    flags: tuple[Flag, ...]  # most urgent first, then oldest; .reply and .replies loaded
    notes: tuple[Note, ...]  # oldest first


def load_enrollment_view(session: Session, enrollment_id: int) -> EnrollmentView:
    """The enrolment as staff see it; NotFound when there is none with that id."""
    enrollment = session.get(Enrollment, enrollment_id, options=[
        joinedload(Enrollment.patient), selectinload(Enrollment.messages)])
    if enrollment is None:
        raise NotFound(f"no enrolment {enrollment_id}")
    replies = tuple(session.scalars(
        select(Reply).options(selectinload(Reply.question), selectinload(Reply.corrections),
                              selectinload(Reply.media))
        .where(Reply.enrollment_id == enrollment_id).order_by(Reply.id)))
    flags = tuple(list_flags(session, include_resolved=True, enrollment_id=enrollment_id))
    notes = tuple(session.scalars(
        select(Note).where(Note.enrollment_id == enrollment_id).order_by(Note.id)))
    return EnrollmentView(enrollment=enrollment, patient=enrollment.patient,
                          messages=tuple(enrollment.messages), replies=replies, flags=flags,
                          notes=notes)
