"""Passages: which sentences of the matching chunks an answer quotes, and which source each is cited as."""

from __future__ import annotations

import re
from collections import OrderedDict

from rapidfuzz import fuzz, utils

from ldn_bot.config import RetrievalConfig
from ldn_bot.corpus.models import Corpus, Study
from ldn_bot.engine.answer import Answer, Citation, LeadSentence
from ldn_bot.engine.overview import StudiesOn, key_finding, overview_citations, study_citation, verdict
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.chunk import Chunk, Sentence
from ldn_bot.retrieval.query import Query
from ldn_bot.retrieval.search import Hit

MAX_PASSAGE_CHARS = 420
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
ASKED_WEIGHT = 0.5  # a study's sentence holding less of the question's weight than this says nothing asked (dev)
RESTATES = 85.0  # rapidfuzz token_set_ratio at which a sentence says again what is shown (eval snapshots)


def restates(sentence: str, shown: str) -> bool:
    """Whether `sentence` only says again what `shown` says: nearly the same words and no number of its own."""
    return set(_NUMBER.findall(sentence)) <= set(_NUMBER.findall(shown)) and (
        fuzz.token_set_ratio(sentence, shown, processor=utils.default_process) >= RESTATES
    )


SENTENCE_CACHE = 4096  # chunks whose sentence terms are kept; bounded so a 100k-chunk bot does not grow forever


