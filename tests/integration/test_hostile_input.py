"""Nothing a client sends gives a 500 (issue 13, part 5), on SQLite and PostgreSQL.

Signed in as an administrator, every page's query parameters and every form's fields
(found in the app's url_map and in the forms the pages render) get hostile values: NUL
and other control characters, lone surrogates, other scripts' digits, line breaks and
over-long text. So do the API's fields (and deep JSON) and the signed webhooks' fields.
A value no field may hold is refused with 400 (pages) or 422 (API) naming the field,
and the refused request writes nothing.
"""

import html
import re
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.wrappers import Request

from reminders.core.field_text import unstorable
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import Base, DeliveryEvent, OutboxMessage, Reply
from reminders.web.input_guard import MAX_REPORTED, MAX_VALUE, MULTI_LINE, label
from tests.integration.helpers import NOW, dispatcher, form
from tests.integration.staff import PASSWORD, Staff, make_app

BASE = "https://clinic.example"
TOKEN = "hostile-input-token"

# Values no field may hold (the guard must refuse them wherever they are sent).
REFUSED = ["\x00", "Ana\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\ud800", "a\udfffb",
           "x" * (MAX_VALUE + 1)]
# Values a field may hold but a view must not trip over.
ODD = ["²", "¹²", "١٢", "٣", "𝟕", "１２", "9" * 30, "-1", "0", "1e9", "\r\n", "two\nlines",
       "\u202e", "\u2028", "😷", "'; DROP TABLE replies; --", "<script>", "%00", "/\\evil",
       "//evil.example", ""]
hostile = st.one_of(st.sampled_from(REFUSED + ODD),
                    st.text(alphabet=st.sampled_from("\x00\x01\t\n\r ²١٣a9\ud800\u0085"),
                            max_size=6))
# Query parameters the pages read, besides the names of their forms' fields.
QUERY_NAMES = ["q", "show", "actor", "action", "patient", "before", "read", "resolved",
               "include_resolved", "next", "unknown"]
SKIPPED = {"static", "auth.logout", "twilio_hooks.inbound", "twilio_hooks.status"}
FUZZ = hypothesis_settings(max_examples=60, deadline=None, derandomize=True,
                           suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])


def wire(value: str) -> str:
    """What the app reads from a form or query value: a lone surrogate cannot travel in
    UTF-8, and werkzeug keeps bytes that are not UTF-8 percent-encoded as sent."""
    return Request.from_values(query_string=encoded([("v", value)])).args["v"]


def must_refuse(name: str, value: str) -> bool:
    return unstorable(value, lines=name in MULTI_LINE, max_length=MAX_VALUE) is not None


def encoded(pairs) -> str:
    """A query string or form body, lone surrogates sent as the UTF-8 bytes a client may
    send (the app decodes them as U+FFFD, and must still not store them as typed)."""
    return "&".join(
        quote(n, safe="") + "=" + quote(v.encode("utf-8", "surrogatepass"), safe="")
        for n, v in pairs)


def total_rows(sessions) -> dict[str, int]:
    with sessions() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


# --- staff pages -----------------------------------------------------------------------

_FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.S)
_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


class Site:
    """The pages and forms of the app as an administrator sees them."""

    def __init__(self, boss, app):
        self.boss, self.app = boss, app
        self.gets: list[str] = []
        self.posts: dict[str, set[str]] = {}
        for rule in app.url_map.iter_rules():
            if rule.endpoint in SKIPPED or rule.endpoint.startswith("api."):
                continue
            url = rule.build({name: 1 if name != "position" else 0
                              for name in rule.arguments})[1]
            if "GET" in rule.methods:
                self.gets.append(url)
            if "POST" in rule.methods:
                self.posts.setdefault(url, set())
        for url in self.gets:  # every form a page renders, with its fields
            page = boss.get(url).get_data(as_text=True)
            for attributes, body in _FORM.findall(page):
                if 'method="post"' not in attributes.lower():
                    continue
                action = re.search(r'action="([^"]*)"', attributes)
                target = urlsplit(html.unescape(action.group(1)) if action else url).path
                self.posts.setdefault(target, set()).update(
                    n for n in _NAME.findall(body) if n != "csrf_token")
        self.posts.pop("/logout", None)  # the nav's sign-out form: it would end this session
        every = set().union(*self.posts.values())
        for names in self.posts.values():  # a route no page shows a form for
            if not names:
                names.update(every)
        self.gets.sort()
        assert len(self.gets) > 10 and len(self.posts) > 15 and {"note", "q", "name"} <= (
            every | set(QUERY_NAMES)), (self.gets, self.posts)


