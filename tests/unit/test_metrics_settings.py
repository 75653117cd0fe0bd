"""METRICS_ALLOW and METRICS_TOKEN: who may scrape /metrics (web/metrics.py)."""

from ipaddress import ip_network

import pytest

from reminders.settings import Settings, SettingsError


def test_only_loopback_may_scrape_by_default_and_there_is_no_token():
    settings = Settings.from_env({})
    assert settings.metrics_allow == (ip_network("127.0.0.1/32"), ip_network("::1/128"))
    assert settings.metrics_token == ""


def test_addresses_and_ranges_are_read_comma_separated():
    allow = Settings.from_env({"METRICS_ALLOW": " 10.0.0.0/8,192.0.2.7 ,, fd00::/8"}).metrics_allow
    assert allow == (ip_network("10.0.0.0/8"), ip_network("192.0.2.7/32"), ip_network("fd00::/8"))


def test_none_leaves_the_token_as_the_only_way_in():
    assert Settings.from_env({"METRICS_ALLOW": "none"}).metrics_allow == ()


@pytest.mark.parametrize("raw", ["localhost", "10.0.0.1/8", "300.1.2.3", "10.0.0.0/33"])
def test_a_bad_entry_fails_loudly_naming_the_variable_and_the_entry(raw):
    with pytest.raises(SettingsError, match=f"^METRICS_ALLOW: '{raw}' is not"):
        Settings.from_env({"METRICS_ALLOW": f"127.0.0.1,{raw}"})


def test_the_token_is_read_and_not_shown_in_repr():
    settings = Settings.from_env({"METRICS_TOKEN": " s3cret-scrape "})
    assert settings.metrics_token == "s3cret-scrape"
    assert "s3cret" not in repr(settings)
