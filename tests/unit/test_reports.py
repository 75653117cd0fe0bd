"""Outcome arithmetic for the reports (pure)."""

from types import SimpleNamespace

import pytest

from reminders.reports import _cell, by_protocol_and_month


def _outcome(protocol, month, status="active", improved=None, responder=None, no_response=False,
             opted_out=False):
    enrollment = SimpleNamespace(protocol_id=protocol, status=status,
                                 diagnostic_relief_met=responder)
    return SimpleNamespace(enrollment=enrollment, month=month, improved_by_day10=improved,
                           no_response=no_response, opted_out=opted_out)


def test_outcomes_are_counted_by_protocol_and_month_newest_first():
    rows = by_protocol_and_month([
        _outcome("hip", "2026-05", "completed", improved=True, responder=True),
        _outcome("hip", "2026-05", "completed", improved=False, responder=False, no_response=True),
        _outcome("hip", "2026-06", opted_out=True),
        _outcome("knee", "2026-06", improved=None),
    ])
    assert rows == [
        {"protocol": "knee", "month": "2026-06", "enrolled": 1, "completed": 0, "improved_by_day10": 0,
         "diagnostic_responders": 0, "no_response": 0, "opted_out": 0},
        {"protocol": "hip", "month": "2026-06", "enrolled": 1, "completed": 0, "improved_by_day10": 0,
         "diagnostic_responders": 0, "no_response": 0, "opted_out": 1},
        {"protocol": "hip", "month": "2026-05", "enrolled": 2, "completed": 2, "improved_by_day10": 1,
         "diagnostic_responders": 1, "no_response": 1, "opted_out": 0},
    ]


@pytest.mark.parametrize(("value", "cell"), [
    ("+13125550101", "+13125550101"), ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("@SUM(A1)", "'@SUM(A1)"), ("-2", "-2"), ("+cmd", "'+cmd"), (None, ""), (7, "7"),
])
def test_a_csv_cell_never_starts_a_formula(value, cell):
    assert _cell(value) == cell
