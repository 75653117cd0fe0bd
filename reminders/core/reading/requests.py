"""Requests about the texts: STOP and its keywords, plain-word requests to stop or to start
again, HELP, and asking for a call (pure). Only a cue before a request changes it: "don't
stop the texts", "if I stop getting texts", "my sister wants to stop her texts"."""

from __future__ import annotations

from reminders.core.reading import lexicon
from reminders.core.reading.context import Scene, assertion_of
from reminders.core.reading.findings import Finding, What
from reminders.core.reading.lexicon import Cue
from reminders.core.reading.phrases import Match
from reminders.core.reading.spans import finding, whole
from reminders.core.reading.text import Token, TokenKind, is_sentence_end, sentences

_REQUEST_CUES = {Cue.NEGATED, Cue.HYPOTHETICAL, Cue.OTHER_PERSON}


def read_requests(text: str, tokens: list[Token], matches: list[Match], scene: Scene) -> list[Finding]:
    words = [t.norm for t in tokens if t.kind == TokenKind.WORD]
    core = " ".join(w for w in words if w not in lexicon.POLITE)
    said = " ".join(words)
    for keywords, kind in ((lexicon.STOP_KEYWORDS, "opt_out"), (lexicon.START_KEYWORDS, "opt_in"),
                           (lexicon.HELP_KEYWORDS, "help")):
        if said in keywords or (core and core in keywords):
            return [Finding(What.REQUEST, kind, *whole(text), detail={"keyword": True})]
    found = []
    edge = _edge_keyword(tokens)
    if edge is not None:
        found.append(finding(text, tokens, What.REQUEST, "opt_out", *edge,
                             detail={"keyword": True}))
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
