"""A staff member at the web app, through Flask's test client: signs in, keeps the CSRF
token of the last page it read, and posts forms with it (as a browser would)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reminders.accounts import create_staff, create_token
from reminders.audit import Actor
from reminders.models import Role
from reminders.web import create_app
from tests.integration.helpers import NOW

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-" + "x" * 32
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def shown_once(response) -> str:
    """The secret a page shows only once (a one-time password, an API token)."""
    return re.search(r'<pre class="secret"><code>([^<]*)</code></pre>',
                     response.get_data(as_text=True)).group(1)


class Staff:
    def __init__(self, app, clock, address="127.0.0.1"):
        self.app, self.clock = app, clock
        self.client = app.test_client()
        self.address = address
        self.token = None

    def get(self, path, **kwargs):
        response = self.client.get(path, environ_base={"REMOTE_ADDR": self.address}, **kwargs)
        match = _CSRF.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def post(self, path, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, environ_base={"REMOTE_ADDR": self.address},
                                **kwargs)

    def login(self, name="kim", password=PASSWORD):
        self.get("/login")
        response = self.post("/login", {"name": name, "password": password})
        if response.status_code == 302:
            self.get("/")  # a page of the signed-in session: its CSRF token
        return response


def make_app(sessions, settings, protocols, **changes):
    app = create_app(replace(settings, secret_key=SECRET, **changes), sessions, protocols)
    clock = [NOW]
    app.extensions["reminders"]["clock"] = lambda: clock[0]
    return app, clock


@pytest.fixture
def web(sessions, settings, protocols):
    """The app with two accounts: kim (staff) and boss (admin), on a clock tests move."""
    app, clock = make_app(sessions, settings, protocols)
    setup = Actor("test", "cli")
    create_staff(sessions, "kim", PASSWORD, Role.STAFF, setup, NOW)
    create_staff(sessions, "boss", PASSWORD, Role.ADMIN, setup, NOW)
    return app, clock


@pytest.fixture
def kim(web):
    app, clock = web
    staff = Staff(app, clock)
    assert staff.login().status_code == 302
    return staff


@pytest.fixture
def boss(web):
    app, clock = web
    staff = Staff(app, clock, address="127.0.0.2")
    assert staff.login("boss").status_code == 302
    return staff


@pytest.fixture
def api(sessions, settings, protocols):
    """A client of the JSON API holding a valid bearer token."""
    app, _ = make_app(sessions, settings, protocols)
    token = create_token(sessions, "ehr", Actor("boss", "cli"), NOW).token
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client