@pytest.fixture
def site(sessions, settings, protocols, svc, engine, web):
    # `web` made kim and boss; this app shares its database and secret
    app, clock = make_app(sessions, settings, protocols)
    enroll(svc, form(injected_at=NOW, baseline_pain="8"), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW).run_once()
    boss = Staff(app, clock, address="127.0.0.2")
    assert boss.login("boss").status_code == 302
    return Site(boss, app)


def named(site, method, url, response, name: str) -> bool:
    """The page names the field as its form does."""
    endpoint, _ = site.app.url_map.bind("localhost").match(url, method)
    return f"{label(endpoint, name)}: " in html.unescape(response.get_data(as_text=True))


def check_page(site, sessions, method, url, pairs):
    """Send the fields; never a 500, and a field no one may send is refused by name."""
    before = total_rows(sessions)
    if method == "GET":
        response = site.boss.client.get(f"{url}?{encoded(pairs)}",
                                        environ_base={"REMOTE_ADDR": site.boss.address})
    else:
        response = site.boss.client.post(
            url, data=encoded([("csrf_token", site.boss.token), *pairs]),
            content_type="application/x-www-form-urlencoded",
            environ_base={"REMOTE_ADDR": site.boss.address})
    assert response.status_code < 500, (method, url, pairs)
    if response.status_code in (302, 303):  # as a browser: the flash message is shown
        site.boss.client.get(response.headers["Location"],
                             environ_base={"REMOTE_ADDR": site.boss.address})
    refused = [n for n, v in pairs if must_refuse(n, wire(v))
               # only ever a redirect target, checked as one (the next= tests below)
               and (url, n) != ("/login", "next")]
    if not refused:
        return
    if url == "/login" and method == "POST" and {"name", "password"} & set(refused):
        # no account's name holds these: the answer any wrong name gets, nothing recorded
        assert response.status_code == 401
        assert "Wrong name or password" in response.get_data(as_text=True)
    else:
        assert response.status_code == 400, (method, url, refused, response.status)
        for name in refused[:MAX_REPORTED]:  # the first 20, in the order sent
            assert named(site, method, url, response, name), (url, name)
        assert "Nothing was saved" in response.get_data(as_text=True)
    assert total_rows(sessions) == before, (method, url, refused)


def test_a_nul_in_every_field_of_every_page_and_form_is_refused_naming_each(site, sessions):
    for url in site.gets:
        check_page(site, sessions, "GET", url, [(name, "a\x00") for name in QUERY_NAMES])
    for url, names in sorted(site.posts.items()):
        check_page(site, sessions, "POST", url, [(name, "a\x00") for name in sorted(names)])


@FUZZ
@given(data=st.data())
def test_hostile_values_anywhere_on_the_site_never_give_a_500(site, sessions, data):
    if data.draw(st.booleans(), label="get"):
        url = data.draw(st.sampled_from(site.gets), label="url")
        name = data.draw(st.sampled_from(QUERY_NAMES), label="name")
        method = "GET"
    else:
        url = data.draw(st.sampled_from(sorted(site.posts)), label="url")
        name = data.draw(st.sampled_from(sorted(site.posts[url]) or ["note"]), label="name")
        method = "POST"
    check_page(site, sessions, method, url, [(name, data.draw(hostile, label="value"))])


