"""The `reminders` command line (also `python -m reminders`).

Settings come from the environment and `.env`. Every command that prints data takes
`--json`; every error goes to stderr with a non-zero exit and names the field.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from dotenv import find_dotenv, load_dotenv
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from reminders import importer, reply_commands, tables
from reminders.accounts import create_staff, create_token, generate_password, has_staff, revoke_token
from reminders.audit import Actor
from reminders.core.localtime import zone
from reminders.core.planner import Facts, plan
from reminders.core.protocol_loader import ProtocolError
from reminders.core.statuses import EnrollmentStatus
from reminders.core.validation import EnrollmentInput, ValidationError, normalise_phone, parse_instant
from reminders.db import make_engine, session_factory
from reminders.dispatcher import Dispatcher, utcnow
from reminders.enrollments import NotFound, Services, cancel, enroll, reschedule
from reminders.flags import acknowledge, list_flags, resolve
from reminders.inbound import Inbox, from_form
from reminders.migrate import upgrade
from reminders.models import Enrollment, Flag, Reply, Role
from reminders.schedules import read_schedules
from reminders.settings import Settings, SettingsError
from reminders.simulation import SIMULATED_PHONE, default_injection, simulate
from reminders.transports import make_transport, send_rate
from reminders.views import enrollment_json, flag_json, planned_json, reply_json

EXIT_INPUT = 2  # bad input: a flag, a field, the schedules file
EXIT_FAILURE = 1  # anything else (database unreachable, …)


class UsageError(Exception):
    """A flag combination that cannot work; the message names the flag."""


def _emit(args, data, text: str) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text)


def _settings() -> Settings:
    return Settings.from_env(os.environ)


@contextmanager
def _services(settings: Settings) -> Iterator[Services]:
    protocols = read_schedules(settings.schedules_file, settings.placeholders)
    engine = make_engine(settings.database_url)
    try:
        yield Services(sessions=session_factory(engine), protocols=protocols, settings=settings)
    finally:
        engine.dispose()


def _instant(flag: str, raw: str | None, tz) -> datetime:
    if raw is None:
        return utcnow()
    try:
        return parse_instant(raw, tz)
    except ValueError as exc:
        raise ValidationError({flag: str(exc)}) from None


# --- commands -------------------------------------------------------------------------


def _operator() -> Actor:
    return Actor(os.environ.get("USER") or "cli", "cli")


def cmd_init_db(args) -> None:
    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        print(f"database is up to date: {engine.url.render_as_string(hide_password=True)}")
        sessions = session_factory(engine)
        with sessions() as session:
            first = args.first_admin and not has_staff(session)
        if first:
            password = generate_password()
            create_staff(sessions, "admin", password, Role.ADMIN, utcnow(), _operator(), one_time=True)
            print("\nCreated the first staff account. Sign in at "
                  f"{settings.public_base_url.rstrip('/')}/login as:\n"
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
    with _services(_settings()) as svc:
        member = create_staff(svc.sessions, args.name, password,
                              Role.ADMIN if args.admin else Role.STAFF, utcnow(), _operator())
    _emit(args, {"id": member.id, "name": member.name, "role": member.role.value},
          f"staff account {member.name} ({member.role.value}) created")


def cmd_create_token(args) -> None:
    with _services(_settings()) as svc:
        token = create_token(svc.sessions, args.name, _operator(), utcnow())
    _emit(args, {"id": token.id, "name": token.name, "token": token.token},
          f"API token {token.name}: {token.token}\nShown only now: only its hash is kept. "
          f"Send it as: Authorization: Bearer <token>")


def cmd_import(args) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ValidationError({"file": f"cannot read {args.file}: {exc.strerror}"}) from None
    with _services(_settings()) as svc:
        if args.dry_run:
            report, ids = importer.preview(svc, data, utcnow()), []
        else:
            report, ids = importer.import_csv(svc, data, utcnow(), _operator(), args.file)
    result = {**report.as_json(), "enrolled": ids, "dry_run": args.dry_run}
    lines = [f"error: {e}" for e in report.file_errors]
    lines += [f"line {r.line}: {field}: {message}" for r in report.rejected
              for field, message in r.errors.items()]
    if not report.file_errors:
        verb = "would enrol" if args.dry_run else "enrolled"
        count = len(report.accepted) if args.dry_run else len(ids)
        lines.append(f"{verb} {count}; rejected {len(report.rejected)}"
                     + (" (not enrolled)" if report.rejected else ""))
    _emit(args, result, "\n".join(lines))
    return EXIT_INPUT if report.file_errors or report.rejected else 0


def cmd_revoke_token(args) -> None:
    with _services(_settings()) as svc:
        revoke_token(svc.sessions, args.name, _operator(), utcnow())
    _emit(args, {"name": args.name, "revoked": True}, f"API token {args.name} revoked")


def cmd_check_schedules(args) -> int:
    settings = _settings()
    path = args.file or settings.schedules_file
    protocols = read_schedules(path, settings.placeholders)
    for warning in protocols.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    rows = tables.schedule_rows(protocols, settings.placeholders)
    _emit(args, {"file": str(path), "warnings": list(protocols.warnings), "steps": rows},
          tables.render_schedule(rows) + f"\n{path}: OK ({len(rows)} texts checked)")
    return 0


def cmd_plan(args) -> None:
    settings = _settings()
    protocols = read_schedules(settings.schedules_file, settings.placeholders)
    if args.protocol not in protocols.protocols:
        raise ValidationError({"protocol": f"{args.protocol!r} is not in the schedules file"})
    try:
        tz = zone(args.timezone or settings.clinic_timezone)
    except ValueError as exc:
        raise ValidationError({"timezone": str(exc)}) from None
    now = _instant("now", args.now, tz)
    injected = _instant("injected_at", args.injected_at, tz)
    facts = Facts(injected_at=injected, timezone=tz, language=args.language, side=args.side,
                  diabetic=args.diabetic, pt_referral=args.pt_referral)
    texts = plan(protocols.get(args.protocol), facts, now,
                 {**settings.placeholders, "first_name": args.first_name})
    _emit(args, [planned_json(t, tz) for t in texts], tables.render_plan(
        [(t.send_at, t.step, t.status, t.segments, t.encoding, t.reason) for t in texts], tz))


def _enrollment_input(args) -> EnrollmentInput:
    return EnrollmentInput(
        first_name=args.first_name, phone=args.phone, injected_at=args.injected_at,
        protocol=args.protocol, consent_by=args.consent_by, timezone=args.timezone,
        language=args.language, side=args.side, diabetic=args.diabetic,
        pt_referral=args.pt_referral, baseline_pain=args.baseline_pain, supersede=args.supersede)


def _show_enrollment(args, svc: Services, enrollment_id: int) -> None:
    with svc.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None:
            raise NotFound(f"no enrolment {enrollment_id}")
        data = enrollment_json(enrollment)
        data["replies"] = [reply_json(r) for r in session.scalars(
            select(Reply).options(selectinload(Reply.question))
            .where(Reply.enrollment_id == enrollment_id).order_by(Reply.id))]
        data["flags"] = [flag_json(f) for f in list_flags(
            session, include_resolved=True, enrollment_id=enrollment_id)]
    _emit(args, data, tables.render_enrollment(data))


def cmd_enroll(args) -> None:
    with _services(_settings()) as svc:
        enrollment_id = enroll(svc, _enrollment_input(args), utcnow())
        _show_enrollment(args, svc, enrollment_id)


def cmd_show(args) -> None:
    with _services(_settings()) as svc:
        _show_enrollment(args, svc, args.id)


def cmd_list(args) -> None:
    with _services(_settings()) as svc, svc.sessions() as session:
        query = (select(Enrollment).options(selectinload(Enrollment.messages),
                                            selectinload(Enrollment.patient))
                 .order_by(Enrollment.id))
        if not args.all:
            query = query.where(Enrollment.status == EnrollmentStatus.ACTIVE)
        items = [enrollment_json(e) for e in session.scalars(query)]
    if args.json:
        for item in items:
            item["next"] = tables.next_text(item["messages"])
            del item["messages"]
    _emit(args, items, tables.render_enrollments(items))


def cmd_reschedule(args) -> None:
    with _services(_settings()) as svc:
        reschedule(svc, args.id, args.injected_at, utcnow(), Actor(args.by, "cli"))
        _show_enrollment(args, svc, args.id)


def cmd_cancel(args) -> None:
    with _services(_settings()) as svc:
        cancelled = cancel(svc, args.id, Actor(args.by, "cli"), utcnow())
        if not args.json:
            print(f"enrolment {args.id} cancelled; {cancelled} pending texts withdrawn")
        else:
            _show_enrollment(args, svc, args.id)


def cmd_dispatch(args) -> None:
    settings = _settings()
    if args.now and settings.sms_transport != "console":
        raise UsageError("--now: a simulated clock is only allowed with SMS_TRANSPORT=console")
    now = _instant("now", args.now, zone(settings.clinic_timezone)) if args.now else None
    transport = make_transport(settings)
    with _services(settings) as svc:
        dispatcher = Dispatcher(svc.sessions, transport, batch=settings.dispatch_batch,
                                clock=(lambda: now) if now else utcnow,
                                rate=send_rate(settings, svc.sessions, transport),
                                concurrency=settings.send_concurrency)
        counts = dispatcher.run_once().as_dict()
    _emit(args, counts, " ".join(f"{k}={v}" for k, v in counts.items()))


def cmd_flags(args) -> None:
    with _services(_settings()) as svc, svc.sessions() as session:
        items = [flag_json(f) for f in list_flags(session, include_resolved=args.all)]
    _emit(args, items, tables.render_flags(items))


def _show_flag(args, svc: Services, flag_id: int, done: str) -> None:
    with svc.sessions() as session:
        data = flag_json(session.get(Flag, flag_id))
    _emit(args, data, f"flag {flag_id} {done}")


def cmd_ack(args) -> None:
    with _services(_settings()) as svc:
        acknowledge(svc.sessions, args.id, Actor(args.by, "cli"), utcnow())
        _show_flag(args, svc, args.id, f"acknowledged by {args.by.strip()}")


def cmd_resolve(args) -> None:
    with _services(_settings()) as svc:
        resolve(svc.sessions, args.id, Actor(args.by, "cli"), args.note, utcnow())
        _show_flag(args, svc, args.id, f"resolved by {args.by.strip()}")


def cmd_reply(args) -> None:
    """A text as if the patient had sent it: the webhook's path without the signature."""
    settings = _settings()
    try:
        sender = normalise_phone(args.sender, settings.default_region)
    except ValueError as exc:
        raise ValidationError({"from": str(exc)}) from None
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "From": sender,
              "To": settings.twilio_from_number or "", "Body": args.text}
    with _services(settings) as svc:
        inbox = Inbox(svc.sessions, svc.protocols, settings)
        outcome = inbox.receive(from_form(params, urlencode(params).encode()), utcnow())
        with svc.sessions() as session:
            reply = session.get(Reply, outcome.reply_id, options=[selectinload(Reply.question)])
            data = {"reply": reply_json(reply), "answer": outcome.answer,
                    "flags": [flag_json(session.get(Flag, i)) for i in outcome.flags]}
    text = [f"reply {data['reply']['id']} stored: {tables.render_reading(data['reply'])}",
            f"answer: {outcome.answer}" if outcome.answer else "answer: none"]
    text += [f"flag {f['id']}: {f['priority']} {f['kind']} ({f['reason']})" for f in data["flags"]]
    _emit(args, data, "\n".join(text))


