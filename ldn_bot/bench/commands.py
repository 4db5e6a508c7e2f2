"""`ldn-bot bench`: retrieval quality on BEIR SciFact (ours and the peers, same process) and answer latency at scale.

Only argparse at import time: `ldn-bot ask` must start fast, and this module is imported to register the command.
Results and the exact commands are recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "scifact"
PEERS = ("rank-bm25 whitespace", "rank-bm25 + our analyzer", "bm25s (Snowball, en stopwords)")
SCIFACT_KEYS = ("ndcg@10", "recall@100", "qps", "build_s", "peak_rss_mb", "docs", "queries", "backend")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmarks: retrieval quality on SciFact, answer latency at scale",
                       description="Benchmarks of the retrieval layer; see BENCHMARKS.md for results and commands.")
    bsub = p.add_subparsers(dest="bench_command", metavar="BENCHMARK")

    s = bsub.add_parser("scifact", help="nDCG@10, recall@100, queries/s, build time and memory on a BEIR dataset",
                        description="Index a BEIR dataset with the retrieval layer (settings from the config file) and "
                                    "score its queries. --peers also runs rank-bm25 and bm25s in the same process.")
    s.add_argument("--data", metavar="DIR", default=str(DEFAULT_DATA),
                   help="BEIR dataset folder (default: ../shared/datasets/scifact next to the repository)")
    s.add_argument("--split", choices=("test", "train"), default="test", help="qrels split (default: test)")
    s.add_argument("--backend", metavar="NAME", help="scoring backend (default: the config's retrieval.backend)")
    s.add_argument("--peers", action="store_true", help="also run the peers in the same process")
    s.add_argument("--limit", type=int, metavar="N", help="score only the first N queries (smoke runs)")
    s.add_argument("--tune", action="store_true",
                   help="grid-search title_weight, k1, b and the query side on this split (use train only)")
    s.add_argument("--json", action="store_true", help="print one JSON object (a list of them with --peers)")
    s.set_defaults(func=cmd_scifact)

    lat = bsub.add_parser("latency", help="answer latency p50/p99, index build and load time, peak memory",
                          description="Time the whole answer path (analyze, correct, score, select sentences, render) "
                                      "on the bundled corpus and on N chunks made from SciFact abstracts.")
    lat.add_argument("--chunks", type=int, nargs="*", metavar="N", default=[100_000],
                     help="sizes of the large corpus, one run each (default: 100000; none: bundled corpus only)")
    lat.add_argument("--backend", metavar="NAME", default="bm25s",
                     help="backend for the large corpus (default: bm25s); the bundled corpus uses the config's")
    lat.add_argument("--data", metavar="DIR", default=str(DEFAULT_DATA), help="SciFact folder for the large corpus")
    lat.add_argument("--queries", type=int, default=300, metavar="N", help="questions per run (default: 300)")
    lat.add_argument("--no-cold-start", dest="cold_start", action="store_false",
                     help="skip timing `ldn-bot ask` in a new process")
    lat.add_argument("--json", action="store_true", help="print the results as one JSON object")
    lat.add_argument("--plot", metavar="FILE", help="also draw cost against corpus size as an SVG image "
                                                     "(needs at least one --chunks size)")
    lat.set_defaults(func=cmd_latency)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


# -- measurement helpers -----------------------------------------------------------------------------------------

def _reset_peak() -> None:
    """Reset the process's peak RSS (Linux: writing 5 to clear_refs resets VmHWM), so each system gets its own peak."""
    import gc

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class _Frozen:
    """Timed query loops run with the objects that exist before them (index, dataset, harness) moved out of the
    garbage collector's view (gc.freeze, as a long-running service does after start-up), for every system alike:
    otherwise full collections triggered by a system's per-query allocations rescan the harness's own objects."""

    def __enter__(self) -> None:
        import gc

        gc.collect()
        gc.freeze()

    def __exit__(self, *exc) -> None:
        import gc

        gc.unfreeze()


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def _settings(args: argparse.Namespace):
    from ldn_bot.config import load_config

    return load_config(args.config)


# -- SciFact -----------------------------------------------------------------------------------------------------

