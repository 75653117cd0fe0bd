"""What text a client sends may be stored or read as a number (pure).

PostgreSQL's text columns refuse NUL and psycopg cannot encode a lone surrogate, so such
text reaching the database is a 500, not a refusal; Python's `int()` reads Arabic-Indic
and other scripts' digits and `str.isdigit()` accepts superscripts `int()` then refuses.
Every field a client types goes through here first: staff text is refused with a reason
naming what is wrong, a patient's message is kept with the bad characters replaced.
"""

from __future__ import annotations

import string
import unicodedata

_ASCII_DIGITS = frozenset("0123456789")
# Line breaks and tabs a multi-line field (a note, a message) may hold.
_LINE_CONTROLS = frozenset("\n\r\t")
REPLACEMENT = "\ufffd"


def whole_number(text: str, *, max: int) -> int | None:
    """`text` as a whole number from 0 to `max` when it is only ASCII digits (surrounding
    ASCII white space allowed); None otherwise (no sign, no other script's digits, no
    control characters, nothing larger)."""
    # str.strip() would also drop the separators \x1c-\x1f and Unicode spaces, which
    # nobody types around a number
    digits = text.strip(string.whitespace)
    # the length bound first: int() of a 100,000-digit string is slow and pointless
    if not digits or len(digits) > len(str(max)) or not set(digits) <= _ASCII_DIGITS:
        return None
    value = int(digits)
    return value if value <= max else None


def _bad_character(char: str, lines: bool) -> str | None:
    category = unicodedata.category(char)
    if category == "Cs":
        return "contains an invalid character"
    if category == "Cc" and not (lines and char in _LINE_CONTROLS):
        if char in "\n\r":
            return "contains a line break"
        return "contains a control character"
    return None


def unstorable(text: str, *, lines: bool, max_length: int) -> str | None:
    """Why staff text cannot be stored as typed (the reason reads after the field's
    label), or None when it can. `lines`: line breaks and tabs are allowed."""
    if len(text) > max_length:
        return f"is longer than {max_length:,} characters"
    for char in text:
        if char.isprintable() or char == " ":
            continue
        reason = _bad_character(char, lines)
        if reason:
            return reason
    return None


def storable(text: str) -> str:
    """A patient's message as a database can hold it: NUL and lone surrogates (which
    PostgreSQL and UTF-8 cannot hold) become U+FFFD, so the message is kept, not refused."""
    if "\x00" not in text and text.isascii():
        return text
    return "".join(REPLACEMENT if char == "\x00" or unicodedata.category(char) == "Cs"
                   else char for char in text)


def nesting_depth(value: object) -> int:
    """How deeply lists and dicts nest in parsed JSON (a scalar is 0, `[]` is 1).
    Iterative: a recursive walk is the RecursionError this guards against."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = list(item)
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (a safe redirect after sign-in), else None:
    no scheme or host, no "//" or backslash (browsers read "/\\host" as "//host"), no
    control characters (CR/LF would split the Location header)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or unstorable(target, lines=False, max_length=2000):
        return None
    return target.rstrip("?") or None
