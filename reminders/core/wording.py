"""Staff-facing words for values the service stores as codes (pure: `now` is passed in).

Pages, exports and CLI tables show a nurse's words ("5 min ago", "Spanish", "2 texts'
worth"); JSON keeps the codes (DESIGN.md §5) and may add these words beside them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Names of the languages texts are sent in, in English (the staff pages' language).
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}

# Under a minute either way reads as "just now": clocks and page loads are not that exact.
_JUST_NOW = timedelta(minutes=1)


def language_name(code: str | None) -> str:
    """'es' → 'Spanish'; an unknown code is shown as it is, never hidden."""
    if not code:
        return "not set"
    return LANGUAGE_NAMES.get(code, code)


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 score', '2 scores' (`many` for irregular plurals)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def cost_note(segments: int) -> str:
    """A text's cost in whole texts: one SMS segment is billed as one text."""
    return "1 text's worth" if segments == 1 else f"{segments} texts' worth"


def encoding_note(encoding: str) -> str:
    """The tooltip beside a cost note: why a text costs what it does."""
    if encoding == "UCS-2":
        return ("UCS-2: a character outside the basic SMS alphabet (an accent or an emoji) "
                "makes each text hold 70 characters (67 when split)")
    return f"{encoding}: basic SMS alphabet, 160 characters a text (153 when split)"


def relative_time(then: datetime, now: datetime) -> str:
    """How long ago (or how soon) `then` is, in words: 'just now', '5 min ago', '3 h ago',
    'yesterday', '4 days ago', 'in 2 days'. Both instants must be aware.

    Under a day the minutes or hours are shown; from a day on, calendar days in `now`'s
    zone (so pass `now` in the clinic's zone): Sunday 23:00 seen on Tuesday 00:30 is
    "2 days ago", though only 25 hours have passed.
    """
    delta = now - then
    future = delta < timedelta(0)
    size = -delta if future else delta
    if size < _JUST_NOW:
        return "just now"
    if size < timedelta(hours=1):
        words = f"{int(size.total_seconds() // 60)} min"
    elif size < timedelta(hours=24):
        words = f"{int(size.total_seconds() // 3600)} h"
    else:
        local_then = then.astimezone(now.tzinfo)
        days = abs((now.date() - local_then.date()).days)
        if days <= 1:
            return "tomorrow" if future else "yesterday"
        words = f"{days} days"
    return f"in {words}" if future else f"{words} ago"


def local_words(instant: datetime, tz: ZoneInfo) -> str:
    """An instant on the wall clock of `tz`, as staff say it: 'Tue 2 Jun, 09:30'."""
    local = instant.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
