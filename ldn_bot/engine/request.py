"""The Request: what a message asks, as one frozen value (design/answer-pipeline.md, stage 2).

Built from the message's interrogative clauses (see `engine/clauses.py`); the member's story fills only what the
question leaves open (the condition behind "would it help me?", the "it" they mean), and the conversation only
what the request still lacks. A wrong answer shows first as a wrong Request, which tests can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

SubjectKind = Literal["conditions", "group", "studies", "ldn"]
Aggregate = Literal["list", "count", "largest", "newest", "first"]
Filled = Literal["question", "story", "conversation"]


@dataclass(frozen=True)
class Filters:
    """Record filters a question sets (each None when not asked). Values are the record fields' own: design an
    evidence level family ("trial", "review"), direction a `direction` value or "null" for the no-benefit ones,
    population "children" / "women" / "men", species "human" / "animal", dose_class and publication_type as the
    study schema declares them, group a condition group's name (synonyms.yaml)."""

    design: str | None = None
    direction: str | None = None
    population: str | None = None
    species: str | None = None
    dose_class: str | None = None
    publication_type: str | None = None
    group: str | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.design, self.direction, self.population, self.species,
                                            self.dose_class, self.publication_type, self.group))


@dataclass(frozen=True)
class Subject:
    """What a request is about: conditions (canonical names, in the order asked), a condition group, named studies
    (labels), or LDN in general (kind "ldn", nothing else set)."""

    kind: SubjectKind = "ldn"
    conditions: tuple[str, ...] = ()
    group: str | None = None
    studies: tuple[str, ...] = ()
    filled_by: Filled = "question"  # where the subject came from: the question, the story or the conversation


@dataclass(frozen=True)
class Request:
    """What one message asks.

    - `question`: the interrogative clauses, joined (the whole message when none reads as a question);
      `story`: the other clauses (context the member gives), greetings and thanks left out.
    - `subject`: see `Subject`. `aspects`: dose, timing, titration, side_effects, onset, duration, mechanism,
      size, comparator, definition, efficacy, access, evidence (intents.yaml), from the question only.
    - `outcome_words`: the question's own words once condition, subject and plan words are removed ("itch",
      "relapses"): what a plan ranks a chosen study's sentences by.
    - `filters`, `aggregate`: a question across studies ("the biggest placebo-controlled trial in kids").
    - `full_dose`: the question asks about naltrexone at full dose for another use (50 mg for alcohol).
    """

    question: str
    story: str = ""
    subject: Subject = field(default_factory=Subject)
    aspects: tuple[str, ...] = ()
    outcome_words: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)
    aggregate: Aggregate | None = None
    full_dose: bool = False

    def with_subject(self, subject: Subject) -> Request:
        return replace(self, subject=subject)
