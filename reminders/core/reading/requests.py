"""Requests about the texts: STOP and its keywords, plain-word requests to stop or to start
again, HELP, and asking for a call (pure). Only a cue before a request changes it: "don't
stop the texts", "if I stop getting texts", "my sister wants to stop her texts"."""

from __future__ import annotations

from reminders.core.reading import request_words
from reminders.core.reading.context import Scene, assertion_of
from reminders.core.reading.cue_words import Cue
from reminders.core.reading.findings import Finding, What
from reminders.core.reading.phrases import Match
from reminders.core.reading.spans import finding, whole
from reminders.core.reading.text import Token, TokenKind, is_sentence_end, sentences

_REQUEST_CUES = {Cue.NEGATED, Cue.HYPOTHETICAL, Cue.OTHER_PERSON}


def read_requests(text: str, tokens: list[Token], matches: list[Match], scene: Scene) -> list[Finding]:
    words = [t.norm for t in tokens if t.kind == TokenKind.WORD]
    core = " ".join(w for w in words if w not in request_words.POLITE)
    said = " ".join(words)
    for keywords, kind in ((request_words.STOP_KEYWORDS, "opt_out"), (request_words.START_KEYWORDS, "opt_in"),
                           (request_words.HELP_KEYWORDS, "help")):
        if said in keywords or (core and core in keywords):
            return [Finding(What.REQUEST, kind, *whole(text), detail={"keyword": True})]
    found = []
    edge = _edge_keyword(tokens)
    if edge is not None:
        found.append(finding(text, tokens, What.REQUEST, "opt_out", *edge,
                             detail={"keyword": True}))
    found += _wishes(text, tokens, scene, [(m.first, m.last) for m in matches])
    for m in matches:
        needs_object = m.term.extra and m.term.extra[0]
        if needs_object and not _about_texts(tokens, m):
            continue
        # Only a cue before it changes a request: "don't stop the texts", "if I want to
        # stop", "my wife wants to stop"; "I don't want these texts anymore" is one.
        assertion, cue = assertion_of(scene, m.first, m.last, "request", _REQUEST_CUES,
                                      backward=False)
        found.append(finding(text, tokens, What.REQUEST, m.term.tag, m.first, m.last,
                             assertion=assertion, cue=cue))
    return found


def _wishes(text: str, tokens: list[Token], scene: Scene,
            taken: list[tuple[int, int]]) -> list[Finding]:
    """Requests worded around the texts rather than from a list: a wish not to get them
    ("I do not wish to get any more of the text messages", "prefer not to be contacted by
    text", "no deseo seguir recibiendo los mensajes"), the texts asked to end ("I'd like
    these texts to cease"), or a stop opening a sentence about them ("Please stop, these
    messages…"). Never across a word that turns it round ("don't want to miss a text")."""
    found = []
    for first, last in sentences(tokens):
        # "Please stop, these messages are making me anxious"
        words = [(k, tokens[k].norm) for k in range(first, last) if tokens[k].kind == TokenKind.WORD]
        norms = [w for _, w in words]
        opening = norms[1:2] if norms[:1] in (["please"], ["pls"], ["plz"]) else norms[:1]
        stop_at = words[len(norms[:2]) - 1 if opening != norms[:1] else 0][0] if words else 0
        texts = [k for k, w in words if w in request_words.TEXT_NOUNS]
        if opening == ["stop"] and texts and stop_at + 1 < last and tokens[stop_at + 1].norm == ",":
            found.append(finding(text, tokens, What.REQUEST, "opt_out", first, texts[0],
                                 detail={"worded": True}))
    for first, last in _clauses(tokens):
        words = [(k, tokens[k].norm) for k in range(first, last) if tokens[k].kind == TokenKind.WORD]
        norms = [w for _, w in words]
        texts = [i for i, w in enumerate(norms) if w in request_words.TEXT_NOUNS]
        if not texts or any(a <= words[texts[0]][0] <= b for a, b in taken):
            continue
        hit = None
        for i, w in enumerate(norms):
            two = " ".join(norms[i:i + 2])
            three = " ".join(norms[i:i + 3])
            wish = next((p for p in (three, two, w) if p in request_words.NOT_WANTING), None)
            if wish is None:
                continue
            after = [j for j in texts if i < j <= i + len(wish.split()) + 7]
            between = range(words[i][0], words[after[0]][0]) if after else range(0)
            if after and not set(norms[i:after[0]]) & request_words.TURNING_WORDS and not any(
                    a in between for a, _ in taken):
                hit = (words[i][0], words[after[0]][0])
                break
        for j in texts:
            rest = norms[j + 1:j + 4]
            if hit is None and rest[:1] == ["to"] and set(rest[1:3]) & request_words.ENDING_VERBS:
                hit = (words[j][0], words[min(j + 2, len(words) - 1)][0])
        if hit is not None:
            assertion, cue = assertion_of(scene, hit[0], hit[1], "request", _REQUEST_CUES,
                                          backward=False)
            found.append(finding(text, tokens, What.REQUEST, "opt_out", *hit,
                                 assertion=assertion, cue=cue, detail={"worded": True}))
    return found


