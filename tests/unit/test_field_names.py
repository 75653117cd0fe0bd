"""Each interface names the core's field keys by its own controls, and no message one
interface shows names another interface's option."""

from pathlib import Path

import pytest

from reminders.cli import build_parser
from reminders.cli.common import NAMING as CLI
from reminders.core.errors import ValidationError
from reminders.core.field_names import ENROLMENT_FIELDS, RECORD_FIELDS, SWITCHES, on
from reminders.core.validation import EnrollmentInput, validate
from reminders.importer import COLUMNS
from reminders.importer import NAMING as CSV
from reminders.web.api import FIELDS as API_FIELDS
from reminders.web.api import NAMING as API
from reminders.web.current import NAMING as WEB
from tests.conftest import utc

ENROL_PAGE = (Path(__file__).parents[2] / "reminders/web/templates/enrol.html").read_text()
NOT_CLI = {"web": WEB, "api": API, "csv": CSV}


def _enroll_options() -> set[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    return {s for action in commands["enroll"]._actions for s in action.option_strings}


def _every_core_message(protocols) -> list[str]:
    """What the core says about an enrolment with every field wrong, and the refusal of a
    second enrolment (the one message that points at another field)."""
    bad = EnrollmentInput(first_name="R2D2", phone="12", injected_at="yesterday",
                          protocol="knee", consent_by=" ", timezone="Mars/Base",
                          language="fr", side="middle", baseline_pain="11")
    with pytest.raises(ValidationError) as info:
        validate(bad, protocols, clinic_timezone="America/Chicago", default_region="US",
                 now=utc(2026, 6, 1, 17, 0))
    assert set(info.value.errors) == set(ENROLMENT_FIELDS) - set(SWITCHES)
    return [*info.value.errors.values(), f"to replace it, enrol again with {on('supersede')}"]


def test_the_cli_names_every_enrolment_field_by_an_option_of_enroll():
    options = _enroll_options()
    assert {key: CLI.name(key) for key in ENROLMENT_FIELDS
            if CLI.name(key) not in options} == {}
    assert all(CLI.name(key) == "ID" for key in RECORD_FIELDS)  # a positional argument


def test_the_web_names_every_enrolment_field_by_its_label_on_the_form():
    missing = {key: WEB.name(key) for key in ENROLMENT_FIELDS
               if WEB.name(key) not in ENROL_PAGE and WEB.name(key) != "Consent to texts"}
    assert missing == {}
    assert "<legend>Consent to texts</legend>" in ENROL_PAGE  # the box's fieldset


def test_the_api_and_the_csv_name_every_enrolment_field_by_its_field_or_column():
    assert all(API.name(key) in API_FIELDS for key in ENROLMENT_FIELDS)
    assert all(CSV.name(key) in COLUMNS for key in ENROLMENT_FIELDS)


@pytest.mark.parametrize("interface", sorted(NOT_CLI))
def test_no_web_api_or_csv_word_is_a_cli_option(protocols, interface):
    naming = NOT_CLI[interface]
    options = _enroll_options() | {"--flag-id", "--enrollment-id", "--supersede"}
    for key in (*ENROLMENT_FIELDS, *RECORD_FIELDS, "flag"):
        assert not naming.name(key).startswith("-"), key
    for message in _every_core_message(protocols):
        shown = naming.message(message)
        assert "{on:" not in shown
        assert [o for o in options if o in shown] == [], shown


def test_the_cli_never_shows_a_field_key_or_a_web_label(protocols):
    for key in ENROLMENT_FIELDS:
        assert CLI.name(key) not in (key, WEB.name(key))
    shown = [CLI.message(m) for m in _every_core_message(protocols)]
    assert shown[-1] == "to replace it, enrol again with --supersede"
    assert not any("“" in text or "{on:" in text for text in shown)


def test_each_interface_says_how_to_replace_an_active_enrolment_its_own_way():
    message = f"enrol again with {on('supersede')}"
    assert CLI.message(message) == "enrol again with --supersede"
    assert WEB.message(message) == ("enrol again with the “Replace this number's active "
                                    "enrolment” box ticked")
    assert API.message(message) == 'enrol again with "supersede": true'
    assert CSV.message(message) == "enrol again with supersede set to yes"
