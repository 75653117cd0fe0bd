"""Which zone names new input may use, and what each refusal suggests instead."""

import re
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.core.zones import COMMON_ZONES, listed_zones, local_zone, refusal, tables

ALL_ZONES = sorted(available_timezones())
CANONICAL = tables().canonical


@pytest.mark.parametrize(("name", "use", "why"), [
    ("EST", "America/New_York", "EST is a fixed offset (UTC-05:00) with no daylight saving"),
    ("MST", "America/Denver", "or America/Phoenix, where clocks never change"),
    ("HST", "Pacific/Honolulu", "fixed offset (UTC-10:00)"),
    ("EST5EDT", "America/New_York", "legacy zone"),
    ("CST6CDT", "America/Chicago", "legacy zone"),
    ("PST8PDT", "America/Los_Angeles", "legacy zone"),
    ("Etc/GMT+5", "America/New_York", "fixed offset (UTC-05:00)"),  # Etc/ signs are inverted
    ("Etc/GMT+7", "America/Phoenix", "fixed offset (UTC-07:00)"),
    ("UTC", "America/Chicago", "use the zone where the patient lives, e.g. America/Chicago"),
    ("Etc/UTC", "America/Chicago", "fixed offset (UTC+00:00)"),
    ("US/Eastern", "America/New_York", "US/Eastern is an old name kept for compatibility"),
    ("US/Arizona", "America/Phoenix", "old name"),
    ("Canada/Pacific", "America/Vancouver", "old name"),
    ("America/Buenos_Aires", "America/Argentina/Buenos_Aires", "old name"),
    ("Asia/Calcutta", "Asia/Kolkata", "old name"),
])
def test_fixed_offsets_and_old_names_are_refused_naming_the_zone_to_use(name, use, why):
    found = refusal(name, home="America/Chicago")
    assert found is not None
    assert found.suggestion == use
    assert why in found.reason
    assert f"; use {use}" in found.reason or found.reason.endswith(f"e.g. {use}")
    with pytest.raises(ValueError, match=re.escape(found.reason)):
        local_zone(name, home="America/Chicago")


@pytest.mark.parametrize("name", [*COMMON_ZONES, "America/Toronto", "Europe/London",
                                  "Europe/Amsterdam", "America/Cayman", "Asia/Kolkata"])
def test_a_places_own_zone_is_accepted(name):
    # Amsterdam and Cayman are links in the tz database, but zone.tab lists them as their
    # country's zone: a clinic there means them.
    assert refusal(name) is None
    assert local_zone(name).key == name


def test_a_zone_typed_in_the_wrong_case_suggests_its_spelling():
    with pytest.raises(ValueError, match="'us/eastern' is not an IANA time zone; use "
                                         "America/New_York"):
        local_zone("us/eastern")


def test_a_name_that_is_no_zone_at_all_keeps_its_message():
    with pytest.raises(ValueError, match="'Mars/Base' is not an IANA time zone"):
        local_zone("Mars/Base")


@given(st.sampled_from(ALL_ZONES), st.sampled_from([None, *sorted(CANONICAL)]))
def test_every_accepted_zone_is_canonical_and_every_refusal_suggests_an_accepted_one(
        name, home):
    found = refusal(name, home)
    if found is None:
        assert name in CANONICAL and "/" in name and not name.startswith("Etc/")
    else:
        assert name not in CANONICAL
        assert refusal(found.suggestion, home) is None
        assert found.suggestion in found.reason
        ZoneInfo(found.suggestion)


def test_no_zone_the_system_knows_is_left_without_a_decision():
    # The property above samples; this walks them all once (about 600 names).
    for name in ALL_ZONES:
        found = refusal(name)
        assert found is None or refusal(found.suggestion) is None, name


def test_the_list_offers_the_common_zones_and_the_clinics_first_and_no_old_names():
    head, rest = listed_zones(["Europe/London"])
    assert head == (*COMMON_ZONES, "Europe/London")
    assert not set(head) & set(rest)
    listed = {*head, *rest}
    assert listed == CANONICAL
    assert not {"EST", "US/Eastern", "Etc/GMT+5", "UTC", "EST5EDT"} & listed
