"""The operations kit in deploy/: systemd units that systemd itself accepts (or, where
systemd-analyze is missing, that a parser check accepts: never a skip), hardened, running
this project; an environment example and a Caddyfile that agree with them."""

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from dotenv import dotenv_values
from sqlalchemy.engine import make_url

from reminders.settings import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
SERVICES = [name for name in UNITS if name.endswith(".service")]
LONG_RUNNING = ["reminders-web.service", "reminders-worker@.service"]

# The directives these units may use, by section: a typo (which systemd only warns about,
# then ignores, dropping a protection) fails the parser check.
KNOWN = {
    "Unit": {"Description", "Documentation", "Wants", "After", "Requires", "PartOf"},
    "Service": {
        "Type", "User", "Group", "WorkingDirectory", "EnvironmentFile", "Environment",
        "ExecStart", "ExecStartPost", "KillSignal", "TimeoutStopSec", "Restart", "RestartSec",
        "RestartPreventExitStatus", "NoNewPrivileges", "ProtectSystem", "ProtectHome",
        "PrivateTmp", "PrivateDevices", "PrivateNetwork", "StateDirectory",
        "StateDirectoryMode", "ReadWritePaths", "UMask", "CapabilityBoundingSet",
        "AmbientCapabilities", "ProtectKernelTunables", "ProtectKernelModules",
        "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock", "ProtectHostname",
        "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime",
        "RestrictSUIDSGID", "LockPersonality", "SystemCallArchitectures"},
    "Timer": {"OnCalendar", "RandomizedDelaySec", "Persistent"},
    "Install": {"WantedBy"},
}


def parse(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    unit.read(DEPLOY / name, encoding="utf-8")
    return unit


def localised(tmp_path: Path) -> Path:
    """The units with /opt/reminders pointing at this checkout and its interpreter, so
    the commands they run exist here."""
    bin_dir = Path(sys.executable).parent
    for name in UNITS:
        unit = (DEPLOY / name).read_text(encoding="utf-8")
        unit = unit.replace("/opt/reminders/.venv/bin/", f"{bin_dir}/")
        (tmp_path / name).write_text(unit.replace("/opt/reminders", str(PROJECT_ROOT)))
    (tmp_path / "reminders-worker@1.service").symlink_to(tmp_path / "reminders-worker@.service")
    return tmp_path


def parser_check(directory: Path) -> list[str]:
    """What systemd-analyze verify would say, roughly: unknown sections or directives,
    commands that are not absolute paths to executables."""
    problems = []
    for name in UNITS:
        unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
        unit.optionxform = str  # type: ignore[assignment, method-assign]
        unit.read(directory / name, encoding="utf-8")
        for section in unit.sections():
            problems += [f"{name}: unknown [{section}] {key}"
                         for key in unit[section] if key not in KNOWN.get(section, set())]
        for key in ("ExecStart", "ExecStartPost"):
            if unit.has_option("Service", key):
                program = Path(unit["Service"][key].split()[0])
                if not (program.is_absolute() and shutil.which(str(program))):
                    problems.append(f"{name}: {key} runs {program}, not an executable")
    return problems


def test_systemd_accepts_every_unit(tmp_path):
    directory = localised(tmp_path)
    if shutil.which("systemd-analyze") is None:  # no skip: the parser check instead
        assert parser_check(directory) == []
        return
    names = [str(directory / n) for n in UNITS if n != "reminders-worker@.service"]
    result = subprocess.run(["systemd-analyze", "verify", "--man=no",
                             str(directory / "reminders-worker@1.service"), *names],
                            capture_output=True, text=True, timeout=120)
    ours = [line for line in result.stderr.splitlines() if "reminders" in line]
    assert (result.returncode, ours) == (0, [])
    assert parser_check(directory) == []  # and the directives are the ones listed here


def test_the_parser_check_catches_what_systemd_would_only_warn_about(tmp_path):
    directory = localised(tmp_path)
    web = directory / "reminders-web.service"
    web.write_text(web.read_text().replace("NoNewPrivileges=", "NoNewPrivilegs=")
                   .replace(sys.executable, "/nonexistent/python"))
    assert parser_check(directory) == [
        "reminders-web.service: unknown [Service] NoNewPrivilegs",
        "reminders-web.service: ExecStart runs /nonexistent/python, not an executable"]


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_runs_hardened_as_its_own_user(name):
    service = parse(name)["Service"]
    assert service["User"] == "reminders"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ProtectHome"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    assert service["UMask"] == "0077"  # backups and databases hold patient data
    assert service["EnvironmentFile"] == "/etc/reminders/reminders.env"


def test_the_web_app_and_the_workers_run_worker_py_in_their_modes():
    assert parse("reminders-web.service")["Service"]["ExecStart"].endswith("worker.py --web-only")
    assert parse("reminders-worker@.service")["Service"]["ExecStart"].endswith("worker.py --no-web")
    for name in LONG_RUNNING:  # exit 2 is "refusing to start": restarting cannot help
        assert parse(name)["Service"]["RestartPreventExitStatus"] == "2"


def test_the_example_database_is_where_the_services_may_write():
    env = dotenv_values(DEPLOY / "reminders.env.example")
    directory = Path(make_url(env["DATABASE_URL"] or "").database or "").parent
    for name in [*LONG_RUNNING, "reminders-backup.service"]:
        writable = parse(name)["Service"]["ReadWritePaths"].split()
        assert str(directory) in writable, name


def test_the_example_settings_parse_once_the_secrets_are_filled_in():
    env = {k: v or "" for k, v in dotenv_values(DEPLOY / "reminders.env.example").items()}
    blank = sorted(k for k, v in env.items() if not v)
    assert blank == ["INBOUND_NUMBERS", "SECRET_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                     "TWILIO_MESSAGING_SERVICE_SID"]
    env.update(TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_AUTH_TOKEN="t" * 32,
               TWILIO_MESSAGING_SERVICE_SID="MG" + "0" * 32, SECRET_KEY="k" * 64)
    settings = Settings.from_env(env)
    assert (settings.sms_transport, settings.web_host) == ("twilio", "127.0.0.1")
    assert settings.public_base_url.startswith("https://")


def test_the_caddyfile_proxies_to_the_example_address_under_the_public_name():
    env = dotenv_values(DEPLOY / "reminders.env.example")
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(rf"^\s*reverse_proxy {env['WEB_HOST']}:{env['WEB_PORT']}$", caddy, re.M)
    site = urlsplit(env["PUBLIC_BASE_URL"]).hostname
    assert re.search(rf"^{re.escape(site or '-')} {{$", caddy, re.M)
    assert env["TRUSTED_PROXIES"] == "1"
