import random
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from reminders.core.delivery_rules import (
    MAX_ATTEMPTS,
    Cancel,
    Defer,
    Expire,
    Send,
    SendContext,
    before_send,
    retry_at,
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


def test_retries_back_off_exponentially_with_jitter_and_stop_at_expiry_or_max_attempts():
    rng = random.Random(7)
    far = NOON + timedelta(days=1)
    delays = [retry_at(n, NOON, far, rng) - NOON for n in range(1, MAX_ATTEMPTS)]
    for n, delay in enumerate(delays, start=1):
        full = timedelta(seconds=30) * 2 ** (n - 1)
        assert full / 2 <= delay <= full
    assert retry_at(MAX_ATTEMPTS, NOON, far, rng) is None
    assert retry_at(1, NOON, NOON + timedelta(seconds=10), rng) is None
