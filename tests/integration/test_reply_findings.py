"""Every finding of a reply acted on, stored and shown, on SQLite and PostgreSQL: a stop
request with a symptom, START closing the opt-out flag, findings in `show --json` and on
the pages, and staff readings round-tripped into a labelled corpus."""

import json
from datetime import timedelta

from sqlalchemy import select

from reminders import cli
from reminders.core.reply_eval import evaluate, read_corpus
from reminders.core.statuses import FlagStatus, MessageStatus
from reminders.models import Flag, Patient, Reply, ReplyCorrection
from reminders.reports import by_protocol_and_month, outcomes
from tests.integration.helpers import NOW, rows
from tests.integration.texting import answer_of, answers, play_to


def test_a_stop_request_with_a_symptom_is_honoured_and_answered_as_a_red_flag(
        engine, sessions, patient, phone, hip, settings):
    at = play_to(engine, patient, "relief-check-day3")
    response = phone.text("Please stop texting me. I have a fever and my hip is red",
                          at=at + timedelta(hours=1))
    assert answer_of(response) == answers(hip, settings, "red_flag")
    with sessions() as session:
        flags = {f.kind.value: f for f in session.scalars(select(Flag))}
        assert set(flags) == {"red_flag", "opted_out"}
        assert flags["red_flag"].priority.value == "urgent"
        assert "fever" in flags["red_flag"].reason and "redness" in flags["red_flag"].reason
        assert session.scalars(select(Patient)).one().opted_out_at is not None
    statuses = {m.status for m in rows(sessions, patient).values()}
    assert MessageStatus.PENDING not in statuses
    assert rows(sessions, patient)["day10-check"].status == MessageStatus.CANCELLED


def test_each_reply_keeps_its_findings_with_the_words_they_came_from(engine, sessions, patient, phone):
    at = play_to(engine, patient, "day10-check")
    phone.text("Same, maybe a 7. No fever but it's still a bit swollen", at=at + timedelta(hours=1))
    with sessions() as session:
        reply = session.scalars(select(Reply)).one()
        texts = [f["text"] for f in reply.findings]
        kinds = sorted(f.kind.value for f in session.scalars(select(Flag)))
    assert "fever: said no — 'fever'" in texts
    assert any(t.startswith("swelling:") and "swollen" in t for t in texts)
    assert "pain score 7 — '7'" in texts
    assert kinds == ["no_improvement", "red_flag"]
    for f in reply.findings:
        assert reply.body[f["start"]:f["end"]] == f["words"]


def test_start_closes_the_open_opt_out_flag_and_reports_count_the_patient_back_in(
        sessions, patient, phone, settings):
    phone.text("stop texting me", at=NOW + timedelta(minutes=30))
    phone.text("START", at=NOW + timedelta(hours=2))
    with sessions() as session:
        flag = session.scalars(select(Flag)).one()
        assert (flag.kind.value, flag.status) == ("opted_out", FlagStatus.RESOLVED)
        assert "opted back in" in flag.resolution_note
        assert session.scalars(select(Patient)).one().opted_out_at is None
        table = by_protocol_and_month(outcomes(session, settings.clinic_timezone))
    assert table[0]["opted_out"] == 0