def _score_run(name: str, backend: str, ds, qids, ranked_lists, build_s: float, query_s: float, peak: float) -> dict:
    from ldn_bot.retrieval.beir import ndcg_at, recall_at

    ndcg = sum(ndcg_at(r, ds.qrels[q], 10) for q, r in zip(qids, ranked_lists)) / max(len(qids), 1)
    rec = sum(recall_at(r, ds.qrels[q], 100) for q, r in zip(qids, ranked_lists)) / max(len(qids), 1)
    return {"system": name, "ndcg@10": round(ndcg, 4), "recall@100": round(rec, 4),
            "qps": round(len(qids) / query_s, 1) if query_s > 0 else None, "build_s": round(build_s, 3),
            "peak_rss_mb": peak, "docs": len(ds.docs), "queries": len(qids), "backend": backend}


def run_ours(ds, qids, retrieval, backend: str, title_weight: int | None = None, k1: float | None = None,
             b: float | None = None, query_side: str = "parser") -> dict:
    """Our retrieval layer exactly as the engine builds it: analyzer, title weighting, backend, query parser."""
    import time

    from ldn_bot.retrieval.analyzer import Analyzer
    from ldn_bot.retrieval.cache import analyze
    from ldn_bot.retrieval.index import make_scorer, top_k
    from ldn_bot.retrieval.query import QueryParser, clear_word_caches, lexicon

    tw = retrieval.title_weight if title_weight is None else title_weight
    k1 = retrieval.k1 if k1 is None else k1
    b = retrieval.b if b is None else b
    clear_word_caches()  # each run starts cold, whatever ran before it in this process
    _reset_peak()
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
    with _Frozen():
        t0 = time.perf_counter()
        for q in qids:
            text = ds.queries[q]
            terms = parser.parse(text).terms if query_side == "parser" else list(dict.fromkeys(analyzer.tokens(text)))
            results.append(top_k(scorer.scores(terms), 100))
        query_s = time.perf_counter() - t0
    ranked = [[ids[i] for i, s in zip(idx.tolist(), sc.tolist()) if s > 0] for idx, sc in results]
    name = f"ldn-bot ({backend})" + ("" if query_side == "parser" else ", analyzer tokens as query")
    return _score_run(name, backend, ds, qids, ranked, build_s, query_s, _peak_mb())


def run_peer(name: str, ds, qids) -> dict:
    import time

    import numpy as np

    texts = [f"{d.title} {d.text}" for d in ds.docs]
    ids = [d.id for d in ds.docs]
    queries = [ds.queries[q] for q in qids]
    _reset_peak()
    if name == "bm25s (Snowball, en stopwords)":
        import bm25s
        import Stemmer

        t0 = time.perf_counter()
        stemmer = Stemmer.Stemmer("english")
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                        show_progress=False)
        build_s = time.perf_counter() - t0
        with _Frozen():
            t0 = time.perf_counter()
            q_tokens = bm25s.tokenize(queries, stopwords="en", stemmer=stemmer, show_progress=False)
            docs, scores = retriever.retrieve(q_tokens, k=min(100, len(texts)), show_progress=False, n_threads=0)
            query_s = time.perf_counter() - t0
        ranked = [[ids[i] for i, s in zip(row, srow) if s > 0] for row, srow in zip(docs.tolist(), scores.tolist())]
        return _score_run(name, "bm25s", ds, qids, ranked, build_s, query_s, _peak_mb())

    from rank_bm25 import BM25Okapi

    if name == "rank-bm25 whitespace":
        tokenize = str.split  # LangChain's BM25Retriever default preprocess_func
    else:
        from ldn_bot.retrieval.analyzer import Analyzer

        tokenize = Analyzer().tokens
    t0 = time.perf_counter()
    bm25 = BM25Okapi([tokenize(t) for t in texts])
    build_s = time.perf_counter() - t0
    results = []
    with _Frozen():
        t0 = time.perf_counter()
        for q in queries:
            s = bm25.get_scores(tokenize(q))
            top = np.argsort(-s, kind="stable")[:100]
            results.append((top, s[top]))
        query_s = time.perf_counter() - t0
    ranked = [[ids[i] for i, v in zip(top.tolist(), sv.tolist()) if v > 0] for top, sv in results]
    return _score_run(name, "rank-bm25", ds, qids, ranked, build_s, query_s, _peak_mb())


def tune(ds, qids, retrieval, backend: str) -> list[dict]:
    """The grid the settings in bot_config.yaml were chosen from (on the train split); scored with `backend`."""
    from ldn_bot.retrieval.analyzer import Analyzer
    from ldn_bot.retrieval.beir import ndcg_at, recall_at
    from ldn_bot.retrieval.cache import analyze
    from ldn_bot.retrieval.index import make_scorer, top_k
    from ldn_bot.retrieval.query import QueryParser

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
    rows.sort(key=lambda r: (-r["ndcg@10"], -r["recall@100"]))
    return rows


