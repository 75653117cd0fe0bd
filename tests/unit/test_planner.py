"""The planner against the brief's §3 rules: local days, DST, quiet hours, lateness."""

import copy
import dataclasses
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reminders.core.localtime import QuietHours
from reminders.core.planner import EXPIRED, PLANNED, Facts, nominal_time, plan
from reminders.core.protocol import Step, Timing
from reminders.core.protocol_loader import load_protocols
from tests.conftest import utc

NY = ZoneInfo("America/New_York")
CHI = ZoneInfo("America/Chicago")
DAY_STEPS = ["glucose-day1", "ice-day2", "ice-day3", "relief-check-day3", "relief-check-day5",
             "activity-day7", "pt-reminder", "day10-check", "activity-day14"]


def local(instant: datetime, tz=NY) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


@pytest.fixture(scope="module")
def ctx(settings):
    return {**settings.placeholders, "first_name": "Alex"}


def by_step(texts):
    return {t.step: t for t in texts}


def run(hip, ctx, injected, now=None, tz=NY, **facts):
    return by_step(plan(hip, Facts(injected_at=injected, timezone=tz, **facts),
                        now or injected + timedelta(minutes=10), ctx))


def test_day_n_texts_keep_their_wall_clock_time_across_spring_forward(hip, ctx):
    # Injected Saturday 2026-03-07 17:30 EST; clocks go forward that night.
    texts = run(hip, ctx, utc(2026, 3, 7, 22, 30))
    assert local(texts["ice-day2"].send_at) == "2026-03-09 10:00 EDT"
    assert local(texts["day10-check"].send_at) == "2026-03-17 10:00 EDT"
    assert local(texts["relief-check-day3"].send_at) == "2026-03-10 12:00 EDT"
    # elapsed steps stay elapsed: pain-check is one real hour after the injection
    assert texts["pain-check"].send_at == utc(2026, 3, 7, 23, 30)


def test_day_n_texts_keep_their_wall_clock_time_across_fall_back(hip, ctx):
    # Injected Saturday 2026-10-31 17:30 EDT; clocks go back that night.
    texts = run(hip, ctx, utc(2026, 10, 31, 21, 30), diabetic=True)
    assert local(texts["glucose-day1"].send_at) == "2026-11-01 09:30 EST"
    assert local(texts["ice-day2"].send_at) == "2026-11-02 10:00 EST"
    assert local(texts["day10-check"].send_at) == "2026-11-10 10:00 EST"


def test_a_non_existent_local_time_moves_to_the_first_valid_instant(hip, ctx):
    # A step at 02:30 on day 1 after an injection on 2026-03-07: 02:30 does not exist then.
    night = dataclasses.replace(hip.step("ice-day2"), timing=Timing(day=1, at=time(2, 30)))
    facts = Facts(injected_at=utc(2026, 3, 7, 15, 0), timezone=NY)
    assert local(nominal_time(night, facts)) == "2026-03-08 03:00 EDT"
    always_open = dataclasses.replace(hip, quiet_hours=QuietHours(time(0), time(23, 59)),
                                      steps=(hip.step("welcome"), night))
    texts = by_step(plan(always_open, facts, utc(2026, 3, 7, 15, 5), ctx))
    assert local(texts["ice-day2"].send_at) == "2026-03-08 03:00 EDT"


def test_a_text_due_before_the_window_opens_moves_to_the_opening(hip, ctx):
    texts = run(hip, ctx, utc(2026, 6, 1, 11, 30))  # 07:30 EDT
    welcome = texts["welcome"]
    assert (welcome.status, local(welcome.send_at)) == (PLANNED, "2026-06-01 09:00 EDT")
    assert welcome.reason == "moved out of quiet hours: would have gone Mon 1 Jun, 07:40 EDT"


