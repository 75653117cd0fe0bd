"""A checker that collects every mistake in nested YAML data, each named by its path.

Used by `protocol_loader`; it knows values, texts and segment budgets, not protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from reminders.core.protocol import DEFAULT_LANGUAGE, PLACEHOLDERS, Template, placeholders_in
from reminders.core.segments import count_segments

# A first name this long is used when checking segment budgets, so a typical name fits.
BUDGET_FIRST_NAME = "Maximiliana"
TITLE_MAX = 80  # a step's title fits a table cell and a phone's line

_T = TypeVar("_T")


class Checker:
    def __init__(self, budget_context: Mapping[str, str] | None):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        # None: budgets were checked when this version was first loaded (a stored snapshot).
        self.context: dict[str, str] | None = None if budget_context is None else {**budget_context,
                                                            "first_name": BUDGET_FIRST_NAME}

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str, required: set[str], optional: set[str]
                ) -> dict[Any, Any]:
        """`value` as a dict when it is one with the right keys; reports what is wrong."""
        if not isinstance(value, Mapping):
            self.error(path, f"must be a mapping, not {type(value).__name__}")
            return {}
        for key in value:
            if key not in required | optional:
                known = ", ".join(sorted(required | optional))
                self.error(f"{path}.{key}", f"unknown key (expected one of: {known})")
        for key in sorted(required - set(value)):
            self.error(f"{path}.{key}", "is required")
        return dict(value)

    def titles(self, value: Any, path: str, languages: tuple[str, ...],
               step_id: Any) -> dict[str, str]:
        """The staff-facing title in every language of the protocol: staff see it on every
        page, export and CLI table in place of the step id."""
        if not isinstance(value, Mapping):
            self.error(path, f"step {step_id!r}: must map each language to the title staff "
                       "see (en: Day 10 check, es: Control del día 10)")
            return {}
        titles: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in languages:
                self.error(f"{path}.{lang}", f"unknown language (expected {languages})")
            elif not isinstance(text, str) or not text.strip():
                self.error(f"{path}.{lang}", "must be a non-empty text")
            elif len(text) > TITLE_MAX:
                self.error(f"{path}.{lang}", f"is {len(text)} characters; at most {TITLE_MAX}")
            else:
                titles[lang] = text.strip()
        for lang in languages:
            if lang not in value:
                self.error(f"{path}.{lang}", f"is required: step {step_id!r} needs a title "
                           "in each of the protocol's languages")
        return titles

    def parsed(self, parse: Callable[[Any], _T], value: Any, path: str) -> _T | None:
        try:
            return parse(value)
        except ValueError as exc:
            self.error(path, str(exc))
            return None

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(path, f"{value!r} is not a whole number from {low} to {high}")
            return None
        return value

    def text(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.error(path, "must be a non-empty text")
            return None
        try:
            fields = placeholders_in(value)
        except ValueError as exc:
            self.error(path, f"bad braces in text: {exc}")
            return None
        for name, conversion, spec in fields:
            if name not in PLACEHOLDERS or conversion or spec:
                allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
                self.error(path, f"unknown placeholder {{{name}}} (allowed: {allowed})")
                return None
        return value

    def template(self, value: Any, path: str, languages: tuple[str, ...], *,
                 sent: bool = True) -> Template | None:
        """A {text, segments} block; `sent=False` for wording shown, not texted (no budget)."""
        data = self.mapping(value, path, {"text", "segments"} if sent else {"text"}, set())
        if not data:
            return None
        return self.texts(data.get("text"), data.get("segments"), path, languages, sent=sent)

    def texts(self, raw: Any, raw_budget: Any, path: str, languages: tuple[str, ...], *,
              sent: bool = True) -> Template | None:
        texts: dict[str, str] = {}
        if not isinstance(raw, Mapping):
            self.error(f"{path}.text", "must map a language code to its text (en: …, es: …)")
            return None
        for lang, value in raw.items():
            if lang not in languages:
                self.error(f"{path}.text.{lang}", f"unknown language (expected {languages})")
            elif (checked := self.text(value, f"{path}.text.{lang}")) is not None:
                texts[lang] = checked
        if DEFAULT_LANGUAGE not in raw:
            self.error(f"{path}.text.{DEFAULT_LANGUAGE}", "English text is required")
            return None
        for lang in languages:
            if lang not in raw:
                self.warnings.append(f"{path}.text.{lang}: missing; English is sent instead")
        budgets = self.budgets(raw_budget, f"{path}.segments", languages) if sent else {}
        if budgets is None or DEFAULT_LANGUAGE not in texts:
            return None
        template = Template(texts=texts, budgets=budgets)
        if sent and self.context is not None:
            self._check_budgets(template, path, languages, self.context)
        return template

    def _check_budgets(self, template: Template, path: str, languages: tuple[str, ...],
                       context: Mapping[str, str]) -> None:
        for lang in languages:
            used, rendered = template.render(lang, context)
            if used != lang:
                continue
            count = count_segments(rendered)
            if count.segments > template.budget(lang):
                self.error(
                    f"{path}.text.{lang}",
                    f"{count.segments} segments ({count.encoding}, {count.units} units) "
                    f"exceeds the budget of {template.budget(lang)}",
                )

    def budgets(self, value: Any, path: str, languages: tuple[str, ...]) -> dict[str, int] | None:
        if isinstance(value, Mapping):
            budgets: dict[str, int] = {}
            for lang, n in value.items():
                if lang not in languages:
                    self.error(f"{path}.{lang}", f"unknown language (expected {languages})")
                elif (checked := self.integer(n, f"{path}.{lang}", 1, 10)) is not None:
                    budgets[lang] = checked
            if DEFAULT_LANGUAGE not in budgets:
                self.error(f"{path}.{DEFAULT_LANGUAGE}", "English budget is required")
                return None
            return budgets
        checked = self.integer(value, path, 1, 10)
        return None if checked is None else {DEFAULT_LANGUAGE: checked}
