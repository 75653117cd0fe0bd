"""Commands about patients and their enrolments: enrol, import, list, show, reschedule,
cancel, and a staff member's text to the patient."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from reminders import importer
from reminders.audit import Actor
from reminders.cli import text
from reminders.cli.common import EXIT_INPUT, default_user, emit, operator, services, settings
from reminders.clock import utcnow
from reminders.core.errors import ValidationError
from reminders.core.statuses import EnrollmentStatus
from reminders.core.validation import EnrollmentInput, validate
from reminders.enrollment_view import load_enrollment_view
from reminders.enrollments import CONSENT_TAKER, cancel, enroll
from reminders.json_shapes import enrollment_json, message_json, shown_enrollment_json
from reminders.models import Enrollment, OutboxMessage
from reminders.replanning import reschedule
from reminders.services import Services
from reminders.staff_texts import staff_message, text_patient

# `enroll`'s options without a default: a missing one is reported with every other wrong
# option (argparse's `required` would stop at the missing ones and check nothing else).
_REQUIRED = ("first_name", "phone", "injected_at", "consent_by")


def _enrollment_input(args) -> EnrollmentInput:
    return EnrollmentInput(
        first_name=args.first_name or "", phone=args.phone or "",
        injected_at=args.injected_at or "", protocol=args.protocol,
        consent_by=args.consent_by or "", timezone=args.timezone, language=args.language,
        side=args.side, diabetic=args.diabetic, pt_referral=args.pt_referral,
        baseline_pain=args.baseline_pain, supersede=args.supersede)


def show_enrollment(args, svc: Services, enrollment_id: int) -> None:
    with svc.sessions() as session:
        data = shown_enrollment_json(load_enrollment_view(session, enrollment_id))
    emit(args, data, text.render_enrollment(data))


def cmd_enroll(args) -> None:
    missing = {key: "is required" for key in _REQUIRED if getattr(args, key) is None}
    with services(settings()) as svc:
        if missing:  # raises with the other options' errors too
            validate(_enrollment_input(args), svc.protocols,
                     clinic_timezone=svc.settings.clinic_timezone,
                     default_region=svc.settings.default_region, now=utcnow(), found=missing)
        enrollment_id = enroll(svc, _enrollment_input(args), CONSENT_TAKER, utcnow())
        show_enrollment(args, svc, enrollment_id)


def cmd_import(args) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ValidationError({"file": f"cannot read {args.file}: {exc.strerror}"}) from None
    ids: list[int] = []
    with services(settings()) as svc:
        if args.dry_run:
            report = importer.preview(svc, data, utcnow())
        else:
            report, ids = importer.import_csv(svc, data, args.file, operator(), utcnow())
    result = {**report.as_json(), "enrolled": ids, "dry_run": args.dry_run}
    lines = [f"error: {e}" for e in report.file_errors]
    lines += [f"line {r.line}: {field}: {message}" for r in report.rejected
              for field, message in r.errors.items()]
    if not report.file_errors:
        verb = "would enrol" if args.dry_run else "enrolled"
        count = len(report.accepted) if args.dry_run else len(ids)
        lines.append(f"{verb} {count}; rejected {len(report.rejected)}"
                     + (" (not enrolled)" if report.rejected else ""))
    emit(args, result, "\n".join(lines))
    return EXIT_INPUT if report.file_errors or report.rejected else 0


def cmd_show(args) -> None:
    with services(settings()) as svc:
        show_enrollment(args, svc, args.id)


def cmd_list(args) -> None:
    with services(settings()) as svc, svc.sessions() as session:
        query = (select(Enrollment).options(selectinload(Enrollment.messages),
                                            selectinload(Enrollment.patient))
                 .order_by(Enrollment.id))
        if not args.all:
            query = query.where(Enrollment.status == EnrollmentStatus.ACTIVE)
        items = [enrollment_json(e) for e in session.scalars(query)]
    if args.json:
        for item in items:
            item["next"] = text.next_text(item["messages"])
            del item["messages"]
    emit(args, items, text.render_enrollments(items))


def cmd_reschedule(args) -> None:
    with services(settings()) as svc:
        reschedule(svc, args.id, args.injected_at, Actor(args.by, "cli"), utcnow())
        show_enrollment(args, svc, args.id)


def cmd_cancel(args) -> None:
    with services(settings()) as svc:
        cancelled = cancel(svc, args.id, Actor(args.by, "cli"), utcnow())
        if not args.json:
            print(f"enrolment {args.id} cancelled; {cancelled} pending texts withdrawn")
        else:
            show_enrollment(args, svc, args.id)


def cmd_text_patient(args) -> None:
    with services(settings()) as svc:
        queued = text_patient(svc, args.id, staff_message(args.body, args.saved),
                              Actor(args.by, "cli"), utcnow(), flag_id=args.flag,
                              outside_quieter_window=args.override_quiet)
        with svc.sessions() as session:
            row = session.get_one(OutboxMessage, queued.message_id)
            data = {**message_json(row, ZoneInfo(queued.timezone)), "held": queued.held}
    emit(args, data, queued.summary())


def facts_flags(parser, *, injected_required: bool, validated: bool = False) -> None:
    """The flags that describe a patient's course (shared by enroll, plan and simulate).
    `validated`: the command checks every value itself (enroll), so argparse does not stop
    at the first wrong one."""
    parser.add_argument("--protocol", default="hip-joint-injection", help="protocol id")
    injected_help = "injection time; without an offset it is local to --timezone"
    parser.add_argument("--injected-at", required=injected_required, metavar="ISO8601",
                        help=injected_help + (" (required)" if validated else ""))
    parser.add_argument("--timezone", metavar="IANA", help="the zone of the place the patient "
                        "lives, e.g. America/New_York (default: clinic's)")
    parser.add_argument("--language", default="en", help="en or es")
    parser.add_argument("--side", choices=None if validated else ("left", "right"),
                        help="left or right")
    parser.add_argument("--diabetic", action="store_true")
    parser.add_argument("--pt-referral", action="store_true", help="physical therapy referral")


def register(command) -> None:
    p = command("import", cmd_import, "enrol the patients of a CSV procedure list")
    p.add_argument("file", help="CSV with a header row (see the README for the columns)")
    p.add_argument("--dry-run", action="store_true", help="check every row, enrol nothing")
    # "enrol" is the British spelling the README and the web pages use
    p = command("enroll", cmd_enroll, "enrol a patient and plan their texts", aliases=("enrol",))
    p.add_argument("--first-name", help="(required)")
    p.add_argument("--phone", help="mobile number, E.164 or national (required)")
    facts_flags(p, injected_required=False, validated=True)
    p.add_argument("--consent-by", metavar="STAFF",
                   help="staff member who recorded the patient's consent to texts (required)")
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
    p.add_argument("--by", default=default_user(), help="who corrects it")
    p = command("text-patient", cmd_text_patient,
                "text the patient (a saved reply or your own words) through the outbox")
    p.add_argument("id", type=int, metavar="ENROLLMENT_ID")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--body", metavar="TEXT", help="your own words (the clinic's name goes first)")
    what.add_argument("--saved", metavar="ID", help="a saved reply of the schedules file, in the "
                      "patient's language")
    p.add_argument("--flag", type=int, metavar="N", help="the flag this text answers")
    p.add_argument("--override-quiet", action="store_true",
                   help="may go outside the protocol's quiet hours (never outside 08:00-21:00)")
    p.add_argument("--by", default=default_user(), help="who writes it (their answer goes to them)")
    p = command("cancel", cmd_cancel, "cancel an enrolment and its pending texts")
    p.add_argument("id", type=int)
    p.add_argument("--by", default=default_user(), help="who cancels")
