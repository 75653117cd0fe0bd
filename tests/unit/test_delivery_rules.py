import random
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.core.delivery_rules import (
    MAX_ATTEMPTS,
    OUTER_LIMIT,
    Cancel,
    Defer,
    Expire,
    Send,
    SendContext,
    before_send,
    retry_at,
    send_window,
)
from reminders.core.localtime import QuietHours
from tests.conftest import utc

NY = ZoneInfo("America/New_York")
NOON = utc(2026, 6, 1, 16, 0)  # 12:00 EDT


def ctx(**changes) -> SendContext:
    values = dict(enrollment_active=True, opted_out=False, consent_recorded=True,
                  expires_at=NOON + timedelta(hours=6), timezone=NY,
                  quiet_hours=QuietHours(time(9), time(20)))
    return SendContext(**{**values, **changes})


def test_a_current_text_inside_the_window_is_sent():
    assert before_send(ctx(), NOON) == Send()


def test_inactive_enrolment_opt_out_or_missing_consent_cancel_the_text():
    assert isinstance(before_send(ctx(enrollment_active=False), NOON), Cancel)
    assert before_send(ctx(opted_out=True), NOON) == Cancel("patient opted out")
    assert isinstance(before_send(ctx(consent_recorded=False), NOON), Cancel)


def test_a_text_past_its_expiry_is_expired_not_sent():
    assert isinstance(before_send(ctx(expires_at=NOON), NOON), Expire)


def test_outside_quiet_hours_a_text_waits_for_the_opening_or_expires():
    night = utc(2026, 6, 2, 2, 0)  # 22:00 EDT
    decision = before_send(ctx(expires_at=night + timedelta(days=1)), night)
    assert decision == Defer(utc(2026, 6, 2, 13, 0), "quiet hours: held until the window opens")
    assert isinstance(before_send(ctx(expires_at=night + timedelta(hours=3)), night), Expire)


# --- the window: the protocol's quiet hours, staff's override, the outer limit ----------

PROTOCOL = QuietHours(time(9), time(20))
EDT = timedelta(hours=4)  # New York in June: local = UTC - 4 h


def local(day, hour, minute=0):
    """The UTC instant of `hour:minute` New York time on 2026-06-`day`."""
    return utc(2026, 6, day, hour, minute) + EDT


def test_the_window_is_the_protocols_or_with_an_override_08_to_21():
    assert send_window(PROTOCOL) == PROTOCOL
    assert send_window(PROTOCOL, quiet_override=True) == QuietHours(time(8), time(21))
    assert QuietHours(time(8), time(21)) == OUTER_LIMIT


@pytest.mark.parametrize("quiet_override", [False, True])
def test_the_window_is_never_wider_than_08_to_21_whatever_a_protocol_says(quiet_override):
    too_wide = QuietHours(time(6), time(23))
    assert send_window(too_wide, quiet_override=quiet_override) == QuietHours(time(8), time(21))
    night = local(1, 22)
    decision = before_send(ctx(quiet_hours=too_wide, quiet_override=quiet_override,
                               expires_at=night + timedelta(days=1)), night)
    assert isinstance(decision, Defer) and decision.until == local(2, 8)


@pytest.mark.parametrize(("hour", "minute", "plain", "overridden"), [
    (7, 59, local(1, 9), local(1, 8)),  # before 08:00: even an override waits
    (8, 0, local(1, 9), None),  # 08:00 sharp: an override may go
    (8, 30, local(1, 9), None),
    (9, 0, None, None),
    (19, 59, None, None),
    (20, 0, local(2, 9), None),  # the protocol's window has closed; 08:00-21:00 has not
    (20, 59, local(2, 9), None),
    (21, 0, local(2, 9), local(2, 8)),  # 21:00: closed for everything
    (22, 0, local(2, 9), local(2, 8)),
    (23, 59, local(2, 9), local(2, 8)),
])
def test_a_staff_override_opens_08_to_09_and_20_to_21_and_nothing_else(hour, minute, plain,
                                                                        overridden):
    at = local(1, hour, minute)
    for quiet_override, expected in ((False, plain), (True, overridden)):
        decision = before_send(ctx(quiet_override=quiet_override,
                                   expires_at=at + timedelta(days=1)), at)
        if expected is None:
            assert decision == Send(), (hour, minute, quiet_override)
        else:
            assert isinstance(decision, Defer), (hour, minute, quiet_override)
            assert decision.until == expected


def test_an_overridden_text_held_at_night_says_until_08_00_patient_time():
    night = local(1, 22)
    decision = before_send(ctx(quiet_override=True, expires_at=night + timedelta(days=1)), night)
    assert decision == Defer(local(2, 8), "outside 08:00-21:00 patient time: held until 08:00")


def test_the_outer_limit_follows_the_patients_wall_clock_across_a_dst_change():
    # 22:00 EST on Saturday 7 March 2026; clocks go forward that night: 08:00 EDT is 12:00 UTC
    night = utc(2026, 3, 8, 3, 0)
    decision = before_send(ctx(quiet_override=True, expires_at=night + timedelta(days=1)), night)
    assert isinstance(decision, Defer) and decision.until == utc(2026, 3, 8, 12, 0)


def test_an_override_never_revives_a_text_for_an_opted_out_patient_or_past_its_expiry():
    assert before_send(ctx(quiet_override=True, opted_out=True), NOON) == Cancel("patient opted out")
    assert isinstance(before_send(ctx(quiet_override=True, consent_recorded=False), NOON), Cancel)
    night = local(1, 22)
    assert isinstance(before_send(ctx(quiet_override=True, expires_at=night + timedelta(hours=9)),
                                  night), Expire)


def test_retries_back_off_exponentially_with_jitter_and_stop_at_expiry_or_max_attempts():
    rng = random.Random(7)
    far = NOON + timedelta(days=1)
    delays = [retry_at(n, NOON, far, rng) - NOON for n in range(1, MAX_ATTEMPTS)]
    for n, delay in enumerate(delays, start=1):
        full = timedelta(seconds=30) * 2 ** (n - 1)
        assert full / 2 <= delay <= full
    assert retry_at(MAX_ATTEMPTS, NOON, far, rng) is None
    assert retry_at(1, NOON, NOON + timedelta(seconds=10), rng) is None
