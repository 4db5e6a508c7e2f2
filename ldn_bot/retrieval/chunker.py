"""Corpus -> chunks: article paragraphs under their section, and one chunk per reviewed study record.

Article sentences that cite "(Author Year)" are linked to the study records, so a quoted
article sentence still shows the study's design and size.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ldn_bot.corpus.models import Corpus, Document, Study
from ldn_bot.retrieval.chunk import Chunk, Sentence

# "(Younger 2013)", "(Bruun-Plesner 2020)", "(Smith et al. 2013)", and the unclosed "(Miskoff 2018".
CITATION = re.compile(
    r"\((?P<author>[A-Z][\w'\u2019-]+(?:\s+(?:et al\.?|and|&)\s*[A-Z]?[\w'\u2019-]*)?),?"
    r"\s+(?P<year>\d{4})(?P<suffix>[a-z]?)\)?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d)]?\s+(?=[A-Z\u201c\"(])")


def split_sentences(text: str) -> list[str]:
    parts = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        piece = text[start:end].strip()
        if piece:
            parts.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


class CitationResolver:
    """Maps "(Author Year)" in a document to study labels.

    Where one author has several papers in a year ("Donahue 2011a", "Donahue 2011b") and the
    document cites plain "Donahue 2011", the k-th mention means the k-th paper, as curators label them.
    """

    def __init__(self, labels: set[str]) -> None:
        self._labels = labels
        self._suffixed: dict[str, list[str]] = defaultdict(list)
        for label in sorted(labels):
            m = re.fullmatch(r"(.+ \d{4})[a-z]", label)
            if m:
                self._suffixed[m.group(1)].append(label)
        self._seen: dict[str, int] = defaultdict(int)

    def resolve(self, author: str, year: str, suffix: str = "") -> str | None:
        author = author.split()[0].replace("\u2019", "'")
        base = f"{author} {year}"
        if suffix and f"{base}{suffix}" in self._labels:
            return f"{base}{suffix}"
        if base in self._labels:
            return base
        options = self._suffixed.get(base)
        if options:
            k = self._seen[base]
            self._seen[base] += 1
            return options[min(k, len(options) - 1)]
        return None


def citations_in(text: str) -> list[re.Match[str]]:
    return list(CITATION.finditer(text))


def chunk_document(doc: Document, labels: set[str]) -> list[Chunk]:
    resolver = CitationResolver(labels)
    chunks: list[Chunk] = []
    for s_no, section in enumerate(doc.sections):
        for p_no, para in enumerate(section.paragraphs):
            sentences = split_sentences(para.text)
            cited: list[tuple[str, ...]] = []
            for sent in sentences:
                found = []
                for m in citations_in(sent):
                    label = resolver.resolve(m.group("author"), m.group("year"), m.group("suffix"))
                    if label and label not in found:
                        found.append(label)
                cited.append(tuple(found))
            # An uncited sentence belongs to the claim its paragraph cites next (or last).
            linked: list[tuple[str, ...]] = []
            for i, labels_here in enumerate(cited):
                if labels_here:
                    linked.append(labels_here)
                    continue
                after = next((c for c in cited[i + 1 :] if c), ())
                before = next((c for c in reversed(cited[:i]) if c), ())
                linked.append(after or before)
            sents = tuple(Sentence(t, l) for t, l in zip(sentences, linked))
            index_text = f"{section.heading}\n{para.text}"
            chunks.append(
                Chunk(
                    id=f"{doc.doc_id}#s{s_no + 1}p{p_no + 1}",
                    source=doc.label,
                    kind="article",
                    heading=section.heading,
                    line=para.line,
                    _sentences=sents,
                    _index_text=index_text,
                )
            )
    return chunks


def study_sentences(study: Study) -> list[str]:
    """A study record's quotable sentences: summary, the curated result, key findings, then its fields."""
    out = split_sentences(study.summary)
    if study.result and study.result not in out:
        out.append(study.result)
    out += [k for k in study.key_findings if k not in out]
    return out + field_sentences(study)


def field_sentences(study: Study) -> list[str]:
    """A record's dose, comparator, duration and adverse events as sentences of its chunk ("Dose in X: ..."), so
    "what dose did X use?" finds them; the answer plans show these fields in their own words."""
    out = []
    if study.dose:
        out.append(f"Dose in {study.label}: {study.dose}.")
    if study.comparator:
        out.append(f"Comparator in {study.label}: {study.comparator}.")
    if study.duration:
        out.append(f"Duration of {study.label}: {study.duration}.")
    if study.adverse_events:
        out.append(f"Adverse events in {study.label}: {study.adverse_events.rstrip('.')}.")
    return out


def chunk_study(study: Study) -> Chunk:
    def make() -> tuple[tuple[Sentence, ...], str]:
        sentences = study_sentences(study)
        size = f"{study.n} participants" if study.n is not None else ""  # lets "how big was it?" find the size
        meta = " ".join(
            x
            for x in (
                study.label,
                study.title or "",
                study.design,
                study.evidence_level,
                study.species,
                " ".join(study.conditions),
                study.comparator or "",
                study.journal or "",
                size,
            )
            if x
        )
        return tuple(Sentence(s, (study.label,)) for s in sentences), f"{meta}\n" + "\n".join(sentences)

    return Chunk(
        id=f"study:{study.label}", source=study.label, kind="study", heading=study.title or study.label, make=make
    )


def build_chunks(corpus: Corpus) -> list[Chunk]:
    """All chunks served to members: documents and reviewed studies, in a stable order."""
    labels = set(corpus.studies)
    chunks: list[Chunk] = []
    for doc in corpus.documents:
        chunks.extend(chunk_document(doc, labels))
    for label in sorted(corpus.studies):
        study = corpus.studies[label]
        if study.reviewed:
            chunks.append(chunk_study(study))
    return chunks
