"""The services holder: what the operations on enrolments, replies and flags need from
the shell (sessions, the protocol file, settings, protocol snapshots), built once by each
entry point (CLI, web app, worker) and passed in. Small on purpose: it holds, it does not act.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from reminders.core.protocol import ProtocolSet
from reminders.protocol_files import ProtocolCache
from reminders.settings import Settings


@dataclass(frozen=True)
class Services:
    sessions: sessionmaker[Session]
    protocols: ProtocolSet  # the current schedules file: new enrolments use it
    settings: Settings
    snapshots: ProtocolCache = field(default_factory=ProtocolCache)  # what enrolments were planned with
