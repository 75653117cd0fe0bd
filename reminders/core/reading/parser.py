"""`parse_reply`: every finding in a patient's reply, each with its words (pure).

The steps, each its own function: tokens and sentences; requests (STOP and its plain-word
forms, START, HELP); context cues; symptom concepts with their assertions; numbers (the
score, temperatures and every other kind); better/same/worse; yes/no; questions; and the
reasons a reply cannot be read without guessing. Nothing here decides what to do: triage
does, from all of the findings.
"""

from __future__ import annotations

import re

from reminders.core.reading import answer_words, cue_words
from reminders.core.reading.context import CueSpan, Scene, assertion_of
from reminders.core.reading.cue_words import BODY, NOT_A_NOUN, Cue
from reminders.core.reading.findings import Assertion, Finding, Reading, Unclear, What
from reminders.core.reading.numbers import read_numbers
from reminders.core.reading.phrases import Match
from reminders.core.reading.questions import pleasantries, read_answers, read_questions
from reminders.core.reading.relief import answered, conflicts, one_word_answer, read_relief
from reminders.core.reading.requests import read_requests
from reminders.core.reading.scores import only_a_number, qualified, read_scores
from reminders.core.reading.spans import finding, how, whole, without
from reminders.core.reading.text import Token, TokenKind, is_sentence_end, sentences, tokenize
from reminders.core.reading.vocabulary import Vocabulary

MAX_READ = 2000  # characters; a reply longer than ten SMS segments is read up to here
_CONFIRMING = frozenset({"?", "¿"})
_SI_COMPANIONS = frozenset({"hago", "debo", "llamo", "puedo", "pasa", "hacer", "llamar",
                            "aviso", "deberia", "tengo que", "preocupo", "preocupar"})


def parse_reply(body: str, vocabulary: Vocabulary) -> Reading:
    """Every finding in `body`, in the order they appear."""
    text = (body or "")[:MAX_READ]
    tokens = tokenize(text)
    if not tokens:
        return Reading((Finding(What.UNCLEAR, Unclear.NOT_UNDERSTOOD.value, 0, 0, ""),))
    found = vocabulary.phrases.find(tokens, per_token=[vocabulary.phrases.words_for(t)
                                                       for t in tokens])

    def find(group: str) -> list[Match]:
        return found.get(group, [])

    cues = _cues(tokens, find("cue"))
    if _for_the_patient(tokens):
        # "This is her son. Mom's shot area is draining": the family member writing for the
        # patient speaks of the patient; only a pet is someone else then
        cues = [c for c in cues if c.cue != Cue.OTHER_PERSON
                or set(c.text.lower().replace("'", "").split()) & cue_words.PETS]
    symptoms = _symptom_matches(tokens, find("symptom"), find("exclusion"), vocabulary)
    relief = without(find("relief"), find("relief_exclusion"))
    no_pain = [m for m in without(find("no_pain"), find("no_pain_exclusion"))
               if not qualified(tokens, m)]
    requests = without(find("request"), find("request_exclusion"))
    targets = symptoms + relief + no_pain + requests
    scene = Scene(tokens, cues, frozenset(m.first for m in targets),
                  frozenset(m.last for m in targets),
                  {k: (m.term.group, m.first) for m in targets for k in range(m.first, m.last + 1)})

    findings: list[Finding] = []
    findings += read_requests(text, tokens, requests, scene)
    findings += _symptoms(text, symptoms, scene, vocabulary)
    numbers = read_numbers(tokens, only_a_number(tokens))
    findings += read_scores(text, tokens, numbers, no_pain, scene, vocabulary)
    questions = read_questions(text, tokens, scene)
    findings += answered(read_relief(text, relief, scene), questions)
    findings += read_answers(text, tokens)
    findings += questions
    findings += conflicts(findings, text)
    if not findings:
        findings += one_word_answer(text, tokens, vocabulary)
    if not findings and not pleasantries(tokens):
        findings.append(Finding(What.UNCLEAR, Unclear.NOT_UNDERSTOOD.value, *whole(text)))
    return Reading(tuple(sorted(findings, key=lambda f: (f.start, f.end))))


