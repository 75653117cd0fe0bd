"""Saved replies (pure): texts staff send the patient with one click, from `schedules.yaml`.

    saved_replies:
      will-call-today:
        text: {en: "{clinic_name}: We will call you today.", es: "..."}
        segments: {en: 1, es: 1}

Each is a template like a step's text: English required, Spanish (or another supported
language) optional with English sent instead, the usual placeholders, a segment budget
checked on the rendered text. Each must name the clinic ({clinic_name}): the patient must
know who is texting, and a free text staff write is given the same start
(`staff_text_body`). The section is the file's, not a protocol's: a clinic says "we will
call you today" the same way whatever the procedure, and changing the list does not
make a new version of any protocol.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reminders.core.checker import Checker
from reminders.core.protocol import SUPPORTED_LANGUAGES, Template

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CLINIC = "{clinic_name}"


def load_saved_replies(check: Checker, value: Any, path: str = "saved_replies"
                       ) -> dict[str, Template]:
    """The saved replies by id, in the file's order; every mistake goes to `check`."""
    if not isinstance(value, Mapping) or not value:
        check.error(path, "must map each saved reply's id to its text and segments")
        return {}
    saved: dict[str, Template] = {}
    for reply_id, raw in value.items():
        where = f"{path}.{reply_id}"
        if not isinstance(reply_id, str) or not _ID.match(reply_id) or len(reply_id) > 40:
            check.error(where, "a saved reply's id is lower-case letters, digits and dashes "
                        "(at most 40)")
            continue
        template = check.template(raw, where, SUPPORTED_LANGUAGES)
        if template is None:
            continue
        unnamed = [lang for lang, text in template.texts.items() if CLINIC not in text]
        for lang in unnamed:
            check.error(f"{where}.text.{lang}", f"must name the clinic ({CLINIC}): the "
                        "patient must know who is texting")
        if not unnamed:
            saved[reply_id] = template
    return saved


def staff_text_body(words: str, clinic_name: str) -> str:
    """What a free text a staff member wrote goes out as: the clinic's name first, as every
    text of the service starts (unless they wrote it themselves)."""
    words = words.strip()
    if words.lower().startswith(clinic_name.lower()):
        return words
    return f"{clinic_name}: {words}"
