"""Domain objects shared by every layer: studies, documents, chunks, citations, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

Status = Literal["answered", "no_evidence", "safety", "chitchat"]

# Strongest first; the order ranks studies in overviews and sorts "evidence strength".
EVIDENCE_LEVELS: tuple[str, ...] = (
    "systematic review",
    "randomized trial",
    "crossover trial",
    "pilot study",
    "observational",
    "case series",
    "case report",
    "animal study",
    "in vitro",
    "narrative review",
)

DESIGNS: tuple[str, ...] = (
    "systematic review",
    "randomized controlled trial",
    "randomized crossover trial",
    "single-blind crossover pilot",
    "open-label pilot",
    "retrospective cohort",
    "register-based study",
    "case series",
    "case report",
    "animal study",
    "in vitro study",
    "narrative review",
)


def design_line(design: str, species: str, n: int | None, verified: bool = True) -> str:
    """"randomized crossover trial, n=31": shown beside every cited study so a mouse study never reads like a trial."""
    head = design if species in ("human", "") or species in design else f"{design} ({species})"
    parts = [head, f"n={n}" if n is not None else "n not reported"]
    if not verified:
        parts.append("details not verified")
    return ", ".join(parts)


@dataclass(frozen=True)
class Study:
    label: str
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    pmid: str | None
    doi: str | None
    url: str | None
    design: str
    evidence_level: str
    species: str
    conditions: tuple[str, ...]
    n: int | None
    dose: str | None
    duration: str | None
    comparator: str | None
    summary: str
    key_findings: tuple[str, ...]
    adverse_events: str | None
    article_note: str | None
    cited_in_article: bool
    verified: bool
    reviewed: bool
    path: str = ""

    @property
    def design_line(self) -> str:
        return design_line(self.design, self.species, self.n, self.verified)

    @property
    def rank(self) -> int:
        return EVIDENCE_LEVELS.index(self.evidence_level)


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Document:
    doc_id: str
    label: str
    title: str
    kind: str
    source: str | None
    url: str | None
    sections: tuple[Section, ...]
    path: str = ""


@dataclass(frozen=True)
class SynonymGroup:
    name: str
    aliases: tuple[str, ...]
    kind: Literal["condition", "term"]


@dataclass(frozen=True)
class Corpus:
    root: str
    documents: tuple[Document, ...]
    studies: dict[str, Study]
    synonyms: tuple[SynonymGroup, ...]
    fingerprint: str = ""


@dataclass(frozen=True)
class Sentence:
    text: str
    # Study labels this sentence speaks about (its own study, or the ones an article sentence cites).
    labels: tuple[str, ...]


@dataclass(eq=False)
class Chunk:
    """A retrievable passage. Study chunks make their sentences on first use: at 100k chunks, splitting
    every summary at start-up would cost seconds that a cached index otherwise saves."""

    id: str
    source: str  # study label, or the document's label
    kind: Literal["study", "article"]
    heading: str  # section heading or study title
    line: int = 0
    make: Callable[[], tuple[tuple[Sentence, ...], str]] | None = field(default=None, repr=False)
    _sentences: tuple[Sentence, ...] = field(default=(), repr=False)
    _index_text: str = field(default="", repr=False)

    def _fill(self) -> None:
        if self.make is not None:
            self._sentences, self._index_text = self.make()
            self.make = None

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        self._fill()
        return self._sentences

    @property
    def index_text(self) -> str:
        """What BM25 sees: the text plus heading, label, design, conditions."""
        self._fill()
        return self._index_text

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass
class Citation:
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

    @property
    def design_line(self) -> str:
        if self.kind == "article" or self.design is None:
            return "source article"
        return design_line(self.design, self.species, self.n, self.verified)


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


@dataclass
class Answer:
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
