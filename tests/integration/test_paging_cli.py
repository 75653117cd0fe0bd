"""Paging from the command line: set-mobile, the rota (default, add, remove, kinds, show;
times in clinic time), and `page --once`. A wrong input names the option, exits 2 and
writes nothing; every change is audited under the operator's name."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.cli import main
from reminders.core.statuses import MessageStatus
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.flags import raise_flag
from reminders.models import (
    AuditEntry,
    OutboxMessage,
    Page,
    PagedKind,
    PageRound,
    Role,
    RotaShift,
    StaffMember,
)
from reminders.rota import set_mobile
from tests.conftest import utc
from tests.integration.helpers import NOW
from tests.integration.staff import PASSWORD

SETUP = Actor("test", "cli")
KIM, BOSS = "+13125550123", "+13125550124"


@pytest.fixture
def cli(cli_env, sessions):
    """The commands on the tests' clock (NOW: 12:00 in Chicago), run by operator `ops`;
    kim (staff) and boss (admin) have accounts, no mobiles yet."""
    cli_env.setattr("reminders.cli.paging.utcnow", lambda: NOW)
    cli_env.setenv("USER", "ops")
    create_staff(sessions, "kim", PASSWORD, Role.STAFF, SETUP, NOW)
    create_staff(sessions, "boss", PASSWORD, Role.ADMIN, SETUP, NOW)
    return cli_env


def with_mobiles(sessions) -> None:
    set_mobile(sessions, "kim", KIM, "US", SETUP, NOW)
    set_mobile(sessions, "boss", BOSS, "US", SETUP, NOW)


def ops_audit(sessions) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [(a.action, a.via, a.detail) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.actor == "ops").order_by(AuditEntry.id))]


def counts(sessions) -> tuple[int, ...]:
    with sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (RotaShift, PagedKind, AuditEntry))


def mobile_of(sessions, name: str) -> str | None:
    with sessions() as session:
        return session.scalar(select(StaffMember.mobile).where(StaffMember.name == name))


def test_set_mobile_stores_e164_refuses_a_wrong_number_and_removes_one(cli, capsys, sessions):
    assert main(["set-mobile", "kim", "(312) 555-0123", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"name": "kim", "mobile": KIM}
    assert mobile_of(sessions, "kim") == KIM

    for name, number, message in (
            ("boss", "+44 20 7946 0958", "error: MOBILE: '+44 20 7946 0958' is a landline"),
            ("boss", "12345", "error: MOBILE: '12345' is not a valid phone number"),
            ("boss", "312-555-0123", "error: MOBILE: another staff account has this number"),
            ("ghost", "(312) 555-0125", "error: NAME: no staff account named 'ghost'")):
        assert main(["set-mobile", name, number]) == 2, number
        assert message in capsys.readouterr().err
    assert mobile_of(sessions, "boss") is None

    assert main(["set-mobile", "kim", ""]) == 0
    assert capsys.readouterr().out.strip() == "kim: mobile removed"
    assert mobile_of(sessions, "kim") is None
    assert ops_audit(sessions) == [("set_mobile", "cli", "kim: a mobile number"),
                                   ("set_mobile", "cli", "kim: removed")]


def test_the_rota_default_a_shift_in_clinic_time_kinds_and_removal(cli, capsys, sessions):
    with_mobiles(sessions)
    assert main(["rota"]) == 0
    assert "on call now: nobody (every admin is paged)" in capsys.readouterr().out

    assert main(["rota", "default", "--on-call", "kim", "--backup", "boss"]) == 0
    out = capsys.readouterr().out
    assert "default" in out and "kim / boss" in out and "on call now: kim" in out

    # 08:00 to 20:00 in Chicago (CDT): 13:00 to 01:00 UTC
    assert main(["rota", "add", "--on-call", "boss", "--starts", "2026-06-01 08:00",
                 "--ends", "2026-06-01 20:00", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    with sessions() as session:
        shift = session.scalar(select(RotaShift).where(RotaShift.is_default.is_(False)))
        assert (shift.starts_at, shift.ends_at) == (utc(2026, 6, 1, 13, 0), utc(2026, 6, 2, 1, 0))
        assert (shift.on_call.name, shift.backup, shift.created_by) == ("boss", None, "ops")
        default_id = session.scalar(select(RotaShift.id).where(RotaShift.is_default))
    assert shown == {
        "shifts": [{"id": default_id, "default": True, "starts_at": None, "ends_at": None,
                    "on_call": "kim", "backup": "boss"},
                   {"id": shift.id, "default": False, "starts_at": "2026-06-01T13:00:00+00:00",
                    "ends_at": "2026-06-02T01:00:00+00:00", "on_call": "boss", "backup": None}],
        "on_call_now": shift.id, "paged_kinds": []}

    assert main(["rota", "kinds", "--kinds", "photo", "not_reached"]) == 0
    capsys.readouterr()
    assert main(["rota", "show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "clinic time, America/Chicago" in lines[0]
    assert lines[1].split() == [str(default_id), "default", "kim", "/", "boss"]
    assert lines[2].split() == [str(shift.id), "2026-06-01", "08:00", "2026-06-01", "20:00",
                                "boss"]
    assert lines[3:] == ["on call now: boss", "pages for: urgent flags, not_reached, photo"]

    assert main(["rota", "remove", "--shift", str(shift.id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in shown["shifts"]] == [default_id]
    assert shown["on_call_now"] == default_id
    assert shown["paged_kinds"] == ["not_reached", "photo"]
    with sessions() as session:
        assert set(session.scalars(select(PagedKind.kind))) == {FlagKind.PHOTO,
                                                                FlagKind.NOT_REACHED}
    assert ops_audit(sessions) == [
        ("set_rota", "cli", "default: on call kim, backup boss"),
        ("set_rota", "cli", "2026-06-01 08:00 to 2026-06-01 20:00: on call boss"),
        ("set_paged_kinds", "cli", "urgent flags and: not_reached, photo"),
        ("removed_shift", "cli", f"shift {shift.id}")]


@pytest.mark.parametrize(("argv", "errors"), [
    (["rota", "default"], ["--on-call: is required"]),
    (["rota", "default", "--on-call", "ghost", "--backup", "kim"],
     ["--on-call: no active staff account named 'ghost'"]),
    (["rota", "default", "--on-call", "lee"], ["--on-call: lee has no mobile number on file"]),
    (["rota", "default", "--on-call", "kim", "--backup", "kim"],
     ["--backup: must be someone else than the person on call"]),
    (["rota", "add", "--on-call", "ghost", "--starts", "2026-06-01 20:00",
      "--ends", "2026-06-01 08:00"],
     ["--on-call: no active staff account named 'ghost'", "--ends: must be after the start"]),
    (["rota", "add", "--on-call", "kim", "--starts", "tomorrow"],
     ["--starts: 'tomorrow' is not a date and time", "--ends: is required"]),
    (["rota", "add", "--on-call", "kim", "--starts", "2026-05-01 08:00",
      "--ends", "2026-05-01 20:00"], ["--ends: is in the past"]),
    (["rota", "add", "--on-call", "kim", "--starts", "2026-06-01 08:00",
      "--ends", "2026-08-01 20:00"], ["--ends: a shift may be at most 31 days"]),
    (["rota", "kinds", "--kinds", "photo", "sneeze"], ["--kinds: 'sneeze' is not a flag kind"]),
    (["rota", "remove"], ["--shift: is required"]),
    (["rota", "default", "--on-call", "kim", "--starts", "2026-06-01 08:00"],
     ["--starts: `rota default` does not take it"]),
    (["rota", "show", "--kinds", "photo"], ["--kinds: `rota show` does not take it"]),
    (["rota", "remove", "--shift", "1", "--on-call", "kim"],
     ["--on-call: `rota remove` does not take it"]),
])
def test_a_wrong_rota_input_names_the_option_exits_2_and_writes_nothing(
        cli, capsys, sessions, argv, errors):
    with_mobiles(sessions)
    create_staff(sessions, "lee", PASSWORD, Role.STAFF, SETUP, NOW)  # no mobile
    before = counts(sessions)
    assert main(argv) == 2
    err = capsys.readouterr().err
    for message in errors:
        assert f"error: {message}" in err
    assert err.count("error:") == len(errors)
    assert counts(sessions) == before


def test_removing_a_shift_that_does_not_exist_fails(cli, capsys, sessions):
    assert main(["rota", "remove", "--shift", "999"]) == 1
    assert "error: no shift 999" in capsys.readouterr().err
    assert ops_audit(sessions) == []


def test_page_once_writes_the_round_due_and_its_texts(cli, capsys, sessions, settings):
    with_mobiles(sessions)
    assert main(["rota", "default", "--on-call", "kim"]) == 0
    with sessions.begin() as session:
        flag_id = raise_flag(session.connection(),
                             FlagRequest(FlagKind.RED_FLAG, Priority.URGENT, "reports fever"), NOW,
                             phone="+13125550177")
    capsys.readouterr()
    assert main(["page", "--once", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"rounds": 1, "texts": 1, "unreachable": 0}
    with sessions() as session:
        round_ = session.scalars(select(PageRound)).one()
        assert (round_.flag_id, round_.round, round_.created_at) == (flag_id, 1, NOW)
        page = session.scalars(select(Page)).one()
        text = session.get(OutboxMessage, page.outbox_id)
        assert (page.round_id, page.staff_id) == (round_.id, session.scalar(
            select(StaffMember.id).where(StaffMember.name == "kim")))
        assert (text.to_number, text.status, text.reason, text.enrollment_id) == (
            KIM, MessageStatus.PENDING, "page", None)
        assert f"/flags/{flag_id}" in text.body and f"ACK {flag_id}" in text.body
    assert main(["page", "--once"]) == 0  # within the deadline: nothing more
    assert capsys.readouterr().out.strip() == ("0 page rounds written, 0 texts queued "
                                               "(the dispatcher sends them)")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
