"""Commands for whoever runs the service: a consistent backup of a SQLite database, and a
SECRET_KEY kept in .env (`make run` calls ensure-secret-key)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from dotenv import dotenv_values, set_key
from sqlalchemy.engine import make_url

from reminders.backup import BackupError, backup_sqlite
from reminders.cli.common import EXIT_FAILURE, UsageError, emit, settings
from reminders.db import normalise_url

ENV_HEADER = ("# Written by `reminders ensure-secret-key`: signs staff sessions. Keep it secret;\n"
              "# changing it signs everyone out.\n")


def cmd_backup(args) -> int:
    url = make_url(normalise_url(settings().database_url))
    if url.get_backend_name() != "sqlite":
        raise UsageError("backup copies a SQLite database; DATABASE_URL names "
                         f"{url.get_backend_name()}: use pg_dump (docs/operations.md, Backups)")
    database = (url.database or "").removeprefix("file:").split("?", 1)[0]
    if database in ("", ":memory:"):
        raise UsageError("DATABASE_URL: an in-memory database has nothing to back up")
    try:
        done = backup_sqlite(Path(database), Path(args.file))
    except BackupError as exc:
        print(f"error: FILE: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    emit(args, {"file": str(done.target), "bytes": done.pages * done.page_size,
                "integrity_check": "ok"},
         f"{database} copied to {done.target} ({done.pages * done.page_size} bytes); "
         "PRAGMA integrity_check: ok")
    return 0


def ensure_secret_key(env_file: Path) -> bool:
    """Write a new random SECRET_KEY to `env_file` (mode 0600) unless one is set in the
    environment or the file already. Never replaces a key: that would sign everyone out.
    Returns whether it wrote one."""
    if os.environ.get("SECRET_KEY", "").strip():
        return False
    if env_file.exists() and (dotenv_values(env_file).get("SECRET_KEY") or "").strip():
        return False
    key = secrets.token_hex(32)
    if env_file.exists():  # tighten first: set_key keeps the file's mode
        os.chmod(env_file, 0o600)
        set_key(env_file, "SECRET_KEY", key, quote_mode="never")
    else:
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(f"{ENV_HEADER}SECRET_KEY={key}\n")
    return True


def cmd_ensure_secret_key(args) -> int:
    env_file = Path(args.env_file)
    if ensure_secret_key(env_file):
        print(f"SECRET_KEY written to {env_file} (readable by its owner only)")
    else:
        print("SECRET_KEY is already set: kept")
    return 0


def register(command) -> None:
    p = command("backup", cmd_backup, "copy the SQLite database while the service runs, "
                "then check the copy (PostgreSQL: use pg_dump)")
    p.add_argument("file", metavar="FILE", help="the copy: a new file (it holds patient data)")
    p = command("ensure-secret-key", cmd_ensure_secret_key, "write a random SECRET_KEY to "
                ".env unless one is set (never replaces one)", json_flag=False)
    p.add_argument("--env-file", default=".env", help="the file to write (default: .env)")
