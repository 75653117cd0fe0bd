"""The `reminders` command line (also `python -m reminders`).

Settings come from the environment and `.env`. Every command that prints data takes
`--json`; every error goes to stderr with a non-zero exit and names the field. The commands
live in one module per group; this one builds the parser and turns errors into exit codes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from dotenv import find_dotenv, load_dotenv

from reminders.cli import flags, operations, paging, patients, replies, setup, texting
from reminders.cli.common import EXIT_FAILURE, EXIT_INPUT, NAMING, UsageError
from reminders.core.errors import NotFound, ValidationError
from reminders.core.protocol_loader import ProtocolError
from reminders.database_check import DatabaseUnavailable
from reminders.log_setup import configure_logging
from reminders.settings import SettingsError, log_format_from

CLI_LOG_LEVEL = logging.WARNING


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reminders", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text, json_flag=True):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

    for group in (setup, patients, texting, flags, replies, paging, operations):
        group.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv(find_dotenv(usecwd=True))  # the .env where the operator runs the command
    args = build_parser().parse_args(argv)
    try:
        # Commands print what they did; the log says only what went wrong, masked.
        configure_logging(CLI_LOG_LEVEL, log_format_from(os.environ))
        return args.func(args) or 0
    except ValidationError as exc:
        for field, message in exc.errors.items():  # one line each, even if two share a name
            print(f"error: {NAMING.name(field)}: {NAMING.message(message)}", file=sys.stderr)
    except ProtocolError as exc:
        for message in exc.errors:
            print(f"error: {message}", file=sys.stderr)
    except (SettingsError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except DatabaseUnavailable as exc:  # one line, as worker.py says it
        print(f"refusing to start: DATABASE_URL: {exc}", file=sys.stderr)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_INPUT
