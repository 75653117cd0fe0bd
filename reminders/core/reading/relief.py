"""Better, same, worse, no effect: the relief findings of a reply (pure), with their
negations ("not better" is no change, "didn't help" is no effect), past ones left out,
and a relief conflict when the reply says both better and not."""

from __future__ import annotations

from reminders.core.reading.context import Scene, assertion_of
from reminders.core.reading.findings import Assertion, Finding, Unclear, What
from reminders.core.reading.phrases import Match
from reminders.core.reading.spans import finding, how
from reminders.core.reading.text import Token, TokenKind
from reminders.core.reading.vocabulary import Vocabulary

# What a relief word means when it is denied: "not better" is no change; "not worse" is
# not worse (no improvement either); "didn't help" is no effect; "not great" says nothing.
_NEGATED_RELIEF = {"better": "same", "worse": "not_worse", "effect": "no_effect",
                   "same": None, "good": None, "no_effect": None}


def answered(relief: list[Finding], questions: list[Finding]) -> list[Finding]:
    """Relief words said as an answer win over those inside the patient's own question
    ("is it normal that it hurt more yesterday? today it's better")."""
    def asked(f: Finding) -> bool:
        return any(q.start <= f.start and f.end <= q.end for q in questions)
    said = [f for f in relief if not asked(f)]
    return said if said else relief


def read_relief(text: str, matches: list[Match], scene: Scene) -> list[Finding]:
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
        found.append(finding(text, scene.tokens, What.RELIEF, direction, m.first, m.last,
                             assertion=Assertion.PRESENT, cue=cue, detail=how(m)))
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


def one_word_answer(text: str, tokens: list[Token], vocabulary: Vocabulary) -> list[Finding]:
    """A reply of one word a letter off better/same/worse ("Sane", "bettr") is that word,
    even when it is itself a real word: nothing else in the message says otherwise."""
    words = [i for i, t in enumerate(tokens) if t.kind == TokenKind.WORD]
    if len(words) != 1 or len(tokens) - len(words) > 3:
        return []
    tag = vocabulary.phrases.one_word_relief(tokens[words[0]].norm)
    if tag is None:
        return []
    return [finding(text, tokens, What.RELIEF, tag, words[0], words[0],
                    detail={"matched": "typo", "word": tokens[words[0]].norm})]


def conflicts(findings: list[Finding], text: str) -> list[Finding]:
    directions = {f.value for f in findings if f.what == What.RELIEF}
    improved = "better" in directions
    against = directions & {"worse", "same", "no_effect"}
    if improved and against:
        relief = [f for f in findings if f.what == What.RELIEF]
        return [Finding(What.UNCLEAR, Unclear.RELIEF_CONFLICT.value, relief[0].start, relief[-1].end,
                        text[relief[0].start:relief[-1].end],
                        detail={"directions": sorted(directions)})]
    return []
