"""The paging pages through the web app: an admin records staff mobiles (E.164) on the
staff page, sets the on-call rota (a default, shifts entered in clinic time and stored in
UTC) and the kinds of flag that page, every change audited; staff get 403; the flag's own
page (where a page's link leads) shows its history from the page to the acknowledgement."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import func, select

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.core.statuses import FlagStatus
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.flags import raise_flag
from reminders.models import AuditEntry, Flag, PagedKind, PageRound, Role, RotaShift, StaffMember
from reminders.paging import page_due
from reminders.rota import set_mobile
from reminders.transports.fake import FakeTransport
from tests.conftest import utc
from tests.integration.helpers import NOW, dispatcher
from tests.integration.staff import PASSWORD

SETUP = Actor("test", "cli")
KIM, BOSS = "+13125550123", "+13125550124"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def error(body: str, field: str) -> str:
    """The error message shown under a field (its element's id is `<field>-error`)."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', body)
    assert match, f"no error shown for {field}"
    return match.group(1)


def form(body: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{form_id}".*?</form>', body, re.S)
    assert match, form_id
    return match.group(0)


def on_call_now(body: str) -> str:
    match = re.search(r'<p id="on-call-now">(.*?)</p>', body, re.S)
    assert match
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def boss_audit(sessions) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(a.action, a.detail) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.actor == "boss").order_by(AuditEntry.id))]


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def mobiles(sessions) -> None:
    """kim and boss can be texted; lee, a staff member, has no mobile on file."""
    set_mobile(sessions, "kim", KIM, "US", SETUP, NOW)
    set_mobile(sessions, "boss", BOSS, "US", SETUP, NOW)
    create_staff(sessions, "lee", PASSWORD, Role.STAFF, SETUP, NOW)


def urgent(sessions, at=NOW) -> int:
    with sessions.begin() as session:
        return raise_flag(session.connection(),
                          FlagRequest(FlagKind.RED_FLAG, Priority.URGENT, "reports fever"), at,
                          phone="+13125550177")


# --- mobile numbers on the staff page --------------------------------------------------


def test_an_admin_records_a_mobile_in_e164_and_a_wrong_one_is_refused_naming_the_field(
        boss, sessions):
    saved = boss.post("/admin/staff", {"mobile_for": "kim", "mobile": "(312) 555-0123"})
    assert saved.status_code == 200
    body = text(saved)
    assert "Mobile number of kim saved." in body
    assert re.search(r'name="mobile" value="\+13125550123" aria-label="Mobile number of kim"', body)
    with sessions() as session:
        assert session.scalar(select(StaffMember.mobile).where(StaffMember.name == "kim")) == KIM

    for bad, why in (("+44 20 7946 0958", "is a landline; texts need a mobile number"),
                     ("12345", "is not a valid phone number for region US"),
                     ("(312) 555-0123", "another staff account has this number")):
        refused = boss.post("/admin/staff", {"mobile_for": "boss", "mobile": bad})
        assert refused.status_code == 422, bad
        body = text(refused)
        assert error(body, "mobile").startswith("Mobile number not saved: ")
        assert why in error(body, "mobile")
        # shown in boss's row, with what was typed, marked invalid
        row = re.search(r'<tr data-account="boss">.*?</tr>', body, re.S).group(0)
        assert f'value="{bad}"' in row and 'aria-invalid="true"' in row
        assert 'aria-invalid' not in re.search(r'<tr data-account="kim">.*?</tr>', body,
                                               re.S).group(0)
    with sessions() as session:
        assert session.scalar(select(StaffMember.mobile).where(StaffMember.name == "boss")) is None
    assert boss_audit(sessions) == [("set_mobile", "kim: a mobile number")]


# --- the rota page ----------------------------------------------------------------------


