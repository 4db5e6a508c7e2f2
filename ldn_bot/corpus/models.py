"""Corpus domain objects: study records, documents, synonym groups and the loaded corpus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ldn_bot.corpus.schema import DESIGNS, EVIDENCE_LEVELS

__all__ = ["DESIGNS", "DOSE_NOTES", "EVIDENCE_LEVELS", "PUBLICATION_WORDS", "UNVERIFIED", "Corpus", "Document",
           "Paragraph", "Section", "Study", "SynonymGroup", "design_line"]


PUBLICATION_WORDS: dict[str, str] = {
    "conference_abstract": "conference abstract",
    "repository_abstract": "repository abstract",
    "preprint": "preprint",
    "report": "report",
    "letter": "letter",
    "unconfirmed": "publication not confirmed",
}
"""How each kind of publication other than a journal article reads in a design line and a tally (fixed text)."""

DOSE_NOTES: dict[str, str] = {
    "very_low": "very low dose, opioid detox",
    "ultra_low": "ultra-low dose with an opioid",
    "not_low": "above the LDN dose range",
    "several": "several dose ranges",
}
"""What a design line says of a study whose dose is not LDN as members take it (fixed text)."""

UNVERIFIED = "details not verified against a bibliographic record"


def design_line(design: str, species: str, n: int | None, verified: bool = True,
                publication_type: str = "journal_article", dose_class: str = "low") -> str:
    """"randomized crossover trial, n=31": shown beside every cited study so a mouse study never reads like a
    trial; a dose other than LDN's, a publication other than a journal article ("conference abstract") and an
    unverified record each add what they are."""
    head = design if species in ("human", "") or species in design else f"{design} ({species})"
    parts = [head, f"n={n}" if n is not None else "n not reported"]
    if dose_class in DOSE_NOTES:
        parts.append(DOSE_NOTES[dose_class])
    if publication_type in PUBLICATION_WORDS:
        parts.append(PUBLICATION_WORDS[publication_type])
    if not verified:
        parts.append(UNVERIFIED)
    return ", ".join(parts)


@dataclass(frozen=True)
class Study:
    """One study record as loaded: the fields `ldn_bot.corpus.schema.FIELDS` declares (same names; lists
    as tuples, text cleaned as the schema says), plus `path`, the file it came from. `design_line` is
    what answers show beside it; `rank` orders by evidence level, strongest (0) first."""

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
    # Structured fields the answer engine reads without parsing prose (issue 11).
    aliases: tuple[str, ...] = ()
    population: str | None = None
    dose_timing: str | None = None
    titration: str | None = None
    result: str | None = None
    direction: str | None = None
    direction_note: str | None = None
    # The dose used, the kind of publication, and the trial two records may share (issue 19).
    dose_class: str = "low"
    publication_type: str = "journal_article"
    trial: str | None = None
    curator_note: str | None = None  # for curators only: never indexed, quoted or shown to members

    @property
    def design_line(self) -> str:
        return design_line(self.design, self.species, self.n, self.verified, self.publication_type,
                           self.dose_class)

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


# The kinds of synonym group, one per section of synonyms.yaml ("conditions", "terms", "mechanisms", "methods"):
# term: a subject besides a condition; mechanism: a proposed way LDN works (TLR4, endorphins); method: how a
# study was done (placebo, dose), not what it is about.
SynonymKind = Literal["condition", "term", "mechanism", "method"]
SYNONYM_KINDS: tuple[SynonymKind, ...] = get_args(SynonymKind)


@dataclass(frozen=True)
class SynonymGroup:
    name: str
    aliases: tuple[str, ...]
    kind: SynonymKind
    condition_group: str | None = None  # for a condition: skin, gut, pain, ... (synonyms.yaml `group`)


@dataclass(frozen=True)
class Corpus:
    root: str
    documents: tuple[Document, ...]
    studies: dict[str, Study]
    synonyms: tuple[SynonymGroup, ...]
    fingerprint: str = ""


