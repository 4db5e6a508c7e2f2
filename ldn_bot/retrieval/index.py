"""BM25 indexes over chunks.

The default backend is rank-bm25's BM25Okapi with Lucene's IDF. rank-bm25's own Okapi IDF goes
negative for a term in more than half the chunks and is then floored at epsilon x mean IDF — on a
small corpus where "naltrexone" is in nearly every chunk that makes the commonest word worth as much
as a rare one. Lucene's log(1 + (N - df + 0.5) / (df + 0.5)) is always positive and monotone in df.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np
from rank_bm25 import BM25Okapi


def lucene_idf(n_docs: int, df: int) -> float:
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


class _LuceneIdfBM25(BM25Okapi):
    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.idf = {word: lucene_idf(self.corpus_size, freq) for word, freq in nd.items()}
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)


class Scorer(Protocol):
    name: str

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """One BM25 score per document for the (deduplicated) query terms."""
        ...


class RankBM25Scorer:
    name = "rank-bm25"

    def __init__(self, docs: Sequence[Sequence[str]], k1: float, b: float) -> None:
        # rank-bm25 divides by the average length: an empty corpus or all-empty docs would divide by zero.
        self._empty = not docs or not any(docs)
        self._n = len(docs)
        if not self._empty:
            self._bm25 = _LuceneIdfBM25([list(d) for d in docs], k1=k1, b=b)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        if self._empty:
            return np.zeros(self._n)
        known = [t for t in query if t in self._bm25.idf]
        if not known:
            return np.zeros(self._n)
        return self._bm25.get_scores(known)


SCORERS = {"rank-bm25": RankBM25Scorer}


def make_scorer(backend: str, docs: Sequence[Sequence[str]], k1: float, b: float) -> Scorer:
    try:
        factory = SCORERS[backend]
    except KeyError:
        from ldn_bot.errors import ConfigError

        raise ConfigError(f"unknown retrieval backend '{backend}' (known: {', '.join(sorted(SCORERS))})") from None
    return factory(docs, k1, b)


@dataclass
class TermStats:
    """Document frequencies and IDF, shared by every backend so relevance checks agree across them."""

    n_docs: int
    df: Counter[str]

    @classmethod
    def of(cls, docs: Sequence[Sequence[str]]) -> "TermStats":
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        return cls(len(docs), df)

    def idf(self, term: str) -> float:
        # An unseen term is as informative as the rarest possible one.
        return lucene_idf(self.n_docs, self.df.get(term, 0))
