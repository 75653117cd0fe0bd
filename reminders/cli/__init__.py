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
from importlib.metadata import PackageNotFoundError, version

from dotenv import find_dotenv, load_dotenv

from reminders.cli import flags, operations, paging, patients, replies, setup, texting
from reminders.cli.common import EXIT_FAILURE, EXIT_INPUT, NAMING, UsageError
from reminders.core.errors import NotFound, ValidationError
from reminders.core.protocol_loader import ProtocolError
from reminders.database_check import DatabaseUnavailable
from reminders.log_setup import configure_logging
from reminders.settings import SettingsError, log_format_from

CLI_LOG_LEVEL = logging.WARNING
# `reminders list | head -1`: the reader went away. 128 + SIGPIPE, what `yes | head -1`
# and other Unix tools end with, so `set -o pipefail` scripts see the same as with them.
EXIT_CLOSED_PIPE = 141
DISTRIBUTION = "aftercare-reminders"  # pyproject.toml's [project] name


def _version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reminders", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text, json_flag=True, aliases=()):
        p = sub.add_parser(name, help=help_text, description=help_text, aliases=list(aliases))
        p.set_defaults(func=func)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

    for group in (setup, patients, texting, flags, replies, paging, operations):
        group.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. A reader that closes the pipe early (`| head`)
    ends the command quietly with EXIT_CLOSED_PIPE, whatever the command was printing."""
    try:
        try:
            code = _run(argv)
        finally:  # --help and --version leave by SystemExit: their text is flushed here too
            sys.stdout.flush()  # a closed pipe often shows only at this flush
    except BrokenPipeError:
        # As the Python docs on SIGPIPE advise: point stdout at devnull so the flush at
        # interpreter exit has nowhere to fail, and print no traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLOSED_PIPE
    return code


def _run(argv: Sequence[str] | None) -> int:
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
