"""`ldn-bot bench`: the command line of the benchmarks (scifact.py, latency.py). Results and the exact commands
are recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import tempfile
from pathlib import Path

from ldn_bot.bench import chart as chart_bench
from ldn_bot.bench import gaps as gaps_bench
from ldn_bot.bench import importing as import_bench
from ldn_bot.bench.latency import BUNDLED_QUESTIONS, cold_start, latency_run, questions_for_bundled, synthetic_corpus
from ldn_bot.bench.measure import cpu_name
from ldn_bot.bench.plot import latency_panels, svg
from ldn_bot.bench.scifact import PEERS, SCIFACT_KEYS, run_ours, run_peer, tune
from ldn_bot.config import load_config
from ldn_bot.corpus.loader import load_corpus
from ldn_bot.errors import UsageError
from ldn_bot.frontends.cli import at_least, needs_subcommand
from ldn_bot.retrieval.beir import load_beir
from ldn_bot.retrieval.index import SCORERS

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "scifact"


def configure(p: argparse.ArgumentParser) -> None:
    """Options and handlers of `ldn-bot bench scifact|latency|gaps|import|chart`."""
    p.description = "Benchmarks of the retrieval layer; see BENCHMARKS.md for results and commands."
    bsub = p.add_subparsers(dest="bench_command", metavar="BENCHMARK")

    s = bsub.add_parser("scifact", help="nDCG@10, recall@100, queries/s, build time and memory on a BEIR dataset",
                        description="Index a BEIR dataset with the retrieval layer (settings from the config file) and "
                                    "score its queries. --peers also runs rank-bm25 and bm25s in the same process.")
    s.add_argument("--data", metavar="DIR", default=str(DEFAULT_DATA),
                   help="BEIR dataset folder (default: ../shared/datasets/scifact next to the repository)")
    s.add_argument("--split", choices=("test", "train"), default="test", help="qrels split (default: test)")
    s.add_argument("--backend", metavar="NAME", help="scoring backend (default: the config's retrieval.backend)")
    s.add_argument("--peers", action="store_true", help="also run the peers in the same process")
    s.add_argument("--limit", type=at_least(1), metavar="N", help="score only the first N queries (smoke runs)")
    s.add_argument("--tune", action="store_true",
                   help="grid-search title_weight, k1, b and the query side on this split (use train only)")
    s.add_argument("--json", action="store_true", help="print one JSON object (a list of them with --peers)")
    s.set_defaults(func=cmd_scifact)

    lat = bsub.add_parser("latency", help="answer latency p50/p99, index build and load time, peak memory",
                          description="Time the whole answer path (analyze, correct, score, select sentences, render) "
                                      "on the bundled corpus and on N chunks made from SciFact abstracts.")
    lat.add_argument("--chunks", type=at_least(1), nargs="*", metavar="N", default=[100_000],
                     help="sizes of the large corpus, one run each (default: 100000; none: bundled corpus only)")
    lat.add_argument("--backend", metavar="NAME", default="bm25s",
                     help="backend for the large corpus (default: bm25s); the bundled corpus uses the config's")
    lat.add_argument("--data", metavar="DIR", default=str(DEFAULT_DATA), help="SciFact folder for the large corpus")
    lat.add_argument("--queries", type=at_least(1), default=300, metavar="N", help="questions per run (default: 300)")
    lat.add_argument("--no-cold-start", dest="cold_start", action="store_false",
                     help="skip timing `ldn-bot ask` in a new process")
    lat.add_argument("--json", action="store_true", help="print the results as one JSON object")
    lat.add_argument("--plot", metavar="FILE", help="also draw cost against corpus size as an SVG image "
                                                     "(needs at least one --chunks size)")
    lat.set_defaults(func=cmd_latency)
    gaps_bench.register(bsub)
    import_bench.register(bsub)
    chart_bench.register(bsub)
    p.set_defaults(func=needs_subcommand(p))


def cmd_scifact(args: argparse.Namespace) -> int:
    """Print nDCG@10, recall@100, queries/s, build time and peak memory on a BEIR dataset (or the --tune grid)."""
    config = load_config(args.config)
    backend = args.backend or config.retrieval.backend
    if backend not in SCORERS:
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
    settings = config.retrieval
    print(f"{ds.name} {args.split}: {len(ds.docs)} docs, {len(qids)} queries — "
          f"{datetime.date.today().isoformat()}, {cpu_name()}, single thread")
    print(f"settings: title_weight={settings.title_weight} k1={settings.k1} b={settings.b}, "
          "query side: ldn-bot query parser")
    print(f"{'system':44} {'nDCG@10':>8} {'R@100':>7} {'qps':>9} {'build s':>8} {'peak MB':>8}")
    for x in results:
        print(f"{x['system']:44} {x['ndcg@10']:>8.4f} {x['recall@100']:>7.4f} {x['qps'] or 0:>9.1f} "
              f"{x['build_s']:>8.2f} {x['peak_rss_mb']:>8.0f}")
    return 0


def cmd_latency(args: argparse.Namespace) -> int:
    """Print answer latency, build and load time and peak memory on the bundled corpus and each --chunks size."""
    if args.plot and not args.chunks:
        raise UsageError("--plot draws cost against corpus size: give at least one --chunks size")
    config = load_config(args.config)
    bundled = load_corpus(config.corpus_path)
    questions = questions_for_bundled(config)[: args.queries]
    runs = [latency_run(config, bundled, questions, max(1, 300 // max(len(questions), 1)), "bundled")]
    cold = cold_start(args.config) if args.cold_start else None
    if args.chunks:
        if args.backend not in SCORERS:
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
        image = svg(latency_panels(runs), f"ldn-bot answer path, {args.backend} backend — "
                                          f"{datetime.date.today().isoformat()}, {cpu_name()}")
        try:
            Path(args.plot).write_text(image, encoding="utf-8")
        except OSError as e:
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
              f"{r['index_load_s']:>7.2f} {r['peak_rss_mb']:>8.0f} {r['build_peak_mb']:>7.0f} "
              f"{r['serve_peak_mb']:>7.0f}")
    if cold is not None:
        print(f"ldn-bot ask cold start (new process, cached index): {cold:.2f} s")
    if args.plot:
        print(f"cost against corpus size drawn in {args.plot}")
    return 0
