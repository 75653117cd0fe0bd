"""Yes/no answers, questions for the clinic, and replies that are only pleasantries (pure).
A question mark alone does not make a question: "maybe a 5?" is a hedged answer."""

from __future__ import annotations

from reminders.core.reading import answer_words, request_words
from reminders.core.reading.context import Scene
from reminders.core.reading.findings import Finding, What
from reminders.core.reading.spans import finding, whole
from reminders.core.reading.text import Token, TokenKind, sentences


def read_answers(text: str, tokens: list[Token]) -> list[Finding]:
    words = [t.norm for t in tokens if t.kind == TokenKind.WORD]
    core = " ".join(w for w in words if w not in request_words.POLITE or w in ("ok",))
    for answers, value in ((answer_words.YES, "yes"), (answer_words.NO, "no")):
        if core in answers or " ".join(words) in answers:
            return [Finding(What.ANSWER, value, *whole(text))]
    return []


def read_questions(text: str, tokens: list[Token], scene: Scene) -> list[Finding]:
    """Sentences that ask the clinic something. A question mark alone is not enough: "maybe
    a 5?" and "about the same?" are hedged answers, not questions."""
    found = []
    for first, last in sentences(tokens):
        words = [t.norm for t in tokens[first:last] if t.kind == TokenKind.WORD]
        if not words:
            continue
        if all(k in scene.inside for k, t in enumerate(tokens[first:last], first)
               if t.kind == TokenKind.WORD):
            continue  # "¿Caliente? No." asks itself about a symptom: it is an answer
        opened = any(t.norm == "¿" for t in tokens[first:last])
        marked = opened or (last < len(tokens) and tokens[last].norm == "?")
        asks = any(w in answer_words.QUESTION_WORDS
                   for w in words[:4] + _last_clause(tokens, first, last)[:4])
        asks = asks or any(t.text.lower() in answer_words.INTERROGATIVES
                           or (t.norm in answer_words.INTERROGATIVES
                               and t.norm not in ("que", "como", "cuando"))
                           for t in tokens[first:last])
        opening = " ".join(words[:4])
        starts = any(opening == s or opening.startswith(s + " ") for s in answer_words.QUESTION_OPENINGS)
        joined = f" {' '.join(words)} "
        starts = starts or any(f" {p} " in joined for p in answer_words.QUESTION_PHRASES)
        asks = asks or any(f" {p} " in joined for p in answer_words.ASKING_PAIRS)
        if (marked and (opened or asks)) or starts:
            found.append(finding(text, tokens, What.QUESTION, "asked", first, last - 1))
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


def pleasantries(tokens: list[Token]) -> bool:
    words = [t.norm for t in tokens if t.kind in (TokenKind.WORD, TokenKind.NUMBER)]
    return all(w in answer_words.PLEASANTRIES or w in request_words.POLITE for w in words)
