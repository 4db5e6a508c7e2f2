"""`ldn-bot bench scifact`: retrieval quality on a BEIR dataset, ours and the usual BM25 peers in one process."""

from __future__ import annotations

import time

import bm25s
import numpy as np
import Stemmer
from rank_bm25 import BM25Okapi

from ldn_bot.bench.measure import Frozen, peak_mb, reset_peak
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.beir import ndcg_at, recall_at
from ldn_bot.retrieval.cache import analyze
from ldn_bot.retrieval.index import make_scorer, top_k
from ldn_bot.retrieval.query import QueryParser, clear_word_caches, lexicon

PEERS = ("rank-bm25 whitespace", "rank-bm25 + our analyzer", "bm25s (Snowball, en stopwords)")


SCIFACT_KEYS = ("ndcg@10", "recall@100", "qps", "build_s", "peak_rss_mb", "docs", "queries", "backend")


def score_run(name: str, backend: str, ds, qids, ranked_lists, build_s: float, query_s: float, peak: float) -> dict:
    ndcg = sum(ndcg_at(r, ds.qrels[q], 10) for q, r in zip(qids, ranked_lists)) / max(len(qids), 1)
    rec = sum(recall_at(r, ds.qrels[q], 100) for q, r in zip(qids, ranked_lists)) / max(len(qids), 1)
    return {"system": name, "ndcg@10": round(ndcg, 4), "recall@100": round(rec, 4),
            "qps": round(len(qids) / query_s, 1) if query_s > 0 else None, "build_s": round(build_s, 3),
            "peak_rss_mb": peak, "docs": len(ds.docs), "queries": len(qids), "backend": backend}


def run_ours(ds, qids, retrieval, backend: str, title_weight: int | None = None, k1: float | None = None,
             b: float | None = None, query_side: str = "parser") -> dict:
    """Our retrieval layer exactly as the engine builds it: analyzer, title weighting, backend, query parser."""
    tw = retrieval.title_weight if title_weight is None else title_weight
    k1 = retrieval.k1 if k1 is None else k1
    b = retrieval.b if b is None else b
    clear_word_caches()  # each run starts cold, whatever ran before it in this process
    reset_peak()
    t0 = time.perf_counter()
    analyzer = Analyzer()
    matrix, surface = analyze(((f"{d.title}\n{d.text}", d.title) for d in ds.docs), analyzer, tw)
    stats = matrix.stats()
    scorer = make_scorer(backend, matrix, k1, b)
    # Each corpus word's stem and English frequency: made with the index and kept in its cache by the bot.
    parser = QueryParser(analyzer, stats, surface, [], retrieval.fuzzy_cutoff, lexicon(surface, analyzer))
    # Loaded or imported on first use (word-frequency tables and tokenizer, the spelling corrector's rapidfuzz):
    # part of start-up, not of a query.
    parser.parse("warm up the word-frequency tables, 2 mg, and the spelling corrector: qwxzyk")
    build_s = time.perf_counter() - t0
    ids = [d.id for d in ds.docs]
    results = []
    with Frozen():
        t0 = time.perf_counter()
        for q in qids:
            text = ds.queries[q]
            terms = parser.parse(text).terms if query_side == "parser" else list(dict.fromkeys(analyzer.tokens(text)))
            results.append(top_k(scorer.scores(terms), 100))
        query_s = time.perf_counter() - t0
    ranked = [[ids[i] for i, s in zip(idx.tolist(), sc.tolist()) if s > 0] for idx, sc in results]
    name = f"ldn-bot ({backend})" + ("" if query_side == "parser" else ", analyzer tokens as query")
    return score_run(name, backend, ds, qids, ranked, build_s, query_s, peak_mb())


def run_peer(name: str, ds, qids) -> dict:
    texts = [f"{d.title} {d.text}" for d in ds.docs]
    ids = [d.id for d in ds.docs]
    queries = [ds.queries[q] for q in qids]
    reset_peak()
    if name == "bm25s (Snowball, en stopwords)":
        t0 = time.perf_counter()
        stemmer = Stemmer.Stemmer("english")
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                        show_progress=False)
        build_s = time.perf_counter() - t0
        with Frozen():
            t0 = time.perf_counter()
            q_tokens = bm25s.tokenize(queries, stopwords="en", stemmer=stemmer, show_progress=False)
            docs, scores = retriever.retrieve(q_tokens, k=min(100, len(texts)), show_progress=False, n_threads=0)
            query_s = time.perf_counter() - t0
        ranked = [[ids[i] for i, s in zip(row, srow) if s > 0] for row, srow in zip(docs.tolist(), scores.tolist())]
        return score_run(name, "bm25s", ds, qids, ranked, build_s, query_s, peak_mb())

    # "rank-bm25 whitespace" splits as LangChain's BM25Retriever does by default (its preprocess_func).
    tokenize = str.split if name == "rank-bm25 whitespace" else Analyzer().tokens
    t0 = time.perf_counter()
    bm25 = BM25Okapi([tokenize(t) for t in texts])
    build_s = time.perf_counter() - t0
    results = []
    with Frozen():
        t0 = time.perf_counter()
        for q in queries:
            s = bm25.get_scores(tokenize(q))
            top = np.argsort(-s, kind="stable")[:100]
            results.append((top, s[top]))
        query_s = time.perf_counter() - t0
    ranked = [[ids[i] for i, v in zip(top.tolist(), sv.tolist()) if v > 0] for top, sv in results]
    return score_run(name, "rank-bm25", ds, qids, ranked, build_s, query_s, peak_mb())


def tune(ds, qids, retrieval, backend: str) -> list[dict]:
    """The grid the settings in bot_config.yaml were chosen from (on the train split); scored with `backend`."""
    analyzer = Analyzer()
    ids = [d.id for d in ds.docs]
    rows = []
    sides: dict[str, list[list[str]]] = {}
    for tw in (1, 2, 3, 4):
        matrix, surface = analyze(((f"{d.title}\n{d.text}", d.title) for d in ds.docs), analyzer, tw)
        if not sides:  # title repetition changes neither document frequencies nor surface words
            parser = QueryParser(analyzer, matrix.stats(), surface, [], retrieval.fuzzy_cutoff)
            sides["tokens"] = [list(dict.fromkeys(analyzer.tokens(ds.queries[q]))) for q in qids]
            sides["parser"] = [parser.parse(ds.queries[q]).terms for q in qids]
        for k1 in (0.9, 1.2, 1.5, 1.8, 2.1):
            for b in (0.5, 0.65, 0.75, 0.85, 1.0):
                scorer = make_scorer(backend, matrix, k1, b)
                for side, queries in sides.items():
                    nd = rc = 0.0
                    for q, terms in zip(qids, queries):
                        idx, scores = top_k(scorer.scores(terms), 100)
                        ranked = [ids[i] for i, s in zip(idx.tolist(), scores.tolist()) if s > 0]
                        nd += ndcg_at(ranked, ds.qrels[q], 10)
                        rc += recall_at(ranked, ds.qrels[q], 100)
                    rows.append({"query_side": side, "title_weight": tw, "k1": k1, "b": b,
                                 "ndcg@10": round(nd / len(qids), 4), "recall@100": round(rc / len(qids), 4)})
    rows.sort(key=lambda r: (-float(r["ndcg@10"]), -float(r["recall@100"])))
    return rows