def cmd_scifact(args: argparse.Namespace) -> int:
    import datetime
    import json

    from ldn_bot.retrieval.beir import load_beir

    config = _settings(args)
    backend = args.backend or config.retrieval.backend
    from ldn_bot.retrieval.index import SCORERS

    if backend not in SCORERS:
        from ldn_bot.errors import UsageError

        raise UsageError(f"unknown backend '{backend}' (known: {', '.join(sorted(SCORERS))})")
    ds = load_beir(args.data, args.split)
    qids = list(ds.queries)[: args.limit] if args.limit else list(ds.queries)
    if args.tune:
        rows = tune(ds, qids, config.retrieval, backend)
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            print(f"{ds.name} {args.split}: grid over query side, title_weight, k1, b (best first)")
            print(f"{'query':8} {'title_w':>7} {'k1':>5} {'b':>5} {'nDCG@10':>8} {'R@100':>7}")
            for r in rows[:25]:
                print(f"{r['query_side']:8} {r['title_weight']:>7} {r['k1']:>5} {r['b']:>5} "
                      f"{r['ndcg@10']:>8.4f} {r['recall@100']:>7.4f}")
        return 0
    results = [run_ours(ds, qids, config.retrieval, backend)]
    if args.peers:
        other = "bm25s" if backend != "bm25s" else "rank-bm25"
        results.append(run_ours(ds, qids, config.retrieval, other))
        results.append(run_ours(ds, qids, config.retrieval, "bm25s", query_side="tokens"))
        results += [run_peer(name, ds, qids) for name in PEERS]
    if args.json:
        objs = [{k: r[k] for k in SCIFACT_KEYS} | ({"system": r["system"]} if args.peers else {}) for r in results]
        print(json.dumps(objs if args.peers else objs[0], indent=2))
        return 0
    r = config.retrieval
    print(f"{ds.name} {args.split}: {len(ds.docs)} docs, {len(qids)} queries — "
          f"{datetime.date.today().isoformat()}, {cpu_name()}, single thread")
    print(f"settings: title_weight={r.title_weight} k1={r.k1} b={r.b}, query side: ldn-bot query parser")
    print(f"{'system':44} {'nDCG@10':>8} {'R@100':>7} {'qps':>9} {'build s':>8} {'peak MB':>8}")
    for x in results:
        print(f"{x['system']:44} {x['ndcg@10']:>8.4f} {x['recall@100']:>7.4f} {x['qps'] or 0:>9.1f} "
              f"{x['build_s']:>8.2f} {x['peak_rss_mb']:>8.0f}")
    return 0


# -- latency -----------------------------------------------------------------------------------------------------

BUNDLED_QUESTIONS = (
    "Does LDN help fibromyalgia?", "What doses were used in the Crohn's trials?", "What are the side effects of LDN?",
    "Does low dose naltrexone help multiple sclerosis fatigue?", "Is there evidence for LDN in long covid?",
    "LDN for cancer", "How many people were in the Younger 2013 study?", "vivid dreams insomnia",
    "Does LDN work for complex regional pain syndrome?", "fibromyalga pain relief",
)


def _questions_for_bundled(config) -> list[str]:
    import yaml

    path = config.resolve("eval/dev.yaml")
    out: list[str] = []
    try:
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in cases or []:
            for turn in case.get("turns") or [case]:
                if isinstance(turn.get("question"), str):
                    out.append(turn["question"])
    except (OSError, yaml.YAMLError, AttributeError):
        pass
    return out or list(BUNDLED_QUESTIONS)


def _percentile(values: list[float], p: float) -> float:
    import numpy as np

    return float(np.percentile(np.array(values), p)) if values else 0.0


def _time_answers(engine, questions: list[str], rounds: int) -> list[float]:
    import time

    from ldn_bot.render.text import render_text

    for q in questions[: min(len(questions), 20)]:  # warm-up: lazy caches, first-call costs
        render_text(engine.answer(q))
    times = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            render_text(engine.answer(q))
            times.append((time.perf_counter() - t0) * 1000)
    return times


