"""`parse_reply`: every finding in a patient's reply, each with its words (pure).

The steps, each its own function: tokens and sentences; requests (STOP and its plain-word
forms, START, HELP); context cues; symptom concepts with their assertions; numbers (the
score, temperatures and every other kind); better/same/worse; yes/no; questions; and the
reasons a reply cannot be read without guessing. Nothing here decides what to do: triage
does, from all of the findings.
"""

from __future__ import annotations

from reminders.core.reading import lexicon
from reminders.core.reading.context import CueSpan, Scene, assertion_of
from reminders.core.reading.findings import Assertion, Finding, Reading, Unclear, What
from reminders.core.reading.lexicon import BODY, NOT_A_NOUN, Cue
from reminders.core.reading.numbers import Number, NumberReading, read_numbers
from reminders.core.reading.phrases import Match
from reminders.core.reading.text import Token, TokenKind, is_sentence_end, sentences, tokenize
from reminders.core.reading.vocabulary import Vocabulary

MAX_READ = 2000  # characters; a reply longer than ten SMS segments is read up to here
_CONFIRMING = frozenset({"?", "¿"})
# The cues that can change a request, or make a number not the patient's score.
_REQUEST_CUES = {Cue.NEGATED, Cue.HYPOTHETICAL, Cue.OTHER_PERSON}
_NUMBER_CUES = {Cue.HYPOTHETICAL, Cue.OTHER_PERSON}
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
    symptoms = _symptom_matches(tokens, find("symptom"), find("exclusion"), vocabulary)
    relief = _without(find("relief"), find("relief_exclusion"))
    no_pain = [m for m in _without(find("no_pain"), find("no_pain_exclusion"))
               if not _qualified(tokens, m)]
    requests = _without(find("request"), find("request_exclusion"))
    targets = symptoms + relief + no_pain + requests
    scene = Scene(tokens, cues, frozenset(m.first for m in targets),
                  frozenset(m.last for m in targets),
                  {k: (m.term.group, m.first) for m in targets for k in range(m.first, m.last + 1)})

    findings: list[Finding] = []
    findings += _requests(text, tokens, requests, scene)
    findings += _symptoms(text, symptoms, scene, vocabulary)
    numbers = read_numbers(tokens, _only_a_number(tokens))
    findings += _numbers(text, tokens, numbers, no_pain, scene, vocabulary)
    findings += _answered(_relief(text, relief, scene), _questions(text, tokens, scene))
    findings += _answers(text, tokens)
    findings += _questions(text, tokens, scene)
    findings += _conflicts(findings, text)
    if not findings:
        findings += _one_word_answer(text, tokens, vocabulary)
    if not findings and not _pleasantries(tokens):
        findings.append(Finding(What.UNCLEAR, Unclear.NOT_UNDERSTOOD.value, *_whole(text)))
    return Reading(tuple(sorted(findings, key=lambda f: (f.start, f.end))))


# --- requests ------------------------------------------------------------------------------

def _requests(text: str, tokens: list[Token], matches: list[Match], scene: Scene) -> list[Finding]:
    words = [t.norm for t in tokens if t.kind == TokenKind.WORD]
    core = " ".join(w for w in words if w not in lexicon.POLITE)
    whole = " ".join(words)
    for keywords, kind in ((lexicon.STOP_KEYWORDS, "opt_out"), (lexicon.START_KEYWORDS, "opt_in"),
                           (lexicon.HELP_KEYWORDS, "help")):
        if whole in keywords or (core and core in keywords):
            return [Finding(What.REQUEST, kind, *_whole(text), detail={"keyword": True})]
    found = []
    edge = _edge_keyword(tokens)
    if edge is not None:
        found.append(_finding(text, tokens, What.REQUEST, "opt_out", *edge,
                              detail={"keyword": True}))
    for m in matches:
        needs_object = m.term.extra and m.term.extra[0]
        if needs_object and not _about_texts(tokens, m):
            continue
        # Only a cue before it changes a request: "don't stop the texts", "if I want to
        # stop", "my wife wants to stop"; "I don't want these texts anymore" is one.
        assertion, cue = assertion_of(scene, m.first, m.last, "request", _REQUEST_CUES,
                                      backward=False)
        found.append(_finding(text, tokens, What.REQUEST, m.term.tag, m.first, m.last,
                              assertion=assertion, cue=cue))
    return found


