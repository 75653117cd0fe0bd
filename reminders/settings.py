"""Settings: one frozen object built from the environment at the entry points only.

`Settings.from_env(os.environ)` fails loudly, naming the variable, on a bad value. Nothing
here reads the environment at import time; the entry points call `load_dotenv` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any

from reminders.core.deadlines import (
    DEFAULT_DEADLINES,
    BusinessHours,
    parse_days,
    parse_deadlines,
    parse_hours,
)
from reminders.core.localtime import zone
from reminders.core.triage import Priority
from reminders.core.zones import local_zone

TRANSPORTS = ("console", "twilio")
LOOPBACK = (ip_network("127.0.0.1/32"), ip_network("::1/128"))
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


LOG_FORMATS = ("text", "json")


def log_format_from(env: Mapping[str, str]) -> str:
    """LOG_FORMAT, checked: the entry points configure logging before the other settings."""
    value = env.get("LOG_FORMAT", "").strip().lower() or "text"
    if value not in LOG_FORMATS:
        raise SettingsError(f"LOG_FORMAT: {value!r} is not one of {LOG_FORMATS}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'reminders.db'}"
    sms_transport: str = "console"
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_messaging_service_sid: str = ""
    twilio_from_number: str = ""
    twilio_api_base_url: str = ""
    inbound_numbers: tuple[str, ...] = ()  # our numbers patients text; default: the From number
    public_base_url: str = "http://127.0.0.1:8000"
    clinic_name: str = "Example Pain Clinic"
    clinic_phone: str = "(312) 555-0100"
    after_hours_phone: str = "(312) 555-0199"
    clinic_timezone: str = "America/Chicago"
    default_region: str = "US"
    schedules_file: str = str(PROJECT_ROOT / "schedules.yaml")
    secret_key: str = field(default="", repr=False)
    send_rate: float = 1.0  # segments per second per sender; 0: no limit (a mock server)
    send_concurrency: int = 4  # concurrent provider requests per process
    dispatch_interval: float = 5.0  # seconds between dispatch ticks
    dispatch_batch: int = 50  # rows claimed per batch
    lease_seconds: int = 300  # a claimed row not finalised by then is the reaper's
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    session_idle_minutes: int = 30  # a staff session unused this long is signed out
    trusted_proxies: int = 0  # reverse proxies in front: X-Forwarded-* of that many is believed
    require_admin_totp: bool = False  # admins must set up an authenticator app before anything
    reply_max_attempts: int = 5  # tries to read a stored reply before flagging it, urgent
    unread_reply_alert_minutes: int = 10  # /healthz answers 503 past this unread age
    business_hours: tuple[time, time] = (time(8), time(17))  # clinic time: deadlines run then
    business_days: frozenset[int] = frozenset(range(5))  # Monday is 0
    ack_deadlines: Mapping[Priority, timedelta] = field(
        default_factory=lambda: dict(DEFAULT_DEADLINES))  # per priority, in business time

    @property
    def clinic_hours(self) -> BusinessHours:
        """When the clinic is open, in its zone: flag deadlines count only this time."""
        return BusinessHours(*self.business_hours, self.business_days,
                             zone(self.clinic_timezone))
    media_max_bytes: int = 5 * 1024 * 1024  # a patient's picture larger than this is not shown
    page_ack_minutes: int = 15  # a page not acknowledged by then goes to the next in line
    page_webhook_url: str = ""  # also POST each page round as signed JSON here (optional)
    page_webhook_secret: str = field(default="", repr=False)  # the HMAC-SHA256 key
    metrics_allow: tuple[IPv4Network | IPv6Network, ...] = LOOPBACK  # may scrape /metrics
    metrics_token: str = field(default="", repr=False)  # or a scraper with this bearer token
    log_format: str = "text"  # or "json": one object per line (reminders/log_setup.py)

    @property
    def placeholders(self) -> dict[str, str]:
        """Clinic values for the texts' placeholders (first name is added per patient)."""
        return {"clinic_name": self.clinic_name, "clinic_phone": self.clinic_phone,
                "after_hours_phone": self.after_hours_phone}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        values: dict[str, Any] = {}  # attribute → value, of each field's own type

        def text(var: str, attr: str) -> None:
            if env.get(var, "").strip():
                values[attr] = env[var].strip()

        def number(var: str, attr: str, kind: type, low: float) -> None:
            raw = env.get(var, "").strip()
            if not raw:
                return
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"{var}: {raw!r} is not a {kind.__name__}") from None
            if value < low:
                raise SettingsError(f"{var}: must be at least {low}, got {raw!r}")
            values[attr] = value

        for var in ("DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                    "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_FROM_NUMBER", "TWILIO_API_BASE_URL",
                    "PUBLIC_BASE_URL", "CLINIC_NAME", "CLINIC_PHONE", "AFTER_HOURS_PHONE",
                    "CLINIC_TIMEZONE", "DEFAULT_REGION", "SCHEDULES_FILE", "SECRET_KEY",
                    "WEB_HOST", "PAGE_WEBHOOK_URL", "PAGE_WEBHOOK_SECRET", "METRICS_TOKEN"):
            text(var, var.lower())
        numbers = [n.strip() for n in env.get("INBOUND_NUMBERS", "").split(",") if n.strip()]
        for raw in numbers:
            if not raw.startswith("+") or not raw[1:].isdigit() or not 8 <= len(raw) <= 16:
                raise SettingsError(f"INBOUND_NUMBERS: {raw!r} is not an E.164 number "
                                    "(+ and the country code, e.g. +13125550100)")
        if env.get("METRICS_ALLOW", "").strip():
            values["metrics_allow"] = _networks(env["METRICS_ALLOW"])
        if numbers:
            values["inbound_numbers"] = tuple(numbers)
        elif values.get("twilio_from_number"):
            values["inbound_numbers"] = (values["twilio_from_number"],)
        for var, attr, parse in (("BUSINESS_HOURS", "business_hours", parse_hours),
                                 ("BUSINESS_DAYS", "business_days", parse_days),
                                 ("ACK_DEADLINES", "ack_deadlines", parse_deadlines)):
            if env.get(var, "").strip():
                try:
                    values[attr] = parse(env[var])
                except ValueError as exc:
                    raise SettingsError(f"{var}: {exc}") from None
        values["log_format"] = log_format_from(env)
        number("SEND_RATE", "send_rate", float, 0)
        number("SEND_CONCURRENCY", "send_concurrency", int, 1)
        number("DISPATCH_INTERVAL", "dispatch_interval", float, 0.1)
        number("DISPATCH_BATCH", "dispatch_batch", int, 1)
        number("LEASE_SECONDS", "lease_seconds", int, 10)
        number("WEB_PORT", "web_port", int, 1)
        number("SESSION_IDLE_MINUTES", "session_idle_minutes", int, 1)
        number("TRUSTED_PROXIES", "trusted_proxies", int, 0)
        flag = env.get("REQUIRE_ADMIN_TOTP", "").strip().lower()
        if flag:
            if flag not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                raise SettingsError(f"REQUIRE_ADMIN_TOTP: {flag!r} is not true or false")
            values["require_admin_totp"] = flag in ("1", "true", "yes", "on")
        number("REPLY_MAX_ATTEMPTS", "reply_max_attempts", int, 1)
        number("UNREAD_REPLY_ALERT_MINUTES", "unread_reply_alert_minutes", int, 1)
        number("MEDIA_MAX_BYTES", "media_max_bytes", int, 1024)
        number("PAGE_ACK_MINUTES", "page_ack_minutes", int, 1)
        url = values.get("page_webhook_url", "")
        if url and not url.startswith(("https://", "http://")):
            raise SettingsError(f"PAGE_WEBHOOK_URL: {url!r} is not an http(s) address")
        if url and not values.get("page_webhook_secret"):
            raise SettingsError("PAGE_WEBHOOK_SECRET: required with PAGE_WEBHOOK_URL (the "
                                "receiver checks each notice's signature with it)")

        has_credentials = bool(values.get("twilio_account_sid") and values.get("twilio_auth_token"))
        transport = env.get("SMS_TRANSPORT", "").strip().lower()
        if transport and transport not in TRANSPORTS:
            raise SettingsError(f"SMS_TRANSPORT: {transport!r} is not one of {TRANSPORTS}")
        values["sms_transport"] = transport or ("twilio" if has_credentials else "console")
        if values["sms_transport"] == "twilio":
            for var in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "CLINIC_NAME", "CLINIC_PHONE",
                        "AFTER_HOURS_PHONE", "PUBLIC_BASE_URL"):
                if not values.get(var.lower()):
                    raise SettingsError(f"{var}: required when texts go to real patients "
                                        "(SMS_TRANSPORT=twilio)")
            if not (values.get("twilio_messaging_service_sid") or values.get("twilio_from_number")):
                raise SettingsError("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER: one "
                                    "is required with SMS_TRANSPORT=twilio")
            if not values.get("secret_key"):  # else every restart signs every staff member out
                raise SettingsError("SECRET_KEY: required with SMS_TRANSPORT=twilio (staff "
                                    "sessions must outlive a restart); `reminders "
                                    "ensure-secret-key` writes one to .env")
        try:
            local_zone(str(values.get("clinic_timezone", cls.clinic_timezone)))
        except ValueError as exc:
            raise SettingsError(f"CLINIC_TIMEZONE: {exc}") from None
        return cls(**values)


def _networks(raw: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """METRICS_ALLOW: addresses and CIDR ranges, comma-separated; `none` for none (the
    token alone then opens /metrics)."""
    if raw.strip().lower() == "none":
        return ()
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ip_network(item))
        except ValueError as exc:
            raise SettingsError(f"METRICS_ALLOW: {item!r} is not an address or a CIDR range "
                                f"({exc})") from None
    return tuple(networks)