def test_a_field_name_with_a_control_character_is_refused(site, sessions):
    before = total_rows(sessions)
    response = site.boss.client.post(
        "/enrollments/1/notes",
        data=encoded([("csrf_token", site.boss.token), ("note", "fine"), ("no\x00te", "x")]),
        content_type="application/x-www-form-urlencoded",
        environ_base={"REMOTE_ADDR": site.boss.address})
    assert response.status_code == 400
    assert "A field: its name contains a control character" in response.get_data(as_text=True)
    assert total_rows(sessions) == before


def test_an_upload_named_with_a_nul_is_refused_and_nothing_stored(site, sessions):
    import io
    before = total_rows(sessions)
    response = site.boss.post("/import", {"file": (io.BytesIO(b"first_name\nAna\n"),
                                                   "list\x00.csv")})
    assert response.status_code == 400
    assert "CSV file: contains a control character" in response.get_data(as_text=True)
    assert total_rows(sessions) == before


def test_a_csv_holding_a_nul_is_a_file_error_not_a_500(site, sessions):
    import io
    before = total_rows(sessions)
    content = b"first_name,phone\nAna\x00,(312) 555-0102\n"
    response = site.boss.post("/import", {"file": (io.BytesIO(content), "list.csv")})
    assert response.status_code == 422
    assert "line 2 contains a control character" in response.get_data(as_text=True)
    assert total_rows(sessions) == before


def test_audit_filters_with_odd_digits_show_the_page(site):
    for value in ("²", "١٢", "9" * 400, "99999999999"):
        for name in ("patient", "before"):
            response = site.boss.get(f"/admin/audit?{encoded([(name, value)])}")
            assert response.status_code == 200, (name, value)


def test_an_enormous_id_in_a_path_is_no_row_not_an_overflow(site):
    for url in ("/enrollments/99999999999999999999", "/flags/99999999999999999999",
                "/enrollments/1/replies/1/pictures/99999999999999999999", "/flags/%C2%B2",
                "/enrollments/%D9%A3", "/enrollments/1%00", "/static/a%00.css"):
        assert site.boss.get(url).status_code == 404, url
    response = site.boss.post("/admin/alerts/99999999999999999999/fixed")
    assert response.status_code == 404


# --- sign-in ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/flags\r\nSet-Cookie: x=y", "/\\evil.example",
                                    "//evil.example", "https://evil.example/", "/\t/evil",
                                    "/flags\x00"])
