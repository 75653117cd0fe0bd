"""A consistent copy of a live SQLite database (`reminders backup FILE`).

Copying the database file alone is unsafe in WAL mode: recent commits live in the -wal
file, and a copy taken mid-write can be torn. SQLite's online backup API copies pages
through a read transaction instead, so the copy is one committed state while workers keep
writing (a WAL reader does not block writers). PostgreSQL has pg_dump for this.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from reminders.db import SQLITE_BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The copy could not be made or failed its check; nothing is left at the target."""


@dataclass(frozen=True)
class Backup:
    target: Path
    pages: int
    page_size: int


def backup_sqlite(source: Path, target: Path) -> Backup:
    """Copy `source` to the new file `target` (mode 0600: it holds patient data), check
    the copy with PRAGMA integrity_check, and only then give it its name."""
    if target.exists():
        raise BackupError(f"{target} already exists: give the copy a new file name")
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    partial = target.with_name(f".{target.name}.partial")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise BackupError(f"{target} cannot be written ({exc.strerror})") from None
    try:
        # read-only: a backup never writes to the live database
        live = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
        copy = sqlite3.connect(partial)
        try:
            live.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            live.backup(copy)  # pages=-1: all in one step, so one snapshot
            # a single self-contained file: no -wal beside it to forget when moving it
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            page_size = copy.execute("PRAGMA page_size").fetchone()[0]
        finally:
            copy.close()
            live.close()
        if problems != ["ok"]:
            raise BackupError("the copy failed PRAGMA integrity_check: " + "; ".join(problems[:5]))
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{source}: {exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Backup(target, pages, page_size)
