"""Commands for paging: staff mobiles, the on-call rota, which flags page, and a paging
tick by hand (`reminders page --once`, as the worker runs it)."""

from __future__ import annotations

from typing import Any

from reminders.cli.common import UsageError, database, emit, operator, settings
from reminders.clock import utcnow
from reminders.core.errors import ValidationError
from reminders.core.localtime import zone
from reminders.core.paging import on_call
from reminders.db import session_factory
from reminders.paging import page_due, shifts
from reminders.rota import (
    ShiftInput,
    list_rota,
    paged_kinds,
    remove_shift,
    set_mobile,
    set_paged_kinds,
    set_shift,
)


def cmd_set_mobile(args) -> None:
    current = settings()
    with database(current) as engine:
        number = set_mobile(session_factory(engine), args.name, args.mobile,
                            current.default_region, operator(), utcnow())
    emit(args, {"name": args.name, "mobile": number},
         f"{args.name}: mobile {'saved' if number else 'removed'}")


# The options each action takes; any other given is refused rather than ignored.
_ROTA_OPTIONS = {"show": (), "default": ("on_call", "backup"),
                 "add": ("on_call", "backup", "starts", "ends"), "remove": ("shift",),
                 "kinds": ("kinds",)}


def _check_rota_options(args) -> None:
    for option in ("on_call", "backup", "starts", "ends", "shift"):
        if getattr(args, option) is not None and option not in _ROTA_OPTIONS[args.action]:
            raise UsageError(f"--{option.replace('_', '-')}: `rota {args.action}` does not take "
                             "it" + (" (a default has no times: `rota add` adds a shift)"
                                     if args.action == "default" else ""))
    if args.kinds and args.action != "kinds":
        raise UsageError(f"--kinds: `rota {args.action}` does not take it (use `rota kinds`)")
    if args.action == "remove" and args.shift is None:
        raise ValidationError({"shift": "is required: the shift's number (`reminders rota` "
                               "lists them)"})


def cmd_rota(args) -> None:
    _check_rota_options(args)
    current = settings()
    tz = zone(current.clinic_timezone)
    with database(current) as engine:
        sessions = session_factory(engine)
        if args.action in ("default", "add"):
            set_shift(sessions, ShiftInput(on_call=args.on_call or "", backup=args.backup or "",
                                           starts=args.starts or "", ends=args.ends or ""),
                      current.clinic_timezone, operator(), utcnow(), default=args.action == "default")
        elif args.action == "remove":
            remove_shift(sessions, args.shift, operator(), utcnow())
        elif args.action == "kinds":
            set_paged_kinds(sessions, args.kinds, operator(), utcnow())
        at = utcnow()
        with sessions() as session:
            rows = list_rota(session, at)
            now_on = on_call(shifts(session), at)
            chosen = sorted(paged_kinds(session))
            data: list[dict[str, Any]] = [{"id": r.id, "default": r.is_default,
                     "starts_at": r.starts_at.isoformat() if r.starts_at else None,
                     "ends_at": r.ends_at.isoformat() if r.ends_at else None,
                     "on_call": r.on_call.name, "backup": r.backup.name if r.backup else None}
                    for r in rows]
    lines = [f"{'#':>4}  {'from':<20} {'until':<20} on call / backup   (clinic time, "
             f"{current.clinic_timezone})"]
    for r, row in zip(rows, data, strict=True):
        span = ("default", "") if r.starts_at is None or r.ends_at is None else (
            r.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            r.ends_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
        lines.append(f"{row['id']:>4}  {span[0]:<20} {span[1]:<20} {row['on_call']}"
                     + (f" / {row['backup']}" if row["backup"] else ""))
    lines.append("on call now: " + (next(r["on_call"] for r in data if r["id"] == now_on.id)
                                     if now_on else "nobody (every admin is paged)"))
    lines.append("pages for: urgent flags" + "".join(f", {k}" for k in chosen))
    emit(args, {"shifts": data, "on_call_now": now_on.id if now_on else None,
                "paged_kinds": list(chosen)}, "\n".join(lines))


def cmd_page(args) -> None:
    current = settings()
    with database(current) as engine:
        counts = page_due(session_factory(engine), current, utcnow())
    emit(args, vars(counts), f"{counts.rounds} page rounds written, {counts.texts} texts "
         "queued (the dispatcher sends them)")


def register(command) -> None:
    p = command("set-mobile", cmd_set_mobile, "record a staff member's mobile number for pages")
    p.add_argument("name", help="the staff member's sign-in name")
    p.add_argument("mobile", help="their mobile number; an empty string removes it")
    p = command("rota", cmd_rota, "show or change the on-call rota (times in clinic time)")
    p.add_argument("action", nargs="?", default="show",
                   choices=("show", "default", "add", "remove", "kinds"),
                   help="default: set who is on call when no shift covers; add: a shift; "
                        "remove: a shift by its number; kinds: the flag kinds that page "
                        "besides urgent ones")
    p.add_argument("--on-call", help="sign-in name of the person on call")
    p.add_argument("--backup", help="sign-in name of the backup")
    p.add_argument("--starts", help="start of the shift, clinic time: 2026-12-24 18:00")
    p.add_argument("--ends", help="end of the shift, clinic time: 2026-12-26 08:00")
    p.add_argument("--shift", type=int, help="the shift's number (rota remove)")
    p.add_argument("--kinds", nargs="*", default=[], help="flag kinds, e.g. photo not_reached")
    p = command("page", cmd_page, "write the page rounds due now (the worker does this)")
    p.add_argument("--once", action="store_true", help="one pass (the only mode)")
