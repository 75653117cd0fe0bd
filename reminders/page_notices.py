"""Each round of pages, also posted as signed JSON to a chat or paging tool (optional).

With PAGE_WEBHOOK_URL set, every page round is POSTed once it is written: a flag number,
its kind and priority, the round, who was paged and the link; never a patient's name,
number or words. The body is signed with HMAC-SHA256 over "<timestamp>.<body>" using
PAGE_WEBHOOK_SECRET (header `X-Reminders-Signature: sha256=<hex>`, timestamp in
`X-Reminders-Timestamp`), so the receiver can check it came from us and is fresh. A
failed POST is tried again on later ticks, up to MAX_ATTEMPTS; each try first takes the
round by bumping its attempt count, so two workers never post the same try. The
notice's `id` is stable: a receiver that saw it already can drop a repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

import requests
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import selectinload

from reminders.db import session_factory
from reminders.models import Flag, Page, PageRound

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
TIMEOUT = 5.0  # seconds: a tick must not hang on a slow receiver
STALE = timedelta(hours=1)  # an older round is no longer news


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    return requests.post(url, data=body, headers=headers, timeout=TIMEOUT).status_code


def notify_rounds(engine, settings, now: datetime,
                  post: Callable[[str, bytes, dict[str, str]], int] = _post) -> int:
    """Post every round not yet notified; how many were accepted (2xx)."""
    if not settings.page_webhook_url:
        return 0
    sessions = session_factory(engine)
    with sessions() as session:
        rounds = list(session.scalars(
            select(PageRound).where(PageRound.notified_at.is_(None),
                                    PageRound.notify_attempts < MAX_ATTEMPTS,
                                    PageRound.created_at > now - STALE)
            .options(selectinload(PageRound.pages).selectinload(Page.staff))
            .order_by(PageRound.id)))
        flags = {f.id: f for f in session.scalars(
            select(Flag).where(Flag.id.in_({r.flag_id for r in rounds})))}
    accepted = 0
    for r in rounds:
        with sessions.begin() as session:
            result = session.execute(
                update(PageRound).where(PageRound.id == r.id, PageRound.notified_at.is_(None),
                                        PageRound.notify_attempts == r.notify_attempts)
                .values(notify_attempts=r.notify_attempts + 1))
            taken = cast(CursorResult[Any], result).rowcount  # an UPDATE's (sqlalchemy#12913)
        if not taken:
            continue  # another worker is on it
        flag = flags[r.flag_id]
        body = json.dumps({
            "id": f"page-round-{r.id}", "flag": flag.id, "kind": flag.kind.value,
            "priority": flag.priority.value, "round": r.round,
            "paged": [p.staff.name for p in r.pages],
            "link": f"{settings.public_base_url.rstrip('/')}/flags/{flag.id}",
            "at": r.created_at.isoformat()}, separators=(",", ":")).encode()
        timestamp = str(int(now.timestamp()))
        headers = {"Content-Type": "application/json", "X-Reminders-Timestamp": timestamp,
                   "X-Reminders-Signature": sign(settings.page_webhook_secret, timestamp, body)}
        try:
            status = post(settings.page_webhook_url, body, headers)
        except requests.RequestException as exc:
            log.warning("page notice for flag %s: %s", flag.id, type(exc).__name__)
            continue
        if 200 <= status < 300:
            accepted += 1
            with sessions.begin() as session:
                session.execute(update(PageRound).where(PageRound.id == r.id)
                                .values(notified_at=now))
        else:
            log.warning("page notice for flag %s: the receiver answered %s", flag.id, status)
    return accepted
