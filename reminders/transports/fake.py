"""In-memory transport for tests: keeps what it accepted and fails on demand.

Short on purpose: a fake must stay simpler than what it stands for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from reminders.transports.base import OutgoingText, Received, SendResult


@dataclass
class FakeTransport:
    """`fail` may be set to a callable that raises for a given text (or returns None)."""

    name: str = "fake"
    sent: list[OutgoingText] = field(default_factory=list)
    inbox: list[Received] = field(default_factory=list)  # texts patients sent us
    fail: Callable[[OutgoingText], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, text: OutgoingText) -> SendResult:
        if self.fail is not None:
            self.fail(text)
        with self._lock:
            self.sent.append(text)
            return SendResult(provider_sid=f"SMfake{len(self.sent):028d}")

    def received(self, to: str, since: datetime) -> list[Received]:
        with self._lock:
            return sorted((m for m in self.inbox if m.to == to and m.sent_at >= since),
                          key=lambda m: m.sent_at)

    def find(self, to: str, body: str, since: datetime) -> str | None:
        with self._lock:
            for n, sent in enumerate(self.sent, start=1):
                if sent.to == to and sent.body == body:
                    return f"SMfake{n:028d}"
        return None
