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
    ({"injected_at": "yesterday"}, "injected_at", "not an ISO 8601"),
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


def test_a_wrong_time_is_named_even_when_the_zone_is_wrong_too(protocols):
    found = errors(protocols, timezone="Mars/Base", injected_at="2026-06-01 25:00")
    assert set(found) == {"timezone", "injected_at"}
    assert "not an ISO 8601" in found["injected_at"]


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
