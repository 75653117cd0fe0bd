"""`make check-lock` against a copy of the project: it passes on the committed locks and fails,
naming the lock, when pyproject.toml excludes a pinned version. It resolves with uv against
PyPI (as `make test` does); README's Dependencies and locks says how the locks are made."""

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from reminders.settings import PROJECT_ROOT

UV = Path(sys.prefix) / "bin" / "uv"


def pinned(lock: Path, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}==(\S+)", lock.read_text(), re.MULTILINE)
    assert match, f"{name} is not pinned in {lock.name}"
    return match.group(1)


@pytest.fixture
def project(tmp_path):
    """A copy of what `make check-lock` reads, with its .venv stamp made current (so make
    builds no venv) and uv taken from this test's environment."""
    shutil.copy(PROJECT_ROOT / "Makefile", tmp_path)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(PROJECT_ROOT / "requirements", tmp_path / "requirements")
    return tmp_path


def check_lock(project: Path) -> subprocess.CompletedProcess[str]:
    stamp = project / ".venv" / ".installed"
    stamp.parent.mkdir(exist_ok=True)
    stamp.touch()
    later = time.time() + 60
    os.utime(stamp, (later, later))
    # Under `make test` the outer make's flags would leak into this one.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return subprocess.run(["make", "--no-print-directory", "-C", str(project), "check-lock", f"UV={UV}"],
                          capture_output=True, text=True, env=env, timeout=300)


def edit_pyproject(project: Path, old: str, new: str) -> None:
    path = project / "pyproject.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_check_lock_passes_on_the_committed_locks(project):
    result = check_lock(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "agree with pyproject.toml" in result.stdout


@pytest.mark.parametrize(("lock", "requirement"), [
    ("runtime.lock", '"twilio>=9,<10"'),  # a runtime bound
    ("dev.lock", '"hypothesis>=6.100"'),  # a development bound
])
def test_check_lock_fails_when_a_bound_excludes_the_locked_version(project, lock, requirement):
    package = requirement.strip('"').split(">")[0]
    version = pinned(project / "requirements" / lock, package)
    edit_pyproject(project, requirement, f'{requirement[:-1]},!={version}"')
    result = check_lock(project)
    assert result.returncode != 0
    assert f"requirements/{lock} disagrees with pyproject.toml: run make lock" in result.stderr
    assert f"-{package}=={version}" in result.stdout


def test_the_locks_hold_the_build_backend_that_pyproject_names():
    """The Makefile installs the project with --no-build-isolation, so the backend must come
    from the locks: requirements/build.in repeats [build-system] requires."""
    build_system = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["build-system"]
    build_in = [line.strip() for line in (PROJECT_ROOT / "requirements" / "build.in").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert sorted(map(str, map(Requirement, build_in))) == sorted(
        map(str, map(Requirement, build_system["requires"])))
    for lock in ("runtime.lock", "dev.lock"):
        for requirement in map(Requirement, build_in):
            assert requirement.specifier.contains(pinned(PROJECT_ROOT / "requirements" / lock,
                                                         requirement.name))
