"""GET /metrics: the Prometheus text format, for a scraper, not for staff; and `timed`,
which times the Twilio webhooks into this app's metrics.

No staff session and no CSRF (a GET that changes nothing): a request is let in when it
comes straight from an address METRICS_ALLOW lists (loopback by default), or when it
carries `Authorization: Bearer <METRICS_TOKEN>`. Anything else gets a bare 403, the same
for a wrong token as for none, so the answer tells a stranger nothing.

A request that came through a reverse proxy the app was not told about (a Forwarded or
X-Forwarded-For header that ProxyFix did not read) is judged by its token alone: behind
such a proxy every request has the proxy's address, often 127.0.0.1, and the allow list
would let the whole internet in.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from ipaddress import IPv4Network, IPv6Network, ip_address
from time import perf_counter

from flask import Blueprint, Response, current_app, request
from prometheus_client.exposition import choose_encoder

from reminders.metrics import Metrics
from reminders.web.current import settings

bp = Blueprint("metrics", __name__)


def metrics() -> Metrics:
    return current_app.extensions["reminders"]["metrics"]


def timed(hook: str) -> Callable[[Callable], Callable]:
    """Time a webhook view into `reminders_webhook_duration_seconds{hook=…}`. A request
    the view refuses (a bad signature: 403) raises and is not timed: a stranger's probes
    say nothing about how long Twilio waits."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def timed_view(*args, **kwargs):
            started = perf_counter()
            response = view(*args, **kwargs)
            metrics().webhook_seconds.labels(hook).observe(perf_counter() - started)
            return response
        return timed_view
    return decorate


def address_allowed(remote: str | None,
                    allowed: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    """Whether `remote` (a client address as the WSGI server gives it) is in `allowed`."""
    try:
        address = ip_address(remote or "")
    except ValueError:  # a unix socket, or no address at all
        return False
    if address.version == 6 and address.ipv4_mapped is not None:  # ::ffff:127.0.0.1
        address = address.ipv4_mapped
    return any(address in network for network in allowed)


def _proxied_unknown() -> bool:
    """Forwarded by a proxy whose headers nothing has read (ProxyFix leaves its mark)."""
    forwarded = "HTTP_FORWARDED" in request.environ or "HTTP_X_FORWARDED_FOR" in request.environ
    return forwarded and "werkzeug.proxy_fix.orig" not in request.environ


def _token_matches(expected: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (bool(expected) and scheme.lower() == "bearer"
            and hmac.compare_digest(given.strip().encode(), expected.encode()))


@bp.get("/metrics")
def scrape():
    config = settings()
    allowed = (not _proxied_unknown()
               and address_allowed(request.remote_addr, config.metrics_allow))
    if not (allowed or _token_matches(config.metrics_token)):
        return Response(status=403)
    # the format the scraper asks for (Prometheus prefers OpenMetrics), else the classic text
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encode(metrics().registry), content_type=content_type,
                    headers={"Cache-Control": "no-store"})
