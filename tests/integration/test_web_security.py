"""Only signed-in staff see patient data; the API takes live tokens only; forms need
their CSRF token; sessions end when idle."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reminders.accounts import create_token, revoke_token
from reminders.audit import Actor
from reminders.models import AuditEntry, Enrollment, LoginAttempt
from reminders.web.auth import PUBLIC_ENDPOINTS
from tests.integration.helpers import NOW
from tests.integration.staff import PASSWORD, Staff, make_app, shown_once


def _routes(app):
    """Every (endpoint, method, URL) of the app, ids filled in (routes added later too)."""
    for rule in app.url_map.iter_rules():
        sample = {name: "app.css" if name == "filename" else 1 for name in rule.arguments}
        url = rule.build(sample)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_route_but_the_public_ones_turns_away_a_stranger(web):
    app, _ = web
    client = app.test_client()
    checked = 0
    for endpoint, method, url in _routes(app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method, headers={"Accept": "text/html"})
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert response.json["error"] == "unauthorized"
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)
        checked += 1
    assert checked >= 25  # every staff page, action and API route of the app


def test_the_public_routes_are_exactly_sign_in_health_webhooks_and_assets(web):
    app, _ = web
    assert {r.endpoint for r in app.url_map.iter_rules()} >= PUBLIC_ENDPOINTS
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    with client.get("/static/vendor/pico.min.css") as css:  # a file response: close it
        assert css.status_code == 200
    assert client.post("/twilio/inbound", data={"Body": "hi"}).status_code == 403  # unsigned


def test_a_stranger_sees_no_patient_data_even_with_a_guessed_url(web, kim):
    enrolled = kim.post("/enrol", {"first_name": "Ana", "phone": "(312) 555-0101",
                        "injected_at": "2026-06-01T10:00", "protocol": "hip-joint-injection",
                        "timezone": "America/Chicago", "language": "en", "consent": "on"})
    assert enrolled.headers["Location"] == "/enrollments/1"
    app, _ = web
    stranger = app.test_client()
    for path in ("/", "/enrollments/1", "/flags", "/admin/audit"):
        response = stranger.get(path)
        assert response.status_code == 302
        assert b"Ana" not in response.data and b"555" not in response.data


def test_every_form_post_without_its_csrf_token_is_refused_and_writes_nothing(web, kim, sessions):
    app, _ = web
    before = _audit_count(sessions)
    for endpoint, method, url in _routes(app):
        if method != "POST" or url.startswith(("/api/", "/twilio/")) or endpoint == "auth.login":
            continue
        response = kim.post(url, {"first_name": "Ana", "note": "x", "name": "x"}, csrf=False)
        assert response.status_code == 400, (url, response.status_code)
        assert b"security token" in response.data
    assert _audit_count(sessions) == before
    with sessions() as session:
        assert session.scalar(select(func.count(Enrollment.id))) == 0


def test_sign_in_itself_needs_the_csrf_token(web):
    app, clock = web
    staff = Staff(app, clock)
    response = staff.post("/login", {"name": "kim", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert staff.get("/").status_code == 302  # not signed in


def _audit_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(AuditEntry.id)))


# Sign-in throttling: tests/integration/test_login_throttle.py


def test_failed_attempts_are_recorded_and_an_unknown_name_is_not_told_apart(web, sessions):
    app, clock = web
    staff = Staff(app, clock)
    unknown = staff.login("nobody", PASSWORD)
    wrong = staff.login("kim", "not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert b"Wrong name or password" in unknown.data and b"Wrong name or password" in wrong.data
    with sessions() as session:
        attempts = session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
        assert [(a.name, a.succeeded) for a in attempts] == [("nobody", False), ("kim", False)]


def test_a_session_unused_for_the_idle_timeout_is_signed_out(kim):
    kim.clock[0] = NOW + timedelta(minutes=29)
    assert kim.get("/").status_code == 200
    kim.clock[0] = NOW + timedelta(minutes=58)  # 29 minutes after the last request: still fine
    assert kim.get("/").status_code == 200
    kim.clock[0] = NOW + timedelta(minutes=89)
    response = kim.get("/flags")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert kim.get("/").status_code == 302  # and it stays signed out


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_behind_https(
        sessions, settings, protocols, web):
    app, clock = web
    staff = Staff(app, clock)
    staff.login()
    cookie = staff.client.get_cookie("reminders_session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    https_app, https_clock = make_app(sessions, settings, protocols,
                                      public_base_url="https://clinic.example")
    secure = Staff(https_app, https_clock)
    response = secure.login()
    assert response.status_code == 302
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_sign_in_sends_you_back_only_to_a_page_of_this_site(web):
    app, clock = web
    for target, expected in (("/flags", "/flags"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/")):
        staff = Staff(app, clock)
        staff.get("/login")
        response = staff.post(f"/login?next={target}", {"name": "kim", "password": PASSWORD})
        assert response.headers["Location"] == expected


def test_sign_out_ends_the_session(kim):
    assert kim.post("/logout").status_code == 302
    assert kim.get("/").status_code == 302


def test_staff_cannot_open_the_admin_pages(kim, boss):
    for path in ("/admin/audit", "/admin/tokens", "/admin/staff"):
        assert kim.get(path).status_code == 403
        assert boss.get(path).status_code == 200
    assert kim.post("/admin/tokens", {"name": "sneaky"}).status_code == 403


def test_a_one_time_password_must_be_changed_before_anything_else(web, boss):
    app, clock = web
    page = boss.post("/admin/staff", {"name": "lee"})
    password = shown_once(page)
    lee = Staff(app, clock, address="127.0.0.3")
    assert lee.login("lee", password).headers["Location"] == "/"
    assert lee.get("/").headers["Location"] == "/password"
    assert lee.get("/flags").headers["Location"] == "/password"
    lee.get("/password")
    short = lee.post("/password", {"current_password": password, "password": "short",
                                   "confirm": "short"})
    assert short.status_code == 422 and b"at least 10 characters" in short.data
    done = lee.post("/password", {"current_password": password, "password": "a new long password",
                                  "confirm": "a new long password"})
    assert done.status_code == 302
    assert lee.get("/flags").status_code == 200
    assert Staff(app, clock, address="127.0.0.4").login("lee", password).status_code == 401


# --- API tokens -----------------------------------------------------------------------


@pytest.fixture
def token(sessions):
    return create_token(sessions, "ehr", Actor("boss", "cli"), NOW).token


def _flags(client, token):
    return client.get("/api/v1/flags", headers={"Authorization": f"Bearer {token}"})


def test_a_live_token_is_accepted_and_a_revoked_or_unknown_one_is_refused(web, sessions, token):
    app, _ = web
    client = app.test_client()
    assert _flags(client, token).status_code == 200
    assert _flags(client, token + "x").status_code == 401
    assert _flags(client, "rmd_" + "A" * 43).status_code == 401
    assert client.get("/api/v1/flags", headers={"Authorization": token}).status_code == 401
    revoke_token(sessions, "ehr", Actor("boss", "cli"), NOW + timedelta(minutes=1))
    refused = _flags(client, token)
    assert refused.status_code == 401 and refused.json["error"] == "unauthorized"


def test_an_admin_revokes_a_token_from_the_tokens_page(web, boss, token):
    app, _ = web
    client = app.test_client()
    assert _flags(client, token).status_code == 200
    boss.get("/admin/tokens")
    page = boss.post("/admin/tokens", {"revoke": "ehr"})
    assert b"revoked" in page.data
    assert _flags(client, token).status_code == 401


def test_an_api_token_does_not_open_the_staff_pages_and_a_staff_session_does_not_open_the_api(
        web, kim, token):
    app, _ = web
    assert app.test_client().get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 302
    assert kim.get("/api/v1/flags").status_code == 401


def test_an_admin_deactivates_an_account_and_its_session_ends_at_once(web, kim, boss, sessions):
    boss.get("/admin/staff")
    assert b"Account kim deactivated" in boss.post(
        "/admin/staff", {"account": "kim", "action": "deactivate"}, follow_redirects=True).data
    assert kim.get("/").status_code == 302  # signed out at the next request
    app, clock = web
    assert Staff(app, clock, address="10.1.1.1").login("kim", PASSWORD).status_code == 401
    boss.post("/admin/staff", {"account": "kim", "action": "reactivate"})
    assert Staff(app, clock, address="10.1.1.2").login("kim", PASSWORD).status_code == 302
    own = boss.post("/admin/staff", {"account": "boss", "action": "deactivate"})
    assert own.status_code == 422 and b"your own account" in own.data
    with sessions() as session:
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["staff_deactivated", "staff_reactivated"]


def test_an_admin_gives_a_forgotten_password_a_new_one_time_one(web, boss):
    boss.get("/admin/staff")
    page = boss.post("/admin/staff", {"account": "kim", "action": "reset"})
    password = shown_once(page)
    app, clock = web
    assert Staff(app, clock, address="10.1.1.3").login("kim", PASSWORD).status_code == 401
    fresh = Staff(app, clock, address="10.1.1.4")
    assert fresh.login("kim", password).status_code == 302
    assert fresh.get("/flags").headers["Location"] == "/password"
