"""BM25 indexes over chunks.

Two backends rank identically (same Lucene-IDF BM25, same scale): "rank-bm25" (default, for the bundled
corpus) and "bm25s" (sparse term-major matrix of precomputed per-term scores, the layout and "lucene"
formula of the bm25s library; for corpora of tens of thousands of chunks). Both can be built from token
lists or from a `TermMatrix` (document-term counts), which is what the index cache stores.

The default backend is rank-bm25's BM25Okapi with Lucene's IDF. rank-bm25's own Okapi IDF goes
negative for a term in more than half the chunks and is then floored at epsilon x mean IDF — on a
small corpus where "naltrexone" is in nearly every chunk that makes the commonest word worth as much
as a rare one. Lucene's log(1 + (N - df + 0.5) / (df + 0.5)) is always positive and monotone in df.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Protocol

import numpy as np
from rank_bm25 import BM25Okapi


def lucene_idf(n_docs: int, df: int) -> float:
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


class _LuceneIdfBM25(BM25Okapi):
    """BM25Okapi with Lucene's IDF. Scores as `BM25Okapi.get_scores` does, to the last bit, without its per-query
    work that never changes: each document's length term is made once, and a term's counts per document once
    until it falls out of a bounded cache (rank-bm25 lists them afresh for every query term)."""

    FREQ_CACHE = 4096  # terms whose per-document counts are kept (one array of corpus size each)

    def __init__(self, corpus: list[list[str]], k1: float, b: float) -> None:
        super().__init__(corpus, k1=k1, b=b)
        # the same expression, evaluated in the same order, as rank-bm25's get_scores: the same floats
        self._length_norm = self.k1 * (1 - self.b + self.b * np.array(self.doc_len) / self.avgdl)
        self._freqs = lru_cache(maxsize=self.FREQ_CACHE)(self._term_freqs)

    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.idf = {word: lucene_idf(self.corpus_size, freq) for word, freq in nd.items()}
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)

    def _term_freqs(self, term: str) -> np.ndarray:
        freqs = np.array([(doc.get(term) or 0) for doc in self.doc_freqs])
        freqs.flags.writeable = False  # shared by every query with the term
        return freqs

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        score = np.zeros(self.corpus_size)
        for q in query:
            q_freq = self._freqs(q)
            score += (self.idf.get(q) or 0) * (q_freq * (self.k1 + 1) / (q_freq + self._length_norm))
        return score


class Scorer(Protocol):
    name: str

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """One BM25 score per document for the (deduplicated) query terms."""
        ...


class RankBM25Scorer:
    name = "rank-bm25"

    def __init__(self, docs: Sequence[Sequence[str]] | TermMatrix, k1: float, b: float) -> None:
        if isinstance(docs, TermMatrix):
            docs = docs.bags()
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


class TermMatrix:
    """Document-term counts, term-major (CSC): term t occurs in docs[indptr[t]:indptr[t+1]] (ascending)
    with counts tf[...] — the layout bm25s uses for its score matrix. Plain arrays, so it saves as .npz."""

    def __init__(
        self, vocab: list[str], indptr: np.ndarray, docs: np.ndarray, tf: np.ndarray, doc_len: np.ndarray
    ) -> None:
        self.vocab = vocab
        self.indptr = indptr
        self.docs = docs
        self.tf = tf
        self.doc_len = doc_len
        self.term_ids = {t: i for i, t in enumerate(vocab)}

    @property
    def n_docs(self) -> int:
        return len(self.doc_len)

    @classmethod
    def of(cls, docs_tokens: Iterable[Sequence[str]]) -> TermMatrix:
        ids: dict[str, int] = {}
        term_col = array("i")
        doc_col = array("i")
        tf_col = array("i")
        lengths = array("d")
        for d, tokens in enumerate(docs_tokens):
            counts = Counter(tokens)
            term_col.extend([ids.setdefault(t, len(ids)) for t in counts])
            doc_col.extend([d] * len(counts))
            tf_col.extend(counts.values())
            lengths.append(len(tokens))
        terms = np.frombuffer(term_col, dtype=np.int32)
        order = np.argsort(terms, kind="stable")  # stable: docs stay ascending within a term
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(ids)), out=indptr[1:])
        return cls(
            list(ids),
            indptr,
            np.frombuffer(doc_col, dtype=np.int32)[order].copy(),
            np.frombuffer(tf_col, dtype=np.int32)[order].astype(np.float32),
            np.frombuffer(lengths, dtype=np.float64).copy(),
        )

    def df(self) -> np.ndarray:
        return np.diff(self.indptr)

    def stats(self) -> TermStats:
        return TermStats(self.n_docs, Counter(dict(zip(self.vocab, self.df().tolist()))))

    def contains(self, doc: int, term: str) -> bool:
        t = self.term_ids.get(term)
        if t is None:
            return False
        col = self.docs[self.indptr[t] : self.indptr[t + 1]]
        i = int(np.searchsorted(col, doc))
        return i < len(col) and int(col[i]) == doc

    def holders(self, terms: Iterable[str], docs: Sequence[int]) -> dict[str, set[int]]:
        """For each term, which of `docs` contain it (what `contains` says, one search per term)."""
        ids = np.asarray(docs, dtype=np.int64)
        out: dict[str, set[int]] = {}
        for term in terms:
            t = self.term_ids.get(term)
            col = self.docs[self.indptr[t] : self.indptr[t + 1]] if t is not None and len(ids) else None
            if col is None or not len(col):
                out[term] = set()
                continue
            pos = np.minimum(np.searchsorted(col, ids), len(col) - 1)
            out[term] = set(ids[col[pos] == ids].tolist())
        return out

    def bags(self) -> list[list[str]]:
        """Each document's terms as a bag (order lost, counts kept): all BM25 needs."""
        bags: list[list[str]] = [[] for _ in range(self.n_docs)]
        for t, term in enumerate(self.vocab):
            s, e = int(self.indptr[t]), int(self.indptr[t + 1])
            for d, n in zip(self.docs[s:e].tolist(), self.tf[s:e].tolist()):
                bags[d].extend([term] * int(n))
        return bags


