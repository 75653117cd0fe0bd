"""The `reminders` command line: JSON shapes of the brief §5, errors that name the field."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from reminders.cli import main
from reminders.settings import PROJECT_ROOT
from tests.integration.processes import midday_zone

TEXT_KEYS = {"id", "step", "status", "send_at", "local_send_at", "expires_at", "reason",
             "language", "text", "segments", "encoding", "provider_sid"}
STEP_IDS = ("welcome", "pain-check", "resume-pain-medicine", "glucose-day1", "ice-day2",
            "ice-day3", "relief-check-day3", "relief-check-day5", "activity-day7",
            "pt-reminder", "day10-check", "activity-day14")
ENROLLMENT_KEYS = {"enrollment_id", "patient_id", "status", "protocol", "injected_at",
                   "timezone", "messages"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def recent(minutes: int = 20) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def test_check_schedules_prints_a_table_and_passes(cli_env, capsys):
    code, out, err = run(capsys, "check-schedules")
    assert code == 0, err
    assert "day10-check" in out and "2/2 GSM-7" in out and "UCS-2" in out
    assert out.rstrip().endswith("OK (12 texts checked)")


def test_check_schedules_fails_with_one_line_per_mistake(cli_env, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (PROJECT_ROOT / "schedules.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('time: "12:00"', 'time: "25:00"').replace("expires: 6h", "expires: soon"))
    code, out, err = run(capsys, "check-schedules", "--file", str(bad))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    p = "error: protocols.hip-joint-injection.steps"
    assert lines == [
        f"{p}[0].expires: 'soon' is not a duration (use forms like 30m, 2h, 1h30m, 3d)",
        f"{p}[6].at.time: '25:00' is not a time (use HH:MM, 24-hour clock)",
        f"{p}[6].expires: 'soon' is not a duration (use forms like 30m, 2h, 1h30m, 3d)",
        f"{p}[7].at.time: '25:00' is not a time (use HH:MM, 24-hour clock)",
        f"{p}[7].expires: 'soon' is not a duration (use forms like 30m, 2h, 1h30m, 3d)",
    ]


def test_plan_is_a_dry_run_with_the_text_shape(cli_env, capsys, tmp_path):
    cli_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    code, out, err = run(capsys, "plan", "--injected-at", "2026-03-07T17:30", "--timezone",
                         "America/New_York", "--now", "2026-03-07T17:45", "--language", "es",
                         "--json")
    assert code == 0, err
    texts = json.loads(out)
    assert all(set(t) == TEXT_KEYS | {"title"} for t in texts)  # §5: keys may be added
    assert {t["status"] for t in texts} == {"planned", "expired"}
    by_step = {t["step"]: t for t in texts}
    assert by_step["ice-day2"]["local_send_at"] == "2026-03-09T10:00:00-04:00"
    assert by_step["ice-day2"]["send_at"] == "2026-03-09T14:00:00+00:00"
    assert by_step["welcome"]["language"] == "es" and by_step["welcome"]["encoding"] == "UCS-2"
    assert by_step["day10-check"]["title"] == "Day 10 check"  # ids stay; a title is added
    assert not (tmp_path / "never.db").exists()


def test_plan_table_shows_titles_and_costs_not_step_ids(cli_env, capsys, tmp_path):
    cli_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    code, out, err = run(capsys, "plan", "--injected-at", "2026-03-07T17:30", "--timezone",
                         "America/New_York", "--now", "2026-03-07T17:45")
    assert code == 0, err
    assert "Welcome and today's instructions" in out and "Day 10 check" in out
    assert "2 texts' worth (GSM-7)" in out and "late enrolment" not in out
    assert not any(step in out for step in STEP_IDS), out


def test_enroll_show_list_reschedule_cancel_round_trip(cli_env, capsys):
    code, out, err = run(capsys, "enroll", "--first-name", "Ana", "--phone", "(312) 555-0101",
                         "--injected-at", recent(), "--consent-by", "Nurse Kim",
                         "--timezone", "America/Chicago", "--baseline-pain", "7", "--json")
    assert code == 0, err
    enrolled = json.loads(out)
    assert set(enrolled) >= ENROLLMENT_KEYS and enrolled["status"] == "active"
    assert all(set(m) >= TEXT_KEYS for m in enrolled["messages"])
    eid = str(enrolled["enrollment_id"])

    code, out, _ = run(capsys, "show", eid, "--json")
    assert json.loads(out)["enrollment_id"] == enrolled["enrollment_id"]
    code, out, _ = run(capsys, "list", "--json")
    [item] = json.loads(out)
    assert item["phone"] == "+13125550101" and "next" in item
    code, out, _ = run(capsys, "list")
    assert "***0101" in out and "+13125550101" not in out
    assert "Hip joint injection (fluoroscopy-guided) aftercare" in out
    assert "hip-joint-injection" not in out  # the protocol by its name, not its slug

    code, out, err = run(capsys, "reschedule", eid, "--injected-at", recent(40), "--json")
    assert code == 0, err
    assert json.loads(out)["injected_at"] != enrolled["injected_at"]

    code, out, err = run(capsys, "show", eid)  # the table: titles, names and costs in words
    assert code == 0, err
    assert "Pain check after the injection" in out and "Day 10 check" in out
    assert "texts in English" in out and "texts' worth (GSM-7)" in out
    assert not any(s in out for s in STEP_IDS), out  # no step id in the table

    code, out, err = run(capsys, "cancel", eid, "--by", "Dr Lee")
    assert code == 0 and "cancelled" in out
    code, out, _ = run(capsys, "show", eid, "--json")
    shown = json.loads(out)
    assert shown["status"] == "cancelled"
    assert {m["status"] for m in shown["messages"]} <= {"cancelled", "expired"}


@pytest.mark.parametrize(("args", "message"), [
    (["--phone", "12"], "error: --phone: '12' is not a valid phone number"),
    (["--timezone", "Mars/Base"], "error: --timezone: 'Mars/Base' is not an IANA time zone"),
    (["--consent-by", " "], "error: --consent-by: is required"),
    (["--baseline-pain", "11"], "error: --baseline-pain: '11' is not a whole number from 0 to 10"),
    (["--injected-at", "2099-01-01T10:00"], "error: --injected-at: "),
])
def test_a_bad_enrolment_names_the_field_and_writes_nothing(cli_env, capsys, args, message):
    base = {"--first-name": "Ana", "--phone": "(312) 555-0101", "--injected-at": recent(),
            "--consent-by": "Nurse Kim"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, out, err = run(capsys, "enroll", *[x for kv in base.items() for x in kv])
    assert code == 2 and out == ""
    assert err.startswith(message)
    assert run(capsys, "list", "--all", "--json")[1].strip() == "[]"


def test_dispatch_once_sends_due_texts_through_the_console(cli_env, capsys):
    code, _, err = run(capsys, "enroll", "--first-name", "Ana", "--phone", "(312) 555-0101",
                       "--injected-at", recent(20), "--timezone", midday_zone(),
                       "--consent-by", "Nurse Kim")
    assert code == 0, err
    code, out, err = run(capsys, "dispatch", "--once", "--json")
    assert code == 0, err
    body, counts = out.split("\n{", 1)
    assert json.loads("{" + counts) == {"sent": 1, "expired": 0, "failed": 0, "retrying": 0,
                                        "unknown": 0, "cancelled": 0, "deferred": 0}
    assert "--- SMS #1 to ***0101 (2 segments)" in body and "Hi Ana" in body
    assert "+13125550101" not in body
    # a simulated clock (console only): 50 minutes on, the pain check is due
    later = (datetime.now(UTC) + timedelta(minutes=50)).isoformat()
    code, out, err = run(capsys, "dispatch", "--once", "--now", later)
    assert code == 0, err
    assert "How bad is your hip pain right now" in out
    assert out.rstrip().endswith("sent=1 expired=0 failed=0 retrying=0 unknown=0 cancelled=0 deferred=0")


def test_dispatch_now_is_refused_without_the_console_transport(cli_env, capsys):
    cli_env.setenv("SMS_TRANSPORT", "twilio")
    for var, value in {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "t",
                       "TWILIO_FROM_NUMBER": "+13125550100", "CLINIC_NAME": "Example Pain Clinic",
                       "CLINIC_PHONE": "(312) 555-0100", "AFTER_HOURS_PHONE": "(312) 555-0199",
                       "PUBLIC_BASE_URL": "https://example.invalid",
                       "SECRET_KEY": "test-" + "k" * 32}.items():
        cli_env.setenv(var, value)
    code, out, err = run(capsys, "dispatch", "--once", "--now", "2026-06-01T11:30")
    assert code == 2 and out == "" and err.startswith("error: --now:")


def test_simulate_prints_the_conversation_day_by_day(cli_env, capsys):
    code, out, err = run(capsys, "simulate", "--injected-at", "2026-06-01T10:30",
                         "--timezone", "America/Chicago", "--diabetic")
    assert code == 0, err
    assert out.startswith("== day 0: Mon 01 Jun 2026 ==")
    assert "== day 1: Tue 02 Jun 2026 ==\n09:30 Blood sugar advice (diabetes) [glucose-day1]: " in out
    assert "10:00 Day 10 check [day10-check]: " in out


def test_python_dash_m_reminders_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "reminders", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "check-schedules" in result.stdout


FLAG_KEYS = {"id", "kind", "priority", "status", "enrollment_id", "message_id", "reply_text",
             "created_at"}


def enrolled(capsys) -> int:
    code, out, err = run(capsys, "enroll", "--first-name", "Ana", "--phone", "(312) 555-0101",
                         "--injected-at", recent(70), "--consent-by", "Nurse Kim",
                         "--baseline-pain", "8", "--json")
    assert code == 0, err
    return json.loads(out)["enrollment_id"]


def test_reply_flags_ack_resolve_and_show(cli_env, capsys):
    enrollment_id = enrolled(capsys)
    code, out, err = run(capsys, "reply", "--from", "(312) 555-0101", "my hip is swollen", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["reply"]["red_flags"] == ["swelling"] and "911" in data["answer"]
    (flag,) = data["flags"]
    assert flag.keys() >= FLAG_KEYS
    assert (flag["kind"], flag["priority"], flag["status"]) == ("red_flag", "urgent", "open")
    assert flag["reply_text"] == "my hip is swollen" and flag["enrollment_id"] == enrollment_id

    code, out, err = run(capsys, "flags", "--json")
    assert [f["id"] for f in json.loads(out)] == [flag["id"]]
    code, out, err = run(capsys, "ack", str(flag["id"]), "--by", "Nurse Kim", "--json")
    assert code == 0 and json.loads(out)["acknowledged_by"] == "Nurse Kim"
    code, out, err = run(capsys, "resolve", str(flag["id"]), "--by", "Dr Lee", "--note",
                         "called: no infection")
    assert code == 0 and out.strip() == f"flag {flag['id']} resolved by Dr Lee"
    code, out, err = run(capsys, "flags", "--json")
    assert json.loads(out) == []
    code, out, err = run(capsys, "flags", "--all", "--json")
    (done,) = json.loads(out)
    assert (done["status"], done["resolution_note"]) == ("resolved", "called: no infection")

    code, out, err = run(capsys, "show", str(enrollment_id), "--json")
    shown = json.loads(out)
    assert ENROLLMENT_KEYS | {"replies", "flags"} <= shown.keys()
    assert [r["text"] for r in shown["replies"]] == ["my hip is swollen"]
    assert [f["id"] for f in shown["flags"]] == [flag["id"]]


def test_flag_commands_name_what_is_wrong(cli_env, capsys):
    enrolled(capsys)
    run(capsys, "reply", "--from", "(312) 555-0101", "hmm")
    code, _, err = run(capsys, "resolve", "1", "--by", "Dr Lee", "--note", " ")
    assert code == 2 and err.startswith("error: --note:")
    code, _, err = run(capsys, "ack", "99", "--by", "Dr Lee")
    assert code == 1 and "no flag 99" in err
    run(capsys, "ack", "1", "--by", "Nurse Kim")
    code, _, err = run(capsys, "ack", "1", "--by", "Dr Lee")
    assert code == 2 and "already acknowledged (by Nurse Kim)" in err
    code, _, err = run(capsys, "reply", "--from", "12", "hi")
    assert code == 2 and err.startswith("error: --from:")


def test_simulate_with_scripted_replies_shows_answers_and_flags(cli_env, capsys):
    code, out, err = run(capsys, "simulate", "--injected-at", "2026-06-01T10:30",
                         "--timezone", "America/Chicago", "--baseline-pain", "8",
                         "--reply", "pain-check=2", "--reply", "day10-check=same")
    assert code == 0, err
    assert "10:05   patient: same" in out
    assert "answer: Example Pain Clinic: Thank you, Alex. As your pain has not improved" in out
    assert "FLAG (high) no_improvement" in out
    assert "no_response" not in out
    code, out, err = run(capsys, "simulate", "--injected-at", "2026-06-01T10:30",
                         "--timezone", "America/Chicago", "--json")
    assert [f["kind"] for f in json.loads(out)["flags"]] == ["no_response"]
    code, out, err = run(capsys, "simulate", "--reply", "day11=better")
    assert code == 2 and err.startswith("error: --reply: 'day11=better'")