def test_an_admin_sets_the_default_adds_a_shift_in_clinic_time_and_removes_it(
        boss, sessions):
    mobiles(sessions)
    assert on_call_now(text(boss.get("/admin/rota"))).startswith("Nobody is on call.")

    done = boss.post("/admin/rota/default", {"on_call": "kim", "backup": "boss"})
    assert (done.status_code, done.headers["Location"]) == (302, "/admin/rota")
    body = text(boss.get("/admin/rota"))
    assert "The default on-call person is set." in body
    assert on_call_now(body) == "On call now: kim, backup boss."
    default_form = form(body, "default-form")  # the current default is preselected
    assert '<option value="kim" selected>' in default_form
    assert '<option value="boss" selected>' in default_form
    assert " selected" not in form(body, "shift-form")

    # NOW is 12:00 in Chicago (CDT, UTC-5): boss covers 08:00 to 20:00 today
    done = boss.post("/admin/rota/shifts", {"starts": "2026-06-01T08:00",
                                            "ends": "2026-06-01T20:00", "on_call": "boss",
                                            "backup": "kim"})
    assert done.status_code == 302
    with sessions() as session:
        shift = session.scalar(select(RotaShift).where(RotaShift.is_default.is_(False)))
        assert (shift.starts_at, shift.ends_at) == (utc(2026, 6, 1, 13, 0), utc(2026, 6, 2, 1, 0))
        assert (shift.on_call.name, shift.backup.name) == ("boss", "kim")
        assert (shift.created_by, shift.created_at) == ("boss", NOW)
        shift_id = shift.id
    body = text(boss.get("/admin/rota"))
    assert on_call_now(body) == "On call now: boss, backup kim."
    row = re.search(rf'<tr data-shift="{shift_id}">.*?</tr>', body, re.S).group(0)
    assert "Mon 01 Jun 08:00" in row and "Mon 01 Jun 20:00" in row  # shown in clinic time
    assert 'aria-label="Remove the shift from Mon 01 Jun 08:00"' in row

    assert boss.post(f"/admin/rota/shifts/{shift_id}/remove").status_code == 302
    body = text(boss.get("/admin/rota"))
    assert "Shift removed." in body and f'data-shift="{shift_id}"' not in body
    assert on_call_now(body) == "On call now: kim, backup boss."
    assert boss.post(f"/admin/rota/shifts/{shift_id}/remove").status_code == 404
    assert count(sessions, RotaShift) == 1

    assert boss_audit(sessions) == [
        ("set_rota", "default: on call kim, backup boss"),
        ("set_rota", "2026-06-01T08:00 to 2026-06-01T20:00: on call boss, backup kim"),
        ("removed_shift", f"shift {shift_id}")]


def test_a_wrong_shift_names_every_field_keeps_what_was_typed_and_writes_nothing(
        boss, sessions):
    mobiles(sessions)
    refused = boss.post("/admin/rota/shifts", {"starts": "2026-06-01T20:00",
                                               "ends": "2026-06-01T08:00", "on_call": "ghost",
                                               "backup": "lee"})
    assert refused.status_code == 422
    body = text(refused)
    assert error(body, "shift_ends") == "must be after the start"
    assert error(body, "shift_on_call") == "no active staff account named 'ghost'"
    assert error(body, "shift_backup").startswith("lee has no mobile number on file")
    shift_form = form(body, "shift-form")
    assert 'value="2026-06-01T20:00"' in shift_form and 'value="2026-06-01T08:00"' in shift_form
    assert '<option value="lee" selected>lee (no mobile on file)</option>' in shift_form
    assert shift_form.count('aria-invalid="true"') == 3
    assert " selected" not in form(body, "default-form")  # the other form is left alone

    missing = boss.post("/admin/rota/shifts", {"starts": "", "ends": "soon", "on_call": ""})
    assert missing.status_code == 422
    body = text(missing)
    assert error(body, "shift_starts").startswith("is required")
    assert error(body, "shift_ends") == "'soon' is not a date and time (use 2026-12-24 18:00)"
    assert error(body, "shift_on_call").startswith("is required")

    refused = boss.post("/admin/rota/default", {"on_call": "lee", "backup": "lee"})
    assert refused.status_code == 422
    body = text(refused)
    assert error(body, "default_on_call").startswith("lee has no mobile number on file")
    assert '<option value="lee" selected>' in form(body, "default-form")

    assert count(sessions, RotaShift) == 0
    assert boss_audit(sessions) == []


def test_an_admin_chooses_the_kinds_that_page(boss, sessions):
    def ticked() -> list[str]:
        return re.findall(r'value="(\w+)" checked(?! disabled)',
                          form(text(boss.get("/admin/rota")), "kinds-form"))

    # the kinds always raised urgent always page: ticked and fixed
    always = re.findall(r'value="(\w+)" checked disabled',
                        form(text(boss.get("/admin/rota")), "kinds-form"))
    assert always == ["red_flag", "reply_unread"]
    assert ticked() == []
    done = boss.post("/admin/rota/kinds", {"kind": ["photo", "not_reached"]})
    assert done.status_code == 302
    assert ticked() == ["not_reached", "photo"]
    with sessions() as session:
        assert set(session.scalars(select(PagedKind.kind))) == {FlagKind.PHOTO,
                                                                FlagKind.NOT_REACHED}
    refused = boss.post("/admin/rota/kinds", {"kind": ["photo", "sneeze"]})
    assert refused.status_code == 422
    assert error(text(refused), "kinds").startswith("'sneeze' is not a flag kind")
    assert count(sessions, PagedKind) == 2
    assert boss.post("/admin/rota/kinds", {}).status_code == 302  # only urgent flags page
    assert count(sessions, PagedKind) == 0
    assert boss_audit(sessions) == [
        ("set_paged_kinds", "urgent flags and: not_reached, photo"),
        ("set_paged_kinds", "urgent flags and: nothing else")]


