"""Which time zone names new input may use: only a place's own local rules.

A clinic means the zone where the patient lives. Fixed offsets (`EST`, `Etc/GMT+5`, `UTC`)
never follow daylight saving, so summer texts and quiet hours would run an hour off;
old names (`US/Eastern`, `Asia/Calcutta`) and POSIX-style zones (`EST5EDT`) are kept by
the tz database for compatibility only. Each refusal names a zone to use instead.

Pure but for one read, on first use: the tz database's own tables from the `tzdata`
package (which `zoneinfo` reads too), not a hand list that would age with each release.
`zone.tab` and `zone1970.tab` name the canonical zones, `tzdata.zi` the links
(`L target alias`), `zonenow.tab` one representative zone per present-day clock. Only
reading stored rows stays lenient (`localtime.zone`): an old row keeps working.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

from reminders.core.localtime import zone

# The zones a US clinic's patients are most often in, first in lists and suggestions.
COMMON_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
                "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu")
# The US abbreviations a clinic types: the tz database links EST to America/Panama and MST
# to America/Phoenix (same offsets), but a US clinic means the Eastern and Mountain zones.
_MEANT = {"EST": ("America/New_York", ""),
          "MST": ("America/Denver", " (or America/Phoenix, where clocks never change)"),
          "HST": ("Pacific/Honolulu", "")}
# Offsets are compared in January and July of this year (both hemispheres' summers).
_YEAR = 2026


@dataclass(frozen=True)
class Tables:
    """The tz database's names: canonical zones, links (alias → target), representatives."""

    canonical: frozenset[str]
    links: dict[str, str]
    representatives: tuple[str, ...]


@dataclass(frozen=True)
class Refusal:
    """Why a zone name is refused, and the accepted zone to use instead."""

    reason: str  # a sentence without the field's name, ending "use <suggestion>"
    suggestion: str


def _tab_names(text: str) -> list[str]:
    """The zone column (third) of zone.tab, zone1970.tab or zonenow.tab."""
    return [line.split("\t")[2] for line in text.splitlines()
            if line and not line.startswith("#")]


def parse_tables(zone_tab: str, zone1970_tab: str, zonenow_tab: str, tzdata_zi: str) -> Tables:
    links = {}
    for line in tzdata_zi.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    canonical = frozenset(_tab_names(zone_tab)) | frozenset(_tab_names(zone1970_tab))
    return Tables(canonical, links, tuple(_tab_names(zonenow_tab)))


@functools.cache
def tables() -> Tables:
    """The installed tzdata package's tables (read once, on first use)."""
    files = resources.files("tzdata.zoneinfo")

    def read(name: str) -> str:
        return (files / name).read_text(encoding="utf-8")

    return parse_tables(read("zone.tab"), read("zone1970.tab"), read("zonenow.tab"),
                        read("tzdata.zi"))


def _offsets(tz: ZoneInfo) -> tuple[timedelta, timedelta]:
    """The zone's UTC offsets in mid-January and mid-July."""
    january, july = (datetime(_YEAR, month, 15, 12, tzinfo=UTC).astimezone(tz).utcoffset()
                     or timedelta() for month in (1, 7))
    return january, july


def _hhmm(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _resolve(name: str, links: dict[str, str]) -> str:
    seen = {name}
    while name in links and links[name] not in seen:
        name = links[name]
        seen.add(name)
    return name


def _like(tz: ZoneInfo, home: str | None, data: Tables) -> str:
    """An accepted zone keeping the same clock as `tz`: the common US zones and the clinic's
    first (same offsets, else the same standard offset), then one zone per present-day clock,
    then any."""
    want = _offsets(tz)
    if want == (timedelta(), timedelta()) and home:
        return home  # UTC: nobody lives there; the clinic's zone is the likelier meaning
    first = [z for z in (*COMMON_ZONES, home) if z and z in data.canonical]
    rest = [z for z in (*data.representatives, *sorted(data.canonical)) if z in data.canonical]
    for pool in (first, rest):  # Etc/GMT+5: America/New_York before America/Lima
        for name in pool:
            if _offsets(ZoneInfo(name)) == want:
                return name
        for name in pool:
            if min(_offsets(ZoneInfo(name))) == min(want):
                return name
    return home or first[0]


def refusal(name: str, home: str | None = None, data: Tables | None = None) -> Refusal | None:
    """None when `name` (an existing zone) is a place's canonical zone, else why not and
    what to use. `home` is the clinic's zone, the suggestion when a name means nowhere."""
    data = data or tables()
    if name in data.canonical:
        return None
    tz = zone(name)
    if name in _MEANT:
        use, note = _MEANT[name]
        return Refusal(f"{name} is a fixed offset ({_hhmm(_offsets(tz)[0])}) with no "
                       f"daylight saving; use {use}{note}", use)
    target = _resolve(name, data.links)
    if target in data.canonical:
        return Refusal(f"{name} is an old name kept for compatibility; use {target}", target)
    use = _like(tz, home, data)
    january, july = _offsets(tz)
    if target.startswith("Etc/") or target == "Factory" or january == july:
        return Refusal(f"{name} is a fixed offset ({_hhmm(january)}) with no daylight saving; "
                       f"use the zone where the patient lives, e.g. {use}", use)
    return Refusal(f"{name} is a legacy zone, not a place's own rules; use {use}", use)


def local_zone(name: str, home: str | None = None) -> ZoneInfo:
    """The zone `name` for new input; ValueError naming the zone to use when it is unknown,
    a fixed offset or a legacy name (see `refusal`)."""
    try:
        tz = zone(name)
    except ValueError:
        data = tables()
        folded = {z.casefold(): z for z in (*data.canonical, *data.links)}
        close = folded.get(name.strip().casefold()) if isinstance(name, str) else None
        if close is None:
            raise
        use = refusal(close, home) or Refusal("", close)
        raise ValueError(f"{name!r} is not an IANA time zone; use {use.suggestion}") from None
    refused = refusal(name, home)
    if refused is not None:
        raise ValueError(refused.reason)
    return tz


def listed_zones(first: Iterable[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every accepted zone in two groups: the common US zones and then `first`; the rest."""
    canonical = tables().canonical
    head = tuple(dict.fromkeys(z for z in (*COMMON_ZONES, *first) if z in canonical))
    return head, tuple(sorted(canonical - set(head)))
