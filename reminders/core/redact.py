"""Masking phone numbers in log text: the last line of defence, not the first.

Code that logs about a patient already names them by id or by `mask_phone`; this catches
what slips through (a provider's error message quoting the `To` number, a library's debug
line, a traceback's locals). Anything shaped like a phone number keeps its last 2 digits
and its punctuation; every other digit becomes `*`. A false positive (a long id, a
timestamp in nanoseconds) costs a less readable line, a false negative a leak, so the
shapes are generous.

Short on purpose: one pattern and its mask, shared by every log handler.
"""

from __future__ import annotations

import re

KEPT_DIGITS = 2

_SEP = r"[ \t.\-]"
_PHONE = re.compile(
    r"(?<![\w+*])"  # not inside a word, an id such as a Twilio SID, or a masked number
    r"(?:"
    r"(?:\+|%2[Bb])\d(?:[ \t.\-()]{0,3}\d){6,14}"  # E.164 (or URL-encoded), spaced or not
    r"|(?:1" + _SEP + r"{0,2})?\(?\d{3}\)?" + _SEP + r"{0,2}\d{3}" + _SEP + r"?\d{4}"  # US
    r"|\d{10,}"  # any long run of digits
    r")"
    r"(?![\w*])"
)


def _mask_match(match: re.Match[str]) -> str:
    text = match.group()
    digits = sum(ch.isdigit() for ch in text)
    keep_from = digits - KEPT_DIGITS
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            out.append(ch if seen >= keep_from else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_phones(text: str) -> str:
    """`text` with every phone-shaped run masked but for its last 2 digits."""
    return _PHONE.sub(_mask_match, text)
