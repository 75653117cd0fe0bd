"""SMS transports. Only `twilio.py` (with the delivery issue) may import `twilio`."""

from __future__ import annotations

from reminders.settings import Settings, SettingsError
from reminders.transports.base import Transport


def make_transport(settings: Settings) -> Transport:
    if settings.sms_transport == "console":
        from reminders.transports.console import ConsoleTransport

        return ConsoleTransport()
    raise SettingsError(
        "SMS_TRANSPORT: the Twilio transport is not part of this release yet; "
        "unset the Twilio credentials or set SMS_TRANSPORT=console"
    )