def _clauses(tokens: list[Token]) -> list[tuple[int, int]]:
    """Sentences cut at commas too: a wish reaches the texts of its own clause only."""
    spans = []
    for first, last in sentences(tokens):
        start = first
        for k in range(first, last):
            if tokens[k].norm == ",":
                spans.append((start, k))
                start = k + 1
        spans.append((start, last))
    return [(a, b) for a, b in spans if a < b]


def _edge_keyword(tokens: list[Token]) -> tuple[int, int] | None:
    """A STOP keyword opening or closing the message as a sentence of its own ("STOP. I
    have a fever", "Please stop. My swelling is worse", "… thanks. STOP"), never inside a
    sentence ("the pain won't stop")."""
    spans = sentences(tokens)
    for first, last in (spans[:1] + spans[-1:]) if len(spans) > 1 else ():
        if _trails_off(tokens, last):
            continue  # "Please stop... the pain is coming back": a sigh, not a keyword
        words = [t.norm for t in tokens[first:last] if t.kind == TokenKind.WORD]
        core = " ".join(w for w in words if w not in request_words.POLITE)
        if core in request_words.STOP_KEYWORDS and (core != "end" or tokens[first].text.isupper()):
            return first, last - 1
    word_at = [i for i, t in enumerate(tokens) if t.kind == TokenKind.WORD]
    if len(word_at) < 2:
        return None
    strong = {"stop", "stopall", "unsubscribe", "optout"}
    shouted = {"cancel", "end", "quit", "revoke"}
    for i, neighbour in ((word_at[0], word_at[0] + 1), (word_at[-1], word_at[-1] - 1)):
        token = tokens[i]
        if token.norm not in strong and not (token.norm in shouted and token.text.isupper()):
            continue
        if not (token.text.isupper() and len(token.text) > 1) and token.norm not in strong:
            continue
        if 0 <= neighbour < len(tokens) and (is_sentence_end(tokens[neighbour])
                                             or (tokens[neighbour].norm in (",", ":", "-")
                                             and (token.text.isupper() or _about_them(tokens, i)))):
            return i, i
    return None


def _about_them(tokens: list[Token], i: int) -> bool:
    """Whether the sentence of a closing ", stop" is about the texts ("I can't deal with
    these texts anymore, stop")."""
    for first, last in sentences(tokens):
        if first <= i < last:
            return any(t.norm in request_words.TEXT_NOUNS for t in tokens[first:last])
    return False


def _trails_off(tokens: list[Token], end: int) -> bool:
    """Whether a sentence ends in an ellipsis ("...", "…")."""
    if end < len(tokens) and tokens[end].norm == "…":
        return True
    return end + 1 < len(tokens) and tokens[end].norm == "." and tokens[end + 1].norm == "."


def _about_texts(tokens: list[Token], m: Match) -> bool:
    following = [t.norm for t in tokens[m.last + 1:m.last + 4] if t.kind == TokenKind.WORD]
    inside = [t.norm for t in tokens[m.first:m.last + 1]]
    if any(w in request_words.TEXT_WORDS for w in following + inside):
        return True
    words = [t for t in tokens if t.kind == TokenKind.WORD]
    return len(words) == len([t for t in tokens[m.first:m.last + 1] if t.kind == TokenKind.WORD])