def synthetic_corpus(n: int, root: Path, data: str | Path, like):
    """n study records made from SciFact abstracts (repeats reordered and mixed, so no two chunks are equal).

    The bundled synonyms and safety rules come along, so the answer path does all its usual work."""
    import random
    import shutil

    from ldn_bot.corpus.models import Corpus, Study
    from ldn_bot.retrieval.chunker import split_sentences

    abstracts: list[tuple[str, str]] = []
    try:
        from ldn_bot.retrieval.beir import load_beir

        abstracts = [(d.title, d.text) for d in load_beir(data, "test").docs if d.text]
    except Exception:
        pass
    if not abstracts:  # no dataset: recombine the bundled corpus's own sentences
        sents = [s for st in like.studies.values() for s in split_sentences(st.summary)]
        rng0 = random.Random(0)
        abstracts = [(rng0.choice(sents), " ".join(rng0.sample(sents, min(6, len(sents))))) for _ in range(2000)]
    root.mkdir(parents=True, exist_ok=True)
    for name in ("synonyms.yaml", "safety.yaml"):
        src = Path(like.root) / name
        if src.exists():
            shutil.copy(src, root / name)
    rng = random.Random(42)
    sentences = [split_sentences(text) for _, text in abstracts]
    studies = {}
    for i in range(n):
        j, rep = i % len(abstracts), i // len(abstracts)
        title, _ = abstracts[j]
        sents = list(sentences[j])
        if rep:
            k = rep % len(sents)
            sents = sents[k:] + sents[:k] + [rng.choice(sentences[rng.randrange(len(sentences))])]
        label = f"SciFact {j}" + (f"-{rep}" if rep else "")
        studies[label] = Study(
            label=label, title=title, authors=(f"SciFact {j}",), year=None, journal=None, pmid=None, doi=None,
            url=None, design="randomized controlled trial", evidence_level="randomized trial", species="human",
            conditions=("biomedicine",), n=None, dose=None, duration=None, comparator=None, summary=" ".join(sents),
            key_findings=(), adverse_events=None, article_note=None, cited_in_article=False, verified=True,
            reviewed=True, path=str(root / f"scifact-{i}.yaml"))
    return Corpus(str(root), (), studies, like.synonyms, f"synthetic-{n}")


def _build_phase(config, corpus, conn) -> None:
    """In a forked child: build without cache, then build and write the cache; report times and peak RSS."""
    import dataclasses
    import time

    from ldn_bot.engine.engine import Engine

    try:
        _reset_peak()
        nocache = dataclasses.replace(config, retrieval=dataclasses.replace(config.retrieval, cache=False))
        t0 = time.perf_counter()
        engine = Engine(nocache, corpus)
        build_s = time.perf_counter() - t0
        chunks = len(engine.searcher.chunks)
        del engine
        Engine(config, corpus)  # writes the cache if it is missing or stale
        conn.send({"build_s": build_s, "chunks": chunks, "peak": _peak_mb()})
    except BaseException as e:  # report, don't hang the parent
        conn.send({"error": f"{type(e).__name__}: {e}"})
    finally:
        conn.close()


def latency_run(config, corpus, questions: list[str], rounds: int, label: str) -> dict:
    """Build (no cache) and cache writing in a forked child, so the serving process is measured on its own;
    then cached load and answer timings here. Peak RSS: the larger of the build's and the serving process's."""
    import gc
    import multiprocessing
    import time

    from ldn_bot.engine.engine import Engine
    from ldn_bot.retrieval.analyzer import Analyzer
    from ldn_bot.retrieval.cache import load_or_build
    from ldn_bot.retrieval.chunker import build_chunks

    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_build_phase, args=(config, corpus, child))
    proc.start()
    child.close()
    built = parent.recv()
    proc.join()
    if "error" in built:
        raise RuntimeError(f"index build failed: {built['error']}")
    _reset_peak()
    # Where start-up goes: making the chunks (chunker) vs loading the index from the cache (cache.py).
    t0 = time.perf_counter()
    chunk_list = build_chunks(corpus)
    t1 = time.perf_counter()
    load_or_build(corpus, chunk_list, config.retrieval, Analyzer())
    t2 = time.perf_counter()
    del chunk_list
    gc.collect()
    t0, chunking_s, index_load_s = time.perf_counter(), t1 - t0, t2 - t1
    engine = Engine(config, corpus)
    load_s = time.perf_counter() - t0
    times = _time_answers(engine, questions, rounds)
    serve_peak = _peak_mb()
    result = {"corpus": label, "chunks": built["chunks"], "backend": config.retrieval.backend,
              "questions": len(times), "p50_ms": round(_percentile(times, 50), 3),
              "p99_ms": round(_percentile(times, 99), 3), "build_s": round(built["build_s"], 3),
              "load_s": round(load_s, 3), "chunking_s": round(chunking_s, 3), "index_load_s": round(index_load_s, 3),
              "peak_rss_mb": max(built["peak"], serve_peak), "build_peak_mb": built["peak"], "serve_peak_mb": serve_peak}
    del engine
    gc.collect()
    return result


