"""A reading in a nurse's words: each finding as staff see it beside the reply, and the
words for what could not be read without guessing (pure).

Shared by the reply as stored (inbound.py), triage's review reasons and the reader's
report on a labelled corpus (reply_eval.py): one wording wherever a finding is shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from reminders.core.reading.findings import Finding, Unclear, What

UNCLEAR_WORDS = {
    Unclear.RANGE: "a range, not one score", Unclear.SCORES_DIFFER: "two different scores",
    Unclear.DECIMAL: "a score with a decimal", Unclear.PERCENT: "a percentage",
    Unclear.OFF_SCALE: "a number off the 0-10 scale",
    Unclear.RELIEF_CONFLICT: "better and not better at once",
    Unclear.NOT_UNDERSTOOD: "not understood",
}


def describe(finding: Finding, labels: Mapping[str, str] | None = None) -> str:
    """A finding in a nurse's words: "fever: said no — 'no fever'"."""
    labels = labels or {}
    quoted = f" — '{finding.words}'" if finding.words else ""
    said = {"present": "reported", "possible": "maybe (read as reported)",
            "negated": "said no", "resolved": "gone now", "hypothetical": "asked about, not reported",
            "other_person": "someone else's"}[finding.assertion.value]
    what = finding.what
    if what == What.SYMPTOM:
        label = labels.get(finding.value, finding.value.replace("_", " "))
        if finding.detail.get("temperature"):
            return f"{label}: temperature {finding.detail['value']} °{finding.detail['unit']}{quoted}"
        return f"{label}: {said}{quoted}"
    if what == What.REQUEST:
        name = {"opt_out": "asked to stop the texts", "opt_in": "asked for the texts again",
                "help": "asked for help", "call": "asked for a call"}[finding.value]
        return (name if finding.assertion.value == "present" else f"{name}: {said}") + quoted
    if what == What.SCORE:
        earlier = " (earlier)" if finding.detail.get("previous") else ""
        return f"pain score {finding.value}{earlier}{quoted}"
    if what == What.NUMBER:
        value = finding.detail.get("value", "")
        unit = f" °{finding.detail['unit']}" if finding.detail.get("unit") else ""
        return f"{value}{unit}: {finding.value.replace('_', ' ')}, not a score{quoted}"
    if what == What.RELIEF:
        return f"{finding.value.replace('_', ' ')}{quoted}"
    if what == What.ANSWER:
        return f"answered {finding.value}{quoted}"
    if what == What.QUESTION:
        return f"a question{quoted}"
    return f"unclear: {UNCLEAR_WORDS.get(Unclear(finding.value), finding.value)}{quoted}"
