"""CSV import of the day's procedure list: every row checked, a report of what will be
enrolled and what is rejected and why, then (once confirmed) every accepted row enrolled
in one transaction, or none.

Columns (header row, any order, case and spaces ignored): first_name, phone,
injected_at, protocol, consent_by are required; timezone, language, side, diabetic,
pt_referral, baseline_pain, supersede are optional. Injection times without an offset
are clinic time. Yes/no columns take yes, no, true, false, 1, 0 or nothing (no).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reminders.audit import Actor, record
from reminders.core.errors import ValidationError
from reminders.core.field_names import Naming
from reminders.core.field_text import unstorable
from reminders.core.protocol import ProtocolSet
from reminders.core.statuses import EnrollmentStatus
from reminders.core.validation import EnrollmentInput, ValidEnrollment, validate
from reminders.enrollments import enroll_valid
from reminders.models import Enrollment, Patient
from reminders.services import Services

log = logging.getLogger(__name__)
REQUIRED = ("first_name", "phone", "injected_at", "protocol", "consent_by")
OPTIONAL = ("timezone", "language", "side", "diabetic", "pt_referral", "baseline_pain",
            "supersede")
COLUMNS = REQUIRED + OPTIONAL
MAX_ROWS = 10_000
_YES = {"yes": True, "y": True, "true": True, "1": True,
        "no": False, "n": False, "false": False, "0": False, "": False}
# The CSV's words for the core's field keys: its columns, which are named as the keys.
NAMING = Naming(default=lambda key: key, switched_on="{name} set to yes")
TEMPLATE = ",".join(COLUMNS) + "\r\n" + (
    "Ana,(312) 555-0101,2026-06-01 10:30,hip-joint-injection,Nurse Kim,America/Chicago,en,"
    "left,no,yes,7,no\r\n")


@dataclass
class Row:
    line: int  # the line in the file (the header is line 1)
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    valid: ValidEnrollment | None = None


@dataclass
class Report:
    file_errors: list[str]
    rows: list[Row]

    @property
    def accepted(self) -> list[Row]:
        return [r for r in self.rows if not r.errors]

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    def as_json(self) -> dict:
        return {"file_errors": self.file_errors,
                "accepted": [{"line": r.line, "first_name": r.valid.first_name,
                              "phone": r.valid.phone, "injected_at": r.valid.injected_at.isoformat(),
                              "protocol": r.valid.protocol.id}
                             for r in self.accepted if r.valid is not None],
                "rejected": [{"line": r.line, "errors": r.errors} for r in self.rejected]}


def _header(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def read_csv(data: bytes) -> tuple[list[str], list[Row]]:
    """File-level problems (which stop everything) and the rows as text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [f"the file is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8"], []
    # NUL or other control characters: no spreadsheet writes them, and PostgreSQL cannot
    # store the file or a cell holding one
    for number, line in enumerate(text.split("\n"), 1):
        reason = unstorable(line, lines=True, max_length=len(line))
        if reason:
            return [f"line {number} {reason}: save it as CSV UTF-8"], []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            return ["the file is empty: the first line must name the columns"], []
        names = [_header(h) for h in header]
        problems = []
        unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
        if unknown:
            problems.append(f"unknown column(s): {', '.join(unknown)} (the columns are: "
                            f"{', '.join(COLUMNS)})")
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            problems.append(f"column(s) named twice: {', '.join(repeated)}")
        if problems:
            return problems, []
        rows: list[Row] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank lines, as spreadsheets leave them
            if len(rows) == MAX_ROWS:
                return [f"more than {MAX_ROWS:,} rows: split the file"], []
            row = Row(reader.line_num, dict(zip(names, (c.strip() for c in cells), strict=False)))
            if len(cells) != len(names):
                row.errors["row"] = f"has {len(cells)} cells; the header has {len(names)}"
            rows.append(row)
    except csv.Error as exc:
        return [f"line {reader.line_num}: not valid CSV ({exc})"], []
    if not rows:
        return ["the file has a header but no rows"], []
    return [], rows


def _yes(row: Row, column: str) -> bool:
    value = row.values.get(column, "").lower()
    if value not in _YES:
        row.errors[column] = f"{row.values[column]!r} is not yes or no"
        return False
    return _YES[value]


