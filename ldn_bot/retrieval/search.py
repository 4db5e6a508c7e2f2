"""Search: a parsed query scored against the chunk index, with a relevance judgement."""

from __future__ import annotations

from dataclasses import dataclass

from ldn_bot.config import RetrievalConfig
from ldn_bot.corpus.models import Corpus
from ldn_bot.retrieval.analyzer import Analyzer, normalize, words
from ldn_bot.retrieval.cache import load_or_build
from ldn_bot.retrieval.chunk import Chunk
from ldn_bot.retrieval.chunker import build_chunks
from ldn_bot.retrieval.index import top_k
from ldn_bot.retrieval.query import Query, QueryParser


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    coverage: float  # share of the query's topical weight this chunk contains


@dataclass
class SearchResult:
    query: Query
    hits: list[Hit]  # best first; only chunks with a positive score
    relevant: bool


class Searcher:
    def __init__(self, corpus: Corpus, settings: RetrievalConfig, analyzer: Analyzer | None = None) -> None:
        self.corpus = corpus
        self.settings = settings
        self.analyzer = analyzer or Analyzer()
        self.chunks: list[Chunk] = build_chunks(corpus)
        # Analyzed once and kept in <corpus>/.cache (ldn_bot/retrieval/cache.py); rebuilt when stale or unreadable.
        index = load_or_build(corpus, self.chunks, settings, self.analyzer)
        assert index.stats is not None and index.scorer is not None and index.term_sets is not None
        self.stats, self.scorer, self._term_sets = index.stats, index.scorer, index.term_sets
        # Names a question is never corrected toward: authors and journal titles ("rheumy" is no "Rheum").
        citation_words = {w for s in corpus.studies.values() for text in (*s.authors, s.journal or "")
                          for w in words(normalize(text))}
        self.parser = QueryParser(self.analyzer, self.stats, index.surface, corpus.synonyms, settings.fuzzy_cutoff,
                                  index.lexicon, citation_words)

    def coverage(self, query: Query, index: int, holders: dict[str, set[int]] | None = None) -> float:
        """The share of the query's topical weight chunk `index` contains. `holders`: for each of the query's
        terms, the chunks holding it among those asked about (`TermSets.holders`), instead of a lookup per term."""
        concepts = query.asked
        total = sum(c.weight for c in concepts)
        if total <= 0:
            return 0.0
        if holders is None:
            terms = self._term_sets[index]
            got = sum(c.weight for c in concepts if any(all(t in terms for t in alt) for alt in c.alternatives))
        else:
            got = sum(c.weight for c in concepts
                      if any(all(index in holders[t] for t in alt) for alt in c.alternatives))
        return got / total

    def search(self, question: str, limit: int = 10, query: Query | None = None) -> SearchResult:
        query = query or self.parser.parse(question)
        if not query.concepts or not self.chunks:
            return SearchResult(query, [], False)
        scores = self.scorer.scores(query.terms)
        order = top_k(scores, limit)[0]  # = argsort(-scores, stable)[:limit], without sorting every chunk
        docs = [int(i) for i in order if scores[i] > 0]
        # each term's chunks among the hits, found once per term rather than once per (term, hit)
        holders = self._term_sets.holders({t for c in query.asked for alt in c.alternatives for t in alt}, docs)
        hits = [Hit(self.chunks[i], float(scores[i]), self.coverage(query, i, holders)) for i in docs]
        best_cov = max((h.coverage for h in hits[:3]), default=0.0)
        relevant = bool(hits) and hits[0].score >= self.settings.min_score and best_cov >= self.settings.threshold
        return SearchResult(query, hits, relevant)
