"""Finding term lists in a reply: whole words, inflections, small typos, small gaps.

Every term list a reading uses (symptom terms, relief words, requests, cues) is compiled
into one `Phrases` index. A term matches a run of tokens when each of its words matches a
token in order: the same folded word, the same stem in the term's language (when the
group allows stems), or a typo of it (when the group allows typos). Multi-word terms may
skip up to `gaps` words the index does not know ("stop sending me texts" is "stop
sending"), never across a sentence end or a comma. Overlapping matches of one group keep
the one with the most words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA

from reminders.core.reading.text import Token, TokenKind, fold
from reminders.core.reading.words import LANGUAGES, Typos, stem

EXACT, STEM, TYPO = "exact", "stem", "typo"
REAL_TYPO = "real_typo"  # a real word one letter off: only inside a phrase ("cheat pain")
# Stems shorter than this match nothing but themselves: Spanish "pusieron" and "puse" stem
# to "pus", "pico" and "pica" to "pic". Short words are listed in their forms instead.
_MIN_STEM = 4


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded
    group: str  # the list it belongs to: "symptom", "exclusion", "relief", "cue", …
    tag: str  # what it stands for in its group: "fever", "better", "opt_out", "negated"…
    language: str
    text: str  # as written in its list
    stems: bool = True  # inflected forms match ("swelling" for "swollen"'s stem …)
    typos: bool = True  # one or two letters off match, for real-word-safe lengths
    short_typos: bool = False  # four-letter words too ("sme", "peorr"): answer words only
    gaps: int = 0  # unknown words that may sit between two of its words
    extra: tuple[Any, ...] = ()  # group-specific data (a cue's direction)


def term(text: str, group: str, tag: str, language: str, **options: Any) -> Term:
    words = tuple(fold(text).replace("-", " ").split())
    return Term(words, group, tag, language, text, **options)


@dataclass(frozen=True)
class Match:
    term: Term
    first: int  # token indexes, both included
    last: int
    how: str  # the loosest way one of its words matched: exact, stem or typo


class Phrases:
    def __init__(self, terms: Iterable[Term], barriers: Iterable[str] = ()):
        """`barriers`: words a gap never skips (a negation inside a phrase changes it)."""
        self.terms = [t for t in terms if t.words]
        self._barriers = frozenset(barriers)
        # group → first word → terms: each group is searched on its own
        self._starts: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._by_stem: dict[str, dict[str, set[str]]] = {lang: defaultdict(set) for lang in LANGUAGES}
        known: set[str] = set()
        typo_words: set[str] = set()
        short: set[str] = set()
        for t in self.terms:
            self._starts[t.group][t.words[0]].append(t)
            known.update(t.words)
            for word in t.words:
                stemmed = stem(word, t.language) if t.language in self._by_stem else ""
                if t.stems and len(stemmed) >= _MIN_STEM:
                    self._by_stem[t.language][stemmed].add(word)
                if t.typos:
                    typo_words.add(word)
                if t.short_typos and len(word) == 4:
                    short.add(word)
        self.known = frozenset(known)
        self._typos = Typos(typo_words, never=known, short=short)

    def words_for(self, token: Token) -> dict[str, str]:
        """The index's words this token may be, each with how it matched."""
        if token.kind not in (TokenKind.WORD, TokenKind.SYMBOL):
            return {}
        norm = token.norm
        found: dict[str, str] = {norm: EXACT} if norm in self.known else {}
        if token.kind == TokenKind.SYMBOL:
            return found
        if len(norm) >= _MIN_STEM:
            for lang, stems in self._by_stem.items():
                for word in stems.get(stem(norm, lang), ()):
                    found.setdefault(word, STEM)
        if not found:
            close, real = self._typos.candidates(norm)
            for word in close:
                found[word] = REAL_TYPO if real else TYPO
        return found

    def find(self, tokens: list[Token], groups: set[str] | None = None,
             per_token: list[dict[str, str]] | None = None) -> dict[str, list[Match]]:
        """Each group's non-overlapping matches, longest first, in message order (one pass
        over the tokens for every group)."""
        per_token = per_token if per_token is not None else [self.words_for(t) for t in tokens]
        candidates: list[Match] = []
        memo: dict[tuple[str, int], bool] = {}  # (group, token) → a term of it starts there
        # the words the next three tokens may be: a term whose second word is not among
        # them cannot match here (most terms are ruled out without trying them)
        ahead = [set().union(*per_token[i + 1:i + 4]) for i in range(len(per_token))]
        for group, starts in self._starts.items():
            if groups is not None and group not in groups:
                continue
            for i, words in enumerate(per_token):
                for word in words:
                    for t in starts.get(word, ()):
                        if len(t.words) > 1 and t.words[1] not in ahead[i]:
                            continue
                        match = self._extend(t, i, tokens, per_token, memo)
                        if match is not None:
                            candidates.append(match)
        candidates.sort(key=lambda m: (-len(m.term.words), m.first, m.last - m.first))
        taken: dict[str, set[int]] = defaultdict(set)
        chosen: dict[str, list[Match]] = defaultdict(list)
        for match in candidates:
            span = set(range(match.first, match.last + 1))
            if taken[match.term.group] & span:
                continue
            taken[match.term.group] |= span
            chosen[match.term.group].append(match)
        for matches in chosen.values():
            matches.sort(key=lambda m: (m.first, m.last))
        return chosen

    def _extend(self, t: Term, first: int, tokens: list[Token],
                per_token: list[dict[str, str]],
                memo: dict[tuple[str, int], bool] | None = None) -> Match | None:
        """The match of `t` from token `first`; without `memo`, no gaps are allowed."""
        how = _allowed(t, per_token[first].get(t.words[0]))
        if how is None:
            return None
        loosest, at = how, first
        for word in t.words[1:]:
            at += 1
            skipped = 0
            while at < len(tokens):
                found = _allowed(t, per_token[at].get(word))
                if found is not None:
                    break
                token = tokens[at]
                if (memo is None or skipped >= t.gaps or token.kind != TokenKind.WORD
                        or token.norm in self._barriers
                        or self._starts_here(t.group, at, tokens, per_token, memo)):
                    return None  # never skip a word that begins a term of the same list
                skipped += 1
                at += 1
            else:
                return None
            loosest = max(loosest, found, key=_LOOSENESS.index)
        if loosest == REAL_TYPO and not any(
                per_token[k].get(w) in (EXACT, STEM) and len(w) >= 4 and w not in _SMALL_WORDS
                for k, w in _positions(first, at, t, per_token)):
            return None  # "sleeping through" is not "bleeding through": "through" is no anchor
        return Match(t, first, at, TYPO if loosest == REAL_TYPO else loosest)

    def one_word_relief(self, word: str) -> str | None:
        """The relief direction a lone word is one edit from, if exactly one."""
        tags = set()
        for t in self._starts.get("relief", {}).values():
            for term_ in t:
                if (len(term_.words) == 1 and term_.tag in ("better", "same", "worse")
                        and len(term_.words[0]) >= 4 and term_.words[0][0] == word[:1]
                        and OSA.distance(word, term_.words[0], score_cutoff=1) <= 1):
                    tags.add(term_.tag)
        return tags.pop() if len(tags) == 1 else None

    def _starts_here(self, group: str, at: int, tokens: list[Token],
                     per_token: list[dict[str, str]], memo: dict[tuple[str, int], bool]) -> bool:
        """Whether a term of `group` matches, word after word, from token `at`."""
        key = (group, at)
        if key not in memo:
            starts = self._starts.get(group, {})
            memo[key] = any(self._extend(t, at, tokens, per_token) is not None
                            for word in per_token[at] for t in starts.get(word, ()))
        return memo[key]


_LOOSENESS = [EXACT, STEM, TYPO, REAL_TYPO]
_SMALL_WORDS = frozenset({"through", "with", "from", "that", "this", "what", "have", "when",
                          "like", "para", "como", "esta", "tengo", "donde"})


def _positions(first: int, last: int, t: Term,
               per_token: list[dict[str, str]]) -> Iterator[tuple[int, str]]:
    """(token index, term word) for the term's words as matched from first to last."""
    words = iter(t.words)
    word = next(words, None)
    for k in range(first, last + 1):
        if word is None:
            return
        if word in per_token[k]:
            yield k, word
            word = next(words, None)


def _allowed(t: Term, how: str | None) -> str | None:
    if how is None or (how == STEM and not t.stems) or (how in (TYPO, REAL_TYPO) and not t.typos):
        return None
    if how == REAL_TYPO and (len(t.words) < 2 or t.group != "symptom"):
        return None  # "stop testing" is not "stop texting": requests never take a real word
    return how
