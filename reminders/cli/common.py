"""What every command shares: settings, services, output, the operator, exit codes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine

from reminders.audit import Actor
from reminders.clock import utcnow
from reminders.core.errors import ValidationError
from reminders.core.field_names import Naming
from reminders.core.validation import parse_instant
from reminders.database_check import open_database
from reminders.db import session_factory
from reminders.protocol_files import read_schedules
from reminders.services import Services
from reminders.settings import Settings

EXIT_INPUT = 2  # bad input: a flag, a field, the schedules file
EXIT_FAILURE = 1  # anything else (database unreachable, …)


# The CLI's words for the core's field keys: an option, the positional argument a command
# takes (`reminders cancel ID`, `reminders import FILE`, `create-staff NAME`), or the
# password typed at the prompt.
NAMING = Naming(default=lambda key: "--" + key.replace("_", "-"), switched_on="{name}",
                names={"enrollment_id": "ID", "flag_id": "ID", "message_id": "ID",
                       "file": "FILE", "name": "NAME", "account": "NAME", "mobile": "MOBILE",
                       "password": "password"})


class UsageError(Exception):
    """A flag combination that cannot work; the message names the flag."""


def emit(args, data, text: str) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text)


def settings() -> Settings:
    return Settings.from_env(os.environ)


@contextmanager
def database(current: Settings) -> Iterator[Engine]:
    """The engine DATABASE_URL names, disposed when the command is done with it. Raises
    DatabaseUnavailable when it cannot be reached or written."""
    engine = open_database(current.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def services(current: Settings) -> Iterator[Services]:
    protocols = read_schedules(current.schedules_file, current.placeholders)
    with database(current) as engine:
        yield Services(sessions=session_factory(engine), protocols=protocols, settings=current)


def instant(flag: str, raw: str | None, tz) -> datetime:
    if raw is None:
        return utcnow()
    try:
        return parse_instant(raw, tz)
    except ValueError as exc:
        raise ValidationError({flag: str(exc)}) from None


def operator() -> Actor:
    return Actor(os.environ.get("USER") or "cli", "cli")


def default_user() -> str:
    return os.environ.get("USER", "cli")