def check(rows: list[Row], protocols: ProtocolSet, *, clinic_timezone: str,
          default_region: str, now: datetime) -> None:
    """Pure: validate every row (errors keyed by column) and reject repeated phones."""
    first_line: dict[str, int] = {}
    for row in rows:
        if row.errors:
            continue
        v = row.values
        flags = {c: _yes(row, c) for c in ("diabetic", "pt_referral", "supersede")}
        data = EnrollmentInput(
            first_name=v.get("first_name", ""), phone=v.get("phone", ""),
            injected_at=v.get("injected_at", ""), injected_zone=clinic_timezone,
            protocol=v.get("protocol", ""), consent_by=v.get("consent_by", ""),
            timezone=v.get("timezone") or None, language=v.get("language") or "en",
            side=(v.get("side") or "").lower() or None, baseline_pain=v.get("baseline_pain"),
            **flags)
        try:
            row.valid = validate(data, protocols, clinic_timezone=clinic_timezone,
                                 default_region=default_region, now=now)
        except ValidationError as exc:
            row.errors.update(NAMING.keyed(exc.errors))
        if row.errors or row.valid is None:
            row.valid = None
            continue
        seen = first_line.setdefault(row.valid.phone, row.line)
        if seen != row.line:
            row.errors["phone"] = f"{row.valid.phone} is also on line {seen}: one row per patient"
            row.valid = None


def _check_database(session: Session, rows: list[Row]) -> None:
    """Reject rows the database would refuse: opted-out numbers, active enrolments."""
    phones = [r.valid.phone for r in rows if r.valid]
    if not phones:
        return
    opted_out: set[str] = set()
    active: dict[str, int] = {}
    for start in range(0, len(phones), 500):
        chunk = phones[start:start + 500]
        opted_out |= set(session.scalars(select(Patient.phone).where(
            Patient.phone.in_(chunk), Patient.opted_out_at.is_not(None))))
        active.update(session.execute(
            select(Patient.phone, Enrollment.id).join(Enrollment.patient)
            .where(Patient.phone.in_(chunk), Enrollment.status == EnrollmentStatus.ACTIVE)).all())
    for row in rows:
        if row.valid is None:
            continue
        if row.valid.phone in opted_out:
            row.errors["phone"] = "this number has opted out (STOP)"
        elif row.valid.phone in active and not row.valid.supersede:
            row.errors["phone"] = (f"already has an active enrolment ({active[row.valid.phone]}); "
                                   "set supersede to yes to replace it")
        if row.errors:
            row.valid = None


def preview(svc: Services, data: bytes, now: datetime) -> Report:
    """Everything checked, nothing written."""
    file_errors, rows = read_csv(data)
    if not file_errors:
        check(rows, svc.protocols, clinic_timezone=svc.settings.clinic_timezone,
              default_region=svc.settings.default_region, now=now)
        with svc.sessions() as session:
            _check_database(session, rows)
    return Report(file_errors, rows)


def import_csv(svc: Services, data: bytes, filename: str, actor: Actor,
               now: datetime) -> tuple[Report, list[int]]:
    """Enrol every accepted row in one transaction; the rejected ones are not enrolled.
    If a row accepted a moment ago fails now (someone enrolled that phone meanwhile),
    nothing is enrolled and the report says why. Returns the report and the new ids."""
    report = preview(svc, data, now)
    if report.file_errors or not report.accepted:
        return report, []
    ids: list[int] = []
    try:
        with svc.sessions.begin() as session:
            for row in report.accepted:
                assert row.valid is not None  # accepted: checked, and no errors
                try:
                    ids.append(enroll_valid(session, svc.settings, row.valid, actor, now))
                except ValidationError as exc:
                    # now rejected; the transaction rolls back
                    row.errors.update(NAMING.keyed(exc.errors))
                    row.valid = None
                    raise
            record(session, actor, "imported", now,
                   detail=f"{filename or 'CSV'}: {len(ids)} enrolled, "
                          f"{len(report.rejected)} rejected")
    except ValidationError:
        return report, []
    except IntegrityError as exc:  # a phone enrolled by someone else between check and write
        # the constraint's name only: the driver's message would quote a phone number
        log.warning("CSV import rolled back: %s", getattr(getattr(exc.orig, "diag", None),
                                                           "constraint_name", type(exc.orig).__name__))
        report.file_errors.append("a patient in the file was enrolled by someone else just "
                                  "now; nothing was imported: check the list and try again")
        return report, []
    return report, ids
