"""The enrolment as staff see it, on SQLite and PostgreSQL: everything the API, the CLI,
the patient page and the simulation show, in a number of statements that does not grow
with the rows."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import event

from reminders.audit import Actor
from reminders.core.errors import NotFound
from reminders.corrections import add_note
from reminders.enrollment_view import load_enrollment_view
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.inbound import Inbox
from reminders.inbound_message import from_form
from reminders.json_shapes import shown_enrollment_json
from reminders.reply_labels import parse_reading, record_reading
from tests.integration.helpers import NOW, form
from tests.integration.texting import play_to

NURSE = Actor("Nurse Kim", "web")


def _text(inbox: Inbox, sender: str, body: str, at) -> int:
    params = {"MessageSid": f"SM{sender[-4:]}{body.encode().hex()[:24]:0>28}", "From": sender,
              "To": "+13125550199", "Body": body}
    return inbox.receive(from_form(params, urlencode(params).encode()), at).reply_id


def _statements(engine, read) -> tuple[int, object]:
    """How many SQL statements `read()` sends, and what it returned."""
    sent = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = read()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent), result


def _shown(sessions, enrollment_id):
    """What the callers read of the view, inside its session: a lazy load would count."""
    with sessions() as session:
        view = load_enrollment_view(session, enrollment_id)
        data = shown_enrollment_json(view)
        readings = [len(r.corrections) for r in view.replies]
        return view, data, readings


def test_an_enrolment_is_read_in_the_same_number_of_statements_with_one_or_many_rows(
        svc, sessions, engine, protocols, settings):
    one = enroll(svc, form(injected_at=NOW, baseline_pain="8"), CONSENT_TAKER, NOW)
    many = enroll(svc, form(injected_at=NOW, baseline_pain="8", first_name="Bo",
                            phone="(312) 555-0102"), CONSENT_TAKER, NOW)
    day10 = play_to(engine, one, "day10-check")
    inbox = Inbox(sessions, protocols, settings)
    _text(inbox, "+13125550101", "I have a fever", NOW + timedelta(hours=2))
    add_note(svc, one, "Called her back.", NURSE, NOW + timedelta(hours=3))
    ids = [_text(inbox, "+13125550102", body, at) for body, at in [
        ("4", NOW + timedelta(hours=2)), ("fever", NOW + timedelta(days=2)),
        ("chills too", NOW + timedelta(days=2, hours=1)), ("4-6", NOW + timedelta(days=3, hours=3)),
        ("same", day10 + timedelta(minutes=5))]]
    for n in range(5):
        add_note(svc, many, f"Note {n}.", NURSE, NOW + timedelta(days=n, hours=4))
    for reply_id in ids[:3]:
        record_reading(sessions, reply_id, parse_reading({"agrees": "yes"}), NURSE, day10,
                       enrollment_id=many)

    few_statements, (few, few_data, _) = _statements(engine, lambda: _shown(sessions, one))
    many_statements, (lots, lots_data, readings) = _statements(engine, lambda: _shown(sessions, many))

    assert (len(few.replies), len(few.flags), len(few.notes)) == (1, 1, 1)
    assert len(lots.replies) == 5 and len(lots.flags) >= 3 and len(lots.notes) == 5
    assert readings == [1, 1, 1, 0, 0]
    assert [r["question_step"] for r in lots_data["replies"]][-1] == "day10-check"
    assert sum(len(f["replies"]) for f in lots_data["flags"]) >= 4  # "chills" joined "fever"
    assert few_data["flags"][0]["kind"] == "red_flag"
    assert many_statements == few_statements


def test_an_enrolment_that_does_not_exist_is_not_found(sessions):
    with sessions() as session, pytest.raises(NotFound, match="no enrolment 404"):
        load_enrollment_view(session, 404)
