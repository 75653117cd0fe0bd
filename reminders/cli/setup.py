"""Commands that set a clinic up: the database, staff accounts, API tokens, the schedules
file."""

from __future__ import annotations

import getpass
import sys

from reminders.accounts import create_staff, create_token, generate_password, has_staff, revoke_token
from reminders.cli import text
from reminders.cli.common import emit, operator, services, settings
from reminders.clock import utcnow
from reminders.core.errors import ValidationError
from reminders.database_check import open_database
from reminders.db import session_factory
from reminders.migrate import upgrade
from reminders.models import Role
from reminders.protocol_files import read_schedules


def cmd_init_db(args) -> None:
    current = settings()
    engine = open_database(current.database_url)
    try:
        upgrade(engine)
        print(f"database is up to date: {engine.url.render_as_string(hide_password=True)}")
        sessions = session_factory(engine)
        with sessions() as session:
            first = args.first_admin and not has_staff(session)
        if first:
            password = generate_password()
            create_staff(sessions, "admin", password, Role.ADMIN, operator(), utcnow(), one_time=True)
            print("\nCreated the first staff account. Sign in at "
                  f"{current.public_base_url.rstrip('/')}/login as:\n"
                  f"  name:     admin\n  password: {password}\n"
                  "This one-time password is shown only now; you choose your own at the first "
                  "sign-in.\n")
    finally:
        engine.dispose()


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if first != getpass.getpass("Password again: "):
        raise ValidationError({"password": "the two entries differ"})
    return first


def cmd_create_staff(args) -> None:
    password = _read_password(args)
    with services(settings()) as svc:
        member = create_staff(svc.sessions, args.name, password,
                              Role.ADMIN if args.admin else Role.STAFF, operator(), utcnow())
    emit(args, {"id": member.id, "name": member.name, "role": member.role.value},
         f"staff account {member.name} ({member.role.value}) created")


def cmd_create_token(args) -> None:
    with services(settings()) as svc:
        token = create_token(svc.sessions, args.name, operator(), utcnow())
    emit(args, {"id": token.id, "name": token.name, "token": token.token},
         f"API token {token.name}: {token.token}\nShown only now: only its hash is kept. "
         f"Send it as: Authorization: Bearer <token>")


def cmd_revoke_token(args) -> None:
    with services(settings()) as svc:
        revoke_token(svc.sessions, args.name, operator(), utcnow())
    emit(args, {"name": args.name, "revoked": True}, f"API token {args.name} revoked")


def cmd_check_schedules(args) -> int:
    current = settings()
    path = args.file or current.schedules_file
    protocols = read_schedules(path, current.placeholders)
    for warning in protocols.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    rows = text.schedule_rows(protocols, current.placeholders)
    saved = list(protocols.saved_replies)
    emit(args, {"file": str(path), "warnings": list(protocols.warnings), "steps": rows,
                "saved_replies": saved},
         text.render_schedule(rows) + f"\nsaved replies: {', '.join(saved) or 'none'}"
         f"\n{path}: OK ({len(rows)} texts checked)")
    return 0


def register(command) -> None:
    p = command("init-db", cmd_init_db, "create or upgrade the database schema", json_flag=False)
    p.add_argument("--first-admin", action="store_true",
                   help="on a database without staff accounts, create 'admin' with a one-time "
                        "password and print it")
    p = command("create-staff", cmd_create_staff, "create a staff account (asks for the password)")
    p.add_argument("name", help="sign-in name: lower-case letters, digits, . _ -")
    p.add_argument("--admin", action="store_true", help="may manage accounts, tokens, audit log")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p = command("create-token", cmd_create_token, "create an API token (printed once)")
    p.add_argument("name", help="the system that will use it, e.g. ehr")
    p = command("revoke-token", cmd_revoke_token, "revoke an API token: refused from now on")
    p.add_argument("name")
    p = command("check-schedules", cmd_check_schedules, "check the protocol file")
    p.add_argument("--file", help="schedules file (default: SCHEDULES_FILE)")
