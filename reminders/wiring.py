"""What the entry points run with: the SMS transport the settings name, the send rate
shared by every worker, the dispatcher built from both, and where patients' pictures are
fetched from.

Small on purpose: it is the one place that knows which transports exist, kept out of
`transports/` so their contract imports without the database or the settings. The worker
and `reminders dispatch --once` both build their dispatcher here, so the two cannot drift
apart on a setting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from reminders.clock import utcnow
from reminders.dispatcher import Dispatcher
from reminders.metrics import Metrics
from reminders.rate_limit import SendRate
from reminders.settings import Settings
from reminders.transports.base import MediaSource, Transport


def make_transport(settings: Settings) -> Transport:
    """The transport SMS_TRANSPORT names (console unless Twilio credentials are set)."""
    if settings.sms_transport == "console":
        from reminders.transports.console import ConsoleTransport

        return ConsoleTransport()
    # imported here: `twilio` loads only in processes that send through it
    from reminders.transports.twilio_sms import TwilioTransport

    return TwilioTransport(
        account_sid=settings.twilio_account_sid, auth_token=settings.twilio_auth_token,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        from_number=settings.twilio_from_number,
        status_callback=f"{settings.public_base_url.rstrip('/')}/twilio/status",
        api_base_url=settings.twilio_api_base_url)


def make_media(settings: Settings) -> MediaSource | None:
    """Where staff's view of a patient's picture is fetched from: Twilio, with the
    account's credentials; None without them (the console has no pictures)."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return None
    from reminders.transports.twilio_media import TwilioMedia

    return TwilioMedia(account_sid=settings.twilio_account_sid,
                       auth_token=settings.twilio_auth_token,
                       api_base_url=settings.twilio_api_base_url,
                       max_bytes=settings.media_max_bytes)


def send_rate(settings: Settings, engine: Engine, transport: Transport) -> SendRate | None:
    """The shared pace for real sends (None for the console, or with SEND_RATE=0)."""
    if transport.name != "twilio" or settings.send_rate == 0:
        return None
    sender = settings.twilio_messaging_service_sid or settings.twilio_from_number
    return SendRate(engine, sender, settings.send_rate)


def make_dispatcher(settings: Settings, engine: Engine, transport: Transport, *,
                    clock: Callable[[], datetime] = utcnow,
                    stop: threading.Event | None = None,
                    metrics: Metrics | None = None) -> Dispatcher:
    """The dispatcher as the settings describe it: batch, lease, pace and concurrency.
    `clock` is the CLI's simulated `--now`; `stop` is the worker's shutdown signal;
    `metrics` the worker's, shared with the web app it serves."""
    return Dispatcher(engine, transport, batch=settings.dispatch_batch,
                      lease=timedelta(seconds=settings.lease_seconds), clock=clock, stop=stop,
                      rate=send_rate(settings, engine, transport),
                      concurrency=settings.send_concurrency, metrics=metrics)