def _edge_keyword(tokens: list[Token]) -> tuple[int, int] | None:
    """A STOP keyword opening or closing the message as a sentence of its own ("STOP. I
    have a fever", "Please stop. My swelling is worse", "… thanks. STOP"), never inside a
    sentence ("the pain won't stop")."""
    spans = sentences(tokens)
    for first, last in (spans[:1] + spans[-1:]) if len(spans) > 1 else ():
        words = [t.norm for t in tokens[first:last] if t.kind == TokenKind.WORD]
        core = " ".join(w for w in words if w not in lexicon.POLITE)
        if core in lexicon.STOP_KEYWORDS and (core != "end" or tokens[first].text.isupper()):
            return first, last - 1
    words = [i for i, t in enumerate(tokens) if t.kind == TokenKind.WORD]
    if len(words) < 2:
        return None
    strong = {"stop", "stopall", "unsubscribe", "optout"}
    shouted = {"cancel", "end", "quit", "revoke"}
    for i, neighbour in ((words[0], words[0] + 1), (words[-1], words[-1] - 1)):
        token = tokens[i]
        if token.norm not in strong and not (token.norm in shouted and token.text.isupper()):
            continue
        if not (token.text.isupper() and len(token.text) > 1) and token.norm not in strong:
            continue
        if 0 <= neighbour < len(tokens) and (is_sentence_end(tokens[neighbour])
                                             or (tokens[neighbour].norm in (",", ":", "-")
                                             and token.text.isupper())):
            return i, i
    return None


def _about_texts(tokens: list[Token], m: Match) -> bool:
    following = [t.norm for t in tokens[m.last + 1:m.last + 4] if t.kind == TokenKind.WORD]
    inside = [t.norm for t in tokens[m.first:m.last + 1]]
    if any(w in lexicon.TEXT_WORDS for w in following + inside):
        return True
    words = [t for t in tokens if t.kind == TokenKind.WORD]
    return len(words) == len([t for t in tokens[m.first:m.last + 1] if t.kind == TokenKind.WORD])


# --- context cues --------------------------------------------------------------------------

def _cues(tokens: list[Token], matches: list[Match]) -> list[CueSpan]:
    cues = []
    for m in matches:
        directions, guarded = m.term.extra
        if guarded and not _conditional(tokens, m):
            continue  # "si" may be "sí" typed without its accent: only a question is "if"
        text = " ".join(t.text for t in tokens[m.first:m.last + 1])
        cues.append(CueSpan(Cue(m.term.tag), directions, m.first, m.last, text))
    return cues


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
    for m in _without(matches, exclusions, same_tag=True):
        if m.term.extra and m.term.extra[0] == "adjective" and not _describes_body(tokens, m):
            continue
        kept.append(m)
    return kept


def _describes_body(tokens: list[Token], m: Match) -> bool:
    """An adjective describes the body unless it sits on another noun: English nouns come
    after it ("red car", "hot shower"), Spanish ones before it ("agua caliente")."""
    token = tokens[m.first]
    if token.text[:1].isupper() and not token.text.isupper() and m.first > 0 \
            and not is_sentence_end(tokens[m.first - 1]):
        return False  # a name mid-sentence: "Red Sox", "me voy a Colorado"
    if _sentence_words(tokens, m.first) & lexicon.WEATHER:
        return False  # "hot as heck in Phoenix today"
    if m.term.language == "en":
        neighbour = _word_near(tokens, m.last + 1, 1)
    else:
        k = m.first - 1  # past "bien", "muy": "un caldito bien caliente" is the soup's
        while _word_near(tokens, k, -1) in _INTENSIFIERS:
            k -= 1
        neighbour = _word_near(tokens, k, -1)
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


def _word_near(tokens: list[Token], k: int, step: int) -> str | None:
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
        found.append(_finding(text, scene.tokens, What.SYMPTOM, m.term.tag, m.first, m.last,
                              assertion, cue, detail=_how(m)))
    return found