# --- context cues ---------------------------------------------------------------------------

def _cues(tokens: list[Token], matches: list[Match]) -> list[CueSpan]:
    cues = []
    for m in matches:
        directions, guarded = m.term.extra
        if guarded and not _conditional(tokens, m):
            continue  # "si" may be "sí" typed without its accent: only a question is "if"
        text = " ".join(t.text for t in tokens[m.first:m.last + 1])
        cues.append(CueSpan(Cue(m.term.tag), directions, m.first, m.last, text))
    return cues


def _for_the_patient(tokens: list[Token]) -> bool:
    """Whether someone writes on the patient's behalf ("texting for my mother in law",
    "habla su hija", "le escribe el esposo")."""
    said = " " + " ".join(t.norm for t in tokens if t.kind == TokenKind.WORD) + " "
    return _PROXY.search(said) is not None


_PROXY = re.compile("|".join(rf" {re.escape(p)} " for p in cue_words.PROXY))


def _conditional(tokens: list[Token], m: Match) -> bool:
    if tokens[m.first].text.lower().startswith("sí"):
        return False
    rest = []
    for token in tokens[m.last + 1:]:
        if token.norm in _CONFIRMING:
            return True
        if is_sentence_end(token):
            break
        rest.append(token.norm)
    joined = " ".join(rest)
    return any(w in rest or (" " in w and w in joined) for w in _SI_COMPANIONS)


# --- symptoms ------------------------------------------------------------------------------

def _symptom_matches(tokens: list[Token], matches: list[Match], exclusions: list[Match],
                     vocabulary: Vocabulary) -> list[Match]:
    kept = []
    for m in without(matches, exclusions, same_tag=True):
        if m.term.extra and m.term.extra[0] == "adjective" and not _describes_body(tokens, m):
            continue
        kept.append(m)
    return kept


def _describes_body(tokens: list[Token], m: Match) -> bool:
    """An adjective describes the body unless it sits on another noun: English nouns come
    after it ("red car", "hot shower"), Spanish ones before it ("agua caliente")."""
    token = tokens[m.first]
    if token.text[:1].isupper() and not token.text.isupper() and m.first > 0 \
            and tokens[m.first - 1].kind == TokenKind.WORD:
        return False  # a name mid-sentence: "Red Sox", "me voy a Colorado"
    if _sentence_words(tokens, m.first) & answer_words.WEATHER:
        return False  # "hot as heck in Phoenix today"
    if m.term.language == "en":
        neighbour = _word_at(tokens, m.last + 1)
    else:
        k = m.first - 1  # past "bien", "muy": "un caldito bien caliente" is the soup's
        while _word_at(tokens, k) in _INTENSIFIERS:
            k -= 1
        neighbour = _word_at(tokens, k)
    if neighbour is None:
        return True
    return neighbour in BODY or neighbour in NOT_A_NOUN


def _sentence_words(tokens: list[Token], k: int) -> set[str]:
    for first, last in sentences(tokens):
        if first <= k < last:
            return {t.norm for t in tokens[first:last] if t.kind == TokenKind.WORD}
    return set()


_INTENSIFIERS = frozenset({"bien", "muy", "super", "re", "tan", "mas", "bastante", "medio",
                           "algo", "un", "poco", "poquito", "tantito"})


def _word_at(tokens: list[Token], k: int) -> str | None:
    if 0 <= k < len(tokens) and tokens[k].kind == TokenKind.WORD:
        return tokens[k].norm
    return None


def _symptoms(text: str, matches: list[Match], scene: Scene,
              vocabulary: Vocabulary) -> list[Finding]:
    found = []
    for m in matches:
        assertion, cue = assertion_of(scene, m.first, m.last, "symptom")
        symptom = vocabulary.symptoms.get(m.term.tag)
        if symptom is not None and assertion not in symptom.assertions and not assertion.affirmed:
            assertion, cue = Assertion.PRESENT, None  # a cue this concept does not take
        found.append(finding(text, scene.tokens, What.SYMPTOM, m.term.tag, m.first, m.last,
                             assertion, cue, detail=how(m)))
    return found
