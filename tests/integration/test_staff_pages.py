"""The staff pages through Flask's test client, on SQLite and PostgreSQL: enrol (errors
next to the fields, nothing saved on error), the patients list, a patient's timeline and
chart, the actions on the record, the flag queue and the audit log."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.inbound_message import from_form
from reminders.models import AuditEntry, Enrollment, Flag, Note, OutboxMessage
from tests.integration.helpers import NOW, counts, dispatcher

CHICAGO = ZoneInfo("America/Chicago")
FORM = {"first_name": "Ana", "phone": "(312) 555-0101", "protocol": "hip-joint-injection",
        "injected_at": "2026-06-01T10:00", "timezone": "America/Chicago", "language": "en",
        "baseline_pain": "7", "consent": "on"}


def enrol(staff, **changes):
    response = staff.post("/enrol", {**FORM, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def text_from(staff, body, sender="+13125550101", at=None):
    """A reply arriving through the webhook's own path (signatures are test_inbound's)."""
    params = {"MessageSid": f"SM{abs(hash((body, at))):032d}", "From": sender,
              "To": "+13125550199", "Body": body}
    inbox = staff.app.extensions["reminders"]["inbox"]
    return inbox.receive(from_form(params, urlencode(params).encode()), at or staff.clock[0])


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- enrol ----------------------------------------------------------------------------


def test_the_enrol_form_starts_at_now_in_the_clinic_zone_with_the_plan_shown(kim):
    html = page(kim.get("/enrol"))
    assert 'value="2026-06-01T12:00"' in html  # NOW is 12:00 in Chicago
    assert "day10-check" in html and "I read this to the patient" in html
    for field in ("first_name", "phone", "protocol", "side", "injected_at", "timezone",
                  "language", "baseline_pain", "diabetic", "pt_referral", "consent"):
        assert f'<label for="{field}"' in html, field  # every input has its label


def test_a_good_form_enrols_and_shows_the_patient_page(kim, sessions):
    enrollment_id = enrol(kim)
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.patient.phone == "+13125550101"
        assert enrollment.consent_by == "kim" and enrollment.created_by == "kim"
        assert enrollment.baseline_pain == 7
        assert enrollment.injected_at == NOW - timedelta(hours=2)  # 10:00 clinic time
    html = page(kim.get(f"/enrollments/{enrollment_id}"))
    assert "Ana" in html and "+13125550101" in html and "day10-check" in html


def test_the_injection_time_is_clinic_time_even_for_a_patient_in_another_zone(kim, sessions):
    enrollment_id = enrol(kim, timezone="America/Los_Angeles")
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.injected_at == NOW - timedelta(hours=2)
        assert enrollment.patient.timezone == "America/Los_Angeles"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"phone": "555-0101"}, "phone", "not a valid phone number"),
    ({"first_name": ""}, "first_name", "first name"),
    ({"injected_at": "2026-06-02T10:00"}, "injected_at", "in the future"),
    ({"baseline_pain": "11"}, "baseline_pain", "0 to 10"),
    ({"consent": ""}, "consent", "agreed to receive texts"),
    ({"timezone": "Nowhere/Land"}, "timezone", "IANA"),
])
def test_a_bad_field_is_shown_next_to_it_and_nothing_is_saved(kim, sessions, change, field, words):
    response = kim.post("/enrol", {**FORM, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<small class="field-error" id="{field}-error"[^>]*>([^<]*)</small>', html)
    assert error and words in error.group(1), html[:3000]
    assert f'aria-describedby="{field}-error"' in html
    assert 'value="Ana"' in html or field == "first_name"  # what was typed is kept
    assert counts(sessions) == (0, 0, 0)


def test_an_opted_out_number_is_refused_at_the_phone_field(kim, sessions):
    enrollment_id = enrol(kim)
    kim.post(f"/enrollments/{enrollment_id}/opt-out", {"confirm": "yes"})
    response = kim.post("/enrol", {**FORM, "supersede": "on"})
    assert response.status_code == 422
    assert "opted out" in response.get_data(as_text=True)
    assert counts(sessions)[1] == 1


def test_the_live_preview_shows_each_text_with_local_time_expired_ones_struck_and_segments(kim):
    late = kim.post("/enrol/preview", {**FORM, "injected_at": "2026-05-29T10:00",
                                       "phone": "312 555 0101"})
    data = late.json
    assert data["errors"] == {} and data["phone"] == "+13125550101"
    assert data["consent_text"].startswith("Example Pain Clinic will text you")
    assert '<tr class="expired" data-step="pain-check">' in data["html"]  # 3 days late
    assert '<tr class="" data-step="day10-check">' in data["html"]
    assert "2 texts&#39; worth" in data["html"] and 'title="GSM-7: basic SMS alphabet' in data["html"]
    assert '<strong title="day10-check">Day 10 check</strong>' in data["html"]


def test_the_live_preview_names_a_wrong_field_as_it_is_typed(kim):
    data = kim.post("/enrol/preview", {**FORM, "phone": "12"}).json
    assert "phone" in data["errors"] and data["phone"] is None
    assert 'data-step="day10-check"' in data["html"]  # the plan does not need the phone


# --- patients list ----------------------------------------------------------------------


def test_the_patients_page_shows_day_next_text_last_reply_and_open_flags(kim, engine):
    enrollment_id = enrol(kim)
    dispatcher(engine, NOW + timedelta(days=2)).run_once()  # sends or expires what is due
    kim.clock[0] = NOW + timedelta(days=2)
    kim.login()  # two days on, a new session
    text_from(kim, "I have a fever and the site is swollen")
    html = page(kim.get("/"))
    row = re.search(rf'<tr data-enrollment="{enrollment_id}">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0] == ["Ana"] and cells[1] == ["+13125550101"]
    assert cells[2] == ["2"]  # day 2
    # day 2's text went out at 10:00: the next is day 3's, by its title (the id in a tooltip)
    assert " ".join(cells[3]).startswith("Ice advice, day 3")
    assert '<span title="ice-day3">Ice advice, day 3</span>' in row
    assert "fever" in " ".join(cells[4])
    assert cells[5][:2] == ["1", "urgent"]  # one open flag: the red flag


def test_patients_are_found_by_name_or_the_last_four_digits(kim):
    enrol(kim)
    enrol(kim, first_name="Bo", phone="(312) 555-0142")
    assert "Bo" in page(kim.get("/?q=0142")) and ">Ana<" not in page(kim.get("/?q=0142"))
    assert ">Ana<" in page(kim.get("/?q=an")) and ">Bo<" not in page(kim.get("/?q=an"))
    assert "No active enrolments" in page(kim.get("/?q=9999"))


def test_the_filters_pick_flagged_unanswered_and_completed_enrolments(kim, sessions):
    ana = enrol(kim)
    bo = enrol(kim, first_name="Bo", phone="(312) 555-0142")
    text_from(kim, "fever", sender="+13125550142")
    with sessions.begin() as session:
        session.get(Enrollment, ana).status = "completed"
    assert ">Bo<" in page(kim.get("/?show=flagged")) and ">Ana<" not in page(kim.get("/?show=flagged"))
    assert "No no reply enrolments" in page(kim.get("/?show=no_reply"))  # Bo replied; Ana is done
    assert ">Ana<" in page(kim.get("/?show=completed")) and ">Bo<" not in page(kim.get("/?show=completed"))
    assert bo != ana


# --- patient page ---------------------------------------------------------------------


def test_the_timeline_shows_texts_a_reply_in_between_and_its_flag(kim, engine):
    enrollment_id = enrol(kim)
    dispatcher(engine, NOW + timedelta(minutes=1)).run_once()
    outcome = text_from(kim, "a bit red and hot", at=NOW + timedelta(hours=1))
    html = page(kim.get(f"/enrollments/{enrollment_id}"))
    order = [m.group(1) for m in re.finditer(r'<li id="((?:text|reply|flag|note)-\d+)"', html)]
    reply = f"reply-{outcome.reply_id}"
    flag = f"flag-{outcome.flags[0]}"
    assert order.index(reply) < order.index(flag)
    sent = [a for a in order if a.startswith("text-")][:1]
    assert order.index(sent[0]) < order.index(reply)
    assert 'data-status="sent"' in html and 'data-status="pending"' in html
    assert "redness: maybe (read as reported) — &#39;red&#39;" in html
    assert "warmth at the site: maybe (read as reported) — &#39;hot&#39;" in html


def test_the_chart_has_the_scores_the_baseline_and_the_improvement_line(kim, engine):
    enrollment_id = enrol(kim)
    dispatcher(engine, NOW + timedelta(minutes=1)).run_once()
    text_from(kim, "3", at=NOW + timedelta(minutes=30))
    html = page(kim.get(f"/enrollments/{enrollment_id}"))
    data = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>',
                                html, re.S).group(1))
    assert data["baseline"] == 7
    assert data["threshold"] == 5  # 7 - 2 points beats 30 % of 7
    assert [p["score"] for p in data["points"]] == [3]
    assert data["points"][0]["day"] == round(2.5 / 24, 3)  # 2 h 30 min after the injection
    assert data["last_day"] == 14  # the plan's last text, on day 14
    assert "vendor/chart.umd.min.js" in html  # served by the app, no CDN
    with kim.client.get("/static/vendor/chart.umd.min.js") as script:
        assert script.status_code == 200 and b"Chart.js v4" in script.data


def test_before_the_first_score_the_page_says_so_instead_of_drawing_empty_axes(kim):
    html = page(kim.get(f"/enrollments/{enrol(kim)}"))
    assert 'id="no-scores"' in html
    assert 'id="pain-chart"' not in html and 'id="chart-data"' not in html


def test_opening_a_patient_page_is_in_the_audit_log(kim, boss, sessions):
    enrollment_id = enrol(kim)
    kim.get(f"/enrollments/{enrollment_id}")
    with sessions() as session:
        entries = [(a.actor, a.via, a.action, a.enrollment_id)
                   for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("kim", "web", "enrolled", enrollment_id) in entries
    assert entries[-1] == ("kim", "web", "viewed", enrollment_id)
    audit = page(boss.get("/admin/audit?actor=kim"))
    assert "viewed" in audit and "enrolled" in audit


def test_correcting_the_injection_time_shows_the_change_first_and_then_makes_it(kim, sessions):
    enrollment_id = enrol(kim)
    with sessions() as session:
        before = {m.step: m.send_at for m in session.get(Enrollment, enrollment_id).messages}
    preview = kim.post(f"/enrollments/{enrollment_id}/reschedule", {"injected_at": "2026-06-01T08:00"})
    html = page(preview)
    assert 'class="change-move"' in html and "Apply the correction" in html
    with sessions() as session:  # nothing changed yet
        assert {m.step: m.send_at for m in session.get(Enrollment, enrollment_id).messages} == before
        assert session.get(Enrollment, enrollment_id).injected_at == NOW - timedelta(hours=2)
    done = kim.post(f"/enrollments/{enrollment_id}/reschedule",
                    {"injected_at": "2026-06-01T08:00", "confirm": "yes"})
    assert done.status_code == 302
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.injected_at == NOW - timedelta(hours=4)
        assert {m.step: m.send_at for m in enrollment.messages} != before


def test_a_bad_correction_says_why_and_changes_nothing(kim, sessions):
    enrollment_id = enrol(kim)
    response = kim.post(f"/enrollments/{enrollment_id}/reschedule",
                        {"injected_at": "2026-06-03T08:00", "confirm": "yes"})
    assert response.status_code == 302
    assert "in the future" in page(kim.get(f"/enrollments/{enrollment_id}"))
    with sessions() as session:
        assert session.get(Enrollment, enrollment_id).injected_at == NOW - timedelta(hours=2)


def test_cancel_change_phone_opt_out_and_note_each_do_their_one_thing(kim, sessions):
    enrollment_id = enrol(kim)
    kim.get(f"/enrollments/{enrollment_id}")
    kim.post(f"/enrollments/{enrollment_id}/phone", {"phone": "(312) 555-0150"})
    kim.post(f"/enrollments/{enrollment_id}/notes", {"note": "Called: doing well."})
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.patient.phone == "+13125550150"
        assert [n.body for n in session.scalars(select(Note))] == ["Called: doing well."]
    kim.post(f"/enrollments/{enrollment_id}/opt-out", {"confirm": "yes"})
    with sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.patient.opted_out_at == NOW
        assert MessageStatus.PENDING not in {m.status for m in enrollment.messages}
    kim.post(f"/enrollments/{enrollment_id}/cancel", {"confirm": "yes"})
    with sessions() as session:
        assert session.get(Enrollment, enrollment_id).status == "cancelled"
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-4:] == ["phone_changed", "noted", "opted_out", "cancelled"]


def test_a_phone_of_another_patient_or_an_empty_note_is_refused(kim, sessions):
    ana = enrol(kim)
    enrol(kim, first_name="Bo", phone="(312) 555-0142")
    kim.post(f"/enrollments/{ana}/phone", {"phone": "(312) 555-0142"})
    kim.post(f"/enrollments/{ana}/notes", {"note": "   "})
    html = page(kim.get(f"/enrollments/{ana}"))
    assert "belongs to another patient" in html and "note: is empty" in html
    with sessions() as session:
        assert session.get(Enrollment, ana).patient.phone == "+13125550101"
        assert session.scalars(select(Note)).all() == []


def _fail(sessions, enrollment_id, step) -> int:
    with sessions.begin() as session:
        row = session.scalars(select(OutboxMessage).where(
            OutboxMessage.enrollment_id == enrollment_id, OutboxMessage.step == step)).one()
        row.status, row.last_error = MessageStatus.FAILED, "21614: not a mobile number"
        row.provider_sid = "SM" + "0" * 32
        return row.id


def test_a_failed_text_is_sent_again_at_the_next_allowed_time(kim, sessions):
    enrollment_id = enrol(kim)
    row_id = _fail(sessions, enrollment_id, "activity-day7")  # due day 7 11:00, current a day
    kim.clock[0] = utc_local(2026, 6, 8, 21, 0)  # day 7, 21:00 in Chicago: quiet hours
    kim.login()
    assert kim.post(f"/enrollments/{enrollment_id}/messages/{row_id}/resend").status_code == 302
    assert "goes again at Tue 09 Jun 09:00" in page(kim.get(f"/enrollments/{enrollment_id}"))
    with sessions() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status == MessageStatus.PENDING and row.provider_sid is None
        assert row.send_at == utc_local(2026, 6, 9, 9, 0)  # next morning, 09:00 local
    kim.post(f"/enrollments/{enrollment_id}/messages/{row_id}/resend")
    assert "only a failed or undelivered text" in page(kim.get(f"/enrollments/{enrollment_id}"))


def test_a_failed_text_whose_advice_is_stale_by_morning_is_not_sent_again(kim, sessions):
    enrollment_id = enrol(kim)
    row_id = _fail(sessions, enrollment_id, "welcome")  # today-only advice
    kim.clock[0] = utc_local(2026, 6, 1, 22, 0)
    kim.login()
    kim.post(f"/enrollments/{enrollment_id}/messages/{row_id}/resend")
    assert "out of date" in page(kim.get(f"/enrollments/{enrollment_id}"))
    with sessions() as session:
        assert session.get(OutboxMessage, row_id).status == MessageStatus.FAILED


def utc_local(*args):
    """A wall-clock time in Chicago as an aware instant."""
    from datetime import datetime
    return datetime(*args, tzinfo=CHICAGO)


# --- flag queue -----------------------------------------------------------------------


def test_the_flag_queue_acknowledges_and_resolves_with_an_outcome_note(kim, sessions):
    enrollment_id = enrol(kim)
    outcome = text_from(kim, "fever since last night")
    flag_id = outcome.flags[0]
    html = page(kim.get("/flags"))
    assert f'id="flag-{flag_id}"' in html
    assert f'/enrollments/{enrollment_id}#reply-{outcome.reply_id}' in html
    assert 'aria-label="1 open flags"' in html
    kim.post(f"/flags/{flag_id}/acknowledge")
    assert 'aria-label="0 open flags"' in page(kim.get("/flags"))
    missing = kim.post(f"/flags/{flag_id}/resolve", {"note": " "})
    assert missing.status_code == 302 and "note: is required" in page(kim.get("/flags"))
    kim.post(f"/flags/{flag_id}/resolve", {"note": "Called; seen in clinic today."})
    with sessions() as session:
        flag = session.get(Flag, flag_id)
        assert flag.status == FlagStatus.RESOLVED
        assert (flag.acknowledged_by, flag.resolved_by) == ("kim", "kim")
        assert flag.resolution_note == "Called; seen in clinic today."
    assert "Nothing needs attention" in page(kim.get("/flags"))
    assert "Called; seen in clinic today." in page(kim.get("/flags?resolved=1"))


def test_the_flag_queue_puts_the_most_urgent_first(kim):
    enrol(kim)
    enrol(kim, first_name="Bo", phone="(312) 555-0142")
    text_from(kim, "what is this?", sender="+13125550101")  # needs review: normal
    text_from(kim, "fever", sender="+13125550142", at=NOW + timedelta(minutes=5))  # red flag
    html = page(kim.get("/flags"))
    kinds = re.findall(r'data-kind="(\w+)"', html)
    assert kinds[0] == "red_flag"


def test_a_flag_nobody_takes_by_its_deadline_is_marked_overdue_in_the_queue_and_the_menu(kim):
    enrol(kim)
    flag_id = text_from(kim, "fever since last night").flags[0]  # urgent: 15 open minutes
    html = page(kim.get("/flags"))
    assert "data-overdue" not in html and 'id="nav-overdue"' not in html
    assert "to take by Mon 01 Jun 12:15" in html
    kim.clock[0] = NOW + timedelta(minutes=16)
    html = page(kim.get("/flags"))
    assert f'id="flag-{flag_id}" class="flag-card overdue"' in html
    assert "overdue: due Mon 01 Jun 12:15" in html
    assert 'aria-label="1 overdue flags"' in html
    kim.post(f"/flags/{flag_id}/acknowledge")
    html = page(kim.get("/flags"))
    assert "data-overdue" not in html and 'id="nav-overdue"' not in html


def test_a_normal_flag_raised_after_closing_is_due_the_next_morning(kim):
    enrol(kim)
    text_from(kim, "what is this?", at=utc_local(2026, 6, 1, 18, 0))  # review: 4 open hours
    kim.clock[0] = utc_local(2026, 6, 2, 11, 59)
    kim.login()  # the idle session ended overnight
    html = page(kim.get("/flags"))
    assert "to take by Tue 02 Jun 12:00" in html and "data-overdue" not in html


def test_the_reports_show_time_to_acknowledge_and_resolve_by_kind_and_month(kim):
    enrol(kim)
    flag_id = text_from(kim, "fever since last night").flags[0]
    kim.clock[0] = NOW + timedelta(minutes=20)
    kim.post(f"/flags/{flag_id}/acknowledge")
    kim.clock[0] = utc_local(2026, 6, 2, 9, 0)  # the next morning: 5 h + 1 h of open time
    kim.login()  # the idle session ended overnight
    kim.post(f"/flags/{flag_id}/resolve", {"note": "Seen in clinic."})
    html = page(kim.get("/reports"))
    row = re.search(r'<table class="striped" id="loop-times">.*?</table>', html, re.S).group(0)
    assert re.search(r"<td>red flag</td><td>2026-06</td><td>1</td>\s*<td>20m</td>\s*<td>6h</td>",
                     row), row


class _Fields(HTMLParser):
    """The form controls of a page, and the ids its labels name."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in (
                "hidden", "submit", "button"):
            self.controls.append(attrs)


def test_every_input_on_every_page_has_a_label(boss, sessions):
    enrollment_id = enrol(boss)
    flag_id = text_from(boss, "fever").flags[0]
    pages = ["/", "/enrol", f"/enrollments/{enrollment_id}", "/flags", f"/flags/{flag_id}",
             "/import", "/admin/audit", "/admin/tokens", "/admin/staff", "/admin/rota",
             "/password"]
    for path in pages:
        parser = _Fields()
        parser.feed(page(boss.get(path)))
        assert parser.controls, path
        for control in parser.controls:
            assert control.get("id") in parser.labelled or control.get("aria-label"), (path, control)
