"""Check and build the protocol's symptom concepts (`symptoms:` in schedules.yaml) (pure).

Every mistake is reported with its path, as for the rest of the file: an unknown key, an
empty term list, a term that is also another concept's term, a step id that does not
exist. A protocol snapshot from before concepts (a flat `red_flags` word list per
language) still loads: its words become one concept, so old enrolments keep being read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reminders.core.checker import Checker
from reminders.core.reading.findings import Assertion
from reminders.core.reading.text import fold
from reminders.core.reading.vocabulary import (
    BloodSugarThreshold,
    FeverThreshold,
    ReadingRules,
    Symptom,
)

FLAGS = ("red_flag", "needs_review")
PRIORITIES = ("urgent", "high", "normal")
ASSERTIONS = tuple(a.value for a in Assertion if a != Assertion.PRESENT)
_KEYS = {"label", "adjectives", "exclude", "assertions", "flag", "priority", "expected_at"}
LEGACY_ID = "red_flag_words"


def load_symptoms(check: Checker, data: Mapping[str, Any], path: str,
                  languages: tuple[str, ...]) -> ReadingRules:
    if "red_flags" in data and "symptoms" not in data:
        return ReadingRules(_legacy(check, data["red_flags"], f"{path}.red_flags", languages))
    raw = data.get("symptoms")
    if not isinstance(raw, Mapping) or not raw:
        check.error(f"{path}.symptoms", "must map each symptom concept to its terms")
        return ReadingRules(())
    steps = {s.get("id") for s in data.get("steps") or [] if isinstance(s, Mapping)}
    symptoms: list[Symptom] = []
    owners: dict[str, tuple[str, str]] = {}  # folded term → (concept id, its path)
    for sid, concept in raw.items():
        where = f"{path}.symptoms.{sid}"
        if not isinstance(sid, str) or not sid.replace("_", "").isalnum() or sid != sid.lower():
            check.error(where, "a concept id is lower-case letters, digits and underscores")
            continue
        symptom = _symptom(check, sid, concept, where, languages, steps)
        if symptom is None:
            continue
        for lang, words in (*symptom.terms.items(), *symptom.adjectives.items()):
            for word in words:
                key = fold(word)
                if key in owners and owners[key][0] != sid:
                    check.error(f"{where}.terms.{lang}", f"{word!r} is already a term of "
                                f"{owners[key][0]!r} ({owners[key][1]}): one concept per term")
                owners.setdefault(key, (sid, f"{path}.symptoms.{sid}"))
        symptoms.append(symptom)
    ids = set(raw)  # a concept with a mistake of its own is still declared
    fever = _fever(check, data.get("fever_temperature"), f"{path}.fever_temperature", ids)
    sugar = _blood_sugar(check, data.get("blood_sugar_threshold"),
                         f"{path}.blood_sugar_threshold", ids)
    return ReadingRules(tuple(symptoms), fever, sugar)


def _symptom(check: Checker, sid: str, raw: Any, path: str, languages: tuple[str, ...],
             steps: set[Any]) -> Symptom | None:
    data = check.mapping(raw, path, {"terms"}, _KEYS)
    if not data:
        return None
    errors = len(check.errors)
    terms = _per_language(check, data.get("terms"), f"{path}.terms", languages)
    adjectives = _per_language(check, data.get("adjectives", {}), f"{path}.adjectives", languages,
                               required=False)
    exclude = _per_language(check, data.get("exclude", {}), f"{path}.exclude", languages,
                            required=False)
    label = data.get("label", sid.replace("_", " "))
    if not isinstance(label, str) or not label.strip():
        check.error(f"{path}.label", "must be a non-empty text")
    flag = data.get("flag", "red_flag")
    if flag not in FLAGS:
        check.error(f"{path}.flag", f"{flag!r} is not one of {FLAGS}")
    priority = data.get("priority", "urgent" if flag == "red_flag" else "normal")
    if priority not in PRIORITIES:
        check.error(f"{path}.priority", f"{priority!r} is not one of {PRIORITIES}")
    elif flag == "red_flag" and priority != "urgent":
        check.error(f"{path}.priority", "a red flag is always urgent; use flag: needs_review "
                    "for a concern that is not")
    assertions = data.get("assertions", list(ASSERTIONS))
    if not isinstance(assertions, list) or any(a not in ASSERTIONS for a in assertions):
        check.error(f"{path}.assertions", f"must be a list of {', '.join(ASSERTIONS)}")
        assertions = []
    expected = data.get("expected_at", [])
    if not isinstance(expected, list) or any(s not in steps for s in expected):
        check.error(f"{path}.expected_at", "must be a list of this protocol's step ids")
    if len(check.errors) > errors:
        return None
    return Symptom(id=sid, label=label.strip(), terms=terms, adjectives=adjectives,
                   exclude=exclude, assertions=frozenset(Assertion(a) for a in assertions),
                   flag=flag, priority=priority, expected_at=tuple(expected))


def _per_language(check: Checker, value: Any, path: str, languages: tuple[str, ...], *,
                  required: bool = True) -> dict[str, tuple[str, ...]]:
    data = check.mapping(value, path, set(), set(languages))
    if required and isinstance(value, Mapping) and not value:
        check.error(path, "must list terms for at least one language")
    found = {}
    for lang, words in data.items():
        if lang not in languages:
            continue
        if (not isinstance(words, list) or not words
                or not all(isinstance(w, str) and w.strip() for w in words)):
            check.error(f"{path}.{lang}", "must be a non-empty list of words or phrases")
            continue
        found[lang] = tuple(dict.fromkeys(w.strip() for w in words))
    return found


def _fever(check: Checker, value: Any, path: str, ids: set[str]) -> FeverThreshold:
    if value is None:
        return FeverThreshold()
    data = check.mapping(value, path, {"fahrenheit", "celsius", "symptom"}, set())
    f, c, symptom = data.get("fahrenheit"), data.get("celsius"), data.get("symptom")
    if not isinstance(f, int | float) or isinstance(f, bool) or not 99 <= f <= 106:
        check.error(f"{path}.fahrenheit", f"{f!r} is not a temperature from 99 to 106")
    if not isinstance(c, int | float) or isinstance(c, bool) or not 37 <= c <= 41:
        check.error(f"{path}.celsius", f"{c!r} is not a temperature from 37 to 41")
    if "symptom" in data and symptom not in ids:
        check.error(f"{path}.symptom", f"{symptom!r} is not one of this protocol's symptoms")
    if not isinstance(f, int | float) or not isinstance(c, int | float):
        return FeverThreshold()  # reported above
    return FeverThreshold(float(f), float(c), str(symptom))



def _blood_sugar(check: Checker, value: Any, path: str, ids: set[str]) -> BloodSugarThreshold:
    if value is None:
        return BloodSugarThreshold()
    data = check.mapping(value, path, {"mg_dl", "symptom"}, set())
    mg, symptom = data.get("mg_dl"), data.get("symptom")
    if "mg_dl" in data and (not isinstance(mg, int) or isinstance(mg, bool) or not 150 <= mg <= 600):
        check.error(f"{path}.mg_dl", f"{mg!r} is not a whole number from 150 to 600")
        mg = None
    if "symptom" in data and symptom not in ids:
        check.error(f"{path}.symptom", f"{symptom!r} is not one of this protocol's symptoms")
        symptom = None
    return BloodSugarThreshold(mg or 250, symptom or "high_blood_sugar")


def _legacy(check: Checker, value: Any, path: str, languages: tuple[str, ...]
            ) -> tuple[Symptom, ...]:
    terms = _per_language(check, value, path, languages)
    return (Symptom(id=LEGACY_ID, label="red-flag words", terms=terms),) if terms else ()
