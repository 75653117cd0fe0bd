"""Symptom concepts (from the protocol file) and everything else the reader matches against,
compiled once per protocol into one phrase index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from reminders.core.reading import answer_words, cue_words, request_words
from reminders.core.reading.findings import Assertion
from reminders.core.reading.phrases import Phrases, Term, term


@dataclass(frozen=True)
class Symptom:
    """A symptom concept: its words in each language, and what it raises when reported."""

    id: str
    label: str  # staff-facing name ("fever", "trouble breathing")
    terms: Mapping[str, tuple[str, ...]]  # per language
    # Terms that are adjectives ("red", "hot", "caliente"): they count only when they
    # describe the body, not another thing ("red car", "hot shower", "agua caliente").
    adjectives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "hot shower"
    # The assertions cues may give it; any other cue leaves it present (the safe side).
    assertions: frozenset[Assertion] = frozenset(Assertion) - {Assertion.PRESENT}
    flag: str = "red_flag"  # red_flag | needs_review
    priority: str = "urgent"  # urgent | high | normal
    expected_at: tuple[str, ...] = ()  # steps where it is expected, so not flagged there


@dataclass(frozen=True)
class BloodSugarThreshold:
    """A blood sugar at or above this (mg/dL) is reported as high."""

    mg_dl: int = 250
    symptom: str = "high_blood_sugar"


@dataclass(frozen=True)
class FeverThreshold:
    """A temperature at or above these is fever, whatever the words around it."""

    fahrenheit: float = 100.4
    celsius: float = 38.0
    symptom: str = "fever"


@dataclass(frozen=True)
class ReadingRules:
    """What a protocol says about reading replies (`symptoms:` and the thresholds)."""

    symptoms: tuple[Symptom, ...] = ()
    fever: FeverThreshold = FeverThreshold()
    blood_sugar: BloodSugarThreshold = BloodSugarThreshold()


# Words a multi-word term never skips: a negation, or a word that says something is over
# ("se me bajó lo hinchado" is not "se me hinchó").
NEGATIONS = frozenset({"no", "not", "dont", "didnt", "doesnt", "isnt", "never", "sin", "ni",
                       "nunca", "cant", "wont", "arent", "wasnt", "havent", "hasnt", "nor",
                       "bajo", "quito", "fue", "paso", "gone", "went", "stopped", "ceased"})
# Generic requests ("no more", "stop this") are about the texts only with a text word near.
_NEEDS_OBJECT = frozenset({"no more", "no mas", "ya no quiero", "stop these", "stop this",
                           "stop them", "stop please", "ya no los necesito", "no los necesito",
                           "dont want any more", "dont want these", "do not want these"})


class Vocabulary:
    def __init__(self, rules: ReadingRules):
        symptoms = rules.symptoms
        self.symptoms = {s.id: s for s in symptoms}
        self.fever = rules.fever
        self.blood_sugar = rules.blood_sugar
        terms: list[Term] = []
        for s in symptoms:
            for lang, words in s.terms.items():
                terms += [term(w, "symptom", s.id, lang, gaps=2) for w in words]
            for lang, words in s.adjectives.items():
                terms += [term(w, "symptom", s.id, lang, extra=("adjective",)) for w in words]
            for lang, words in s.exclude.items():
                terms += [term(w, "exclusion", s.id, lang, stems=False, typos=False, gaps=0)
                          for w in words]
        for lang, cues in cue_words.CUES.items():
            directions: dict[tuple[str, cue_words.Cue], set[str]] = defaultdict(set)
            for p, cue, direction in cues:
                directions[(p, cue)].add(direction)
            # "si" may be "sí" typed without its accent: guarded (see parser._conditional)
            terms += [term(p, "cue", cue.value, lang, stems=False, typos=False,
                           extra=(tuple(sorted(ways)), p == "si" or p.startswith("si ")))
                      for (p, cue), ways in directions.items()]
        for lang, relief in answer_words.RELIEF.items():
            for direction, relief_words in relief.items():
                # "wondering" and "wonderful" share a stem: praise words match as written
                terms += [term(w, "relief", direction, lang, gaps=1, short_typos=True,
                               stems=direction != "good") for w in relief_words]
        for lang, excluded in answer_words.RELIEF_EXCLUSIONS.items():
            terms += [term(w, "relief_exclusion", "-", lang, stems=False, typos=False)
                      for w in excluded]
        for lang, no_pain in answer_words.NO_PAIN.items():
            terms += [term(w, "no_pain", "0", lang, stems=False, gaps=1) for w in no_pain]
        terms += [term(w, "no_pain_exclusion", "-", "en", stems=False, typos=False)
                  for w in answer_words.NO_PAIN_EXCLUSIONS]
        for lang, kinds in request_words.REQUESTS.items():
            for kind, phrases in kinds.items():
                terms += [term(p, "request", kind, lang, stems=False, gaps=1,
                               extra=(p in _NEEDS_OBJECT,)) for p in phrases]
        terms += [term(p, "request_exclusion", "-", "en", stems=False, typos=False)
                  for p in request_words.REQUEST_EXCLUSIONS]
        self.phrases = Phrases(terms, barriers=NEGATIONS)

    @property
    def labels(self) -> dict[str, str]:
        return {s.id: s.label for s in self.symptoms.values()}

    def label(self, symptom_id: str) -> str:
        symptom = self.symptoms.get(symptom_id)
        return symptom.label if symptom else symptom_id.replace("_", " ")
