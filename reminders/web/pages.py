"""The staff pages: blueprints, template helpers and the navigation counts.

Short on purpose: it registers the page groups; each group is a module of its own.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user
from sqlalchemy import func, select

from reminders.core.deadlines import overdue
from reminders.core.localtime import format_duration
from reminders.core.protocol import step_title
from reminders.core.statuses import FlagStatus
from reminders.core.wording import (
    cost_note,
    encoding_note,
    language_name,
    local_words,
    plural,
    relative_time,
)
from reminders.models import Flag
from reminders.system_alerts import open_alerts
from reminders.web import admin, enrol, flag_queue, imports, patients, reports, rota
from reminders.web.current import now, sessions, settings

blueprints = (patients.bp, enrol.bp, flag_queue.bp, reports.bp, imports.bp, admin.bp, rota.bp)


def local(instant: datetime | None, tz: str | ZoneInfo | None = None,
          fmt: str = "%a %d %b %H:%M") -> str:
    """An instant as wall-clock time in `tz` (default: the clinic's zone)."""
    if instant is None:
        return "—"
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(
        tz or settings().clinic_timezone)
    return instant.astimezone(zone).strftime(fmt)


def _local_words(instant: datetime | None, tz: str | ZoneInfo | None = None) -> str:
    """An instant as staff say it ("Tue 2 Jun, 09:30") in `tz` (default: the clinic's zone)."""
    if instant is None:
        return "—"
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz or settings().clinic_timezone)
    return local_words(instant, zone)


def _ago(instant: datetime | None) -> str:
    """"5 min ago", "yesterday": counted in the clinic's zone from the page's `now`. For
    what has happened: a time ahead of the page's clock (a worker's clock a little fast)
    is "just now", never "in 2 min"."""
    if instant is None:
        return "—"
    at = now().astimezone(ZoneInfo(settings().clinic_timezone))
    return relative_time(min(instant, at), at)


def _nav() -> dict:
    if not current_user.is_authenticated:
        return {}
    with sessions()() as session:
        counts = dict(session.execute(select(Flag.status, func.count(Flag.id))
                                      .where(Flag.status != FlagStatus.RESOLVED)
                                      .group_by(Flag.status)).all())
        waiting = session.execute(select(Flag.created_at, Flag.priority)
                                  .where(Flag.status == FlagStatus.OPEN)).all()
        alerts = open_alerts(session)  # a refusal every patient gets: the banner
    current, at = settings(), now()
    late = sum(overdue(True, raised, priority, at, current.clinic_hours, current.ack_deadlines)
               for raised, priority in waiting)
    return {"nav_open_flags": counts.get(FlagStatus.OPEN, 0),
            "nav_acknowledged_flags": counts.get(FlagStatus.ACKNOWLEDGED, 0),
            "nav_overdue_flags": late, "system_alerts": alerts}


def init_app(app: Flask) -> None:
    app.add_template_filter(local, "local")
    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(_local_words, "local_words")
    app.add_template_filter(_ago, "ago")
    app.add_template_filter(language_name, "language_name")
    app.add_template_filter(cost_note, "cost_note")
    app.add_template_filter(encoding_note, "encoding_note")
    app.add_template_global(plural, "plural")
    app.add_template_global(step_title, "step_title")
    app.context_processor(_nav)
    app.context_processor(lambda: {"clinic_name": settings().clinic_name})
