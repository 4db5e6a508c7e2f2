"""What the engine returns: an Answer with its lead sentences, overview lines and numbered citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ldn_bot.corpus.models import design_line

if TYPE_CHECKING:
    from ldn_bot.engine.plans.tally import Tally

Status = Literal["answered", "no_evidence", "safety", "chitchat"]


@dataclass
class Citation:
    """A numbered source: the study (or article) cited as [number], with the passage quoted from it."""

    number: int
    label: str
    title: str | None
    design: str | None
    n: int | None
    url: str | None
    passage: str
    score: float
    kind: Literal["study", "article"] = "study"
    evidence_level: str | None = None
    year: int | None = None
    verified: bool = True
    note: str | None = None  # where the source article overstates the study
    via: str | None = None  # the document the passage was quoted from, when not the study record
    species: str = "human"
    publication_type: str = "journal_article"  # a conference abstract, preprint, ... says so in its design line
    dose_class: str = "low"  # a dose other than LDN's says so too

    @property
    def design_line(self) -> str:
        if self.kind == "article" or self.design is None:
            return "source article"
        return design_line(self.design, self.species, self.n, self.verified, self.publication_type, self.dose_class)


@dataclass(frozen=True)
class LeadSentence:
    text: str
    citation: int  # number of the citation it comes from


@dataclass(frozen=True)
class OverviewLine:
    label: str
    design_line: str
    finding: str
    citation: int


@dataclass(frozen=True)
class KeyLine:
    """A line of the short answer: a study's curated sentence (with its citation) or a fixed template line."""

    text: str
    citation: int | None = None
    head: str | None = None  # "Bruun 2024 (randomized controlled trial, n=99, 6 mg once daily)"
    subhead: bool = False  # a heading among the key lines, shown without a bullet
    cites: tuple[int, ...] = ()  # the citations a fixed line names inline ("... a different use: Webster 2006 [19].")
    optional: bool = False  # a fixed aside ("Of these studies, 2 are conference abstracts."): first to go for space
    leads: bool = False  # the first line of a second answer in one message: kept like the first line
    shorter: tuple[str, ...] = ()  # shorter whole sentences of the same study, longest first: when it cannot fit
    brief_head: str | None = None  # the head without the dose ("Webster 2006 (randomized controlled trial, n=719)")


@dataclass
class Answer:
    """One reply, as the engine makes it; front ends only render it (ldn_bot/render/).

    `status` is one of:
      - "answered": evidence found; `key_lines` (the short answer), `lead`, `overview` and `citations` hold it.
      - "no_evidence": the corpus has nothing relevant; `message` says so and nothing is cited.
      - "safety": a safety rule's fixed text is the answer (`message` for a crisis, else `notices`); no study
        is cited unless the question's own topic matched.
      - "chitchat": small talk; `message` is a fixed reply, nothing is cited.
    `safety` lists the ids of the rules that fired; `notices` are their texts, shown first.
    """

    question: str
    status: Status
    disclaimer: str
    lead: list[LeadSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    safety: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # fixed texts shown before the evidence
    message: str | None = None  # fixed text for no_evidence, chitchat, crisis
    overview: list[OverviewLine] = field(default_factory=list)
    overview_topic: str | None = None
    verdict: str | None = None
    debug: list[tuple[str, float]] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    # The short answer (issue 12): a template headline and key lines, shown before everything else.
    plan: str | None = None  # which answer plan made them: efficacy, dose, side_effects, study, ...
    headline: str | None = None
    key_lines: list[KeyLine] = field(default_factory=list)
    short_lead: int | None = None  # with no headline or key lines: how many lead sentences the short answer shows
    # What the answer is about, in the corpus's own words (a condition name), never the asker's: for titles.
    topic: str | None = None
    # What the headline counts, as data, when it is a condition's tally (`plans.tally`; `ldn-bot chart` draws it).
    tally: Tally | None = None
