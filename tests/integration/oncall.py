"""A clinic's on-call team and an urgent flag at night, shared by the paging tests
(fixture `team`)."""

from datetime import timedelta

import pytest

from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.core.triage import FlagKind, FlagRequest, Priority
from reminders.flags import raise_flag
from reminders.models import Role
from reminders.paging import page_due
from reminders.rota import ShiftInput, set_mobile, set_shift
from tests.conftest import utc
from tests.integration.helpers import dispatcher
from tests.integration.staff import PASSWORD

SETUP = Actor("test", "cli")
NIGHT = utc(2026, 6, 2, 3, 0)  # 22:00 in Chicago: the patient's quiet hours
MOBILES = {"nora": "+13125550131", "ben": "+13125550132", "boss": "+13125550133",
           "ada": "+13125550134"}


@pytest.fixture
def team(sessions):
    """nora on call by default with ben as backup; boss and ada are admins."""
    for name in ("nora", "ben", "boss", "ada"):
        role = Role.ADMIN if name in ("boss", "ada") else Role.STAFF
        create_staff(sessions, name, PASSWORD, role, SETUP, NIGHT - timedelta(days=1))
        set_mobile(sessions, name, MOBILES[name], "US", SETUP, NIGHT - timedelta(days=1))
    set_shift(sessions, ShiftInput(on_call="nora", backup="ben"), "America/Chicago", SETUP,
              NIGHT - timedelta(days=1), default=True)


def urgent(sessions, at=NIGHT, kind=FlagKind.RED_FLAG, priority=Priority.URGENT) -> int:
    """A flag from an unknown sender (no patient data to leak into a page)."""
    with sessions.begin() as session:
        return raise_flag(session.connection(), FlagRequest(kind, priority, "reports fever"), at,
                          phone="+13125550177")


def tick(engine, sessions, settings, at, transport):
    """What the worker's dispatch tick does: write the rounds due, then send."""
    page_due(sessions, settings, at)
    dispatcher(engine, at, transport).run_once()


def paged_to(transport) -> list[str]:
    return [t.to for t in transport.sent]