def test_a_text_due_after_the_window_closes_expires_when_the_next_opening_is_too_late(hip, ctx):
    texts = run(hip, ctx, utc(2026, 6, 1, 23, 30))  # 19:30 EDT; pain-check due 20:30
    assert texts["welcome"].status == PLANNED
    check = texts["pain-check"]
    assert check.status == EXPIRED
    assert check.reason == ("not sent: quiet hours until Tue 2 Jun, 09:00 EDT, and it is worth "
                            "sending only until Mon 1 Jun, 22:30 EDT")


def test_a_text_due_after_closing_moves_to_next_morning_when_still_current(hip, ctx):
    # resume-pain-medicine: due 6h after a 13:30 injection = 19:30 → inside; after 14:30
    # it is due 20:30, closed, and its 4h expiry (00:30) is before 09:00: expired.
    assert run(hip, ctx, utc(2026, 6, 1, 17, 30))["resume-pain-medicine"].status == PLANNED
    assert run(hip, ctx, utc(2026, 6, 1, 18, 30))["resume-pain-medicine"].status == EXPIRED
    # activity-day7 (11:00, current for 1 day) planned late on day 7 at 21:00 → next 09:00
    texts = run(hip, ctx, utc(2026, 6, 1, 14), now=utc(2026, 6, 9, 1, 0))
    assert local(texts["activity-day7"].send_at) == "2026-06-09 09:00 EDT"


def test_quiet_hours_window_edges_start_is_open_end_is_closed(hip, ctx):
    opening = utc(2026, 6, 1, 13, 0)  # 09:00 EDT
    at_start = run(hip, ctx, opening, now=opening)["welcome"]
    assert (at_start.send_at, at_start.reason) == (opening, "")
    closing = utc(2026, 6, 2, 0, 0)  # 20:00 EDT: closed
    at_end = run(hip, ctx, closing, now=closing)["welcome"]
    # closed at 20:00; next opening 09:00 is past the welcome's 6h life: not sent
    assert at_end.status == EXPIRED and at_end.reason.startswith("not sent: quiet hours")


def test_late_enrolment_two_hours_after_sends_what_is_current_now(hip, ctx):
    injected = utc(2026, 6, 1, 14, 0)  # 10:00 EDT
    texts = run(hip, ctx, injected, now=injected + timedelta(hours=2))
    assert texts["welcome"].status == PLANNED and texts["pain-check"].status == PLANNED
    assert texts["welcome"].send_at == injected + timedelta(hours=2)
    assert texts["pain-check"].reason == (
        "sent now: enrolled after it was due (Mon 1 Jun, 11:00 EDT)")
    assert "intro" not in texts


def test_late_enrolment_three_days_after_expires_stale_advice_and_introduces_the_clinic(hip, ctx):
    injected = utc(2026, 6, 1, 14, 0)
    now = utc(2026, 6, 4, 15, 0)  # day 3, 11:00 EDT
    texts = run(hip, ctx, injected, now=now)
    for step in ("welcome", "pain-check", "resume-pain-medicine", "ice-day2"):
        assert texts[step].status == EXPIRED, step
        assert texts[step].reason.startswith("already past: was due"), step
        assert texts[step].reason.endswith("not sent"), step
    assert texts["ice-day3"].status == PLANNED and texts["ice-day3"].send_at == now
    assert texts["intro"].status == PLANNED and texts["intro"].send_at == now
    ordered = plan(hip, Facts(injected_at=injected, timezone=NY), now, ctx)
    assert [t.step for t in ordered if t.status == PLANNED][:2] == ["intro", "ice-day3"]
    assert all(t.send_at >= now for t in ordered if t.status == PLANNED)


def test_late_enrolment_nine_days_after_sends_only_day_10_onwards(hip, ctx):
    injected = utc(2026, 6, 1, 14, 0)
    texts = run(hip, ctx, injected, now=utc(2026, 6, 10, 14, 0), pt_referral=True)
    planned = sorted(s for s, t in texts.items() if t.status == PLANNED)
    assert planned == ["activity-day14", "day10-check", "intro", "pt-reminder"]


