"""What a reading is made of: findings, each with the words it was based on.

A reply's reading is every finding in it, not one kind: a request to stop and a fever, a
score and a question, a denied symptom beside a reported one. Triage acts on all of them;
staff see each one in plain words ("fever: said no — 'no fever'"). Uncertainty is a finding
too (`UNCLEAR`), never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class What(StrEnum):
    REQUEST = "request"  # value: opt_out | opt_in | help
    SYMPTOM = "symptom"  # value: the concept id (fever, redness, …)
    SCORE = "score"  # value: "0".."10", the pain score now
    NUMBER = "number"  # a number that is not the score; value: what it is (age, dose, …)
    RELIEF = "relief"  # value: better | same | worse | no_effect
    ANSWER = "answer"  # value: yes | no
    QUESTION = "question"  # the patient asks the clinic something
    UNCLEAR = "unclear"  # value: why the reply cannot be read without guessing


class Assertion(StrEnum):
    PRESENT = "present"
    POSSIBLE = "possible"  # hedged ("I think", "maybe"): treated as present, the safe side
    NEGATED = "negated"  # "no fever", "sin fiebre"
    RESOLVED = "resolved"  # "not swollen anymore", "ya no tengo fiebre"
    HYPOTHETICAL = "hypothetical"  # "what if I get a fever?"
    OTHER_PERSON = "other_person"  # "my husband has a fever"

    @property
    def affirmed(self) -> bool:
        """Whether the patient says (or may be saying) this is so, now, for themselves."""
        return self in (Assertion.PRESENT, Assertion.POSSIBLE)


# Why a reply needs a person: each is a reason not to guess.
class Unclear(StrEnum):
    RANGE = "range"  # "4-6", "2 or 3"
    SCORES_DIFFER = "scores_differ"  # two different scores, neither dated
    DECIMAL = "decimal_score"  # "4.5"
    PERCENT = "percent"  # "50% better"
    OFF_SCALE = "off_scale"  # "12/10", "15"
    RELIEF_CONFLICT = "relief_conflict"  # better and worse at once
    NOT_UNDERSTOOD = "not_understood"  # nothing in it could be read


# The reasons that make the score itself unreadable (a relief conflict does not).
SCORE_UNCLEAR = frozenset({Unclear.RANGE, Unclear.SCORES_DIFFER, Unclear.DECIMAL,
                           Unclear.OFF_SCALE})


@dataclass(frozen=True)
class Finding:
    what: What
    value: str
    start: int  # the span in the reply as received
    end: int
    words: str  # the reply's own words for it (the span's text)
    assertion: Assertion = Assertion.PRESENT
    cue: str | None = None  # the words that set the assertion ("no", "ya no", "if")
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"what": self.what.value, "value": self.value, "start": self.start,
                "end": self.end, "words": self.words, "assertion": self.assertion.value,
                "cue": self.cue}
        if self.detail:
            data["detail"] = dict(self.detail)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(what=What(data["what"]), value=data["value"], start=data["start"],
                   end=data["end"], words=data["words"],
                   assertion=Assertion(data.get("assertion", "present")), cue=data.get("cue"),
                   detail=data.get("detail") or {})


@dataclass(frozen=True)
class Reading:
    findings: tuple[Finding, ...] = ()

    def of(self, what: What, *, affirmed: bool = True) -> list[Finding]:
        return [f for f in self.findings
                if f.what == what and (not affirmed or f.assertion.affirmed)]

    def values(self, what: What) -> list[str]:
        return list(dict.fromkeys(f.value for f in self.of(what)))

    @property
    def requests(self) -> set[str]:
        return set(self.values(What.REQUEST))

    @property
    def score(self) -> int | None:
        """The pain score now, when the reply gives exactly one (earlier ones aside)."""
        scores = {int(f.value) for f in self.of(What.SCORE) if not f.detail.get("previous")}
        unreadable = set(self.unclear) & SCORE_UNCLEAR
        return scores.pop() if len(scores) == 1 and not unreadable else None

    @property
    def relief(self) -> str | None:
        values = self.values(What.RELIEF)
        return values[0] if len(values) == 1 else None

    @property
    def answer(self) -> str | None:
        values = self.values(What.ANSWER)
        return values[0] if len(values) == 1 else None

    @property
    def unclear(self) -> list[str]:
        return self.values(What.UNCLEAR)

    @property
    def symptoms(self) -> list[str]:
        """Concepts the patient reports (or may be reporting) for themselves."""
        return self.values(What.SYMPTOM)

    def with_pictures(self, pictures: int) -> Reading:
        """The reading of a message that came with `pictures`: an empty body is then not
        "not understood" (the picture is what was said); words are read as usual."""
        if not pictures:
            return self
        return Reading(tuple(f for f in self.findings if f.words or not (
            f.what == What.UNCLEAR and f.value == Unclear.NOT_UNDERSTOOD)))

    @property
    def summary(self) -> str:
        """One word for lists and logs; the findings are the reading."""
        if self.requests:
            return "keyword"
        if self.unclear:
            return "ambiguous"
        if self.relief:
            return "relief"
        if self.score is not None:
            return "score"
        if self.answer:
            return "yes_no"
        if self.symptoms:
            return "red_flag"
        return "unknown"
