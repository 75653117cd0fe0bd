"""Sessions are revocable: sign-out, a password change, an admin's reset and a
deactivation end every session of the member, copied cookies included."""

from sqlalchemy import select

from reminders.models import StaffMember
from tests.integration.staff import PASSWORD, Staff, shown_once


def _copy(staff: Staff) -> Staff:
    """Another client holding a copy of this one's session cookie (a stolen cookie)."""
    thief = Staff(staff.app, staff.clock, address="10.6.6.6")
    cookie = staff.client.get_cookie("reminders_session")
    thief.client.set_cookie("reminders_session", cookie.value)
    return thief


def _version(sessions, name: str) -> int:
    with sessions() as session:
        return session.scalars(select(StaffMember.session_version).where(
            StaffMember.name == name)).one()


def test_a_cookie_copied_before_sign_out_is_refused_after_it(kim, sessions):
    thief = _copy(kim)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    kim.post("/logout")
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert _version(sessions, "kim") == 1


def test_signing_out_ends_the_members_other_sessions_too(web, kim):
    app, clock = web
    desk = Staff(app, clock, address="10.0.0.8")
    assert desk.login().status_code == 302
    kim.post("/logout")
    assert desk.get("/flags").status_code == 302


def test_a_password_change_ends_every_other_session_but_keeps_this_one(web, kim):
    app, clock = web
    other = Staff(app, clock, address="10.0.0.8")
    assert other.login().status_code == 302
    kim.get("/password")
    done = kim.post("/password", {"current_password": PASSWORD,
                                  "password": "a new long password",
                                  "confirm": "a new long password"})
    assert done.status_code == 302
    assert kim.get("/flags").status_code == 200
    assert other.get("/flags").status_code == 302


def test_an_admins_password_reset_and_a_deactivation_end_the_members_sessions(web, kim, boss):
    app, clock = web
    thief = _copy(kim)
    boss.get("/admin/staff")
    boss.post("/admin/staff", {"account": "kim", "action": "reset"})
    assert kim.get("/").status_code == 302
    assert thief.get("/").status_code == 302

    lee_page = boss.post("/admin/staff", {"name": "lee"})
    password = shown_once(lee_page)
    lee = Staff(app, clock, address="10.0.0.9")
    assert lee.login("lee", password).status_code == 302
    copy = _copy(lee)
    boss.post("/admin/staff", {"account": "lee", "action": "deactivate"})
    boss.post("/admin/staff", {"account": "lee", "action": "reactivate"})
    assert lee.get("/password").status_code == 302  # reactivation does not revive a session
    assert copy.get("/password").status_code == 302


def test_a_session_from_before_the_version_was_raised_elsewhere_is_refused(web, kim, sessions):
    """The check is on every request, against the stored version, not at sign-in only."""
    with sessions.begin() as session:
        member = session.scalars(select(StaffMember).where(StaffMember.name == "kim")).one()
        member.session_version += 1
    assert kim.get("/").status_code == 302