def _rota_urls(app, shift_id: int) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("rota."):
            url = re.sub(r"<[^>]+>", str(shift_id), rule.rule)
            urls += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def test_staff_who_are_not_admins_get_403_on_every_rota_route_and_no_link(
        web, kim, boss, sessions):
    app, _ = web
    mobiles(sessions)
    boss.post("/admin/rota/default", {"on_call": "kim"})
    boss.post("/admin/rota/shifts", {"starts": "2026-06-01T08:00", "ends": "2026-06-01T20:00",
                                     "on_call": "boss"})
    shift_id = max(row[0] for row in _shifts(sessions))
    before = (_shifts(sessions), count(sessions, AuditEntry))
    urls = _rota_urls(app, shift_id)
    assert {url for _, url in urls} == {"/admin/rota", "/admin/rota/default",
                                        "/admin/rota/shifts",
                                        f"/admin/rota/shifts/{shift_id}/remove",
                                        "/admin/rota/kinds"}
    for method, url in urls:
        response = kim.get(url) if method == "GET" else kim.post(
            url, {"on_call": "lee", "starts": "2026-06-02T08:00", "ends": "2026-06-02T20:00",
                  "kind": "photo"})
        assert response.status_code == 403, (method, url)
    assert (_shifts(sessions), count(sessions, AuditEntry)) == before
    body = text(kim.get("/flags"))
    assert 'href="/admin/rota"' not in body and "On call" not in body
    assert 'href="/admin/rota">On call</a>' in text(boss.get("/flags"))


def _shifts(sessions) -> list[tuple]:
    with sessions() as session:
        return [(r.id, r.is_default, r.on_call_id, r.starts_at) for r in
                session.scalars(select(RotaShift).order_by(RotaShift.id))]


def test_rota_and_mobile_forms_without_the_csrf_token_are_refused(boss, sessions):
    mobiles(sessions)
    boss.post("/admin/rota/default", {"on_call": "kim"})
    [(shift_id, *_)] = _shifts(sessions)
    before = (_shifts(sessions), count(sessions, AuditEntry))
    for url, data in (("/admin/rota/default", {"on_call": "boss"}),
                      ("/admin/rota/shifts", {"on_call": "boss", "starts": "2026-06-02T08:00",
                                              "ends": "2026-06-02T20:00"}),
                      (f"/admin/rota/shifts/{shift_id}/remove", {}),
                      ("/admin/rota/kinds", {"kind": "photo"}),
                      ("/admin/staff", {"mobile_for": "lee", "mobile": "(312) 555-0125"})):
        response = boss.post(url, data, csrf=False)
        assert response.status_code == 400, url
        assert "security token" in text(response)
    assert (_shifts(sessions), count(sessions, AuditEntry)) == before
    assert count(sessions, PagedKind) == 0


# --- the flag's own page ----------------------------------------------------------------


def test_the_flag_page_shows_the_page_round_then_the_acknowledgement(
        web, kim, boss, engine, sessions, settings):
    app, _ = web
    mobiles(sessions)
    boss.post("/admin/rota/default", {"on_call": "kim", "backup": "boss"})
    flag_id = urgent(sessions)
    transport = FakeTransport()
    page_due(sessions, settings, NOW)
    dispatcher(engine, NOW, transport).run_once()
    [sent] = transport.sent
    assert sent.to == KIM

    # the page's link leads to the flag's own page
    path = re.search(r"https?://[^/\s]+(/flags/\d+)", sent.body).group(1)
    assert path == f"/flags/{flag_id}"
    assert app.url_map.bind("localhost").match(path, "GET") == ("flag_queue.one",
                                                               {"flag_id": flag_id})
    body = text(kim.get(path))
    assert f"<h1>Flag {flag_id}</h1>" in body
    history = re.search(rf'<details class="flag-history" id="history-{flag_id}" open>.*?</details>',
                        body, re.S).group(0)
    events = re.findall(r'<li data-event="(\w+)">[^:]*:\d\d: ([^<]*)</li>', history)
    assert events == [("raised", "Raised"), ("page", "Paged kim (on call) by text: sent")]
    assert f'id="ack-{flag_id}"' in body

    done = kim.post(f"/flags/{flag_id}/acknowledge", {"back": "flag"})
    assert (done.status_code, done.headers["Location"]) == (302, path)  # back to the flag
    body = text(kim.get(path))
    assert f"Flag {flag_id} is yours." in body
    history = re.search(r'<details class="flag-history".*?</details>', body, re.S).group(0)
    assert re.findall(r'<li data-event="(\w+)">', history) == ["raised", "page", "staff"]
    assert "Acknowledged by kim" in history
    assert f'id="ack-{flag_id}"' not in body
    with sessions() as session:
        flag = session.get(Flag, flag_id)
        assert (flag.status, flag.acknowledged_by) == (FlagStatus.ACKNOWLEDGED, "kim")

    # the chain stops: no second round at the deadline
    page_due(sessions, settings, NOW + timedelta(minutes=20))
    assert count(sessions, PageRound) == 1
    # from the queue, acknowledging goes back to the queue (as before)
    again = kim.post(f"/flags/{flag_id}/acknowledge")
    assert again.headers["Location"] == f"/flags#flag-{flag_id}"
    assert "already acknowledged (by kim)" in text(kim.get("/flags"))


def test_an_unknown_flag_page_is_404(kim):
    assert kim.get("/flags/999999").status_code == 404
