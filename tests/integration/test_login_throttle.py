"""Sign-in throttling: per account (a growing delay, only for addresses that failed for
it) and per address (made-up names too), atomic under concurrent attempts on both
databases, and the client's address taken from a trusted proxy only when told to."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from reminders.models import LoginAttempt, LoginThrottle
from tests.integration.helpers import NOW
from tests.integration.staff import PASSWORD, Staff, make_app


def _checked(sessions, name=None, address=None) -> int:
    """Passwords actually checked (a refused attempt is never checked, never recorded)."""
    query = select(func.count(LoginAttempt.id))
    if name:
        query = query.where(LoginAttempt.name == name)
    if address:
        query = query.where(LoginAttempt.address == address)
    with sessions() as session:
        return session.scalar(query) or 0


def test_three_failures_make_that_address_wait_two_seconds_and_the_message_says_only_that(
        web, sessions):
    app, clock = web
    guesser = Staff(app, clock, address="10.0.0.66")
    for _ in range(3):
        response = guesser.login("kim", "wrong password!")
        assert response.status_code == 401 and b"Wrong name or password" in response.data
    refused = guesser.login("kim", PASSWORD)  # even the right password is not checked yet
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    text = refused.get_data(as_text=True)
    assert "Wait 2 seconds" in text
    assert "kim" not in text.split("<form")[0] and "account" not in text.lower()
    assert _checked(sessions, "kim") == 3
    clock[0] = NOW + timedelta(seconds=2)
    assert guesser.login("kim", PASSWORD).status_code == 302


def test_a_right_password_from_another_address_is_never_refused_for_failures_elsewhere(
        web, sessions):
    app, clock = web
    guesser = Staff(app, clock, address="10.0.0.66")
    for _ in range(9):  # the delay grows; the guesser waits it out each time
        guesser.login("kim", "wrong password!")
        clock[0] += timedelta(minutes=15)
    assert guesser.login("kim", "wrong password!").status_code == 401
    assert guesser.login("kim", PASSWORD).status_code == 429
    owner = Staff(app, clock, address="10.0.0.7")
    assert owner.login("kim", PASSWORD).status_code == 302
    assert owner.get("/flags").status_code == 200


def test_the_delay_doubles_with_each_failure_and_a_refusal_does_not_push_it_out(web, sessions):
    app, clock = web
    guesser = Staff(app, clock, address="10.0.0.66")
    for _ in range(3):
        guesser.login("kim", "wrong password!")
    clock[0] = NOW + timedelta(seconds=1)
    assert b"Wait 1 second and" in guesser.login("kim", "wrong password!").data  # not counted
    clock[0] = NOW + timedelta(seconds=2)
    assert guesser.login("kim", "wrong password!").status_code == 401  # the 4th failure
    refused = guesser.login("kim", "wrong password!")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "4"
    clock[0] = NOW + timedelta(seconds=6)
    assert guesser.login("kim", "wrong password!").status_code == 401  # the 5th
    assert guesser.login("kim", PASSWORD).headers["Retry-After"] == "8"
    assert _checked(sessions, "kim") == 5


def test_a_right_password_ends_the_streak_for_every_address(web):
    app, clock = web
    typo = Staff(app, clock, address="10.0.0.5")
    for _ in range(3):
        typo.login("kim", "wrong password!")
    assert Staff(app, clock, address="10.0.0.6").login("kim", PASSWORD).status_code == 302
    assert typo.login("kim", PASSWORD).status_code == 302  # no wait left


def test_ten_failures_on_made_up_names_refuse_that_address_only_and_lock_no_account(
        web, sessions):
    app, clock = web
    guesser = Staff(app, clock, address="10.0.0.66")
    for i in range(10):
        assert guesser.login(f"nobody{i}", "wrong password!").status_code == 401
    refused = guesser.login("kim", PASSWORD)
    assert refused.status_code == 429 and b"Wait 900 seconds" in refused.data
    assert _checked(sessions, "kim") == 0
    assert Staff(app, clock, address="10.0.0.7").login("kim", PASSWORD).status_code == 302
    clock[0] = NOW + timedelta(minutes=15)  # the window has ended
    assert guesser.login("boss", PASSWORD).status_code == 302


def test_forty_concurrent_wrong_attempts_check_at_most_five_passwords(web, sessions):
    """Each attempt in its own thread, test client and database session, all at once."""
    app, clock = web
    start = threading.Barrier(40)
    statuses: list[int] = []

    def attempt():
        guesser = Staff(app, clock, address="10.0.0.66")
        guesser.get("/login")
        start.wait()
        statuses.append(guesser.post("/login", {"name": "kim",
                                                "password": "wrong password!"}).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = _checked(sessions, "kim")
    assert 1 <= checked <= 5
    assert sorted(statuses) == [401] * checked + [429] * (40 - checked)


def _address_seen(sessions) -> str:
    with sessions() as session:
        return session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id.desc())).first()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(web, sessions):
    app, clock = web
    staff = Staff(app, clock, address="192.0.2.10")
    staff.get("/login")
    staff.post("/login", {"name": "kim", "password": "wrong password!"},
               headers={"X-Forwarded-For": "203.0.113.5"})
    assert _address_seen(sessions) == "192.0.2.10"


def test_with_one_trusted_proxy_the_client_address_is_the_one_it_forwarded(
        web, sessions, settings, protocols):
    app, clock = make_app(sessions, settings, protocols, trusted_proxies=1)
    proxied = Staff(app, clock, address="192.0.2.10")  # the proxy
    proxied.get("/login")
    # a client's own earlier entry is not believed: only the one the proxy appended
    proxied.post("/login", {"name": "kim", "password": "wrong password!"},
                 headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.5"})
    assert _address_seen(sessions) == "203.0.113.5"
    for _ in range(3):
        proxied.post("/login", {"name": "kim", "password": "wrong password!"},
                     headers={"X-Forwarded-For": "203.0.113.5"})
    # another client behind the same proxy is not made to wait
    other = proxied.post("/login", {"name": "kim", "password": PASSWORD},
                         headers={"X-Forwarded-For": "203.0.113.99"})
    assert other.status_code == 302


def test_counters_untouched_for_a_day_are_pruned_at_a_later_sign_in(web, sessions):
    app, clock = web
    Staff(app, clock, address="10.0.0.66").login("made.up", "wrong password!")
    clock[0] = NOW + timedelta(days=1, minutes=1)
    assert Staff(app, clock, address="10.0.0.7").login("kim", PASSWORD).status_code == 302
    with sessions() as session:
        left = session.execute(select(LoginThrottle.kind, LoginThrottle.name,
                                      LoginThrottle.address)).all()
    assert sorted(left) == [("account", "kim", ""), ("address", "", "10.0.0.7")]


def test_a_name_no_account_could_have_is_refused_without_touching_the_counters(web, sessions):
    app, clock = web
    staff = Staff(app, clock)
    for name in ("kim\x00", "ki m", "x" * 200, "kïm"):
        response = staff.login(name, PASSWORD)
        assert response.status_code == 401 and b"Wrong name or password" in response.data
    with sessions() as session:
        assert session.scalar(select(func.count(LoginThrottle.id))) == 0
    assert _checked(sessions) == 0
