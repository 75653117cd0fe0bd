import pytest

from reminders.settings import Settings, SettingsError


def test_defaults_run_on_sqlite_with_the_console_transport():
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.sms_transport == "console"


def test_twilio_credentials_choose_twilio_and_then_require_real_clinic_details():
    env = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "secret"}
    with pytest.raises(SettingsError, match=r"^CLINIC_NAME: required"):
        Settings.from_env(env)


TWILIO_READY = {"SMS_TRANSPORT": "twilio", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
                "TWILIO_AUTH_TOKEN": "secret", "TWILIO_FROM_NUMBER": "+13125550100",
                "CLINIC_NAME": "Example Pain Clinic", "CLINIC_PHONE": "(312) 555-0100",
                "AFTER_HOURS_PHONE": "(312) 555-0199", "PUBLIC_BASE_URL": "https://clinic.example"}


def test_twilio_mode_refuses_to_start_without_a_secret_key():
    with pytest.raises(SettingsError, match=r"^SECRET_KEY: required with SMS_TRANSPORT=twilio"):
        Settings.from_env(TWILIO_READY)
    settings = Settings.from_env({**TWILIO_READY, "SECRET_KEY": "k" * 64})
    assert (settings.sms_transport, settings.secret_key) == ("twilio", "k" * 64)


@pytest.mark.parametrize(("env", "variable"), [
    ({"SEND_RATE": "fast"}, "SEND_RATE"),
    ({"SEND_CONCURRENCY": "0"}, "SEND_CONCURRENCY"),
    ({"SMS_TRANSPORT": "pigeon"}, "SMS_TRANSPORT"),
    ({"CLINIC_TIMEZONE": "Mars/Base"}, "CLINIC_TIMEZONE"),
    ({"CLINIC_TIMEZONE": "US/Central"}, "CLINIC_TIMEZONE"),
    ({"CLINIC_TIMEZONE": "CST6CDT"}, "CLINIC_TIMEZONE"),
    ({"INBOUND_NUMBERS": "+13125550199, 312-555-0198"}, "INBOUND_NUMBERS"),
    ({"BUSINESS_HOURS": "8-5"}, "BUSINESS_HOURS"),
    ({"BUSINESS_DAYS": "weekdays"}, "BUSINESS_DAYS"),
    ({"ACK_DEADLINES": "urgent=now"}, "ACK_DEADLINES"),
    ({"REPLY_MAX_ATTEMPTS": "0"}, "REPLY_MAX_ATTEMPTS"),
    ({"MEDIA_MAX_BYTES": "5MB"}, "MEDIA_MAX_BYTES"),
    ({"MEDIA_MAX_BYTES": "10"}, "MEDIA_MAX_BYTES"),
    ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES"),
    ({"TRUSTED_PROXIES": "nginx"}, "TRUSTED_PROXIES"),
    ({"REQUIRE_ADMIN_TOTP": "maybe"}, "REQUIRE_ADMIN_TOTP"),
])
def test_a_bad_value_fails_loudly_naming_the_variable(env, variable):
    with pytest.raises(SettingsError, match=f"^{variable}: "):
        Settings.from_env(env)


def test_trusted_proxies_and_the_admin_second_factor_are_read():
    read = Settings.from_env({"TRUSTED_PROXIES": "1", "REQUIRE_ADMIN_TOTP": "true"})
    assert read.trusted_proxies == 1 and read.require_admin_totp is True
    assert Settings.from_env({}).trusted_proxies == 0
    assert Settings.from_env({"REQUIRE_ADMIN_TOTP": "off"}).require_admin_totp is False


def test_the_auth_token_is_not_shown_in_repr():
    assert "hunter2" not in repr(Settings(twilio_auth_token="hunter2"))


def test_the_numbers_patients_text_default_to_the_from_number():
    assert Settings.from_env({}).inbound_numbers == ()
    assert Settings.from_env({"TWILIO_FROM_NUMBER": "+13125550199"}).inbound_numbers == (
        "+13125550199",)
    assert Settings.from_env({"TWILIO_FROM_NUMBER": "+13125550199",
                              "INBOUND_NUMBERS": "+13125550198, +13125550197"}
                             ).inbound_numbers == ("+13125550198", "+13125550197")


def test_replies_are_tried_five_times_unless_told_otherwise():
    assert Settings.from_env({}).reply_max_attempts == 5
    assert Settings.from_env({"REPLY_MAX_ATTEMPTS": "3"}).reply_max_attempts == 3


def test_pictures_are_limited_to_5_mb_unless_set():
    assert Settings.from_env({}).media_max_bytes == 5 * 1024 * 1024
    assert Settings.from_env({"MEDIA_MAX_BYTES": "1048576"}).media_max_bytes == 1048576


def test_pages_wait_fifteen_minutes_for_an_ack_and_the_notice_url_needs_its_secret():
    assert Settings.from_env({}).page_ack_minutes == 15
    assert Settings.from_env({"PAGE_ACK_MINUTES": "5"}).page_ack_minutes == 5
    with pytest.raises(SettingsError, match="PAGE_ACK_MINUTES"):
        Settings.from_env({"PAGE_ACK_MINUTES": "0"})
    with pytest.raises(SettingsError, match="PAGE_WEBHOOK_SECRET"):
        Settings.from_env({"PAGE_WEBHOOK_URL": "https://chat.example/hooks/pages"})
    with pytest.raises(SettingsError, match="PAGE_WEBHOOK_URL"):
        Settings.from_env({"PAGE_WEBHOOK_URL": "chat.example", "PAGE_WEBHOOK_SECRET": "s"})
    current = Settings.from_env({"PAGE_WEBHOOK_URL": "https://chat.example/hooks/pages",
                                 "PAGE_WEBHOOK_SECRET": "s3cret"})
    assert current.page_webhook_url == "https://chat.example/hooks/pages"
    assert "s3cret" not in repr(current)


def test_a_fixed_offset_clinic_zone_is_refused_at_start_naming_the_zone_to_use():
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"CLINIC_TIMEZONE": "EST"})
    assert str(info.value) == ("CLINIC_TIMEZONE: EST is a fixed offset (UTC-05:00) with no "
                               "daylight saving; use America/New_York")
