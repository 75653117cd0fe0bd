"""The length limits: one table, the check every interface calls, and the API's
description agreeing with it (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from reminders.core import limits
from reminders.web.api import openapi


def test_the_api_description_states_the_same_limits_as_the_table():
    fields = openapi()["components"]["schemas"]["NewEnrollment"]["properties"]
    stated = {name: spec["maxLength"] for name, spec in fields.items() if "maxLength" in spec}
    assert stated == {f: n for f, n in limits.ENROLMENT.items() if f in stated}
    assert set(stated) == {"first_name", "phone", "injected_at", "timezone", "protocol",
                           "consent_by"}  # language and side are enums


@given(st.text(max_size=3000))
def test_a_note_is_refused_exactly_when_it_is_over_the_limit(text):
    errors = limits.over("note", text, limits.NOTE)
    assert bool(errors) == (len(text) > limits.NOTE)
    if errors:
        assert errors == {"note": f"must be at most 2000 characters (this is {len(text)})"}


def test_values_that_are_not_text_are_left_to_their_own_checks():
    assert limits.too_long({"first_name": None, "phone": 5, "side": "x"}, limits.ENROLMENT) == {}
