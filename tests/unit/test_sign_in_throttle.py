from datetime import UTC, datetime, timedelta

from reminders.core.sign_in_throttle import (
    Counter,
    account_delay,
    address_wait,
    refusal,
    wait,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_the_account_delay_starts_after_three_failures_and_doubles_up_to_fifteen_minutes():
    seconds = [account_delay(n).total_seconds() for n in range(16)]
    assert seconds == [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]
    assert account_delay(10**9) == timedelta(minutes=15)


def test_the_account_delay_holds_only_for_an_address_that_failed_for_it():
    account = Counter(failures=12, last_failure_at=NOW)
    assert wait(account, Counter(), address_failed=False, now=NOW) == timedelta(0)
    assert wait(account, Counter(), address_failed=True, now=NOW) == timedelta(minutes=15)
    assert wait(account, Counter(), True, NOW + timedelta(minutes=15)) == timedelta(0)


def test_ten_failures_in_the_window_refuse_the_address_until_the_window_ends():
    nine = Counter(failures=9, started_at=NOW)
    ten = Counter(failures=10, started_at=NOW)
    assert address_wait(nine, NOW + timedelta(minutes=1)) == timedelta(0)
    assert address_wait(ten, NOW + timedelta(minutes=1)) == timedelta(minutes=14)
    assert address_wait(ten, NOW + timedelta(minutes=15)) == timedelta(0)


def test_the_refusal_names_only_the_wait_rounded_up():
    assert refusal(timedelta(seconds=0.2)) == (
        "Too many failed sign-ins. Wait 1 second and try again.")
    assert "Wait 900 seconds" in refusal(timedelta(minutes=15))