def _scripted_replies(raw: list[str], protocol_id: str, protocols) -> dict[str, str]:
    steps = {s.id for s in protocols.get(protocol_id).steps} if protocol_id in protocols.protocols else set()
    script = {}
    for item in raw:
        step, sep, text = item.partition("=")
        if not sep or step.strip() not in steps:
            raise ValidationError({"reply": f"{item!r}: expected STEP=TEXT with STEP one of "
                                   + ", ".join(sorted(steps))})
        script[step.strip()] = text
    return script


def cmd_simulate(args) -> None:
    settings = _settings()
    protocols = read_schedules(settings.schedules_file, settings.placeholders)
    try:
        tz = zone(args.timezone or settings.clinic_timezone)
    except ValueError as exc:
        raise ValidationError({"timezone": str(exc)}) from None
    injected = (_instant("injected_at", args.injected_at, tz) if args.injected_at
                else default_injection(utcnow(), tz))
    enrolled_at = _instant("enrolled_at", args.enrolled_at, tz) if args.enrolled_at else injected
    script = _scripted_replies(args.reply, args.protocol, protocols)
    data = EnrollmentInput(
        first_name=args.first_name, phone=SIMULATED_PHONE, injected_at=injected,
        protocol=args.protocol, consent_by="simulation", timezone=tz.key,
        language=args.language, side=args.side, diabetic=args.diabetic,
        pt_referral=args.pt_referral, baseline_pain=args.baseline_pain)
    result = simulate(protocols, settings, data, enrolled_at, script)
    for step in result.unused:
        print(f"warning: --reply {step}=…: {step} was not sent, so the reply was not used",
              file=sys.stderr)
    _emit(args, result.data, tables.render_conversation(result.events, injected, tz))


