"""The layout rules docs/architecture.md states, checked so they do not wear away."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from reminders.transports import twilio_codes

PACKAGE = Path(__file__).resolve().parents[2] / "reminders"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))
TWILIO_MODULES = {PACKAGE / "transports" / "twilio_sms.py", PACKAGE / "transports" / "twilio_codes.py"}
SIZE_REASON = re.compile(r"\b(Short|Small|Long) on purpose\b")


def name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_a_module_is_50_to_300_lines_or_says_why_at_its_top(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if 50 <= lines <= 300:
        return
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert SIZE_REASON.search(docstring), (
        f"{name(path)} has {lines} lines: split or merge it, or say at its top why "
        "(\"Short on purpose: …\" / \"Long on purpose: …\")")


def twilio_codes_named(path: Path) -> set[int]:
    codes = {*twilio_codes.known_codes()}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value in codes:
            found.add(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found |= {c for c in codes if re.search(rf"\b{c}\b", node.value)}
    return found


@pytest.mark.parametrize("path", sorted(set(MODULES) - TWILIO_MODULES), ids=name)
def test_no_module_past_the_transport_names_a_twilio_error_code(path):
    assert not twilio_codes_named(path)


def test_the_code_check_sees_the_codes_where_they_are_named():
    assert twilio_codes_named(PACKAGE / "transports" / "twilio_codes.py") >= {30007, 21610}
