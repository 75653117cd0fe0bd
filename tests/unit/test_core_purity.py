"""`reminders.core` is the pure core, and the transport contract is pure too: they must
import without the shell's libraries.

Each module is imported in a fresh interpreter where importing SQLAlchemy, Flask or twilio
raises, so a core module that needs one of them (directly or through anything it imports)
fails here rather than quietly dragging the database or the web into the core.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import reminders.core

FORBIDDEN = ("sqlalchemy", "flask", "twilio")

_GUARD = """
import importlib, importlib.abc, sys
FORBIDDEN = {forbidden!r}

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"the core imported {{name}}")
        return None

sys.meta_path.insert(0, Refuse())
importlib.import_module({module!r})
leaked = sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
assert not leaked, leaked
"""


def core_modules() -> list[str]:
    found = pkgutil.walk_packages(reminders.core.__path__, prefix="reminders.core.")
    return ["reminders.core", *sorted(m.name for m in found)]


def import_alone(module: str, cwd: Path) -> subprocess.CompletedProcess:
    code = _GUARD.format(forbidden=FORBIDDEN, module=module)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_without_the_shell(module):
    result = import_alone(module, Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr[-2000:]


# A second provider builds on the contract alone; building a transport, which needs the
# settings and the database, is `reminders.wiring`'s job, not the package's.
TRANSPORT_CONTRACT = ["reminders.transports", "reminders.transports.base",
                      "reminders.transports.console", "reminders.transports.fake",
                      "reminders.transports.twilio_codes"]


@pytest.mark.parametrize("module", TRANSPORT_CONTRACT)
def test_the_transport_contract_imports_without_the_shell(module):
    result = import_alone(module, Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_guard_catches_a_core_module_that_needs_the_shell(tmp_path):
    # The guard itself must fail when a module imports a forbidden library; otherwise the
    # test above could pass for the wrong reason.
    (tmp_path / "impure.py").write_text("import sqlalchemy\n")
    result = import_alone("impure", tmp_path)
    assert result.returncode != 0 and "the core imported sqlalchemy" in result.stderr


def test_every_core_module_is_listed():
    names = core_modules()
    assert "reminders.core.statuses" in names and "reminders.core.reading.parser" in names