# --- numbers -------------------------------------------------------------------------------

def _numbers(text: str, tokens: list[Token], reading: NumberReading, no_pain: list[Match],
             scene: Scene, vocabulary: Vocabulary) -> list[Finding]:
    found: list[Finding] = []
    scores: list[Number] = []
    by_first = {n.first: n for n in reading.numbers}
    in_range = {k for a, b in reading.ranges for k in range(a, b + 1)}
    for a, b in reading.ranges:
        low, high = sorted((int(by_first[a].value), int(_last_number(reading, b).value)))
        found.append(_finding(text, tokens, What.UNCLEAR, Unclear.RANGE, a, b,
                              detail={"values": list(range(low, high + 1))}))
    for n in reading.numbers:
        if n.first in in_range:
            continue
        value = {"value": _plain(n.value)}
        if n.kind == "score":
            assertion, _ = assertion_of(scene, n.first, n.last, "score", _NUMBER_CUES)
            if not assertion.affirmed:
                found.append(_finding(text, tokens, What.NUMBER, "other", n.first, n.last,
                                      assertion=assertion, detail=value))
            elif n.decimal:
                low, high = int(n.value), int(n.value) + 1
                found.append(_finding(text, tokens, What.UNCLEAR, Unclear.DECIMAL, n.first, n.last,
                                      detail={**value, "values": [low, min(high, 10)]}))
            else:
                scores.append(n)
        elif n.kind == "temperature":
            found.append(_temperature(text, tokens, n, vocabulary))
        elif n.kind == "glucose" and n.value >= vocabulary.blood_sugar.mg_dl:
            found.append(_finding(text, tokens, What.SYMPTOM, vocabulary.blood_sugar.symptom,
                                  n.first, n.last, detail={**value, "blood_sugar": True}))
        elif n.kind == "off_scale":
            found.append(_finding(text, tokens, What.UNCLEAR, Unclear.OFF_SCALE, n.first, n.last,
                                  detail=value))
        else:
            if n.kind == "percent":
                found.append(_finding(text, tokens, What.UNCLEAR, Unclear.PERCENT, n.first, n.last,
                                      detail=value))
            found.append(_finding(text, tokens, What.NUMBER, n.kind, n.first, n.last, detail=value))
    for m in no_pain if not scores else ():  # "ya no me duele, un 1": the number says how much
        assertion, _ = assertion_of(scene, m.first, m.last, "no_pain", _NUMBER_CUES)
        if assertion.affirmed:
            scores.append(Number(0, m.first, m.last, word=True))
    current = [n for n in scores if n.dated != "past"]
    for n in scores:
        detail = {"previous": True} if n.dated == "past" and current else {}
        found.append(_finding(text, tokens, What.SCORE, str(int(n.value)), n.first, n.last,
                              detail=detail))
    values = {int(n.value) for n in current} or {int(n.value) for n in scores}
    if len(values) > 1:
        a, b = min(n.first for n in scores), max(n.last for n in scores)
        found.append(_finding(text, tokens, What.UNCLEAR, Unclear.SCORES_DIFFER, a, b,
                              detail={"values": sorted(values)}))
    return found


def _last_number(reading: NumberReading, last: int) -> Number:
    return next(n for n in reading.numbers if n.first <= last <= n.last)


def _temperature(text: str, tokens: list[Token], n: Number, vocabulary: Vocabulary) -> Finding:
    unit = n.unit or ("F" if n.value >= 50 else "C")
    threshold = vocabulary.fever.fahrenheit if unit == "F" else vocabulary.fever.celsius
    detail = {"value": _plain(n.value), "unit": unit}
    last = n.last + 1 if n.last + 1 < len(tokens) and tokens[n.last + 1].norm in ("°", "º") else n.last
    if n.value >= threshold:
        return _finding(text, tokens, What.SYMPTOM, vocabulary.fever.symptom, n.first, last,
                        detail={**detail, "temperature": True})
    return _finding(text, tokens, What.NUMBER, "temperature", n.first, last, detail=detail)


