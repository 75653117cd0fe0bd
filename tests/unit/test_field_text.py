"""What a client's text may be stored or read as a number (reminders/core/field_text.py)."""

import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reminders.core.field_text import (
    local_path,
    nesting_depth,
    storable,
    unstorable,
    whole_number,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("0", 0), ("42", 42), (" 7 ", 7), ("999", 999), ("1000", None), ("", None), ("-1", None),
    ("+1", None), ("1.0", None), ("²", None), ("١٢", None), ("１２", None), ("𝟕", None),
    ("9" * 5000, None), ("1_0", None), ("0\x1f", None), ("\u20037", None), (" 7\t\n", 7),
])
def test_whole_number_reads_only_ascii_digits_up_to_max(text, expected):
    assert whole_number(text, max=999) == expected


@given(st.text(max_size=30))
@example("0\x1f")  # str.strip() removes the unit separator, int() refuses it
@example("\u20037\u2003")  # em spaces
def test_whole_number_is_int_of_the_text_or_none_never_an_error(text):
    value = whole_number(text, max=10**9)
    if value is not None:
        digits = text.strip(string.whitespace)
        assert digits.isascii() and digits.isdigit() and int(digits) == value <= 10**9


@pytest.mark.parametrize(("text", "lines", "reason"), [
    ("Ana", False, None),
    ("two\nlines", True, None),
    ("tab\there", True, None),
    ("two\nlines", False, "contains a line break"),
    ("carriage\rreturn", False, "contains a line break"),
    ("nul\x00", True, "contains a control character"),
    ("bell\x07", True, "contains a control character"),
    ("del\x7f", False, "contains a control character"),
    ("c1\x85", False, "contains a control character"),
    ("lone \ud800", True, "contains an invalid character"),
    ("x" * 11, False, "is longer than 10 characters"),
    ("José 😷 ١٢ \u200d", False, None),
])
def test_unstorable_names_what_is_wrong(text, lines, reason):
    assert unstorable(text, lines=lines, max_length=10 if reason and "longer" in reason
                      else 100) == reason


@given(st.text(max_size=50), st.booleans())
@example("\ud800", False)
@example("\x00", True)
def test_text_unstorable_finds_nothing_in_holds_no_nul_no_surrogate(text, lines):
    if unstorable(text, lines=lines, max_length=50) is None:
        assert "\x00" not in text
        assert not any(unicodedata.category(c) in ("Cs",) for c in text)
        text.encode("utf-8")  # PostgreSQL's encoding: never a surrogate error


@given(st.text(max_size=50))
@example("a\x00b\ud800c")
def test_storable_keeps_the_message_and_replaces_only_what_cannot_be_stored(text):
    kept = storable(text)
    assert len(kept) == len(text)
    assert "\x00" not in kept
    kept.encode("utf-8")
    assert all(k == t or k == "\ufffd" for k, t in zip(kept, text, strict=True))


@pytest.mark.parametrize(("value", "depth"), [
    (1, 0), ("x", 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[[[]]]], 4),
])
def test_nesting_depth(value, depth):
    assert nesting_depth(value) == depth


def test_nesting_depth_of_very_deep_json_does_not_recurse():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert nesting_depth(value) == 100_001


@given(st.recursive(st.none() | st.integers(), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=20))
@example({'"': []})  # a quote in a key: the old hand-written scanner of the JSON text misread it
def test_nesting_depth_counts_brackets(value):
    # a plain recursive count is the oracle: hypothesis keeps these values shallow
    def depth(item) -> int:
        if isinstance(item, dict | list):
            children = item.values() if isinstance(item, dict) else item
            return 1 + max((depth(child) for child in children), default=0)
        return 0

    assert nesting_depth(value) == depth(value)


@pytest.mark.parametrize(("target", "expected"), [
    ("/flags", "/flags"), ("/?q=ana", "/?q=ana"), ("/flags?", "/flags"),
    ("", None), (None, None), ("flags", None), ("//evil.example", None),
    ("/\\evil.example", None), ("https://evil.example/", None), ("/\t/evil.example", None),
    ("/x\r\nSet-Cookie: a=b", None), ("/x\x00", None),
])
def test_local_path_allows_only_a_path_on_this_site(target, expected):
    assert local_path(target) == expected