def test_a_next_that_is_not_a_local_path_goes_to_the_home_page(web, target):
    app, clock = web
    staff = Staff(app, clock)
    staff.get("/login")
    response = staff.client.post(f"/login?{encoded([('next', target)])}",
                                 data={"name": "kim", "password": PASSWORD,
                                       "csrf_token": staff.token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_next_that_is_a_local_path_is_followed(web):
    app, clock = web
    staff = Staff(app, clock)
    staff.get("/login")
    response = staff.client.post("/login?next=/flags%3Fresolved%3D1",
                                 data={"name": "kim", "password": PASSWORD,
                                       "csrf_token": staff.token})
    assert response.headers["Location"] == "/flags?resolved=1"


@pytest.mark.parametrize("name", ["kim\x00", "\x00", "kim\r\n"])
def test_a_login_name_with_a_nul_is_a_wrong_name(web, sessions, name):
    app, clock = web
    staff = Staff(app, clock)
    staff.get("/login")
    before = total_rows(sessions)
    response = staff.client.post(
        "/login", data=encoded([("csrf_token", staff.token), ("name", name),
                                ("password", PASSWORD)]),
        content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 401)
    assert "Wrong name or password" in response.get_data(as_text=True)
    assert total_rows(sessions) == before


# --- the JSON API ----------------------------------------------------------------------

API_BODY = {"first_name": "Ana", "phone": "(312) 555-0101", "injected_at": "2026-06-01T10:00:00",
            "protocol": "hip-joint-injection", "consent_by": "Nurse Kim", "baseline_pain": 7}
API_STRINGS = ["first_name", "phone", "injected_at", "timezone", "protocol", "consent_by",
               "language", "side"]


def post_json(api, text: str):
    return api.post("/api/v1/enrollments", data=text.encode("utf-8"),
                    content_type="application/json")


def json_text(value) -> str:
    import json
    return json.dumps(value)  # ensure_ascii: a lone surrogate becomes "\ud800", as a client sends


@FUZZ
@given(field=st.sampled_from([*API_STRINGS, "baseline_pain"]), value=hostile)
def test_hostile_api_fields_are_refused_naming_them_never_a_500(api, sessions, field, value):
    before = total_rows(sessions)
    response = post_json(api, json_text({**API_BODY, "supersede": True, field: value}))
    assert response.status_code in (201, 409, 422), (field, value[:40], response.json)
    if response.status_code == 422:
        assert field in response.json["errors"], response.json
        assert total_rows(sessions) == before
    if must_refuse(field, value) or len(value) > 1000:
        assert response.status_code == 422


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    json_text({**API_BODY, "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}),
])
def test_deeply_nested_json_is_refused_not_a_recursion_error(api, sessions, text):
    before = total_rows(sessions)
    response = post_json(api, text)
    assert response.status_code == 422
    assert response.json["errors"] == {"body": "nests deeper than 32 levels"}
    assert total_rows(sessions) == before


@pytest.mark.parametrize("name", ["nick\x00name", "n" * 10_000, "\ud800"])
def test_an_unknown_hostile_field_name_is_named_cut_short(api, sessions, name):
    response = post_json(api, json_text({**API_BODY, name: "x"}))
    assert response.status_code == 422
    (key,) = response.json["errors"]
    assert len(key) <= 64 and response.json["errors"][key] == "is not a field of an enrolment"


@pytest.mark.parametrize("query", ["include_resolved=%00", "include_resolved=tr%00ue",
                                   "include_resolved=%ED%A0%80"])
def test_hostile_api_query_values_are_refused_naming_them(api, query):
    response = api.get(f"/api/v1/flags?{query}")
    assert response.status_code == 422
    assert "include_resolved" in response.json["errors"]


def test_an_enormous_id_on_the_api_is_not_found(api):
    assert api.get("/api/v1/enrollments/99999999999999999999").status_code == 404


# --- signed webhooks -------------------------------------------------------------------

@pytest.fixture
def twilio(sessions, settings, protocols, svc, engine):
    enroll(svc, form(injected_at=NOW, baseline_pain="8"), CONSENT_TAKER, NOW)
    dispatcher(engine, NOW).run_once()
    app, _ = make_app(sessions, settings, protocols, public_base_url=BASE,
                      twilio_auth_token=TOKEN)
    return app.test_client()


def signed(client, path: str, pairs: list[tuple[str, str]], query: str = ""):
    """POST the form as Twilio would, signed over the values the app will read."""
    url = f"{BASE}{path}" + (f"?{query}" if query else "")
    params = {n: wire(v) for n, v in pairs}
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    return client.post(path + (f"?{query}" if query else ""), data=encoded(pairs),
                       content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature})


SIDS = iter(range(10**6))


def inbound_pairs(**changes) -> list[tuple[str, str]]:
    values = {"MessageSid": f"SMhostile{next(SIDS):025d}", "AccountSid": "ACtest",
              "From": "+13125550101", "To": "+13125550199", "Body": "better", "NumMedia": "0"}
    return list({**values, **changes}.items())


def test_a_patients_message_with_a_nul_is_stored_with_a_replacement_and_answered(
        twilio, sessions):
    pairs = inbound_pairs(Body="fever\x00 and chills")
    response = signed(twilio, "/twilio/inbound", pairs)
    assert response.status_code == 200
    with sessions() as session:
        reply = session.scalars(select(Reply).where(Reply.message_sid == dict(pairs)["MessageSid"])
                                ).one()
    assert reply.body == "fever\ufffd and chills"


@pytest.mark.parametrize("sid", ["SM\x00x", "SM" + "9" * 70, "SM\x07", "SM\r\nx"])
@pytest.mark.parametrize("path", ["/twilio/inbound", "/twilio/status"])
def test_a_message_sid_that_cannot_be_stored_is_refused_and_nothing_written(
        twilio, sessions, sid, path):
    before = total_rows(sessions)
    pairs = [*inbound_pairs(MessageSid=sid), ("MessageStatus", "delivered")]
    response = signed(twilio, path, pairs)
    assert response.status_code == 400
    assert "MessageSid" in response.get_data(as_text=True)
    assert total_rows(sessions) == before


def sent_sid(sessions) -> tuple[int, str]:
    with sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.provider_sid.is_not(None))
                              .order_by(OutboxMessage.id)).first()
        return row.id, row.provider_sid


