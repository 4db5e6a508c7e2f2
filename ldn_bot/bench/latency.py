"""`ldn-bot bench latency`: the whole answer path timed on the bundled corpus and on large synthetic ones."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from ldn_bot.bench.measure import peak_mb, percentile, reset_peak
from ldn_bot.config import Config
from ldn_bot.corpus.models import Corpus, Study
from ldn_bot.engine.engine import Engine
from ldn_bot.render.text import render_text
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.beir import load_beir
from ldn_bot.retrieval.cache import load_or_build
from ldn_bot.retrieval.chunker import build_chunks, split_sentences

BUNDLED_QUESTIONS = (
    "Does LDN help fibromyalgia?", "What doses were used in the Crohn's trials?", "What are the side effects of LDN?",
    "Does low dose naltrexone help multiple sclerosis fatigue?", "Is there evidence for LDN in long covid?",
    "LDN for cancer", "How many people were in the Younger 2013 study?", "vivid dreams insomnia",
    "Does LDN work for complex regional pain syndrome?", "fibromyalga pain relief",
)


def questions_for_bundled(config: Config) -> list[str]:
    """Every question of eval/dev.yaml (conversations' turns included); the built-in list if it cannot be read."""
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


def time_answers(engine: Engine, questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per answer (answered and rendered), `rounds` times over `questions`, after a warm-up."""
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

    The bundled synonyms, safety rules and intents come along, so the answer path does all its usual work
    (dose, side-effect and mechanism plans included)."""
    abstracts: list[tuple[str, str]] = []
    try:
        abstracts = [(d.title, d.text) for d in load_beir(data, "test").docs if d.text]
    except Exception:
        pass
    if not abstracts:  # no dataset: recombine the bundled corpus's own sentences
        sents = [s for st in like.studies.values() for s in split_sentences(st.summary)]
        rng0 = random.Random(0)
        abstracts = [(rng0.choice(sents), " ".join(rng0.sample(sents, min(6, len(sents))))) for _ in range(2000)]
    root.mkdir(parents=True, exist_ok=True)
    for name in ("synonyms.yaml", "safety.yaml", "intents.yaml"):
        src = Path(like.root) / name
        if src.exists():
            shutil.copy(src, root / name)
    if (Path(like.root) / "safety").is_dir():  # the safety rules' concept lexicons
        shutil.copytree(Path(like.root) / "safety", root / "safety", dirs_exist_ok=True)
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
    try:
        reset_peak()
        nocache = dataclasses.replace(config, retrieval=dataclasses.replace(config.retrieval, cache=False))
        t0 = time.perf_counter()
        engine = Engine(nocache, corpus)
        build_s = time.perf_counter() - t0
        chunks = len(engine.searcher.chunks)
        del engine
        Engine(config, corpus)  # writes the cache if it is missing or stale
        conn.send({"build_s": build_s, "chunks": chunks, "peak": peak_mb()})
    except BaseException as e:  # report, don't hang the parent
        conn.send({"error": f"{type(e).__name__}: {e}"})
    finally:
        conn.close()


def latency_run(config, corpus, questions: list[str], rounds: int, label: str) -> dict:
    """Build (no cache) and cache writing in a forked child, so the serving process is measured on its own;
    then cached load and answer timings here. Peak RSS: the larger of the build's and the serving process's."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_build_phase, args=(config, corpus, child))
    proc.start()
    child.close()
    built = parent.recv()
    proc.join()
    if "error" in built:
        raise RuntimeError(f"index build failed: {built['error']}")
    reset_peak()
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
    times = time_answers(engine, questions, rounds)
    serve_peak = peak_mb()
    result = {"corpus": label, "chunks": built["chunks"], "backend": config.retrieval.backend,
              "questions": len(times), "p50_ms": round(percentile(times, 50), 3),
              "p99_ms": round(percentile(times, 99), 3), "build_s": round(built["build_s"], 3),
              "load_s": round(load_s, 3), "chunking_s": round(chunking_s, 3), "index_load_s": round(index_load_s, 3),
              "peak_rss_mb": max(built["peak"], serve_peak), "build_peak_mb": built["peak"],
              "serve_peak_mb": serve_peak}
    del engine
    gc.collect()
    return result


def cold_start(config_path: str | None, question: str = "Does LDN help fibromyalgia?", runs: int = 3) -> float:
    """Seconds from process start to printed answer for `ldn-bot ask` (median of runs, index cache warm)."""
    cmd = [sys.executable, "-m", "ldn_bot", *(["--config", config_path] if config_path else []), "ask", question]
    subprocess.run(cmd, capture_output=True, timeout=120)  # makes sure the cache exists
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, timeout=120, check=True)
        times.append(time.perf_counter() - t0)
    return round(sorted(times)[len(times) // 2], 3)
