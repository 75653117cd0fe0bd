"""The password form (a change, or the first sign-in with a one-time password) reports
every broken rule at once, shows the account's name and never sends a password back."""

import re

from argon2 import PasswordHasher
from sqlalchemy import select

from reminders.models import StaffMember
from tests.integration.staff import PASSWORD, Staff, shown_once


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<small class="field-error" id="([a-z_]+)-error"[^>]*>([^<]*)</small>',
                           html))


def password_hash(sessions, name: str) -> str:
    with sessions() as session:
        return session.scalars(select(StaffMember.password_hash)
                               .where(StaffMember.name == name)).one()


def test_every_broken_rule_is_shown_at_once_and_nothing_changes(kim, sessions):
    before = password_hash(sessions, "kim")
    kim.get("/password")
    response = kim.post("/password", {"current_password": "not my password",
                                      "password": "short1", "confirm": "short2"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html) == {
        "current_password": "is not your current password",
        "password": "must be at least 10 characters",
        "confirm": "does not match the new password",
    }
    for typed in ("not my password", "short1", "short2"):
        assert typed not in html  # no password goes back into the page
    assert re.search(r'<input id="username" name="username" autocomplete="username" '
                     r'value="kim" readonly>', html)
    assert password_hash(sessions, "kim") == before


def test_the_same_password_again_is_refused_with_the_other_rules(kim, sessions):
    before = password_hash(sessions, "kim")
    kim.get("/password")
    response = kim.post("/password", {"current_password": PASSWORD, "password": PASSWORD,
                                      "confirm": PASSWORD + "!"})
    assert field_errors(response.get_data(as_text=True)) == {
        "password": "must differ from the current password",
        "confirm": "does not match the new password",
    }
    assert password_hash(sessions, "kim") == before


def test_a_first_sign_in_sees_every_rule_then_saves_a_good_password(web, boss, sessions):
    app, clock = web
    page = boss.post("/admin/staff", {"name": "lee"})
    one_time = shown_once(page)
    lee = Staff(app, clock, address="127.0.0.3")
    lee.login("lee", one_time)
    form = lee.get("/password").get_data(as_text=True)
    assert 'value="lee" readonly' in form
    refused = lee.post("/password", {"current_password": one_time, "password": "tiny",
                                     "confirm": ""})
    assert refused.status_code == 422
    assert set(field_errors(refused.get_data(as_text=True))) == {"password", "confirm"}
    assert one_time not in refused.get_data(as_text=True)
    done = lee.post("/password", {"current_password": one_time, "password": "a new long password",
                                  "confirm": "a new long password"})
    assert done.status_code == 302
    assert PasswordHasher().verify(password_hash(sessions, "lee"), "a new long password")


def test_a_refused_new_account_keeps_the_name_typed(boss, sessions):
    response = boss.post("/admin/staff", {"name": "Lee Smith"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html and 'value="Lee Smith"' in html
    with sessions() as session:
        assert session.scalars(select(StaffMember.name).order_by(StaffMember.name)).all() == [
            "boss", "kim"]