class Passages:
    """Quotes and citations from search hits, for one corpus and retrieval settings."""

    def __init__(self, corpus: Corpus, settings: RetrievalConfig, analyzer: Analyzer,
                 studies_on: StudiesOn | None = None) -> None:
        self.corpus = corpus
        self.studies = corpus.studies
        self.studies_on = studies_on or StudiesOn(corpus.studies)
        self.settings = settings
        self.analyzer = analyzer
        self._sentence_terms: OrderedDict[str, list[frozenset[str]]] = OrderedDict()  # least recently used first
        self._chunk_terms: OrderedDict[str, frozenset[str]] = OrderedDict()

    def _on(self, label: str, conditions: set[str]) -> bool:
        """Whether study `label` is on one of `conditions` (lower case); True for what is not a study record."""
        study = self.studies.get(label)
        return study is None or any(c.lower() in conditions for c in study.conditions)

    def evidence(
        self,
        question: str,
        hits: list[Hit],
        query: Query,
        disclaimer: str,
        overview_on: str | None = None,
        seed: list[Study] | None = None,
    ) -> Answer:
        """Lead sentences and citations from the hits; an overview of `overview_on`'s studies, or the `seed`
        studies (an answer plan's) cited first."""
        settings = self.settings
        good = [h for h in hits if h.score >= settings.min_score and h.coverage >= settings.threshold] or hits[:1]
        # A question on fibromyalgia cites no study on another condition, unless the article's sentence about
        # it names the condition asked (the record then corrects what the article says).
        asked = set(query.conditions)
        condition_terms = [frozenset(self.analyzer.tokens(a))
                           for g in query.synonyms if g.kind == "condition" for a in (g.name, *g.aliases)]
        record_labels = {h.chunk.source for h in good
                         if h.chunk.kind == "study" and (not asked or self._on(h.chunk.source, asked))}
        answer = Answer(
            question=question,
            status="answered",
            disclaimer=disclaimer,
            debug=[(h.chunk.id, h.score) for h in hits],
        )
        cited: dict[str, Citation] = {}
        unmatched: set[str] = set()  # overview citations no passage has matched yet
        if overview_on:
            studies = self.studies_on(overview_on)
            answer.overview, seeded = overview_citations(studies)
            answer.overview_topic, answer.verdict = overview_on, verdict(studies)
            cited = {c.label: c for c in seeded}
            unmatched = set(cited)
        elif seed:
            cited = {s.label: study_citation(s, i, key_finding(s), 0.0) for i, s in enumerate(seed, start=1)}
            unmatched = set(cited)
        added = 0
        for hit in good:
            if added >= settings.top_k or (overview_on and len(answer.lead) >= settings.lead_sentences):
                break
            ranked = self.rank_sentences(hit.chunk, query)
            if not ranked:
                continue
            best = ranked[0]
            label = self._source_label(hit.chunk, best, record_labels)
            if label is None:
                continue
            if asked and not self._on(label, asked):
                terms = frozenset(self.analyzer.tokens(best.text))
                if hit.chunk.kind == "study" or not any(t and t <= terms for t in condition_terms):
                    continue
            citation = cited.get(label)
            if citation is None:
                citation = self._citation(len(cited) + 1, label, hit, ranked)
                cited[label] = citation
                added += 1
            elif label in unmatched:  # listed by the overview, and now a matching passage too
                unmatched.discard(label)
                citation.score = round(hit.score, 4)
                if best.text not in citation.passage:
                    citation.passage = f"{citation.passage} {best.text}"
            elif not overview_on:
                continue
            text = best.text
            study = self.studies.get(label)
            if hit.chunk.kind == "article" and study is not None and study.article_note:
                # The article overstates this study: its record's own finding leads, never the article's claim.
                text = key_finding(study)
            if len(answer.lead) < settings.lead_sentences and all(text != s.text for s in answer.lead):
                answer.lead.append(LeadSentence(text, citation.number))
        answer.citations = sorted(cited.values(), key=lambda c: c.number)
        return answer

    def _source_label(self, chunk: Chunk, best: Sentence, record_labels: set[str]) -> str | None:
        """Which source a chunk's best sentence is cited as; None when a better source is already cited."""
        if chunk.kind == "study":
            return chunk.source
        labels = [l for l in best.labels if l in self.studies and self.studies[l].reviewed]
        # The study record is better evidence than the article's account of it.
        if labels and all(l in record_labels for l in labels):
            return None
        return labels[0] if labels else chunk.source

    def cite(self, answer: Answer, studies: list[Study]) -> None:
        """Cite an answer plan's studies that the passages did not already cite, after them."""
        have = {c.label for c in answer.citations}
        for study in studies:
            if study.label not in have:
                answer.citations.append(study_citation(study, len(answer.citations) + 1, key_finding(study), 0.0))
                have.add(study.label)

    def terms(self, chunk: Chunk) -> list[frozenset[str]]:
        cached = self._sentence_terms.get(chunk.id)
        if cached is None:
            cached = [frozenset(self.analyzer.tokens(s.text)) for s in chunk.sentences]
            self._sentence_terms[chunk.id] = cached
            if len(self._sentence_terms) > SENTENCE_CACHE:
                self._sentence_terms.popitem(last=False)
        else:
            self._sentence_terms.move_to_end(chunk.id)
        return cached

    def chunk_terms(self, chunk: Chunk) -> frozenset[str]:
        """Every index term of a chunk: its sentences and what BM25 also sees (title, journal, design, size)."""
        cached = self._chunk_terms.get(chunk.id)
        if cached is None:
            cached = self._chunk_terms[chunk.id] = frozenset(self.analyzer.tokens(chunk.index_text))
            if len(self._chunk_terms) > SENTENCE_CACHE:
                self._chunk_terms.popitem(last=False)
        else:
            self._chunk_terms.move_to_end(chunk.id)
        return cached

    def weighed_sentences(self, chunk: Chunk, query: Query) -> list[tuple[float, Sentence]]:
        """A chunk's sentences with the weight of the question's concepts each holds, heaviest first (ties in
        text order)."""
        cached = self.terms(chunk)
        scored = []
        for pos, (sent, terms) in enumerate(zip(chunk.sentences, cached)):
            weight = sum(
                c.weight for c in query.concepts if any(all(t in terms for t in alt) for alt in c.alternatives)
            )
            scored.append((-weight, pos, sent))
        scored.sort(key=lambda x: (x[0], x[1]))
        return [(-w, s) for w, _, s in scored]

    def rank_sentences(self, chunk: Chunk, query: Query) -> list[Sentence]:
        return [s for _, s in self.weighed_sentences(chunk, query)]

    def _citation(self, number: int, label: str, hit: Hit, ranked: list[Sentence]) -> Citation:
        best = ranked[0]
        extra = [x.text for x in ranked[1:2] if len(best.text) + len(x.text) < MAX_PASSAGE_CHARS]
        passage = " ".join([best.text, *extra])
        study = self.studies.get(label)
        via = hit.chunk.source if hit.chunk.kind == "article" else None
        if study is not None:
            return study_citation(study, number, passage, hit.score, via=via)
        doc = next((d for d in self.corpus.documents if d.label == label), None)
        return Citation(
            number=number,
            label=label,
            title=doc.title if doc else None,
            design=None,
            n=None,
            url=doc.url if doc else None,
            passage=passage,
            score=round(hit.score, 4),
            kind="article",
        )