class TermSets(Sequence):
    """`term_sets[i]` answers `term in term_sets[i]` from the matrix, without a set per chunk in memory."""

    def __init__(self, matrix: TermMatrix) -> None:
        self._m = matrix

    def __len__(self) -> int:
        return self._m.n_docs

    def holders(self, terms: Iterable[str], docs: Sequence[int]) -> dict[str, set[int]]:
        """For each term, which of the documents `docs` contain it."""
        return self._m.holders(terms, docs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return _DocTerms(self._m, i % len(self))


class _DocTerms:
    __slots__ = ("_doc", "_m")

    def __init__(self, matrix: TermMatrix, doc: int) -> None:
        self._m = matrix
        self._doc = doc

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._m.contains(self._doc, term)


class Bm25sScorer:
    """Precomputed per-(term, doc) BM25 weights in a term-major sparse matrix (bm25s's eager index).

    A query sums the weights of its terms' columns: cost grows with the postings of the query terms,
    not with the corpus size. Weights use bm25s's "lucene" formula times (k1 + 1), so scores equal
    rank-bm25's BM25Okapi with Lucene IDF (same scale, so `min_score` means the same on both backends).
    """

    name = "bm25s"

    def __init__(self, docs: Sequence[Sequence[str]] | TermMatrix, k1: float, b: float) -> None:
        from bm25s.scoring import _score_tfc_lucene

        m = docs if isinstance(docs, TermMatrix) else TermMatrix.of(docs)
        self._n = m.n_docs
        self._ids = m.term_ids
        self.indptr = m.indptr
        self._starts = m.indptr.tolist()  # plain ints: slicing with numpy scalars costs more per query term
        self.indices = m.docs
        n_docs = max(m.n_docs, 1)
        df = m.df()
        idf = np.log1p((m.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        avgdl = float(m.doc_len.sum()) / n_docs or 1.0
        # float32 throughout: at 100k chunks there are ~10^7 postings, and each temporary costs 4 bytes each.
        tfc = _score_tfc_lucene(
            m.tf, l_d=m.doc_len.astype(np.float32)[m.docs], l_avg=np.float32(avgdl), k1=np.float32(k1), b=np.float32(b)
        )
        tfc *= np.float32(k1 + 1.0)
        tfc *= np.repeat(idf, df)
        self.data = tfc

    def scores(self, query: Sequence[str]) -> np.ndarray:
        docs, weights = [], []
        ids, starts = self._ids, self._starts
        for term in query:  # a repeated term counts again, as in rank-bm25
            t = ids.get(term)
            if t is not None:
                s, e = starts[t], starts[t + 1]
                docs.append(self.indices[s:e])
                weights.append(self.data[s:e])
        if not docs:
            return np.zeros(self._n)
        if len(docs) == 1:
            return np.bincount(docs[0], weights=weights[0], minlength=self._n)
        # One pass over the query terms' postings (bm25s adds them with np.add.at, which is slower).
        return np.bincount(np.concatenate(docs), weights=np.concatenate(weights), minlength=self._n)

    def top(self, query: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(doc indices, scores) of the k best documents, best first."""
        return top_k(self.scores(query), k)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the k largest scores, best first (ties: lower index first), and those scores."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
        # argpartition breaks ties arbitrarily: take every doc tied with the k-th score, then sort.
        kth = scores[part].min()
        part = np.flatnonzero(scores >= kth)
    else:
        part = np.arange(len(scores))
    order = part[np.lexsort((part, -scores[part]))][:k]
    return order, scores[order]


SCORERS: dict[str, Callable[..., Scorer]] = {"rank-bm25": RankBM25Scorer, "bm25s": Bm25sScorer}


def make_scorer(backend: str, docs: Sequence[Sequence[str]] | TermMatrix, k1: float, b: float) -> Scorer:
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
    def of(cls, docs: Sequence[Sequence[str]]) -> TermStats:
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        return cls(len(docs), df)

    def idf(self, term: str) -> float:
        # An unseen term is as informative as the rarest possible one.
        return lucene_idf(self.n_docs, self.df.get(term, 0))


class FuzzyVocab:
    """`best(word, cutoff)` = rapidfuzz `process.extractOne(word, vocab, scorer=fuzz.ratio, score_cutoff=cutoff)`,
    without scanning the whole vocabulary.

    fuzz.ratio is 200·LCS/(la+lb). As LCS ≤ min(la, lb), only lengths la·r/(2 − r) ≤ lb ≤ la·(2 − r)/r can
    reach ratio 100·r. Along an LCS, every pair of consecutive matches that is adjacent in both words is a
    shared bigram, and each unmatched character breaks at most one such pair, so the words share at least
    3·LCS − 1 − la − lb bigrams (as multisets) ≥ (1.5·r − 1)(la + lb) − 1. Only words of a possible length
    sharing that many bigrams are scored, in vocabulary order, so the answer (ties included) is extractOne's.
    """

    def __init__(self, vocab: Sequence[str]) -> None:
        self.vocab = list(vocab)
        lengths = np.fromiter((len(w) for w in self.vocab), dtype=np.int32, count=len(self.vocab))
        # Words are numbered by length ("ranks"), so the words of the possible lengths are one range of ranks.
        self._by_rank = np.argsort(lengths, kind="stable")  # rank -> vocabulary index
        self._rank_len = lengths[self._by_rank]
        self._max_len = int(lengths.max(initial=0))
        self._first = np.searchsorted(self._rank_len, np.arange(self._max_len + 2)).tolist()  # length -> 1st rank
        postings: dict[str, array] = {}
        for rank, i in enumerate(self._by_rank.tolist()):
            w = self.vocab[i]
            for j in range(len(w) - 1):
                g = w[j : j + 2]
                p = postings.get(g)
                if p is None:
                    p = postings[g] = array("i")
                p.append(rank)  # a bigram twice in a word is posted twice: multiset counts
        # Each bigram's ranks (ascending) and where each length starts in them.
        self._postings: dict[str, tuple[np.ndarray, list[int]]] = {}
        for g, p in postings.items():
            ranks = np.frombuffer(p, dtype=np.int32)
            self._postings[g] = (ranks, np.searchsorted(ranks, self._first).tolist())
        self._extract: Callable[..., Any] | None = (
            None  # rapidfuzz, imported on first use (not on the `ask` start-up path)
        )

    def best(self, word: str, cutoff: float):
        if self._extract is None:
            from rapidfuzz import fuzz, process

            self._extract = partial(process.extractOne, scorer=fuzz.ratio)
        r = cutoff / 100.0
        slope = 1.5 * r - 1
        la = len(word)
        if slope <= 0 or len(self.vocab) < 2000 or la < 2:
            return self._extract(word, self.vocab, score_cutoff=cutoff)
        shortest = max(math.ceil(la * r / (2 - r) - 1e-9), 0)
        longest = min(math.floor(la * (2 - r) / r + 1e-9), self._max_len)
        # Shared bigrams needed by the shortest possible word (more for longer ones); a count is an integer.
        # 1e-9: rounding never raises a need above the bound.
        least = math.ceil(slope * (la + shortest) - 1 - 1e-9)
        if least <= 0:  # too short to rule anything out by bigrams: score every word
            return self._extract(word, self.vocab, score_cutoff=cutoff)
        if shortest > longest:
            return None
        lo, hi = self._first[shortest], self._first[longest + 1]
        lists = []
        for g in {word[j : j + 2] for j in range(la - 1)}:
            p = self._postings.get(g)
            if p is not None:
                s, e = p[1][shortest], p[1][longest + 1]
                if s < e:
                    lists.append(p[0][s:e])
        if not lists:
            return None
        # Summing whole posting lists over-counts a bigram repeated in a vocabulary word but not in `word`:
        # that only lets more candidates through to exact scoring, never fewer.
        shared = np.bincount(np.concatenate(lists) - lo, minlength=hi - lo)
        ranks = np.flatnonzero(shared >= least)  # one pass with the smallest need, then each word's own
        ranks = ranks[shared[ranks] >= slope * (la + self._rank_len[ranks + lo]) - 1 - 1e-9]
        if not len(ranks):
            return None
        ids = np.sort(self._by_rank[ranks + lo])  # vocabulary order, for extractOne's tie-breaking
        hit = self._extract(word, [self.vocab[i] for i in ids.tolist()], score_cutoff=cutoff)
        return None if hit is None else (hit[0], hit[1], int(ids[hit[2]]))
