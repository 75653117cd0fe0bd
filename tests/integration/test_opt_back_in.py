"""Opting back in by text, on SQLite and PostgreSQL: START closes the opt-out flag (even
one a staff member has taken), its history says the patient opted back in, and the
reports stop counting the patient as opted out."""

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from reminders.audit import Actor
from reminders.core.statuses import FlagStatus
from reminders.flags import acknowledge
from reminders.models import AuditEntry, Flag
from reminders.reports import by_protocol_and_month, outcomes
from tests.integration.helpers import NOW


def _opted_out_count(sessions, settings) -> int:
    with sessions() as session:
        return by_protocol_and_month(outcomes(session, settings.clinic_timezone))[0]["opted_out"]


def _csv_opted_out(kim) -> list[str]:
    response = kim.get("/reports/enrollments.csv")
    assert response.status_code == 200
    return [row["opted_out"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]


def test_start_closes_the_taken_opt_out_flag_with_a_history_saying_so(
        sessions, patient, phone, kim):
    phone.text("STOP", at=NOW + timedelta(minutes=30))
    with sessions() as session:
        flag_id = session.scalars(select(Flag.id)).one()
    acknowledge(sessions, flag_id, Actor("kim", "web"), NOW + timedelta(minutes=40))
    back_at = NOW + timedelta(hours=2)
    phone.text("START", at=back_at)
    with sessions() as session:
        flag = session.get_one(Flag, flag_id)
        assert (flag.status, flag.resolved_by, flag.resolved_at) == (
            FlagStatus.RESOLVED, "patient", back_at)
        assert "opted back in" in flag.resolution_note
        entry = session.scalars(select(AuditEntry).where(AuditEntry.flag_id == flag_id,
                                                         AuditEntry.action == "opted_back_in")).one()
        assert (entry.actor, entry.via, entry.enrollment_id) == ("patient", "sms", patient)
    page = kim.get(f"/flags/{flag_id}").get_data(as_text=True)
    assert "Closed: the patient opted back in by text; texts resumed" in page
    assert "Acknowledged by kim" in page


def test_reports_count_the_patient_as_opted_out_only_until_they_opt_back_in(
        sessions, patient, phone, kim, settings):
    phone.text("stop texting me", at=NOW + timedelta(minutes=30))
    assert _opted_out_count(sessions, settings) == 1
    assert _csv_opted_out(kim) == ["yes"]
    phone.text("START", at=NOW + timedelta(hours=2))
    assert _opted_out_count(sessions, settings) == 0
    assert _csv_opted_out(kim) == ["no"]
