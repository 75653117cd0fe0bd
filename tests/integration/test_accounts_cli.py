"""Accounts and tokens from the command line: create-staff, create-token, revoke-token,
and the first admin that `make run` (init-db --first-admin) creates on a fresh database."""

import io
import json
import re

from sqlalchemy import select

from reminders.accounts import token_owner
from reminders.cli import main
from reminders.models import ApiToken, AuditEntry, Role, StaffMember
from tests.integration.helpers import NOW


def test_init_db_first_admin_creates_admin_once_and_prints_the_password_once(
        cli_env, capsys, sessions):
    assert main(["init-db", "--first-admin"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"password: (\S+)", out).group(1)
    assert "name:     admin" in out and len(password) >= 16
    assert main(["init-db", "--first-admin"]) == 0
    assert "password" not in capsys.readouterr().out  # not again, not a second account
    with sessions() as session:
        admin = session.scalars(select(StaffMember)).one()
    assert (admin.name, admin.role, admin.must_change_password) == ("admin", Role.ADMIN, True)
    assert password not in admin.password_hash and admin.password_hash.startswith("$argon2id$")


def test_create_staff_reads_the_password_and_refuses_a_short_one_or_a_taken_name(
        cli_env, capsys, monkeypatch, sessions):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["create-staff", "Kim", "--password-stdin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": 1, "name": "kim", "role": "staff"}
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-staff", "lee", "--admin", "--password-stdin"]) == 2
    assert "error: password: must be at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["create-staff", "kim", "--password-stdin"]) == 2
    assert "already has an account" in capsys.readouterr().err
    typed = iter(["one long password", "another one!!"])  # at the terminal's two prompts
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["create-staff", "lee"]) == 2
    assert "the two entries differ" in capsys.readouterr().err
    with sessions() as session:
        assert [m.name for m in session.scalars(select(StaffMember))] == ["kim"]


def test_a_token_is_printed_once_stored_hashed_and_refused_once_revoked(cli_env, capsys, sessions):
    assert main(["create-token", "ehr", "--json"]) == 0
    token = json.loads(capsys.readouterr().out)["token"]
    with sessions() as session:
        row = session.scalars(select(ApiToken)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert token_owner(sessions, token, NOW) == "ehr"
    assert main(["create-token", "ehr"]) == 2  # one live name at a time
    capsys.readouterr()
    assert main(["revoke-token", "ehr"]) == 0
    assert token_owner(sessions, token, NOW) is None
    assert main(["revoke-token", "ehr"]) == 2
    assert "already revoked" in capsys.readouterr().err
    with sessions() as session:
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["token_created", "token_revoked"]
