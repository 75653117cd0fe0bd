"""The optional authenticator-app second factor: enrolment with a QR code, the second
sign-in step, no replay of a code, wrong codes throttled, required for admins when the
setting says so, and an admin's reset for a lost phone. Audited."""

import re
import zlib
from datetime import timedelta

import pyotp
from itsdangerous import base64_decode
from sqlalchemy import select

from reminders.models import AuditEntry, StaffMember
from tests.integration.helpers import NOW
from tests.integration.staff import PASSWORD, Staff, make_app

_SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')


def _enrol(staff: Staff) -> str:
    page = staff.get("/account/totp")
    assert page.status_code == 200 and b"<svg" in page.data  # the QR code, inline
    secret = _SECRET.search(page.get_data(as_text=True)).group(1)
    done = staff.post("/account/totp", {"action": "enrol",
                                         "code": pyotp.TOTP(secret).at(staff.clock[0])})
    assert done.status_code == 302
    return secret


def _actions(sessions) -> list[str]:
    with sessions() as session:
        return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _code_step(staff: Staff, name: str = "kim") -> None:
    staff.get("/login")
    assert staff.post("/login", {"name": name, "password": PASSWORD}).headers[
        "Location"].startswith("/login/code")
    staff.get("/login/code")


def test_a_member_enrols_with_a_code_and_then_signs_in_in_two_steps(web, kim, sessions):
    secret = _enrol(kim)
    assert _actions(sessions)[-1] == "totp_enrolled"
    app, clock = web
    clock[0] = NOW + timedelta(minutes=1)
    later = Staff(app, clock, address="10.0.0.8")
    _code_step(later)
    assert later.get("/").status_code == 302  # the password alone opens nothing
    wrong = later.post("/login/code", {"code": "000000"})
    assert wrong.status_code == 401 and b"not the code" in wrong.data
    right = later.post("/login/code", {"code": pyotp.TOTP(secret).at(clock[0])})
    assert right.status_code == 302
    assert later.get("/flags").status_code == 200


def test_a_wrong_code_at_enrolment_turns_nothing_on(kim, sessions):
    kim.get("/account/totp")
    refused = kim.post("/account/totp", {"action": "enrol", "code": "123456"})
    assert refused.status_code == 422 and b"not the code" in refused.data
    with sessions() as session:
        member = session.scalars(select(StaffMember).where(StaffMember.name == "kim")).one()
        assert member.totp_secret is None


def test_a_code_cannot_be_used_twice_in_its_time_step(web, kim):
    secret = _enrol(kim)
    app, clock = web
    clock[0] = NOW + timedelta(minutes=1)
    code = pyotp.TOTP(secret).at(clock[0])
    first = Staff(app, clock, address="10.0.0.8")
    _code_step(first)
    assert first.post("/login/code", {"code": code}).status_code == 302
    second = Staff(app, clock, address="10.0.0.9")
    _code_step(second)
    assert second.post("/login/code", {"code": code}).status_code == 401  # replayed
    clock[0] += timedelta(seconds=30)
    assert second.post("/login/code", {"code": pyotp.TOTP(secret).at(clock[0])}).status_code == 302


def test_wrong_codes_are_throttled_like_wrong_passwords(web, kim):
    _enrol(kim)
    app, clock = web
    clock[0] = NOW + timedelta(minutes=1)
    guesser = Staff(app, clock, address="10.0.0.66")
    _code_step(guesser)  # a right password, charged until the code is right too
    for _ in range(2):
        assert guesser.post("/login/code", {"code": "000000"}).status_code == 401
    refused = guesser.post("/login/code", {"code": "000000"})
    assert refused.status_code == 429 and b"Wait 2 seconds" in refused.data


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(web):
    app, clock = web
    stranger = Staff(app, clock)
    response = stranger.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_member_turns_the_app_off_with_a_code(web, kim, sessions):
    secret = _enrol(kim)
    kim.clock[0] = NOW + timedelta(minutes=1)
    kim.get("/account/totp")
    done = kim.post("/account/totp", {"action": "disable",
                                       "code": pyotp.TOTP(secret).at(kim.clock[0])})
    assert done.status_code == 302
    assert _actions(sessions)[-1] == "totp_disabled"
    app, clock = web
    assert Staff(app, clock, address="10.0.0.8").login().status_code == 302  # password alone


def test_an_admin_removes_a_lost_phones_app_and_the_members_sessions_end(web, kim, boss,
                                                                        sessions):
    _enrol(kim)
    boss.get("/admin/staff")
    page = boss.post("/admin/staff", {"account": "kim", "action": "totp_reset"},
                     follow_redirects=True)
    assert b"Authenticator app of kim removed" in page.data
    audit = _actions(sessions)
    assert audit[-1] == "totp_reset"
    assert kim.get("/").status_code == 302
    app, clock = web
    again = Staff(app, clock, address="10.0.0.8")
    assert again.login().headers["Location"] == "/"  # no code step any more


def test_with_the_setting_an_admin_must_enrol_before_anything_else(
        sessions, settings, protocols, web):
    app, clock = make_app(sessions, settings, protocols, require_admin_totp=True)
    boss = Staff(app, clock, address="10.0.0.2")
    assert boss.login("boss").status_code == 302
    assert boss.get("/admin/staff").headers["Location"] == "/account/totp"
    assert boss.get("/").headers["Location"] == "/account/totp"
    kim = Staff(app, clock, address="10.0.0.3")
    assert kim.login().status_code == 302
    assert kim.get("/").status_code == 200  # staff are not required to
    _enrol(boss)
    assert boss.get("/admin/staff").status_code == 200


def test_the_secret_being_set_up_is_not_in_the_session_cookie(kim):
    page = kim.get("/account/totp")
    secret = _SECRET.search(page.get_data(as_text=True)).group(1)
    cookie = kim.client.get_cookie("reminders_session").value
    payload = base64_decode(cookie.lstrip(".").split(".")[0])  # readable by anyone
    text = (zlib.decompress(payload) if cookie.startswith(".") else payload).decode()
    assert "totp_enrol" in text and secret not in text
    assert kim.get("/account/totp").get_data(as_text=True).count(secret) == 1  # stable


def test_a_member_with_an_app_cannot_swap_it_without_turning_it_off(kim, sessions):
    secret = _enrol(kim)
    kim.get("/account/totp")
    swap = kim.post("/account/totp", {"action": "enrol", "code": "123456"})
    assert swap.status_code == 422 and b"turn off your current app first" in swap.data
    with sessions() as session:
        member = session.scalars(select(StaffMember).where(StaffMember.name == "kim")).one()
        assert member.totp_secret == secret


def test_a_password_reset_between_the_two_steps_ends_the_half_done_sign_in(web, kim, boss):
    secret = _enrol(kim)
    app, clock = web
    clock[0] = NOW + timedelta(minutes=1)
    half = Staff(app, clock, address="10.0.0.8")
    _code_step(half)
    boss.get("/admin/staff")
    boss.post("/admin/staff", {"account": "kim", "action": "reset"})
    response = half.post("/login/code", {"code": pyotp.TOTP(secret).at(clock[0])})
    assert response.status_code == 401
    assert half.get("/").status_code == 302
