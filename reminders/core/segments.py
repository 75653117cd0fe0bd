"""Exact SMS segment counting (pure).

GSM-7 texts cost 7 bits a character, except the extension table whose characters take an
escape plus the character (2 septets). One character outside GSM-7 switches the whole text
to UCS-2, counted in UTF-16 code units (an emoji is a surrogate pair: 2 units). A single
segment holds 160 septets or 70 units; concatenated segments lose room to the user-data
header: 153 septets or 67 units. A segment never splits an escape sequence or a surrogate
pair, so splitting is greedy, as phones and carriers do.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"

_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def encoding_of(text: str) -> str:
    """GSM7 when every character is in the GSM 03.38 basic or extension table, else UCS2."""
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            return UCS2
    return GSM7


def _unit_costs(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count_segments(text: str) -> SegmentCount:
    """How many SMS segments `text` costs, and in which encoding. An empty text is 1 segment."""
    encoding = encoding_of(text)
    costs = _unit_costs(text, encoding)
    units = sum(costs)
    single, multi = _LIMITS[encoding]
    if units <= single:
        return SegmentCount(encoding, units, 1)
    segments, room = 1, multi
    for cost in costs:
        if cost > room:  # this character would straddle a boundary: start a new segment
            segments += 1
            room = multi
        room -= cost
    return SegmentCount(encoding, units, segments)