def _only_a_number(tokens: list[Token]) -> bool:
    words = [t for t in tokens if t.kind in (TokenKind.WORD, TokenKind.NUMBER)]
    meaningful = [t for t in words if (t.norm not in lexicon.POLITE and t.norm not in lexicon.PLEASANTRIES)
                  or t.norm in lexicon.NUMBER_WORDS]
    return len(meaningful) == 1 and (meaningful[0].kind == TokenKind.NUMBER
                                     or meaningful[0].norm in lexicon.NUMBER_WORDS)


_ALMOST = frozenset({"casi", "mero", "almost", "barely", "hardly", "nearly", "practically"})
_NOT_QUITE = frozenset({"tanto", "much", "mucho", "like", "como", "that", "so", "as", "asi"})


def _qualified(tokens: list[Token], m: Match) -> bool:
    """"ya no me duele tanto", "almost no pain": less pain, not none."""
    before = tokens[m.first - 1].norm if m.first > 0 else ""
    after = tokens[m.last + 1].norm if m.last + 1 < len(tokens) else ""
    inside = {t.norm for t in tokens[m.first:m.last + 1]}
    return before in _ALMOST or after in _NOT_QUITE or after in _ALMOST or bool(inside & _ALMOST)


# --- relief --------------------------------------------------------------------------------

# What a relief word means when it is denied: "not better" is no change; "not worse" is
# not worse (no improvement either); "didn't help" is no effect; "not great" says nothing.
_NEGATED_RELIEF = {"better": "same", "worse": "not_worse", "effect": "no_effect",
                   "same": None, "good": None}


def _answered(relief: list[Finding], questions: list[Finding]) -> list[Finding]:
    """Relief words said as an answer win over those inside the patient's own question
    ("is it normal that it hurt more yesterday? today it's better")."""
    def asked(f: Finding) -> bool:
        return any(q.start <= f.start and f.end <= q.end for q in questions)
    said = [f for f in relief if not asked(f)]
    return said if said else relief


def _relief(text: str, matches: list[Match], scene: Scene) -> list[Finding]:
    found = []
    for m in matches:
        assertion, cue = assertion_of(scene, m.first, m.last, "relief")
        direction: str | None = "better" if m.term.tag == "good" else m.term.tag
        if _before(scene.tokens, m.first, 2) & _PAST_RELIEF:
            continue  # "was better on day 3, now it's back": not how it is now
        if assertion in (Assertion.NEGATED, Assertion.RESOLVED):
            direction = _NEGATED_RELIEF[m.term.tag]
        elif m.term.tag == "effect" or not assertion.affirmed:
            direction = None  # "it helped" may be the ice; "if it gets worse" is not so
        if direction is None:
            continue
        found.append(_finding(text, scene.tokens, What.RELIEF, direction, m.first, m.last,
                              assertion=Assertion.PRESENT, cue=cue, detail=_how(m)))
    return found


_PAST_RELIEF = frozenset({"was", "were", "estaba", "estuvo", "estuve", "fue", "used",
                         "had", "felt", "sentia", "senti"})


def _before(tokens: list[Token], k: int, count: int) -> set[str]:
    words: list[str] = []
    while k > 0 and len(words) < count:
        k -= 1
        if tokens[k].kind != TokenKind.WORD:
            break
        words.append(tokens[k].norm)
    return set(words)


# --- answers and questions -----------------------------------------------------------------

def _answers(text: str, tokens: list[Token]) -> list[Finding]:
    words = [t.norm for t in tokens if t.kind == TokenKind.WORD]
    core = " ".join(w for w in words if w not in lexicon.POLITE or w in ("ok",))
    for answers, value in ((lexicon.YES, "yes"), (lexicon.NO, "no")):
        if core in answers or " ".join(words) in answers:
            return [Finding(What.ANSWER, value, *_whole(text))]
    return []


