"""The command line's small conveniences: --version, the `enrol` spelling, a closed pipe."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

import pytest

from reminders.cli import DISTRIBUTION, EXIT_CLOSED_PIPE, main


def reminders(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reminders", *argv], text=True,
                          check=False, **kwargs)


def test_version_prints_the_installed_package_version():
    result = reminders("--version", capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"reminders {version(DISTRIBUTION)}"


def test_enrol_is_the_same_command_as_enroll_and_help_shows_it(cli_env, capsys):
    injected = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    code = main(["enrol", "--first-name", "Ana", "--phone", "(312) 555-0101",
                 "--injected-at", injected, "--consent-by", "Nurse Kim", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    eid = json.loads(out)["enrollment_id"]
    assert main(["show", str(eid), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "active"
    result = reminders("--help", capture_output=True)
    assert "enroll (enrol)" in result.stdout


@pytest.mark.parametrize(("argv", "code"), [
    (["list", "--json"], EXIT_CLOSED_PIPE),
    (["list"], EXIT_CLOSED_PIPE),
    (["check-schedules"], EXIT_CLOSED_PIPE),
    (["simulate", "--injected-at", "2026-06-01T10:30", "--timezone", "America/Chicago"],
     EXIT_CLOSED_PIPE),
    # argparse itself ignores a failed write of its help and version texts: they end 0
    (["--help"], 0),
    (["--version"], 0),
])
def test_a_reader_that_closed_the_pipe_ends_the_command_quietly(cli_env, argv, code):
    # A real pipe whose reading end is closed before the command writes: its first write
    # (or the flush at exit) fails with EPIPE, whatever the size of the output.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = reminders(*argv, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.stderr == ""  # no traceback, no "Exception ignored" line
    assert result.returncode == code
    assert EXIT_CLOSED_PIPE == 141  # 128 + SIGPIPE, as `yes | head -1` ends


def test_list_json_piped_to_head_prints_one_line_and_no_traceback(cli_env, capsys):
    injected = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    for n, name in enumerate(("Ana", "Bo", "Cy"), start=1):
        code = main(["enrol", "--first-name", name, "--phone", f"(312) 555-010{n}",
                     "--injected-at", injected, "--consent-by", "Nurse Kim"])
        assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    # `reminders list --json | head -1` as a shell runs it; whether the pipe is closed
    # before the command's last write depends on timing, so either ending is right, and
    # neither may print a traceback
    result = subprocess.run(f"'{sys.executable}' -m reminders list --json | head -1; "
                            "echo \"status=${PIPESTATUS[0]}\" >&2",
                            shell=True, executable="/bin/bash", capture_output=True,
                            text=True, check=False)
    assert result.stdout == "[\n"
    assert result.stderr.strip() in ("status=0", "status=141")
