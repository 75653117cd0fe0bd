"""Reading protocols: from the schedules file, or from the snapshot an enrolment keeps.

Short on purpose: the only reader of protocol snapshots, and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from reminders.core.protocol import Protocol, ProtocolSet
from reminders.core.protocol_loader import ProtocolError, load_protocols
from reminders.models import ProtocolVersion


def read_schedules(path: str | Path, placeholders: Mapping[str, str]) -> ProtocolSet:
    """Load and check the schedules file; ProtocolError lists every mistake."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProtocolError([f"{path}: cannot be read ({exc.strerror})"]) from None
    except yaml.YAMLError as exc:
        raise ProtocolError([f"{path}: is not valid YAML: {exc}"]) from None
    return load_protocols(data, placeholders)


def protocol_from_snapshot(protocol_id: str, source: Mapping[str, Any]) -> Protocol:
    """The protocol exactly as an enrolment was planned with it."""
    return load_protocols({"protocols": {protocol_id: source}}, None).get(protocol_id)


class ProtocolCache:
    """Protocol snapshots by digest. A snapshot never changes, so it is read once."""

    def __init__(self):
        self._by_digest: dict[str, Protocol] = {}

    def cached(self, digest: str) -> Protocol | None:
        """The protocol if it has been read already (no session needed)."""
        return self._by_digest.get(digest)

    def get(self, session: Session, digest: str) -> Protocol:
        protocol = self._by_digest.get(digest)
        if protocol is None:
            version = session.get_one(ProtocolVersion, digest)
            protocol = self._by_digest[digest] = protocol_from_snapshot(
                version.protocol_id, version.source)
        return protocol
