"""Staff pages and exports in a nurse's words, on SQLite and PostgreSQL: step titles (the
ids only in tooltips), languages and the protocol by name, relative times, plain reasons
and costs, and a calm colour for normal priority."""

import csv
import io
import re
from datetime import timedelta

from reminders.core.statuses import MessageStatus
from reminders.models import Enrollment
from tests.integration.helpers import HIP_NAME, NOW, dispatcher, step_ids_shown, visible_text
from tests.integration.test_staff_pages import FORM, enrol, page, text_from


def test_the_enrol_preview_names_texts_by_title_with_costs_in_texts(kim):
    html = kim.post("/enrol/preview", {**FORM, "language": "es"}).json["html"]
    assert step_ids_shown(html) == []
    assert '<strong title="pain-check">Pain check after the injection</strong>' in html
    assert "6 texts' worth" in visible_text(html)  # the Spanish welcome, 6 segments
    assert 'title="UCS-2: a character outside the basic SMS alphabet' in html
    assert "GSM" not in visible_text(html) and "UCS" not in visible_text(html)
    assert "sent now: enrolled after it was due" in html  # injected 2 h before NOW


def test_an_enrolment_made_at_the_injection_time_is_not_called_late(kim):
    # The form's time is to the minute; the page's clock is 40 s past it.
    kim.clock[0] = NOW + timedelta(seconds=40)
    html = kim.post("/enrol/preview", {**FORM, "injected_at": "2026-06-01T12:00"}).json["html"]
    text = visible_text(html)
    assert "Welcome and today's instructions" in text
    assert "late" not in text and "enrolled after" not in text


def test_the_patient_page_shows_titles_the_language_by_name_and_scores_in_words(kim, engine):
    enrollment_id = enrol(kim, language="es")
    dispatcher(engine, NOW).run_once()  # the welcome and the pain check go out
    text_from(kim, "4")
    html = page(kim.get(f"/enrollments/{enrollment_id}"))
    assert step_ids_shown(html) == []
    assert '<strong title="pain-check">Pain check after the injection</strong>' in html
    assert '<strong title="day10-check">Day 10 check</strong>' in html
    assert "<dt>Language</dt><dd>Spanish</dd>" in html
    assert HIP_NAME in html
    text = visible_text(html)
    assert "1 score reported." in text and "score(s)" not in text
    assert "texts' worth" in text and "segment" not in text
    assert "to Pain check after the injection" in " ".join(text.split())  # the reply's question


def test_the_patients_list_names_the_next_text_by_title(kim):
    enrol(kim)
    html = page(kim.get("/"))
    assert step_ids_shown(html) == []
    assert '<span title="welcome">Welcome and today&#39;s instructions</span>' in html


def test_the_flag_queue_says_how_long_ago_in_words(kim, engine):
    enrol(kim)
    dispatcher(engine, NOW).run_once()
    text_from(kim, "I have a fever")  # an urgent flag, raised at NOW
    assert "(just now)" in page(kim.get("/flags"))
    kim.clock[0] = NOW + timedelta(hours=3, minutes=10)
    kim.login()
    html = page(kim.get("/flags"))
    assert "(3 h ago)" in html and " h ago)" not in html.replace("(3 h ago)", "")
    assert step_ids_shown(html) == []
    kim.clock[0] = NOW + timedelta(days=1, hours=1)
    kim.login()
    assert "(yesterday)" in page(kim.get("/flags"))
    # raised by a worker whose clock runs ahead of the web server's: not "in 4 min"
    kim.clock[0] = NOW - timedelta(minutes=4)
    kim.login()
    html = page(kim.get("/flags"))
    assert "(just now)" in html and "in 4 min" not in html and "ago)" not in html


def test_a_flag_reason_names_the_question_by_its_title(kim, engine):
    enrol(kim)
    dispatcher(engine, NOW).run_once()
    text_from(kim, "banana")  # not a score: review, naming the question asked
    html = page(kim.get("/flags"))
    assert "reply to Pain check after the injection is not a pain score answer" in html
    rows = list(csv.DictReader(io.StringIO(kim.get("/reports/flags.csv").get_data(as_text=True))))
    assert rows and all(not step_ids_shown(r["reason"]) for r in rows)


def test_the_reschedule_preview_uses_local_words_and_says_already_past(kim, sessions):
    enrollment_id = enrol(kim)  # injected 10:00 Chicago, NOW is 12:00
    html = page(kim.post(f"/enrollments/{enrollment_id}/reschedule",
                         {"injected_at": "2026-06-01T08:00"}))
    text = " ".join(visible_text(html).split())
    assert "New injection time: Mon 1 Jun, 08:00 (America/Chicago)" in text
    assert "2026-06-01T08:00" not in text  # the raw form value only in the hidden field
    assert step_ids_shown(html) == []
    # The pain check (due 09:00, worth sending until 11:00) is already past at 12:00.
    row = re.search(r'<span title="pain-check">.*?</tr>', html, re.S).group(0)
    assert "already past: not sent" in row and "moves" not in row
    # its times in local words: now 12:00 (sent late), after the correction due at 09:00
    assert "Mon 1 Jun, 12:00" in row and "Mon 1 Jun, 09:00" in row
    with sessions() as session:  # a preview writes nothing
        pain = [m for m in session.get(Enrollment, enrollment_id).messages if m.step == "pain-check"]
        assert pain[0].status == MessageStatus.PENDING


def test_reports_and_exports_show_the_protocol_by_name(kim):
    enrol(kim)
    html = page(kim.get("/reports"))
    assert HIP_NAME in visible_text(html) and "hip-joint-injection" not in visible_text(html)
    rows = list(csv.DictReader(io.StringIO(
        kim.get("/reports/enrollments.csv").get_data(as_text=True))))
    assert [r["protocol_name"] for r in rows] == [HIP_NAME]


def _colour(css: str, selector: str) -> tuple[int, int, int]:
    rule = re.search(rf"{re.escape(selector)}\s*\{{[^}}]*?background:\s*#([0-9a-f]{{6}})", css)
    assert rule, selector
    value = rule.group(1)
    return int(value[:2], 16), int(value[2:4], 16), int(value[4:], 16)


def test_normal_priority_is_calm_and_only_urgent_is_red(kim):
    response = kim.get("/static/app.css")
    css = response.get_data(as_text=True)
    response.close()
    red, green, blue = _colour(css, ".priority-normal")
    assert blue > red and blue >= green  # blue-ish, not orange
    red, green, blue = _colour(css, ".priority-urgent")
    assert red > 150 and green < 80 and blue < 80  # red
    red, green, blue = _colour(css, ".priority-high")
    assert red > 200 and 120 < green < 220 and blue < 80  # amber
    red, green, blue = _colour(css, ".priority-info")
    assert max(red, green, blue) - min(red, green, blue) < 30  # grey
