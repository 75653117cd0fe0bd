"""Error pages in the site's layout: the navigation for a signed-in member, a sign-in link
for anyone else; the API keeps its JSON errors."""

from dataclasses import replace

import pytest

from reminders.db import make_engine, session_factory
from tests.integration.staff import Staff

NAV = 'id="nav-flags"'


def page(response) -> str:
    html = response.get_data(as_text=True)
    assert "app.css" in html  # the site's stylesheet: not werkzeug's bare page
    assert "Content-Security-Policy" in response.headers
    return html


@pytest.mark.parametrize(("path", "status", "title"), [
    ("/admin/audit", 403, "Not allowed"),
    ("/enrollments/999999", 404, "Page not found"),
    ("/no-such-page", 404, "Page not found"),
])
def test_a_member_gets_a_styled_error_page_with_the_navigation(kim, path, status, title):
    response = kim.get(path)
    assert response.status_code == status
    html = page(response)
    assert f"<h1>{title}</h1>" in html
    assert NAV in html and "Sign out kim" in html
    assert 'id="sign-in"' not in html


def test_a_wrong_method_is_a_styled_405_that_says_what_is_allowed(kim):
    response = kim.post("/")  # the patients page only answers GET
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    html = page(response)
    assert "<h1>Not possible here</h1>" in html and NAV in html


def test_a_stranger_gets_a_sign_in_link_and_no_navigation(web):
    app, clock = web
    stranger = Staff(app, clock)
    response = stranger.get("/static/no-such-file.css")  # a public path: no sign-in first
    assert response.status_code == 404
    html = page(response)
    assert "<h1>Page not found</h1>" in html
    assert 'href="/login" id="sign-in"' in html
    assert NAV not in html and "Sign out" not in html


def test_a_fault_is_a_styled_500_that_shows_no_details(web):
    app, clock = web

    def broken():
        raise RuntimeError("secret detail of the fault")

    app.add_url_rule("/broken", "broken", broken)
    member = Staff(app, clock)
    assert member.login().status_code == 302
    response = member.get("/broken")
    assert response.status_code == 500
    html = page(response)
    assert "<h1>Something went wrong</h1>" in html and NAV in html
    assert "secret detail" not in html


def test_api_errors_stay_json(api):
    response = api.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_with_the_database_gone_a_plain_500_page_is_sent(web, tmp_path, caplog):
    app, clock = web
    member = Staff(app, clock)
    assert member.login().status_code == 302
    # the database unreachable: a real engine on a file that cannot be opened; the
    # session's member and the navigation counts cannot be read
    gone = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'app.db'}")
    extensions = app.extensions["reminders"]
    extensions["services"] = replace(extensions["services"], sessions=session_factory(gone))
    try:
        response = member.get("/")
    finally:
        gone.dispose()
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "<h1>Something went wrong</h1>" in html and NAV not in html
    assert "Content-Security-Policy" in response.headers
    assert any("could not be drawn" in r.getMessage() for r in caplog.records)


def test_a_stranger_meeting_a_fault_gets_a_styled_500_with_a_sign_in_link(web, tmp_path):
    app, clock = web
    gone = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'app.db'}")
    extensions = app.extensions["reminders"]
    extensions["services"] = replace(extensions["services"], sessions=session_factory(gone))
    stranger = Staff(app, clock)
    try:
        response = stranger.post("/login", {"name": "kim", "password": "whatever it is"})
    finally:
        gone.dispose()
    assert response.status_code == 500
    html = page(response)
    assert "<h1>Something went wrong</h1>" in html and 'id="sign-in"' in html
