"""Logging for the entry points: one handler on the root logger, phone numbers masked.

`configure_logging` replaces `logging.basicConfig`: text (the default) or one JSON object
per line (`LOG_FORMAT=json`, for a log shipper). Every line is masked on the way out,
message, arguments and traceback alike (see reminders/core/redact.py).
Libraries that log patients' numbers at INFO are held at WARNING: the twilio client logs
each request's `To` and its query (a reconciliation lists messages by recipient).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO

from reminders.core.redact import mask_phones
from reminders.settings import LOG_FORMATS

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# One line per tick or per request drowns the useful lines; the twilio client's INFO lines
# carry phone numbers and query strings.
QUIET_LOGGERS = ("apscheduler", "alembic", "waitress.queue", "twilio", "twilio.http_client")
HANDLER_NAME = "reminders"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test's capture, a redirect)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class MaskingFormatter(logging.Formatter):
    """The usual text line (message, arguments, traceback) with phone-shaped text masked.

    Masks at formatting, not in a filter that rewrites the record: the record is shared
    with every other handler (a test's capture, a library's), which should see it as made."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_phones(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, exception;
    each masked before encoding (an escaped line break would hide a number's start)."""

    def format(self, record: logging.LogRecord) -> str:
        exception = self.formatException(record.exc_info) if record.exc_info else None
        if record.stack_info:
            exception = (exception + "\n" if exception else "") + record.stack_info
        return json.dumps({
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name,
            "message": mask_phones(record.getMessage()),
            "exception": mask_phones(exception) if exception else None,
        }, ensure_ascii=False)


def configure_logging(level: str | int = "INFO", fmt: str = "text",
                      stream: IO[str] | None = None) -> logging.Handler:
    """Send every record at `level` and above to `stream` (stderr), masked, as `fmt`.

    Replaces the handlers an earlier call installed, so calling it twice is harmless.
    Returns the handler (tests read what it wrote)."""
    if fmt not in LOG_FORMATS:
        raise ValueError(f"log format {fmt!r} is not one of {LOG_FORMATS}")
    handler: logging.Handler = (logging.StreamHandler(stream) if stream is not None
                                else _CurrentStderr())
    handler.set_name(HANDLER_NAME)  # ours, to replace on a second call
    handler.setFormatter(JsonFormatter() if fmt == "json" else MaskingFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
