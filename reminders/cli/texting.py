"""Commands that play texts: plan (dry run), dispatch, a reply as if from a phone, and a
simulated course."""

from __future__ import annotations

import sys
import uuid
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import selectinload

from reminders.cli import text
from reminders.cli.common import UsageError, database, emit, instant, services, settings
from reminders.cli.patients import facts_flags
from reminders.clock import utcnow
from reminders.core.errors import ValidationError
from reminders.core.localtime import zone
from reminders.core.planner import Facts, plan
from reminders.core.validation import EnrollmentInput, normalise_phone
from reminders.core.zones import local_zone
from reminders.inbound import Inbox
from reminders.inbound_message import from_form
from reminders.json_shapes import flag_json, planned_json, reply_json
from reminders.models import Flag, Reply
from reminders.protocol_files import read_schedules
from reminders.simulation import SIMULATED_PHONE, default_injection, simulate
from reminders.wiring import make_dispatcher, make_transport


def _zone(name: str | None, clinic: str):
    """--timezone (a place's zone: see core/zones.py), or the clinic's."""
    try:
        return local_zone(name, clinic) if name else zone(clinic)
    except ValueError as exc:
        raise ValidationError({"timezone": str(exc)}) from None


def cmd_plan(args) -> None:
    current = settings()
    protocols = read_schedules(current.schedules_file, current.placeholders)
    if args.protocol not in protocols.protocols:
        raise ValidationError({"protocol": f"{args.protocol!r} is not in the schedules file"})
    tz = _zone(args.timezone, current.clinic_timezone)
    now = instant("now", args.now, tz)
    injected = instant("injected_at", args.injected_at, tz)
    facts = Facts(injected_at=injected, timezone=tz, language=args.language, side=args.side,
                  diabetic=args.diabetic, pt_referral=args.pt_referral)
    protocol = protocols.get(args.protocol)
    texts = plan(protocol, facts, now, {**current.placeholders, "first_name": args.first_name})
    emit(args, [planned_json(t, tz, protocol) for t in texts], text.render_plan(
        [(t.send_at, protocol.step_title(t.step), t.status, t.segments, t.encoding, t.reason)
         for t in texts], tz))


def cmd_dispatch(args) -> None:
    current = settings()
    if args.now and current.sms_transport != "console":
        raise UsageError("--now: a simulated clock is only allowed with SMS_TRANSPORT=console")
    now = instant("now", args.now, zone(current.clinic_timezone)) if args.now else None
    transport = make_transport(current)
    # Sending needs no schedules file (each enrolment keeps its protocol); it is read so
    # that a broken one stops this command as it stops the worker.
    read_schedules(current.schedules_file, current.placeholders)
    with database(current) as engine:
        dispatcher = make_dispatcher(current, engine, transport,
                                     clock=(lambda: now) if now else utcnow)
        counts = dispatcher.run_once().as_dict()
    emit(args, counts, " ".join(f"{k}={v}" for k, v in counts.items()))


def cmd_reply(args) -> None:
    """A text as if the patient had sent it: the webhook's path without the signature."""
    current = settings()
    try:
        sender = normalise_phone(args.sender, current.default_region)
    except ValueError as exc:
        raise ValidationError({"from": str(exc)}) from None
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "From": sender,
              "To": current.twilio_from_number or "", "Body": args.text}
    with services(current) as svc:
        inbox = Inbox(svc.sessions, svc.protocols, current)
        outcome = inbox.receive(from_form(params, urlencode(params).encode()), utcnow())
        with svc.sessions() as session:
            reply = session.get_one(Reply, outcome.reply_id, options=[selectinload(Reply.question)])
            asked = reply.question.enrollment if reply.question else None
            protocol = svc.snapshots.get(session, asked.protocol_digest) if asked else None
            data: dict[str, Any] = {"reply": reply_json(reply, protocol), "answer": outcome.answer,
                                    "flags": [flag_json(session.get_one(Flag, i)) for i in outcome.flags]}
    lines = [f"reply {data['reply']['id']} stored: {text.render_reading(data['reply'])}",
             f"answer: {outcome.answer}" if outcome.answer else "answer: none"]
    lines += [f"flag {f['id']}: {f['priority']} {f['kind']} ({f['reason']})" for f in data["flags"]]
    emit(args, data, "\n".join(lines))


def _scripted_replies(raw: list[str], protocol_id: str, protocols) -> dict[str, str]:
    steps = {s.id for s in protocols.get(protocol_id).steps} if protocol_id in protocols.protocols else set()
    script = {}
    for item in raw:
        step, sep, body = item.partition("=")
        if not sep or step.strip() not in steps:
            raise ValidationError({"reply": f"{item!r}: expected STEP=TEXT with STEP one of "
                                   + ", ".join(sorted(steps))})
        script[step.strip()] = body
    return script


def cmd_simulate(args) -> None:
    current = settings()
    protocols = read_schedules(current.schedules_file, current.placeholders)
    tz = _zone(args.timezone, current.clinic_timezone)
    injected = (instant("injected_at", args.injected_at, tz) if args.injected_at
                else default_injection(utcnow(), tz))
    enrolled_at = instant("enrolled_at", args.enrolled_at, tz) if args.enrolled_at else injected
    script = _scripted_replies(args.reply, args.protocol, protocols)
    data = EnrollmentInput(
        first_name=args.first_name, phone=SIMULATED_PHONE, injected_at=injected,
        protocol=args.protocol, consent_by="simulation", timezone=tz.key,
        language=args.language, side=args.side, diabetic=args.diabetic,
        pt_referral=args.pt_referral, baseline_pain=args.baseline_pain)
    result = simulate(protocols, current, data, enrolled_at, script)
    for step in result.unused:
        print(f"warning: --reply {step}=…: {step} was not sent, so the reply was not used",
              file=sys.stderr)
    emit(args, result.data, text.render_conversation(result.events, injected, tz,
                                                     protocols.get(args.protocol)))


def register(command) -> None:
    p = command("plan", cmd_plan, "show what would be sent when (dry run, no database)")
    facts_flags(p, injected_required=True)
    p.add_argument("--now", metavar="ISO8601", help="plan as if it were this time")
    p.add_argument("--first-name", default="Alex", help="name used in the preview")
    p = command("dispatch", cmd_dispatch, "send what is due now")
    p.add_argument("--once", action="store_true", required=True, help="one pass, then exit")
    p.add_argument("--now", metavar="ISO8601", help="simulated time (console transport only)")
    p = command("reply", cmd_reply, "feed a text from a phone through the webhook's path")
    p.add_argument("--from", dest="sender", required=True, metavar="PHONE")
    p.add_argument("text", help="the text, as the patient would type it")
    p = command("simulate", cmd_simulate, "play a protocol for a sample patient")
    facts_flags(p, injected_required=False)
    p.add_argument("--enrolled-at", metavar="ISO8601", help="enrol late, at this time")
    p.add_argument("--first-name", default="Alex")
    p.add_argument("--baseline-pain", metavar="0-10", default=None)
    p.add_argument("--reply", action="append", default=[], metavar='STEP="TEXT"',
                   help="the patient's reply to a step's text (repeatable), e.g. day10-check=same")
