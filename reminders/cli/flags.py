"""Commands for the flag queue: list, acknowledge, resolve.

Short on purpose: one command group, like the other modules of the CLI.
"""

from __future__ import annotations

from reminders.audit import Actor
from reminders.cli import text
from reminders.cli.common import emit, services, settings
from reminders.clock import utcnow
from reminders.flags import acknowledge, list_flags, resolve
from reminders.json_shapes import flag_json
from reminders.models import Flag
from reminders.services import Services


def cmd_flags(args) -> None:
    with services(settings()) as svc, svc.sessions() as session:
        items = [flag_json(f) for f in list_flags(session, include_resolved=args.all)]
    emit(args, items, text.render_flags(items))


def _show_flag(args, svc: Services, flag_id: int, done: str) -> None:
    with svc.sessions() as session:
        data = flag_json(session.get_one(Flag, flag_id))
    emit(args, data, f"flag {flag_id} {done}")


def cmd_ack(args) -> None:
    with services(settings()) as svc:
        acknowledge(svc.sessions, args.id, Actor(args.by, "cli"), utcnow())
        _show_flag(args, svc, args.id, f"acknowledged by {args.by.strip()}")


def cmd_resolve(args) -> None:
    with services(settings()) as svc:
        resolve(svc.sessions, args.id, args.note, Actor(args.by, "cli"), utcnow())
        _show_flag(args, svc, args.id, f"resolved by {args.by.strip()}")


def register(command) -> None:
    p = command("flags", cmd_flags, "list flags for staff, most urgent first")
    p.add_argument("--all", action="store_true", help="include resolved ones")
    p = command("ack", cmd_ack, "acknowledge a flag (you are on it)")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True, metavar="NAME", help="who takes it")
    p = command("resolve", cmd_resolve, "resolve a flag with its outcome")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True, metavar="NAME", help="who resolved it")
    p.add_argument("--note", required=True, metavar="TEXT", help="what was done")
