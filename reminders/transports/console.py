"""Console transport: prints each text instead of sending it (for `make run` without Twilio).

It prints the body on purpose (that is its job on a developer's machine) but never the
full number; it is never chosen when Twilio credentials are set.

Short on purpose: a stand-in for a provider on a developer's machine.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime
from typing import TextIO

from reminders.transports.base import OutgoingText, Received, SendResult, mask_phone


class ConsoleTransport:
    name = "console"

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream

    def send(self, text: OutgoingText) -> SendResult:
        stream = self._stream or sys.stdout
        sid = f"CONSOLE{uuid.uuid4().hex[:26]}"
        print(f"--- SMS #{text.message_id} to {mask_phone(text.to)} "
              f"({text.segments} segment{'s' if text.segments != 1 else ''})\n{text.body}",
              file=stream, flush=True)
        return SendResult(provider_sid=sid)

    def received(self, to: str, since: datetime) -> list[Received]:
        return []  # nobody can text a console

    def find(self, to: str, body: str, since: datetime) -> str | None:
        # Nothing is kept: a text whose printing was interrupted is printed again.
        return None