def test_show_json_carries_the_findings_of_each_reply(engine, patient, phone, cli_env, capsys):
    at = play_to(engine, patient, "pain-check")
    phone.text("3/10, no redness", at=at + timedelta(minutes=10))
    assert cli.main(["show", str(patient), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    findings = data["replies"][0]["findings"]
    assert [(f["what"], f["value"], f["assertion"]) for f in findings] == [
        ("score", "3", "present"), ("symptom", "redness", "negated")]
    assert findings[1]["text"] == "redness: said no — 'redness'"


def test_staff_readings_become_a_labelled_corpus_the_reader_can_be_measured_on(
        engine, sessions, patient, phone, kim, cli_env, capsys, tmp_path, hip):
    at = play_to(engine, patient, "relief-check-day3")
    phone.text("Ana here, call me at 312-555-0101. it feels off", at=at + timedelta(hours=1))
    phone.text("better", at=at + timedelta(hours=2))
    with sessions() as session:
        first, second = session.scalars(select(Reply).order_by(Reply.id))
    kim.get(f"/enrollments/{patient}")
    # the first was read as a question for review; staff say it was a red flag as well
    response = kim.post(f"/enrollments/{patient}/replies/{first.id}/reading",
                        {"agrees": "no", "flags": ["red_flag", "needs_review"], "note": "fever, Ana says"})
    assert response.status_code == 302
    kim.get(f"/enrollments/{patient}")
    kim.post(f"/enrollments/{patient}/replies/{second.id}/reading", {"agrees": "yes"})
    refused = kim.post(f"/enrollments/{patient}/replies/{second.id}/reading",
                       {"agrees": "no", "score": "11"})
    assert refused.status_code == 302
    elsewhere = kim.post(f"/enrollments/{patient + 1}/replies/{second.id}/reading", {"agrees": "yes"})
    assert elsewhere.status_code == 404  # a reply is read on its own patient's page only
    with sessions() as session:
        readings = list(session.scalars(select(ReplyCorrection).order_by(ReplyCorrection.id)))
    assert [(r.agrees, r.flags, r.by) for r in readings] == [
        (False, ["red_flag", "needs_review"], "kim"), (True, [], "kim")]
    page = kim.get("/reports").get_data(as_text=True)
    assert "Staff checked 2 replies and found the automatic reading right in 1 (50 %)" in page

    out = tmp_path / "labelled.tsv"
    assert cli.main(["export-replies", "--labelled", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Ana" not in text and "312-555-0101" not in text and "Alex here, call me at 555-0100" in text
    rows_ = read_corpus(text)
    assert [(r.step, sorted(r.required), r.opt_out) for r in rows_] == [
        ("relief-check-day3", ["needs_review", "red_flag"], False),
        ("relief-check-day3", [], False)]
    report = evaluate(hip, rows_)
    assert report.tallies["red_flag"].required == 1 and report.tallies["red_flag"].hit == 0
    capsys.readouterr()
    assert cli.main(["eval-replies", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 replies; every expectation held for 1" in printed and "missed red_flag" in printed


def test_resolving_a_flag_can_say_whether_its_reply_was_read_right(engine, sessions, patient, phone, kim):
    at = play_to(engine, patient, "relief-check-day3")
    phone.text("worse", at=at + timedelta(hours=1))
    phone.text("4-6", at=at + timedelta(hours=2))
    with sessions() as session:
        flags = {f.kind.value: f for f in session.scalars(select(Flag))}
    kim.get("/flags")
    right = kim.post(f"/flags/{flags['worsening'].id}/resolve",
                     {"note": "called, expected flare", "reading": "right"})
    assert right.status_code == 302 and right.location.endswith(f"#flag-{flags['worsening'].id}")
    kim.get("/flags")
    wrong = kim.post(f"/flags/{flags['needs_review'].id}/resolve",
                     {"note": "called: it is a 5", "reading": "wrong"})
    reply_id = flags["needs_review"].reply_id
    assert wrong.location.endswith(f"/enrollments/{patient}?read={reply_id}#reading-{reply_id}")
    with sessions() as session:
        readings = list(session.scalars(select(ReplyCorrection)))
        statuses = {f.kind.value: f.status for f in session.scalars(select(Flag))}
    # the right one is recorded at once (with the flag it raised); the wrong one is
    # recorded on the patient page, where the form opens
    assert [(r.reply_id, r.agrees, r.flags) for r in readings] == [
        (flags["worsening"].reply_id, True, ["worsening"])]
    assert statuses == {"worsening": FlagStatus.RESOLVED, "needs_review": FlagStatus.RESOLVED}
    page = kim.get(wrong.location.split("#")[0]).get_data(as_text=True)
    assert f'<details id="reading-{reply_id}" open>' in page