def _questions(text: str, tokens: list[Token], scene: Scene) -> list[Finding]:
    """Sentences that ask the clinic something. A question mark alone is not enough: "maybe
    a 5?" and "about the same?" are hedged answers, not questions."""
    found = []
    for first, last in sentences(tokens):
        words = [t.norm for t in tokens[first:last] if t.kind == TokenKind.WORD]
        if not words:
            continue
        opened = first > 0 and tokens[first - 1].norm == "¿"
        marked = opened or (last < len(tokens) and tokens[last].norm == "?")
        asks = any(w in lexicon.QUESTION_WORDS for w in words[:4] + _last_clause(tokens, first, last)[:4])
        asks = asks or any(t.text.lower() in lexicon.INTERROGATIVES or (t.norm in lexicon.INTERROGATIVES
                           and t.norm not in ("que", "como", "cuando"))
                           for t in tokens[first:last])
        opening = " ".join(words[:4])
        starts = any(opening == s or opening.startswith(s + " ") for s in lexicon.QUESTION_OPENINGS)
        joined = f" {' '.join(words)} "
        starts = starts or any(f" {p} " in joined for p in lexicon.QUESTION_PHRASES)
        asks = asks or any(f" {p} " in joined for p in lexicon.ASKING_PAIRS)
        if (marked and (opened or asks)) or starts:
            found.append(_finding(text, tokens, What.QUESTION, "asked", first, last - 1))
    return found


def _last_clause(tokens: list[Token], first: int, last: int) -> list[str]:
    """The words after the sentence's last comma: "better, is that ok?" asks."""
    words: list[str] = []
    for token in tokens[first:last]:
        if token.norm == ",":
            words = []
        elif token.kind == TokenKind.WORD:
            words.append(token.norm)
    return words


def _one_word_answer(text: str, tokens: list[Token], vocabulary: Vocabulary) -> list[Finding]:
    """A reply of one word a letter off better/same/worse ("Sane", "bettr") is that word,
    even when it is itself a real word: nothing else in the message says otherwise."""
    words = [i for i, t in enumerate(tokens) if t.kind == TokenKind.WORD]
    if len(words) != 1 or len(tokens) - len(words) > 3:
        return []
    tag = vocabulary.phrases.one_word_relief(tokens[words[0]].norm)
    if tag is None:
        return []
    return [_finding(text, tokens, What.RELIEF, tag, words[0], words[0],
                     detail={"matched": "typo", "word": tokens[words[0]].norm})]


def _pleasantries(tokens: list[Token]) -> bool:
    words = [t.norm for t in tokens if t.kind in (TokenKind.WORD, TokenKind.NUMBER)]
    return all(w in lexicon.PLEASANTRIES or w in lexicon.POLITE for w in words)


# --- conflicts -----------------------------------------------------------------------------

def _conflicts(findings: list[Finding], text: str) -> list[Finding]:
    directions = {f.value for f in findings if f.what == What.RELIEF}
    improved = "better" in directions
    against = directions & {"worse", "same", "no_effect"}
    if improved and against:
        relief = [f for f in findings if f.what == What.RELIEF]
        return [Finding(What.UNCLEAR, Unclear.RELIEF_CONFLICT.value, relief[0].start, relief[-1].end,
                        text[relief[0].start:relief[-1].end],
                        detail={"directions": sorted(directions)})]
    return []


# --- helpers -------------------------------------------------------------------------------

def _finding(text: str, tokens: list[Token], what: What, value: str, first: int, last: int,
             assertion: Assertion = Assertion.PRESENT, cue: str | None = None,
             detail: dict | None = None) -> Finding:
    start, end = tokens[first].start, tokens[last].end
    return Finding(what, str(value), start, end, text[start:end], assertion, cue, detail or {})


def _whole(text: str) -> tuple[int, int, str]:
    """The span of the whole message, spaces around it left out."""
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    return start, max(start, end), text[start:end]


def _how(m: Match) -> dict:
    return {} if m.how == "exact" else {"matched": m.how, "term": m.term.text}


def _without(matches: list[Match], exclusions: list[Match], same_tag: bool = False) -> list[Match]:
    """`matches` that no exclusion overlaps ("hot shower" takes "hot"); with `same_tag`,
    only an exclusion of the same concept counts ("blood sugar" is not bleeding, and
    still high blood sugar)."""
    def blocked(m: Match) -> bool:
        return any(e.first <= m.last and m.first <= e.last
                   and (not same_tag or e.term.tag == m.term.tag) for e in exclusions)
    return [m for m in matches if not blocked(m)]


def _plain(value: float) -> float | int:
    return int(value) if value == int(value) else value
