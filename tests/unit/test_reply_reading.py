"""Reading a reply: each capability on its own, and the words each tolerance must not catch.

The corpus (test_reply_corpus.py) checks whole replies against a nurse's expectations;
these tests pin the parts: negation scope and its terminators, assertion cues, numbers
that are not scores, temperatures, inflections and typos, requests, several findings at
once, and that nothing a phone can send makes the parser raise or invent a score.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.core.reading.answer_words import NUMBER_WORDS
from reminders.core.reading.findings import Assertion, What
from reminders.core.reading.parser import parse_reply
from reminders.core.reading.text import fold
from tests.conftest import load_shipped_protocol


@pytest.fixture(scope="module")
def vocabulary():
    return load_shipped_protocol().vocabulary


def symptoms(vocabulary, body):
    """{concept: assertion} of every symptom finding."""
    return {f.value: f.assertion.value for f in parse_reply(body, vocabulary).of(What.SYMPTOM,
                                                                                  affirmed=False)}


def reported(vocabulary, body):
    return set(parse_reply(body, vocabulary).symptoms)


# --- negation: triggers, scope, terminators --------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ("no fever", {"fever": "negated"}),
    ("sin fiebre", {"fever": "negated"}),
    ("I don't have a fever", {"fever": "negated"}),
    ("never had a fever", {"fever": "negated"}),
    ("no fever, chills or redness", {"fever": "negated", "chills": "negated", "redness": "negated"}),
    ("no tengo fiebre ni escalofríos", {"fever": "negated", "chills": "negated"}),
    ("it's not red or swollen", {"redness": "negated", "swelling": "negated"}),
    ("nothing red or hot or oozing", {"redness": "negated", "warmth": "negated",
                                      "discharge": "negated"}),
    ("Fever? No.", {"fever": "negated"}),
    ("fever: none", {"fever": "negated"}),
    ("no está rojo ni hinchado", {"redness": "negated", "swelling": "negated"}),
])
def test_a_negation_reaches_the_symptoms_it_lists(vocabulary, body, expected):
    assert symptoms(vocabulary, body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    ("no fever but the site is red", {"fever": "negated", "redness": "present"}),
    ("no fever, the site is red", {"fever": "negated", "redness": "present"}),
    ("no fever my hip is red and warm", {"fever": "negated", "redness": "present",
                                          "warmth": "present"}),
    ("no tengo fiebre pero está hinchado", {"fever": "negated", "swelling": "present"}),
    ("sin fiebre. la pierna está roja", {"fever": "negated", "redness": "present"}),
    ("no fever, still swollen", {"fever": "negated", "swelling": "possible"}),
    ("swelling no fever", {"swelling": "present", "fever": "negated"}),
])
def test_a_negation_stops_at_but_a_sentence_end_or_a_new_statement(vocabulary, body, expected):
    assert symptoms(vocabulary, body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    ("not swollen anymore", {"swelling": "resolved"}),
    ("the swelling is gone", {"swelling": "resolved"}),
    ("no longer bleeding", {"bleeding": "resolved"}),
    ("ya no tengo fiebre", {"fever": "resolved"}),
    ("la fiebre ya se quitó", {"fever": "resolved"}),
    ("what should I do if I get a fever?", {"fever": "hypothetical"}),
    ("¿qué hago si me da fiebre?", {"fever": "hypothetical"}),
    ("my husband has a fever", {"fever": "other_person"}),
    ("a mi hijo le dio fiebre", {"fever": "other_person"}),
    ("my husband says my hip looks red", {"redness": "present"}),
    ("I think I have a fever", {"fever": "possible"}),
    ("not sure if it's swollen", {"swelling": "possible"}),
    ("no sé si tengo fiebre", {"fever": "possible"}),
    # "Si tengo fiebre" is "Sí, tengo fiebre" typed without the accent: not an "if"
    ("Si tengo fiebre", {"fever": "present"}),
    ("is it normal that it's red?", {"redness": "possible"}),
    ("can't stop shaking", {"chills": "possible"}),
    ("this is her son. mom's shot area is draining", {"discharge": "present"}),
    ("The dog has a swollen paw, I'm fine", {"swelling": "other_person"}),
    ("had a little chill last night but it's gone", {"chills": "resolved"}),
    ("Is a fever normal after this? just asking, I'm fine", {"fever": "hypothetical"}),
])
def test_assertion_cues_resolved_hypothetical_someone_else_and_the_safe_side(vocabulary, body,
                                                                              expected):
    assert symptoms(vocabulary, body) == expected


# --- inflections, typos and the words they must not catch ------------------------------------

@pytest.mark.parametrize(("body", "concept"), [
    ("it swelled up", "swelling"), ("swolen", "swelling"), ("sweling", "swelling"),
    ("fevr", "fever"), ("fevers and chils", "fever"), ("rednes", "redness"),
    ("it's draining", "discharge"), ("oozing", "discharge"), ("looks infected", "infection"),
    ("burning up", "fever"), ("hard to breathe", "breathing"), ("cheat pain", "chest_pain"),
    ("hinchada", "swelling"), ("hinchadas", "swelling"), ("inchado", "swelling"),
    ("ynchazon", "swelling"), ("fievre", "fever"), ("calentura", "fever"),
    ("me falta el aire", "breathing"), ("me duele el pecho", "chest_pain"),
    ("ronchas que pican", "rash"), ("está sangrando", "bleeding"), ("🤒", "fever"),
])
def test_inflections_misspellings_and_everyday_words_are_read(vocabulary, body, concept):
    assert concept in reported(vocabulary, body)


@pytest.mark.parametrize("body", [
    "Fred came by", "I'm so tired", "I crashed on the couch", "got my shot", "push through it",
    "never better", "the pain won't stop", "hot shower helped", "ice pack on it",
    "red car outside", "bee hives in the yard", "rash decision", "blood pressure is fine",
    "my blood sugar test", "I'm drained", "me puse la bolsa de hielo", "baño caliente",
    "me pusieron la inyección", "hace calor hoy", "carro rojo", "chilling at home",
    "smelling the flowers", "spelling is hard", "breeding dogs", "hot as heck in Phoenix",
    "me voy a Colorado", "fell asleep early",
])
def test_tolerance_never_catches_these(vocabulary, body):
    assert reported(vocabulary, body) == set()


def test_exclusions_belong_to_their_concept(vocabulary):
    # "blood sugar" is not bleeding, and still high blood sugar
    assert reported(vocabulary, "my blood sugar has been high") == {"high_blood_sugar"}


# --- temperatures and numbers that are not scores --------------------------------------------

@pytest.mark.parametrize(("body", "fever"), [
    ("temp 100.9", True), ("102", True), ("38.5", True), ("temperatura de 39", True),
    ("101 de fiebre", True), ("99.1", False), ("temp 98.6", False), ("37.2", False),
    ("100.4", True), ("a hundred and one point five on the thermometer", True),
    ("treinta y ocho punto cinco", True), ("ninety eight point six", False),
])
def test_temperatures_at_or_above_the_threshold_are_fever(vocabulary, body, fever):
    reading = parse_reply(body, vocabulary)
    assert ("fever" in reading.symptoms) == fever
    assert reading.score is None


@pytest.mark.parametrize(("body", "score", "kind"), [
    ("I'm 72 and the pain is a 3", 3, "age"),
    ("tengo 68 años y el dolor está en 2", 2, "age"),
    ("took 2 tylenol, pain 4", 4, "dose"),
    ("400mg ibuprofen, now a 5", 5, "dose"),
    ("since 3pm it's a 6", 6, "time"),
    ("for 2 days, about a 4", 4, "time"),
    ("at 10:30 it was bad, 7 now", 7, "time"),
    ("3 ice packs today, pain 2", 2, "count"),
    ("call me at 555-0123, pain 8", 8, "phone"),
    ("see you on 8/10, better", None, "date"),
])
def test_numbers_that_are_not_scores_do_not_make_a_clear_reply_unclear(vocabulary, body, score,
                                                                       kind):
    reading = parse_reply(body, vocabulary)
    assert reading.score == score
    assert kind in reading.values(What.NUMBER)
    assert not reading.unclear


@pytest.mark.parametrize(("body", "score"), [
    ("3", 3), ("3/10", 3), ("pain 3", 3), ("about a 4", 4), ("three", 3), ("tres", 3),
    ("ocho de diez", 8), ("7 out of 10", 7), ("none", 0), ("no pain", 0), ("sin dolor", 0),
    ("cero", 0), ("Zero. no rash", 0), ("was 8 now 4", 4), ("went from 8 to 3", 3),
    ("pain 3 (was a 7 before the shot)", 3), ("hip at 4, temp 98.2", 4), ("Un dos", 2),
    ("cero, ni lo siento", 0), ("better than b4, a 3 2day", 3),
])
def test_scores_in_every_form(vocabulary, body, score):
    assert parse_reply(body, vocabulary).score == score


@pytest.mark.parametrize(("body", "why"), [
    ("4-6", "range"), ("2 or 3", "range"), ("entre 5 y 6", "range"), ("4.5", "decimal_score"),
    ("3 sitting, 6 walking", "scores_differ"), ("50% better", "percent"),
    ("12/10", "off_scale"), ("better but worse at night", "relief_conflict"),
    ("seven point five", "decimal_score"), ("cinco y medio", "decimal_score"),
])
def test_what_cannot_be_read_without_guessing_is_reported_as_unclear(vocabulary, body, why):
    reading = parse_reply(body, vocabulary)
    assert why in reading.unclear
    assert reading.score is None or why in ("percent", "relief_conflict")


# --- relief -------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "relief"), [
    ("better", "better"), ("beter", "better"), ("mucho mejor", "better"), ("no more pain", "better"),
    ("same", "same"), ("sme", "same"), ("no better", "same"), ("not much better", "same"),
    ("not any better", "same"), ("no está mejor", "same"), ("igual", "same"),
    ("worse", "worse"), ("wrose", "worse"), ("hurts more", "worse"), ("me duele más", "worse"),
    ("peorr", "worse"), ("not worse", "not_worse"), ("didn't help", "no_effect"),
    ("didn't work", "no_effect"), ("no me hizo nada", "no_effect"), ("no funcionó", "no_effect"),
    ("the pain won't stop", "same"),
    ("honestly no diff yet", "no_effect"), ("beter than b4", "better"), ("Sane", "same"),
])
def test_relief_words_with_their_negations(vocabulary, body, relief):
    assert parse_reply(body, vocabulary).relief == relief


@pytest.mark.parametrize("body", ["better to use ice or heat?", "could be worse",
                                  "a lo mejor mañana", "worse than yesterday",
                                  "was better on day 3"])
def test_relief_words_in_another_sense_are_not_answers(vocabulary, body):
    assert parse_reply(body, vocabulary).relief is None


# --- requests -----------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "STOP", "stop", "Stop.", "unsubscribe", "CANCEL", "opt out", "stop texting me",
    "please take me off this list", "no more texts", "stop the msgs", "enough with the texts",
    "darme de baja", "dejen de mandarme mensajes", "cancelar", "parar", "no más mensajes",
    "ya no quiero recibir mensajes", "STOP. I have a fever", "Please stop. my hip is worse",
    "I do not wish to get any more of the text messages period",
    "I'd prefer not to be contacted by text going forward", "Please stop, these messages worry me",
    "I can't deal with these texts anymore, stop", "this is her son, please remove her from the texts",
    "no deseo seguir recibiendo los mensajes",
])
def test_requests_to_stop_in_keywords_and_plain_words(vocabulary, body):
    assert "opt_out" in parse_reply(body, vocabulary).requests


@pytest.mark.parametrize("body", [
    "the pain won't stop", "I can't stop limping", "stopped the ibuprofen",
    "don't stop the texts", "please don't stop texting me", "no dejen de mandarme mensajes",
    "el dolor no para", "dejé de tomar las pastillas", "cancel my appointment?",
    "I'll stop texting back now, all good", "if I stop getting texts is that bad?",
    "my sister wants to stop her texts", "no quiero darme de baja",
    "I don't want to miss any of the texts", "Please stop... the pain is coming back",
    "me dijeron que responda STOP si no quiero, pero sí quiero seguir recibiendo los mensajes",
])
def test_stop_about_anything_else_or_denied_is_not_a_request(vocabulary, body):
    assert "opt_out" not in parse_reply(body, vocabulary).requests


def test_start_help_and_a_call_request(vocabulary):
    assert parse_reply("START", vocabulary).requests == {"opt_in"}
    assert parse_reply("HELP", vocabulary).requests == {"help"}
    assert "call" in parse_reply("worse, please call me", vocabulary).requests


# --- several findings in one message -------------------------------------------------------

def test_every_finding_in_a_message_is_kept_with_its_words(vocabulary):
    body = "Stop texting me. I have a fever and chills, pain 6, no redness"
    reading = parse_reply(body, vocabulary)
    assert reading.requests == {"opt_out"}
    assert set(reading.symptoms) == {"fever", "chills"}
    assert reading.score == 6
    denied = [f for f in reading.of(What.SYMPTOM, affirmed=False) if f.assertion == Assertion.NEGATED]
    assert [(f.value, f.words, f.cue) for f in denied] == [("redness", "redness", "no")]
    for f in reading.findings:
        assert body[f.start:f.end] == f.words


# --- nothing a phone sends breaks it, and no score is invented -------------------------------

_DIGITS = re.compile(r"\d+")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | st.sampled_from(["STOP fever 3", "4-6 or 8", "no fever 101.5",
                                                 "ocho de diez", "10/10 😭", "\x00\u202e3"]))
def test_any_text_is_read_without_raising_and_scores_come_from_its_words(body):
    reading = parse_reply(body, load_shipped_protocol().vocabulary)
    for f in reading.findings:
        assert body[f.start:f.end] == f.words or f.start == f.end == 0
        if f.what == What.SCORE:
            value = int(f.value)
            assert 0 <= value <= 10
            words = fold(f.words)
            written = {int(n) for n in _DIGITS.findall(words)} | {
                v for w, v in NUMBER_WORDS.items() if re.search(rf"\b{w}\b", words)}
            assert value in written or value == 0, (body, f)