def cold_start(config_path: str | None, question: str = "Does LDN help fibromyalgia?", runs: int = 3) -> float:
    """Seconds from process start to printed answer for `ldn-bot ask` (median of runs, index cache warm)."""
    import subprocess
    import sys
    import time

    cmd = [sys.executable, "-m", "ldn_bot", *(["--config", config_path] if config_path else []), "ask", question]
    subprocess.run(cmd, capture_output=True, timeout=120)  # makes sure the cache exists
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, timeout=120, check=True)
        times.append(time.perf_counter() - t0)
    return round(sorted(times)[len(times) // 2], 3)


def cmd_latency(args: argparse.Namespace) -> int:
    import dataclasses
    import datetime
    import json
    import tempfile

    from ldn_bot.corpus.loader import load_corpus

    if args.plot and not args.chunks:
        from ldn_bot.errors import UsageError

        raise UsageError("--plot draws cost against corpus size: give at least one --chunks size")
    config = _settings(args)
    bundled = load_corpus(config.corpus_path)
    questions = _questions_for_bundled(config)[: args.queries]
    runs = [latency_run(config, bundled, questions, max(1, 300 // max(len(questions), 1)), "bundled")]
    cold = cold_start(args.config) if args.cold_start else None
    if args.chunks:
        from ldn_bot.retrieval.beir import load_beir
        from ldn_bot.retrieval.index import SCORERS

        if args.backend not in SCORERS:
            from ldn_bot.errors import UsageError

            raise UsageError(f"unknown backend '{args.backend}' (known: {', '.join(sorted(SCORERS))})")
        try:
            sci_questions = list(load_beir(args.data, "test").queries.values())[: args.queries]
        except Exception:
            sci_questions = list(BUNDLED_QUESTIONS)
        big = dataclasses.replace(config, retrieval=dataclasses.replace(config.retrieval, backend=args.backend))
        for n in args.chunks:
            with tempfile.TemporaryDirectory(prefix="ldn-bench-") as tmp:
                corpus = synthetic_corpus(n, Path(tmp) / "corpus", args.data, bundled)
                runs.append(latency_run(big, corpus, sci_questions, 1, f"scifact x{n}"))
                del corpus
    if args.plot:
        from ldn_bot.bench.plot import latency_panels, svg

        image = svg(latency_panels(runs), f"ldn-bot answer path, {args.backend} backend — "
                                          f"{datetime.date.today().isoformat()}, {cpu_name()}")
        try:
            Path(args.plot).write_text(image, encoding="utf-8")
        except OSError as e:
            from ldn_bot.errors import UsageError

            raise UsageError(f"cannot write the plot to {args.plot}: {e.strerror or e}") from None
    if args.json:
        print(json.dumps({"date": datetime.date.today().isoformat(), "cpu": cpu_name(), "cold_start_s": cold,
                          "runs": runs} | ({"plot": args.plot} if args.plot else {}), indent=2))
        return 0
    print(f"answer latency — {datetime.date.today().isoformat()}, {cpu_name()}, single thread; "
          f"whole path: analyze, correct, score, select sentences, render")
    print(f"{'corpus':16} {'backend':9} {'chunks':>7} {'questions':>9} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'build s':>8} {'load s':>7} {'(chunks':>8} {'index)':>7} {'peak MB':>8} {'(build':>7} {'serve)':>7}")
    for r in runs:
        print(f"{r['corpus']:16} {r['backend']:9} {r['chunks']:>7} {r['questions']:>9} {r['p50_ms']:>7.2f} "
              f"{r['p99_ms']:>7.2f} {r['build_s']:>8.2f} {r['load_s']:>7.2f} {r['chunking_s']:>8.2f} "
              f"{r['index_load_s']:>7.2f} {r['peak_rss_mb']:>8.0f} {r['build_peak_mb']:>7.0f} {r['serve_peak_mb']:>7.0f}")
    if cold is not None:
        print(f"ldn-bot ask cold start (new process, cached index): {cold:.2f} s")
    if args.plot:
        print(f"cost against corpus size drawn in {args.plot}")
    return 0
