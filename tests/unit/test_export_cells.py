"""Export cells a spreadsheet would evaluate are quoted; phone numbers and the export's own
numbers keep their sign (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.core.export_cells import FORMULA_STARTS, export_cell, is_formula, read_cell

ATTACKS = ['-1+HYPERLINK("http://x")', "+1-cmd|' /C calc'!A0", "＝1+1", "@SUM(1)",
           "=HYPERLINK(\"x\")", "\t=1", "\r=1", "\n=1", "  =1+1", "\u3000＋1", "\u200b=1",
           "－1", "＠A1", "-2", "+13125550101 =1", "+1 312 555 0101", "−1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_cell_a_spreadsheet_would_evaluate_is_quoted(text):
    assert export_cell(text) == "'" + text


@pytest.mark.parametrize(("value", "cell"), [
    ("+13125550101", "+13125550101"),  # wholly E.164: the patient's number, as stored
    (-2, "-2"), (-0.5, "-0.5"), (7, "7"),  # numbers the export wrote
    (None, ""), ("better", "better"), ("2026-06-01T17:00:00+00:00", "2026-06-01T17:00:00+00:00"),
    ("I feel - ok", "I feel - ok"), ("a=b", "a=b"), ("", ""),
])
def test_plain_text_phone_numbers_and_the_exports_own_numbers_are_unchanged(value, cell):
    assert export_cell(value) == cell


@given(st.text())
def test_no_text_comes_out_as_a_formula(text):
    cell = export_cell(text)
    assert cell == text or cell == "'" + text
    assert cell[:1] not in FORMULA_STARTS or (cell.startswith("+") and cell[1:].isdigit())
    assert not is_formula(cell) or cell == text  # only an E.164 number keeps a sign


@given(st.sampled_from(sorted(FORMULA_STARTS)), st.text(alphabet=" \u00a0\u3000\u200b"),
       st.text())
def test_a_formula_sign_after_any_blanks_is_quoted(sign, blanks, rest):
    text = blanks + sign + rest
    assert export_cell(text) == "'" + text


@given(st.integers() | st.floats(allow_nan=False))
def test_numbers_the_export_wrote_keep_their_sign(number):
    assert export_cell(number) == str(number)


@given(st.text())
def test_a_cell_reads_back_as_exactly_what_was_exported(text):
    assert read_cell(export_cell(text)) == text


@pytest.mark.parametrize(("text", "cell"), [("'=1", "''=1"), ("'nada' = 0", "'nada' = 0"),
                                            ("-", "'-"), ("'", "'")])
def test_a_leading_quote_of_the_patients_own_survives_the_round_trip(text, cell):
    assert export_cell(text) == cell and read_cell(cell) == text
