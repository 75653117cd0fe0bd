"""Every page the app serves (each GET route of its url_map, signed in as an admin) carries
the security headers, and nothing but the static assets may be stored: on both databases."""

import pytest
from flask import url_for
from sqlalchemy import select

from reminders.models import Flag, Reply
from reminders.web.headers import CONTENT_SECURITY_POLICY
from tests.integration.helpers import NOW
from tests.integration.texting import play_to

PUBLIC = {"/login", "/healthz", "/api/v1/openapi.json", "/metrics"}


def _course(engine, sessions, patient, phone) -> dict[str, int]:
    """A patient who texted a red flag: ids for every route's arguments."""
    play_to(engine, patient, "welcome")
    phone.text("I have a fever of 102 and chills", at=NOW.replace(hour=19))
    with sessions() as session:
        flag = session.scalars(select(Flag.id)).first()
        reply = session.scalars(select(Reply.id)).first()
    assert flag is not None and reply is not None
    return {"enrollment_id": patient, "flag_id": flag, "reply_id": reply, "position": 0}


def _get_routes(app, ids) -> list[str]:
    with app.test_request_context():
        return sorted(url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})
                      for rule in app.url_map.iter_rules()
                      if "GET" in rule.methods and rule.endpoint != "static")


def test_every_page_has_the_security_headers_and_is_not_stored(engine, sessions, patient,
                                                                  phone, boss):
    ids = _course(engine, sessions, patient, phone)
    paths = _get_routes(boss.app, ids)
    assert len(paths) >= 20 and f"/enrollments/{patient}" in paths
    statuses = {}
    for path in paths:
        response = boss.get(path)
        statuses[path] = response.status_code
        headers = response.headers
        assert headers["Cache-Control"] == "no-store", path
        if "sandbox" not in headers["Content-Security-Policy"]:  # a picture has its own
            assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
    picture = next(p for p in paths if "/pictures/" in p)  # the reply has no picture
    api = {p: 401 for p in paths if p.startswith("/api/")}  # a bearer token's, not a session's
    # /metrics: from allowed addresses only (the test client's is not one)
    # /login/code: the sign-in's code step, back to /login without a password step first
    assert {p: s for p, s in statuses.items() if s != 200} == {picture: 404, "/login": 302,
                                                                 "/login/code": 302,
                                                                 "/metrics": 403, **api}


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_pages_before_sign_in_have_them_too(web, path):
    app, _ = web
    response = app.test_client().get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_static_assets_may_be_cached_but_keep_the_other_headers(web):
    app, _ = web
    response = app.test_client().get("/static/app.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
