"""Words as the matcher compares them: stems for inflection, and bounded typo tolerance.

Inflection: Snowball stemmers (English and Spanish) from `snowballstemmer`, so "swelling",
"swelled" and "swell", or "hinchado", "hinchada" and "hinchadas", meet at one stem. We
chose stems over a lemmatiser: simplemma needed about 130 MB and a second to load its
English and Spanish tables, over this service's whole memory budget (docs/replies.md).

Typos: a word that is not a real word in English or Spanish may stand for a vocabulary
word within one edit (two for words of eight letters or more; a swap of two letters is one
edit), through rapidfuzz. The real-word list (pyspellchecker's English and Spanish word
frequencies, accents folded) is what keeps "never" from being read as "fever" and
"smelling" as "swelling"; it is loaded once, on first need.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable
from importlib import resources
from typing import Protocol

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from reminders.core.reading.text import fold

LANGUAGES = ("en", "es")
_SNOWBALL = {"en": "english", "es": "spanish"}
MIN_TYPO_LENGTH = 5  # shorter words are never matched with a typo: red/Fred, hot/shot
TWO_EDITS_LENGTH = 8


class _Stemmer(Protocol):
    """The one method used of a Snowball stemmer (snowballstemmer ships no types)."""

    def stemWord(self, word: str) -> str: ...


@functools.cache
def _stemmer(language: str) -> _Stemmer:
    stemmer: _Stemmer = snowballstemmer.stemmer(_SNOWBALL[language])
    return stemmer


@functools.lru_cache(maxsize=32768)
def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word."""
    return _stemmer(language).stemWord(word)


# The lists' floor is 50 occurrences, and the words seen only that often include common
# misspellings ("rednesss"): a real word, for this purpose, was seen at least 100 times.
MIN_COUNT = 100


@functools.cache
def real_words() -> frozenset[str]:
    """The English and Spanish words in pyspellchecker's frequency lists seen at least
    MIN_COUNT times, folded (case, accents, apostrophes)."""
    words: set[str] = set()
    folder = resources.files("spellchecker") / "resources"
    for language in LANGUAGES:
        with (folder / f"{language}.json.gz").open("rb") as raw, gzip.open(raw) as data:
            words.update(fold(word, elongations=False)
                         for word, count in json.load(data).items() if count >= MIN_COUNT)
    return frozenset(words)


def is_real_word(word: str) -> bool:
    return word in real_words()


def max_edits(length: int) -> int:
    return 2 if length >= TWO_EDITS_LENGTH else 1


class Typos:
    """Which vocabulary words a misspelt word may stand for."""

    def __init__(self, vocabulary: Iterable[str], never: Iterable[str] = (),
                 short: Iterable[str] = ()):
        """`short`: four-letter words that may be matched too ("sme" for "same"), with one
        edit and the same first letter."""
        self._choices = sorted({w for w in vocabulary if len(w) >= MIN_TYPO_LENGTH and w.isalpha()})
        self._short = sorted(set(short))
        self._never = frozenset(never)  # our own cue words: "nada" is not a typo of "nasal"

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one Typos per protocol, kept for the process
    def candidates(self, word: str) -> tuple[tuple[str, ...], bool]:
        """The vocabulary words within reach, and whether `word` is itself a real word
        (then it may stand for one only inside a phrase whose other words are there:
        "cheat pain" is "chest pain", "cheat" alone is nothing)."""
        if len(word) < 3 or not word.isalpha() or word in self._never:
            return (), False
        close: tuple[str, ...] = ()
        if len(word) >= MIN_TYPO_LENGTH - 1 and self._choices:
            found = process.extract(word, self._choices, scorer=OSA.distance,
                                    score_cutoff=max_edits(len(word)), limit=None)
            close = tuple(choice for choice, distance, _ in found
                          if distance <= max_edits(min(len(word), len(choice)))
                          and abs(len(choice) - len(word)) <= distance)
        if len(word) <= MIN_TYPO_LENGTH:
            close += tuple(w for w in self._short if w not in close and w[0] == word[0]
                           and OSA.distance(word, w, score_cutoff=1) <= 1)
        # Only now consult the real-word list: most words have no close vocabulary word.
        real = bool(close) and is_real_word(word)
        if real:  # a real word stands for another only one letter off ("cheat" for "chest")
            close = tuple(c for c in close if OSA.distance(word, c, score_cutoff=1) <= 1)
        return close, real
