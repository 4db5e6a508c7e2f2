"""The Request: what a message asks, as one frozen value (design/answer-pipeline.md, stage 2).

Built from the message's interrogative clauses (see `engine/clauses.py`); the member's story fills only what the
question leaves open (the condition behind "would it help me?", the "it" they mean), and the conversation only
what the request still lacks. A wrong answer shows first as a wrong Request, which tests can see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from ldn_bot.engine.clauses import Aside, read_message
from ldn_bot.engine.exclusions import Exclusions
from ldn_bot.engine.reading import QuestionReader
from ldn_bot.engine.understand import Intent, Understanding
from ldn_bot.retrieval.query import Query, QueryParser

SubjectKind = Literal["conditions", "group", "studies", "ldn"]
Aggregate = Literal["list", "count", "largest", "newest", "first"]
Filled = Literal["question", "story", "conversation"]
SUPERLATIVE_AGGREGATE: dict[str, Aggregate] = {"largest": "largest", "newest": "newest", "oldest": "first"}


@dataclass(frozen=True)
class Filters:
    """Record filters a question sets (each None when not asked). Values are the record fields' own: design an
    evidence level family ("trial", "review"), direction a `direction` value or "null" for the no-benefit ones,
    population "children" / "women" / "men", species "human" / "animal", dose_class and publication_type as the
    study schema declares them, group a condition group's name (synonyms.yaml), duration "long" (a year or more),
    min_n a size the studies exceed. `exclude` only narrows: it is not a filter that makes a question one across
    studies."""

    design: str | None = None
    direction: str | None = None
    population: str | None = None
    species: str | None = None
    dose_class: str | None = None
    publication_type: str | None = None
    group: str | None = None
    exclude: tuple[str, ...] = ()  # conditions the question leaves out ("not ms", "other than fibro"), canonical
    duration: str | None = None  # "long": studies that followed people a year or more ("any long term data?")
    min_n: int | None = None  # more than this many took part ("trials with more than 50 people")
    comparator: str | None = None  # "active": compared with another drug or treatment, not placebo or baseline

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.design, self.direction, self.population, self.species,
                                            self.dose_class, self.publication_type, self.group, self.duration,
                                            self.min_n, self.comparator))


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


@dataclass(frozen=True)
class Asked:
    """What the engine reads a message with: the `request`; `asked`, the text its aspects are read from (the
    question clauses, plus the story clause a bare "is that normal?" points at); `text`, the text it is searched
    and parsed with (`asked` plus what the story fills: its conditions, the studies it names, the drug)."""

    request: Request
    asked: str
    text: str
    intent: Intent  # what `asked` asks (aspects, population, ...)
    said: Query  # `asked` parsed
    excluded: tuple[str, ...] = ()  # conditions the message leaves out ("not ms"), cut from `asked` and `text`


class RequestReader:
    """Builds a Request from a cleaned message: `parser` (words -> concepts and synonyms), `understanding` (aspects,
    populations, superlatives) and `reader` (studies named, content words), all for one corpus."""

    def __init__(self, parser: QueryParser, understanding: Understanding, reader: QuestionReader,
                 across: Callable[[str, Intent], tuple[Filters, Aggregate | None]] | None = None,
                 exclusions: Exclusions | None = None, aside: Aside | None = None) -> None:
        self.parser = parser
        self.exclusions = exclusions  # the conditions a message leaves out ("not ms"), cut before it is read
        self.aside = aside  # which clauses are small talk (smalltalk.SmallTalk.aside); the shipped lexicon's if None
        self.understanding = understanding
        self.reader = reader
        self.across = across  # a question's record filters and aggregate (records_query.RecordSearch.filters)

    def read(self, text: str) -> Asked:
        """The request a message makes. Its aspects come from the question clauses alone (plus the story clause a
        bare "is that normal?" points at); the story's other words still help find passages, but a story clause
        on another condition is left out when the question names its own. A condition the message leaves out
        ("any neuro trials? not ms") is cut from it first and kept in `filters.exclude`."""
        text, excluded = self.exclusions.cut(text) if self.exclusions else (text, ())
        reading = read_message(text, self.aside)
        asked = reading.question
        said = query = self.parser.parse(asked)
        intent = self.understanding.read(asked)
        own = bool(query.conditions or self.reader.named_labels(asked, query.conditions))
        story = reading.story_clauses
        pointed = reading.pointed()
        if pointed and not own:
            # "someone quoted 11 of 25 from the dose finding study.. was that even a placebo trial?"
            asked = f"{pointed} {asked}"
            story = [c for c in story if c != pointed]
            said = query = self.parser.parse(asked)
            intent = self.understanding.read(asked)
            own = bool(query.conditions)
        # "had long covid myself, but asking for my husband - does ldn do anything for crohns?"
        kept = [c for c in story if not own or set(self.parser.parse(c).conditions) <= set(query.conditions)]
        full = " ".join([asked, *kept])
        if kept:
            query = self.parser.parse(full)
        named = self.reader.named_labels(full, query.conditions)
        content, _ = self.reader.content(said, intent)
        filled_by: Filled = "question" if own else "story"
        subject = (
            Subject("studies", tuple(query.conditions), studies=tuple(named), filled_by=filled_by) if named
            else Subject("conditions", tuple(query.conditions), filled_by=filled_by) if query.conditions
            else Subject()
        )
        filters, aggregate = self.across(asked, intent) if self.across else (
            Filters(design=intent.design, population=intent.population, species=intent.species),
            SUPERLATIVE_AGGREGATE.get(intent.superlative or ""))
        filters = replace(filters, exclude=excluded)
        request = Request(
            question=reading.question,
            story=reading.story,
            subject=subject,
            aspects=intent.aspects,
            outcome_words=tuple(dict.fromkeys(c.text for c in content)),
            filters=filters,
            aggregate=aggregate,
            full_dose=intent.full_dose,
        )
        return Asked(request, asked, full, intent, said, excluded)
