"""Outcome arithmetic for the reports (pure)."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from reminders.core.deadlines import BusinessHours
from reminders.reports import FlagTimes, by_protocol_and_month, loop_times


def _outcome(protocol, month, status="active", improved=None, responder=None, no_response=False,
             opted_out=False):
    enrollment = SimpleNamespace(protocol_id=protocol, status=status,
                                 diagnostic_relief_met=responder)
    return SimpleNamespace(enrollment=enrollment, month=month, improved_by_day10=improved,
                           no_response=no_response, opted_out=opted_out,
                           protocol_name=f"{protocol.title()} injection aftercare")


def test_outcomes_are_counted_by_protocol_and_month_newest_first():
    rows = by_protocol_and_month([
        _outcome("hip", "2026-05", "completed", improved=True, responder=True),
        _outcome("hip", "2026-05", "completed", improved=False, responder=False, no_response=True),
        _outcome("hip", "2026-06", opted_out=True),
        _outcome("knee", "2026-06", improved=None),
    ])
    assert rows == [
        {"protocol": "knee", "protocol_name": "Knee injection aftercare",
         "month": "2026-06", "enrolled": 1, "completed": 0, "improved_by_day10": 0,
         "diagnostic_responders": 0, "no_response": 0, "opted_out": 0},
        {"protocol": "hip", "protocol_name": "Hip injection aftercare",
         "month": "2026-06", "enrolled": 1, "completed": 0, "improved_by_day10": 0,
         "diagnostic_responders": 0, "no_response": 0, "opted_out": 1},
        {"protocol": "hip", "protocol_name": "Hip injection aftercare",
         "month": "2026-05", "enrolled": 2, "completed": 2, "improved_by_day10": 1,
         "diagnostic_responders": 1, "no_response": 1, "opted_out": 0},
    ]


def test_loop_times_are_medians_of_open_time_by_kind_and_month():
    chicago = ZoneInfo("America/Chicago")
    hours = BusinessHours(time(8), time(17), frozenset(range(5)), chicago)
    monday = datetime(2026, 6, 1, 10, tzinfo=chicago)
    rows = loop_times([
        FlagTimes("red_flag", monday, monday + timedelta(minutes=10), None),
        FlagTimes("red_flag", monday, monday + timedelta(minutes=30), monday + timedelta(hours=2)),
        FlagTimes("red_flag", monday, None, None),
        FlagTimes("no_response", datetime(2026, 5, 29, 16, tzinfo=chicago),  # a Friday
                  datetime(2026, 6, 1, 9, tzinfo=chicago), None),
    ], hours)
    assert rows == [
        {"kind": "red_flag", "month": "2026-06", "flags": 3,
         "to_acknowledge": timedelta(minutes=20), "to_resolve": timedelta(hours=2)},
        {"kind": "no_response", "month": "2026-05", "flags": 1,
         "to_acknowledge": timedelta(hours=2), "to_resolve": None},
    ]
