import pytest

from reminders.core.segments import GSM7, UCS2, count_segments


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", GSM7, 0, 1),
    ("a" * 160, GSM7, 160, 1),
    ("a" * 161, GSM7, 161, 2),
    ("a" * 306, GSM7, 306, 2),
    ("a" * 307, GSM7, 307, 3),
    ("€" + "a" * 158, GSM7, 160, 1),  # extension character costs two septets
    ("€" + "a" * 159, GSM7, 161, 2),
    ("Ñandú", UCS2, 5, 1),  # ú is outside GSM-7: the whole text goes UCS-2
    ("a" * 69 + "ú", UCS2, 70, 1),
    ("a" * 70 + "ú", UCS2, 71, 2),
    ("a" * 134, GSM7, 134, 1),
    ("😀", UCS2, 2, 1),  # a surrogate pair is two UTF-16 units
    ("a" * 68 + "😀", UCS2, 70, 1),
    ("a" * 69 + "😀", UCS2, 71, 2),
    ("é è ù ì ò Ç Ø å Ä ñ ü ¿¡ £ ¥ §", GSM7, 30, 1),  # all in the GSM-7 basic table
])
def test_counts_known_cases(text, encoding, units, segments):
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


def test_an_escape_sequence_never_straddles_two_segments():
    # 152 plain septets then '€' (2): the escape cannot split at 153, so a third part starts
    text = "a" * 152 + "€" + "a" * 152
    assert count_segments(text).units == 306
    assert count_segments(text).segments == 3


def test_a_surrogate_pair_never_straddles_two_segments():
    text = "a" * 66 + "😀" + "a" * 66  # 134 units would fit 2×67 without the split rule
    assert count_segments(text).units == 134
    assert count_segments(text).segments == 3
