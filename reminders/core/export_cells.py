"""What goes into one cell of a CSV export: text a spreadsheet will show, never run.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with `=`, `+`, `-` or `@`
(and some do after a tab, CR or LF, or after leading spaces, or on the full-width and small
forms of those signs). Patients' texts, names and staff notes reach the exports, so such a
cell gets a leading `'` (OWASP's advice: shown as text, the quote hidden by most
spreadsheets). Two kinds of cell keep their sign: a value that is wholly an E.164 phone
number (the patient's number, stored that way) and a number the export itself wrote (an
`int` or `float` from the code, never a string a person typed: a patient's "-1" is text).

Short on purpose: one rule every export shares, kept apart so no export can skip it.
"""

from __future__ import annotations

import re

# The signs that start a formula, ASCII and the full-width (U+FF0B...) and small (U+FE62...)
# forms some spreadsheets fold to them, the minus sign, and the control characters.
FORMULA_STARTS = frozenset("=+-@\t\r\n" "＝＋－＠" "﹦﹢﹣﹫" "−")
# Invisible characters a cell may start with that are not `str.isspace`.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)


def is_formula(text: str) -> bool:
    """True when a spreadsheet could evaluate `text`, even after leading blanks."""
    for ch in text:
        if ch in FORMULA_STARTS:  # before isspace: tab, CR and LF are both
            return True
        if not (ch.isspace() or ch in _INVISIBLE):
            return False
    return False


def needs_quote(text: str) -> bool:
    """A formula, or text that would read back as one once a quote is taken off: `'=1`
    is written `''=1`, so `read_cell` gives back exactly what was exported."""
    while text.startswith("'"):
        text = text[1:]
    return is_formula(text) and not _E164.fullmatch(text)


def export_cell(value: object) -> str:
    """The text of one exported cell: `None` is empty, a formula is quoted (see above)."""
    if value is None:
        return ""
    if isinstance(value, int | float):  # written by the export, never a person's text
        return str(value)
    text = str(value)
    if _E164.fullmatch(text):
        return text
    return "'" + text if needs_quote(text) else text


def read_cell(cell: str) -> str:
    """What `export_cell` was given, from what it wrote (for a file read back in)."""
    return cell[1:] if cell.startswith("'") and needs_quote(cell[1:]) else cell