@FUZZ
@given(field=st.sampled_from(["ErrorCode", "outbox", "NumMedia", "Body", "From",
                              "MessageStatus", "MediaUrl0", "MediaContentType0"]),
       value=hostile)
def test_hostile_webhook_fields_never_give_a_500(twilio, sessions, field, value):
    outbox_id, sid = sent_sid(sessions)
    before = total_rows(sessions)
    if field in ("ErrorCode", "outbox", "MessageStatus"):
        pairs = [("MessageSid", sid), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")]
        pairs = [(n, value if n == field else v) for n, v in pairs]
        query = encoded([("outbox", value if field == "outbox" else str(outbox_id))])
        response = signed(twilio, "/twilio/status", [p for p in pairs if p[0] != "outbox"],
                          query)
        assert response.status_code == 204, (field, value)
    else:
        pairs = inbound_pairs(**{field: value}, **({"NumMedia": "1"} if field.startswith("Media")
                                                   else {}))
        response = signed(twilio, "/twilio/inbound", pairs)
        assert response.status_code == 200, (field, value)
        with sessions() as session:  # the reply row exists: the message is kept
            stored = session.scalars(select(Reply).where(
                Reply.message_sid == dict(pairs)["MessageSid"])).one()
        assert "\x00" not in stored.body
    assert total_rows(sessions) != before or field in ("ErrorCode", "outbox", "MessageStatus")


@pytest.mark.parametrize("code", ["³", "٣٠٠٠٣", "9" * 5000, "\x00", "-1", "30003\x00"])
def test_an_odd_error_code_is_recorded_as_no_code(twilio, sessions, code):
    outbox_id, sid = sent_sid(sessions)
    response = signed(twilio, "/twilio/status",
                      [("MessageSid", sid), ("MessageStatus", "undelivered"), ("ErrorCode", code)],
                      f"outbox={outbox_id}")
    assert response.status_code == 204
    with sessions() as session:
        event = session.scalars(select(DeliveryEvent)).one()
    assert event.error_code is None


@pytest.mark.parametrize(("url", "field", "value", "message"), [
    ("/flags/1/resolve", "note", "done\x00", "Outcome: contains a control character."),
    ("/enrollments/1/notes", "note", "x" * (MAX_VALUE + 1),
     f"Note: is longer than {MAX_VALUE:,} characters."),
    ("/admin/staff", "name", "kim\r\nboss", "Sign-in name: contains a line break."),
    ("/enrol", "first_name", "Ana\x1b", "First name: contains a control character."),
])
def test_a_refusal_names_the_field_as_the_form_does(site, sessions, url, field, value, message):
    before = total_rows(sessions)
    response = site.boss.post(url, {field: value})
    assert response.status_code == 400
    assert f"{message} Nothing was saved." in html.unescape(response.get_data(as_text=True))
    assert total_rows(sessions) == before