def test_conditional_steps_follow_the_enrolment_facts(hip, ctx):
    injected = utc(2026, 6, 1, 14, 0)
    plain = run(hip, ctx, injected)
    assert "glucose-day1" not in plain and "pt-reminder" not in plain
    both = run(hip, ctx, injected, diabetic=True, pt_referral=True)
    assert both["glucose-day1"].status == PLANNED and both["pt-reminder"].status == PLANNED


def test_spanish_texts_are_used_and_a_missing_translation_falls_back_to_english(
        hip, ctx, schedules_data, settings):
    texts = run(hip, ctx, utc(2026, 6, 1, 14, 0), language="es")
    assert texts["welcome"].language == "es" and "Hola Alex" in texts["welcome"].text
    assert texts["welcome"].encoding == "UCS-2"
    data = copy.deepcopy(schedules_data)
    del data["protocols"]["hip-joint-injection"]["steps"][4]["text"]["es"]
    partial = load_protocols(data, settings.placeholders).get("hip-joint-injection")
    texts = run(partial, ctx, utc(2026, 6, 1, 14, 0), language="es")
    assert texts["ice-day2"].language == "en" and texts["ice-day2"].text.startswith(
        "Example Pain Clinic: Some extra pain")
    assert texts["ice-day3"].language == "es"


def test_texts_carry_no_surname_or_unrendered_placeholder(hip, ctx):
    for text in plan(hip, Facts(injected_at=utc(2026, 6, 1, 14), timezone=NY, diabetic=True,
                                pt_referral=True), utc(2026, 6, 1, 14, 5), ctx):
        assert "{" not in text.text and "}" not in text.text


ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zone=st.sampled_from(ZONES),
       injected=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31),
                             timezones=st.just(UTC)),
       delay=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12)),
       diabetic=st.booleans(), pt_referral=st.booleans(), language=st.sampled_from(["en", "es"]))
def test_no_text_outside_quiet_hours_or_after_expiry_and_day_n_on_its_date(
        hip, ctx, zone, injected, delay, diabetic, pt_referral, language):
    tz = ZoneInfo(zone)
    now = injected + delay
    facts = Facts(injected_at=injected, timezone=tz, language=language, diabetic=diabetic,
                  pt_referral=pt_referral)
    for text in plan(hip, facts, now, ctx):
        if text.status != PLANNED:
            continue
        assert hip.quiet_hours.contains(text.send_at, tz), (text.step, text.send_at)
        assert now <= text.send_at < text.expires_at
        if text.step in DAY_STEPS:
            step = hip.step(text.step)
            due = nominal_time(step, facts)
            assert due.astimezone(tz).date() == (injected.astimezone(tz).date()
                                                 + timedelta(days=step.timing.day))
            if due >= now:  # on time: sent on that date at its wall-clock time (or the first
                # valid instant after it, in the rare zone where that time does not exist)
                assert text.send_at == due
                assert text.send_at.astimezone(tz).date() == due.astimezone(tz).date()


def test_step_model_is_frozen(hip):
    with pytest.raises(dataclasses.FrozenInstanceError):
        hip.steps[0].id = "x"  # type: ignore[misc]
    assert isinstance(hip.steps[0], Step)


def test_an_enrolment_made_just_after_the_injection_is_on_time_not_late(hip, ctx):
    # The staff form's time is to the minute: the welcome is "due" seconds before now.
    injected = utc(2026, 6, 1, 14, 0)
    texts = run(hip, ctx, injected, now=injected + timedelta(minutes=4, seconds=40))
    assert (texts["welcome"].status, texts["welcome"].reason) == (PLANNED, "")
    assert all("enrolled after" not in t.reason for t in texts.values())


def test_a_text_due_over_half_an_hour_before_the_enrolment_says_it_is_sent_late(hip, ctx):
    injected = utc(2026, 6, 1, 14, 0)  # 10:00 EDT
    texts = run(hip, ctx, injected, now=injected + timedelta(minutes=31))
    assert texts["welcome"].reason == "sent now: enrolled after it was due (Mon 1 Jun, 10:00 EDT)"