# --- parser ---------------------------------------------------------------------------


def _facts_flags(parser: argparse.ArgumentParser, *, injected_required: bool) -> None:
    parser.add_argument("--protocol", default="hip-joint-injection", help="protocol id")
    parser.add_argument("--injected-at", required=injected_required, metavar="ISO8601",
                        help="injection time; without an offset it is local to --timezone")
    parser.add_argument("--timezone", metavar="IANA", help="patient's zone (default: clinic's)")
    parser.add_argument("--language", default="en", help="en or es")
    parser.add_argument("--side", choices=("left", "right"))
    parser.add_argument("--diabetic", action="store_true")
    parser.add_argument("--pt-referral", action="store_true", help="physical therapy referral")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reminders", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text, json_flag=True):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

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
    p = command("import", cmd_import, "enrol the patients of a CSV procedure list")
    p.add_argument("file", help="CSV with a header row (see the README for the columns)")
    p.add_argument("--dry-run", action="store_true", help="check every row, enrol nothing")
    p = command("revoke-token", cmd_revoke_token, "revoke an API token: refused from now on")
    p.add_argument("name")
    p = command("check-schedules", cmd_check_schedules, "check the protocol file")
    p.add_argument("--file", help="schedules file (default: SCHEDULES_FILE)")
    p = command("plan", cmd_plan, "show what would be sent when (dry run, no database)")
    _facts_flags(p, injected_required=True)
    p.add_argument("--now", metavar="ISO8601", help="plan as if it were this time")
    p.add_argument("--first-name", default="Alex", help="name used in the preview")
    p = command("enroll", cmd_enroll, "enrol a patient and plan their texts")
    p.add_argument("--first-name", required=True)
    p.add_argument("--phone", required=True, help="mobile number (E.164 or national)")
    _facts_flags(p, injected_required=True)
    p.add_argument("--consent-by", required=True, metavar="STAFF",
                   help="staff member who recorded the patient's consent to texts")
    p.add_argument("--baseline-pain", metavar="0-10", help="pain before the injection")
    p.add_argument("--supersede", action="store_true",
                   help="replace this phone's active enrolment (its pending texts are cancelled)")
    p = command("list", cmd_list, "list enrolments")
    p.add_argument("--all", action="store_true", help="include finished ones")
    p = command("show", cmd_show, "show one enrolment's timeline")
    p.add_argument("id", type=int)
    p = command("reschedule", cmd_reschedule, "correct the injection time and re-plan")
    p.add_argument("id", type=int)
    p.add_argument("--injected-at", required=True, metavar="ISO8601")
    p.add_argument("--by", default=os.environ.get("USER", "cli"), help="who corrects it")
    p = command("cancel", cmd_cancel, "cancel an enrolment and its pending texts")
    p.add_argument("id", type=int)
    p.add_argument("--by", default=os.environ.get("USER", "cli"), help="who cancels")
    p = command("dispatch", cmd_dispatch, "send what is due now")
    p.add_argument("--once", action="store_true", required=True, help="one pass, then exit")
    p.add_argument("--now", metavar="ISO8601", help="simulated time (console transport only)")
    p = command("flags", cmd_flags, "list flags for staff, most urgent first")
    p.add_argument("--all", action="store_true", help="include resolved ones")
    p = command("ack", cmd_ack, "acknowledge a flag (you are on it)")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True, metavar="NAME", help="who takes it")
    p = command("resolve", cmd_resolve, "resolve a flag with its outcome")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True, metavar="NAME", help="who resolved it")
    p.add_argument("--note", required=True, metavar="TEXT", help="what was done")
    p = command("reply", cmd_reply, "feed a text from a phone through the webhook's path")
    p.add_argument("--from", dest="sender", required=True, metavar="PHONE")
    p.add_argument("text", help="the text, as the patient would type it")
    p = command("simulate", cmd_simulate, "play a protocol for a sample patient")
    _facts_flags(p, injected_required=False)
    p.add_argument("--enrolled-at", metavar="ISO8601", help="enrol late, at this time")
    p.add_argument("--first-name", default="Alex")
    p.add_argument("--baseline-pain", metavar="0-10", default=None)
    p.add_argument("--reply", action="append", default=[], metavar='STEP="TEXT"',
                   help="the patient's reply to a step's text (repeatable), e.g. day10-check=same")
    reply_commands.register(command, _settings)
    return parser


def _flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv(find_dotenv(usecwd=True))  # the .env where the operator runs the command
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except ValidationError as exc:
        for field, message in exc.errors.items():
            print(f"error: {_flag(field)}: {message}", file=sys.stderr)
    except ProtocolError as exc:
        for message in exc.errors:
            print(f"error: {message}", file=sys.stderr)
    except (SettingsError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_INPUT
