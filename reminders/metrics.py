"""This process's metrics, in the Prometheus format: what the service measures as it works.

A `Metrics` holds its own `CollectorRegistry`, never prometheus_client's global one: each
app and each test builds its own, and two apps in one process never share counts or
collide on names. The worker makes one and hands it to both the web app and the
dispatcher, so one `/metrics` shows the sends it made (worker.py); a web app on its own
makes one for itself and shows its webhooks and the database gauges (`metrics_db.py`).

No label carries patient data: labels name a hook, an outcome, a refusal reason or a
status, each from a short fixed list.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from reminders.core.reach import Refusal
from reminders.transports.base import DeliveryUnknown, TransportError

# Twilio answers a webhook's caller within 15 s; a send takes a few hundred ms.
_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)


class Metrics:
    """The registry `/metrics` shows and the instruments the shell observes in process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.webhook_seconds = Histogram(
            "reminders_webhook_duration_seconds",
            "Time to handle a signed Twilio webhook, by hook (inbound, status)",
            ["hook"], buckets=_BUCKETS, registry=self.registry)
        self.send_seconds = Histogram(
            "reminders_send_duration_seconds",
            "Time the provider took to answer one send, by outcome "
            "(sent, refused, retry, unknown)",
            ["outcome"], buckets=_BUCKETS, registry=self.registry)
        self.provider_errors = Counter(
            "reminders_provider_errors",
            "Errors the SMS provider or a carrier gave, by source (send: the answer to a "
            "send; carrier: a status callback), class (refused, transient, outcome_unknown) "
            "and reason (the refusal, e.g. invalid_number, sender, account)",
            ["source", "class", "reason"], registry=self.registry)

    def send_failed(self, exc: BaseException) -> str:
        """Count a send the provider did not accept; returns its outcome label."""
        if isinstance(exc, TransportError) and exc.refusal is not None:
            self.provider_errors.labels("send", "refused", exc.refusal.value).inc()
            return "refused"
        if isinstance(exc, TransportError):  # rate limited, or refused before it went out
            self.provider_errors.labels("send", "transient", "").inc()
            return "retry"
        reason = "" if isinstance(exc, DeliveryUnknown) else "transport_error"
        self.provider_errors.labels("send", "outcome_unknown", reason).inc()
        return "unknown"

    def carrier_refused(self, refusal: Refusal) -> None:
        """Count a status callback that says a text was not delivered, and why."""
        self.provider_errors.labels("carrier", "refused", refusal.value).inc()
