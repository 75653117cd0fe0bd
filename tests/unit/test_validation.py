from datetime import timedelta

import pytest

from reminders.core.errors import ValidationError
from reminders.core.validation import EnrollmentInput, validate
from tests.conftest import utc

NOW = utc(2026, 6, 1, 16, 0)  # 11:00 CDT


def form(**changes) -> EnrollmentInput:
    values = dict(first_name="Ana", phone="(312) 555-0101", injected_at="2026-06-01T10:30",
                  protocol="hip-joint-injection", consent_by="Nurse Kim",
                  timezone="America/Chicago")
    return EnrollmentInput(**{**values, **changes})


def errors(protocols, **changes) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        validate(form(**changes), protocols, clinic_timezone="America/Chicago",
                 default_region="US", now=NOW)
    return info.value.errors


def test_a_good_form_gives_e164_and_reads_a_bare_time_in_the_patients_zone(protocols):
    valid = validate(form(), protocols, clinic_timezone="America/Chicago",
                     default_region="US", now=NOW)
    assert valid.phone == "+13125550101"
    assert valid.injected_at == utc(2026, 6, 1, 15, 30)  # 10:30 CDT
    assert valid.timezone.key == "America/Chicago"


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"phone": "12"}, "phone", "not a valid phone number"),
    ({"phone": "call me"}, "phone", "not a phone number"),
    ({"timezone": "Mars/Base"}, "timezone", "not an IANA time zone"),
    ({"injected_at": "2026-06-01T12:00"}, "injected_at", "in the future"),
    ({"injected_at": "2026-05-01T10:00"}, "injected_at", "older than the protocol"),
    ({"injected_at": "yesterday"}, "injected_at", "not a date and time"),
    ({"consent_by": ""}, "consent_by", "nothing is enrolled without it"),
    ({"baseline_pain": 11}, "baseline_pain", "from 0 to 10"),
    ({"baseline_pain": "x"}, "baseline_pain", "from 0 to 10"),
    ({"first_name": "R2D2"}, "first_name", "first name"),
    ({"first_name": ""}, "first_name", "first name"),
    ({"protocol": "knee"}, "protocol", "not a protocol"),
    ({"language": "fr"}, "language", "not one of"),
    ({"side": "middle"}, "side", "not 'left' or 'right'"),
])
def test_each_bad_field_is_named_with_what_is_wrong(protocols, changes, field, fragment):
    found = errors(protocols, **changes)
    assert list(found) == [field]
    assert fragment in found[field]


def test_every_bad_field_is_reported_at_once(protocols):
    found = errors(protocols, phone="1", consent_by=" ", baseline_pain=11, first_name="")
    assert set(found) == {"phone", "consent_by", "baseline_pain", "first_name"}


def test_an_offset_instant_is_kept_and_stored_in_utc(protocols):
    valid = validate(form(injected_at="2026-06-01T10:30:00-05:00"), protocols,
                     clinic_timezone="America/Chicago", default_region="US", now=NOW)
    assert valid.injected_at == utc(2026, 6, 1, 15, 30)
    assert valid.injected_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("zone", "message"), [
    ("EST", "EST is a fixed offset (UTC-05:00) with no daylight saving; use America/New_York"),
    ("US/Eastern", "US/Eastern is an old name kept for compatibility; use America/New_York"),
    ("Etc/GMT+5", "Etc/GMT+5 is a fixed offset (UTC-05:00) with no daylight saving; use the "
                  "zone where the patient lives, e.g. America/New_York"),
])
def test_a_fixed_offset_or_old_zone_name_is_refused_naming_the_zone_to_use(protocols, zone,
                                                                             message):
    assert errors(protocols, timezone=zone) == {"timezone": message}


@pytest.mark.parametrize("typed", ["2026-06-01", "20260601", " 2026-06-01 "])
def test_a_date_without_a_time_is_refused_with_an_example(protocols, typed):
    assert errors(protocols, injected_at=typed) == {
        "injected_at": f"{typed!r} has no time: give a time too, e.g. 2026-06-01 09:30"}


def test_a_time_too_far_ahead_is_shown_in_the_zone_it_was_typed_in(protocols):
    # The patient is in New York; staff typed clinic (Chicago) time, as the web form does.
    found = errors(protocols, timezone="America/New_York", injected_at="2026-06-01T12:00",
                   injected_zone="America/Chicago")
    assert found == {"injected_at": "2026-06-01 12:00 (America/Chicago) is in the future "
                                    "(more than 15 minutes after 11:00, the time now)"}


def test_a_time_too_old_is_shown_in_the_patients_zone_when_typed_there(protocols):
    found = errors(protocols, timezone="America/New_York", injected_at="2026-05-01T10:00")
    assert found["injected_at"].startswith("2026-05-01 10:00 (America/New_York) is older")


def test_the_injection_time_is_checked_even_when_the_patients_zone_is_refused(protocols):
    found = errors(protocols, timezone="EST", injected_at="2026-06-01",
                   injected_zone="America/Chicago")
    assert set(found) == {"timezone", "injected_at"}


def test_a_bare_date_is_named_even_when_the_zone_it_is_read_in_is_refused(protocols):
    found = errors(protocols, timezone="US/Eastern", injected_at="2026-06-01")
    assert set(found) == {"timezone", "injected_at"}
    assert "has no time" in found["injected_at"]


def test_a_good_time_is_not_blamed_for_a_refused_zone(protocols):
    assert set(errors(protocols, timezone="EST")) == {"timezone"}


def test_a_wrong_time_is_named_even_when_the_zone_is_wrong_too(protocols):
    found = errors(protocols, timezone="Mars/Base", injected_at="2026-06-01 25:00")
    assert set(found) == {"timezone", "injected_at"}
    assert "is not a date and time" in found["injected_at"]


def test_a_right_time_in_a_wrong_zone_names_only_the_zone(protocols):
    # the instant depends on the zone: its range is not checked, nor guessed in another zone
    assert set(errors(protocols, timezone="Mars/Base", injected_at="2026-06-01T10:30")) == {
        "timezone"}


def test_an_over_long_field_does_not_hide_the_others(protocols):
    found = errors(protocols, first_name="A" * 500, phone="12", side="middle")
    assert set(found) == {"first_name", "phone", "side"}
    assert found["first_name"].startswith("must be at most")


def test_what_the_interface_found_comes_with_the_rest(protocols):
    with pytest.raises(ValidationError) as info:
        validate(form(first_name="", phone="12"), protocols, clinic_timezone="America/Chicago",
                 default_region="US", now=NOW, found={"first_name": "is required"})
    assert info.value.errors == {"first_name": "is required",
                                 "phone": "'12' is not a valid phone number for region US"}
