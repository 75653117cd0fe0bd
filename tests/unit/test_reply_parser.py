"""Real-looking replies, English and Spanish, each with the reading it must get.

Columns: body, kind, score, relief, answer, keyword, red flag (any). A reply that could mean
two things must come out `ambiguous`: the parser never guesses.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.reply_parser import Kind, normalise, parse_reply

S, R, Y, A, K, F, U = (Kind.SCORE, Kind.RELIEF, Kind.YES_NO, Kind.AMBIGUOUS, Kind.KEYWORD,
                       Kind.RED_FLAG, Kind.UNKNOWN)

ROWS = [
    # pain scores
    ("3", S, 3, None, None, None, False),
    ("0", S, 0, None, None, None, False),
    ("10", S, 10, None, None, None, False),
    (" 7 ", S, 7, None, None, None, False),
    ("3/10", S, 3, None, None, None, False),
    ("10/10", S, 10, None, None, None, False),
    ("pain 3", S, 3, None, None, None, False),
    ("Pain is 6", S, 6, None, None, None, False),
    ("about a 4", S, 4, None, None, None, False),
    ("its a 5 today", S, 5, None, None, None, False),
    ("It's a 5 today.", S, 5, None, None, None, False),
    ("three", S, 3, None, None, None, False),
    ("Seven", S, 7, None, None, None, False),
    ("zero", S, 0, None, None, None, False),
    ("7 out of 10", S, 7, None, None, None, False),
    ("6 of 10", S, 6, None, None, None, False),
    ("maybe a 2", S, 2, None, None, None, False),
    ("2!", S, 2, None, None, None, False),
    ("I'd say 8", S, 8, None, None, None, False),
    ("right now 1", S, 1, None, None, None, False),
    ("no pain", S, 0, None, None, None, False),
    ("pain free now", S, 0, None, None, None, False),
    ("4 after walking", S, 4, None, None, None, False),
    ("hip pain 9", S, 9, None, None, None, False),
    ("9/10 :(", S, 9, None, None, None, False),
    ("tres", S, 3, None, None, None, False),
    ("cinco", S, 5, None, None, None, False),
    ("diez", S, 10, None, None, None, False),
    ("cero", S, 0, None, None, None, False),
    ("dolor 4", S, 4, None, None, None, False),
    ("como un 6", S, 6, None, None, None, False),
    ("7 de 10", S, 7, None, None, None, False),
    ("8 sobre 10", S, 8, None, None, None, False),
    ("Tengo un 2", S, 2, None, None, None, False),
    ("sin dolor", S, 0, None, None, None, False),
    ("ahorita un 3", S, 3, None, None, None, False),
    ("No me duele", S, 0, None, None, None, False),
    # better / same / worse
    ("better", R, None, "better", None, None, False),
    ("Better!", R, None, "better", None, None, False),
    ("BETTER", R, None, "better", None, None, False),
    ("beter", R, None, "better", None, None, False),
    ("much better", R, None, "better", None, None, False),
    ("a little better", R, None, "better", None, None, False),
    ("bit better thanks", R, None, "better", None, None, False),
    ("improved", R, None, "better", None, None, False),
    ("improving slowly", R, None, "better", None, None, False),
    ("less pain", R, None, "better", None, None, False),
    ("same", R, None, "same", None, None, False),
    ("Same.", R, None, "same", None, None, False),
    ("the same", R, None, "same", None, None, False),
    ("about the same", R, None, "same", None, None, False),
    ("no change", R, None, "same", None, None, False),
    ("unchanged", R, None, "same", None, None, False),
    ("not better", R, None, "same", None, None, False),
    ("not any better", R, None, "same", None, None, False),
    ("no difference", R, None, "same", None, None, False),
    ("worse", R, None, "worse", None, None, False),
    ("Worse :(", R, None, "worse", None, None, False),
    ("wrose", R, None, "worse", None, None, False),
    ("getting worse", R, None, "worse", None, None, False),
    ("more pain", R, None, "worse", None, None, False),
    ("worst ever", R, None, "worse", None, None, False),
    ("better, 3", R, 3, "better", None, None, False),
    ("worse 8/10", R, 8, "worse", None, None, False),
    ("same 5", R, 5, "same", None, None, False),
    ("mejor", R, None, "better", None, None, False),
    ("Mejor", R, None, "better", None, None, False),
    ("un poco mejor", R, None, "better", None, None, False),
    ("mucho mejor", R, None, "better", None, None, False),
    ("mejorando", R, None, "better", None, None, False),
    ("menos dolor", R, None, "better", None, None, False),
    ("estoy mejor, 3 de 10", R, 3, "better", None, None, False),
    ("igual", R, None, "same", None, None, False),
    ("Igual que antes", R, None, "same", None, None, False),
    ("lo mismo", R, None, "same", None, None, False),
    ("sin cambio", R, None, "same", None, None, False),
    ("sigue igual", R, None, "same", None, None, False),
    ("ni mejor ni peor", R, None, "same", None, None, False),
    ("no mejora", R, None, "same", None, None, False),
    ("no estoy mejor", R, None, "same", None, None, False),
    ("peor", R, None, "worse", None, None, False),
    ("Peor!!", R, None, "worse", None, None, False),
    ("mas dolor", R, None, "worse", None, None, False),
    ("más dolor que ayer", R, None, "worse", None, None, False),
    ("empeoró", R, None, "worse", None, None, False),
    # yes / no
    ("yes", Y, None, None, "yes", None, False),
    ("Yes.", Y, None, None, "yes", None, False),
    ("yeah", Y, None, None, "yes", None, False),
    ("yep", Y, None, None, "yes", None, False),
    ("y", Y, None, None, "yes", None, False),
    ("sí", Y, None, None, "yes", None, False),
    ("Si", Y, None, None, "yes", None, False),
    ("claro", Y, None, None, "yes", None, False),
    ("no", Y, None, None, "no", None, False),
    ("No.", Y, None, None, "no", None, False),
    ("nope", Y, None, None, "no", None, False),
    ("nah", Y, None, None, "no", None, False),
    # ambiguous: never guessed
    ("4-6", A, None, None, None, None, False),
    ("4 - 6", A, None, None, None, None, False),
    ("2 or 8", A, None, None, None, None, False),
    ("3 but was 9 this morning", A, None, None, None, None, False),
    ("between 4 and 5", A, None, None, None, None, False),
    ("5 to 6", A, None, None, None, None, False),
    ("de 4 a 6", A, None, None, None, None, False),
    ("2 o 3", A, None, None, None, None, False),
    ("4 y 5", A, None, None, None, None, False),
    ("better but worse at night", A, None, None, None, None, False),
    ("mejor pero peor en la noche", A, None, None, None, None, False),
    ("was 8 now 4", A, None, None, None, None, False),
    ("15", A, None, None, None, None, False),
    ("at 9:30 it was bad", A, None, None, None, None, False),
    ("6.5", A, None, None, None, None, False),
    ("100", A, None, None, None, None, False),
    # keywords
    ("STOP", K, None, None, None, "stop", False),
    ("stop", K, None, None, None, "stop", False),
    ("Stop.", K, None, None, None, "stop", False),
    ("STOPALL", K, None, None, None, "stop", False),
    ("unsubscribe", K, None, None, None, "stop", False),
    ("CANCEL", K, None, None, None, "stop", False),
    ("end", K, None, None, None, "stop", False),
    ("Quit", K, None, None, None, "stop", False),
    ("revoke", K, None, None, None, "stop", False),
    ("OPTOUT", K, None, None, None, "stop", False),
    ("stop texting me", K, None, None, None, "stop", False),
    ("Please stop", K, None, None, None, "stop", False),
    ("no more messages", K, None, None, None, "stop", False),
    ("No more texts please", K, None, None, None, "stop", False),
    ("don't text me", K, None, None, None, "stop", False),
    ("no más mensajes", K, None, None, None, "stop", False),
    ("No mas mensajes por favor", K, None, None, None, "stop", False),
    ("dejen de enviar mensajes", K, None, None, None, "stop", False),
    ("ya no quiero recibir mensajes", K, None, None, None, "stop", False),
    ("ya no quiero tomar pastillas", U, None, None, None, None, False),  # not an opt-out
    ("START", K, None, None, None, "start", False),
    ("unstop", K, None, None, None, "start", False),
    ("HELP", K, None, None, None, "help", False),
    ("info", K, None, None, None, "help", False),
    ("ayuda", K, None, None, None, "help", False),
    # red flags, alone or with other readings (the urgent answer goes out either way)
    ("I have a fever", F, None, None, None, None, True),
    ("chills and sweating", F, None, None, None, None, True),
    ("the shot area is red and hot", F, None, None, None, None, True),
    ("hip is swollen", F, None, None, None, None, True),
    ("pus coming out", F, None, None, None, None, True),
    ("rash on my leg", F, None, None, None, None, True),
    ("hives everywhere", F, None, None, None, None, True),
    ("short of breath", F, None, None, None, None, True),
    ("fever 7", S, 7, None, None, None, True),
    ("worse and swollen", R, None, "worse", None, None, True),
    ("tengo fiebre", F, None, None, None, None, True),
    ("escalofríos", F, None, None, None, None, True),
    ("la cadera está hinchada", F, None, None, None, None, True),
    ("me salió urticaria", F, None, None, None, None, True),
    ("falta de aire", F, None, None, None, None, True),
    ("peor y con fiebre", R, None, "worse", None, None, True),
    ("fiebre, dolor 8", S, 8, None, None, None, True),
    # not understood: kept and flagged for review
    ("", U, None, None, None, None, False),
    ("   ", U, None, None, None, None, False),
    ("😀", U, None, None, None, None, False),
    ("👍", U, None, None, None, None, False),
    ("who is this?", U, None, None, None, None, False),
    ("can I take ibuprofen", U, None, None, None, None, False),
    ("when is my next appointment", U, None, None, None, None, False),
    ("cancel my appointment", U, None, None, None, None, False),
    ("stopped at the pharmacy", U, None, None, None, None, False),
    ("¿Quién es?", U, None, None, None, None, False),
    ("gracias", U, None, None, None, None, False),
    ("thanks", U, None, None, None, None, False),
    ("<b>hi</b>", U, None, None, None, None, False),
    ("'; DROP TABLE replies; --", U, None, None, None, None, False),
    ("ok", U, None, None, None, None, False),
    ("10am", U, None, None, None, None, False),
]


def test_the_table_is_large_enough_and_covers_every_reading():
    assert len(ROWS) >= 120
    assert {row[1] for row in ROWS} == set(Kind)


@pytest.mark.parametrize(("body", "kind", "score", "relief", "answer", "keyword", "flagged"), ROWS)
def test_each_reply_gets_its_reading(hip, body, kind, score, relief, answer, keyword, flagged):
    reading = parse_reply(body, hip.red_flags)
    assert (reading.kind, reading.score, reading.relief, reading.answer, reading.keyword) == (
        kind, score, relief, answer, keyword)
    assert bool(reading.red_flags) == flagged, reading.red_flags


def test_confidence_is_lower_for_phrases_and_misspellings_than_exact_answers(hip):
    exact, phrase, typo = (parse_reply(b, hip.red_flags) for b in ("better", "a little better", "beter"))
    assert exact.confidence > phrase.confidence > typo.confidence > 0
    assert parse_reply("3", hip.red_flags).confidence > parse_reply("about a 3", hip.red_flags).confidence


def test_red_flag_words_match_whole_words_only(hip):
    assert parse_reply("I was bored and tired", hip.red_flags).red_flags == ()
    assert parse_reply("It is reduced now, better", hip.red_flags).kind == Kind.RELIEF


def test_normalise_strips_accents_case_and_punctuation():
    assert normalise("  ¡Mucho MEJOR, gracias!  ") == "mucho mejor gracias"


@given(st.text(max_size=1600))
def test_any_text_gets_a_reading_and_never_an_invented_score(body):
    from tests.conftest import load_shipped_red_flags

    reading = parse_reply(body, load_shipped_red_flags())
    assert isinstance(reading.kind, Kind)
    if reading.score is not None:
        assert 0 <= reading.score <= 10
        assert reading.kind in (Kind.SCORE, Kind.RELIEF)
