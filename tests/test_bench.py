"""BEIR loader and metrics, and quick smoke runs of both benchmarks (so they never rot)."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from ldn_bot.errors import UsageError
from ldn_bot.frontends.cli import main
from ldn_bot.retrieval.beir import load_beir, ndcg_at, recall_at

DOCS = [
    ("d1", "Naltrexone in fibromyalgia", "Low-dose naltrexone reduced pain in women with fibromyalgia."),
    ("d2", "Crohn's disease", "Naltrexone induced remission in Crohn's disease in a pilot trial."),
    ("d3", "Multiple sclerosis", "Quality of life in multiple sclerosis patients taking naltrexone."),
    ("d4", "Statins and the heart", "Statins lower cholesterol and cardiovascular events."),
    ("d5", "Vitamin D", "Vitamin D supplements and bone fractures in older adults."),
]
QUERIES = [("q1", "naltrexone fibromyalgia pain"), ("q2", "crohn remission"), ("q3", "statins cholesterol"),
           ("q4", "an unjudged query")]
QRELS = {"test": [("q1", "d1", 1), ("q2", "d2", 2), ("q3", "d4", 1)], "train": [("q3", "d4", 1)]}


def make_beir(root: Path, gz: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps({"_id": i, "title": t, "text": x}) + "\n" for i, t, x in DOCS)
    if gz:
        with gzip.open(root / "corpus.jsonl.gz", "wt", encoding="utf-8") as f:
            f.write(lines + "\n")
    else:
        (root / "corpus.jsonl").write_text(lines, encoding="utf-8")
    (root / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t in QUERIES),
                                        encoding="utf-8")
    (root / "qrels").mkdir(exist_ok=True)
    for split, rows in QRELS.items():
        (root / "qrels" / f"{split}.tsv").write_text(
            "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in rows), encoding="utf-8")
    return root


@pytest.mark.parametrize("gz", [True, False])
def test_beir_loader_reads_corpus_queries_and_qrels(tmp_path, gz):
    ds = load_beir(make_beir(tmp_path / "tiny", gz), "test")
    assert [d.id for d in ds.docs] == ["d1", "d2", "d3", "d4", "d5"]
    assert ds.docs[1].title == "Crohn's disease"
    assert list(ds.queries) == ["q1", "q2", "q3"]  # only judged queries
    assert ds.qrels["q2"] == {"d2": 2}
    assert list(load_beir(tmp_path / "tiny", "train").queries) == ["q3"]


def test_beir_loader_errors_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        load_beir(tmp_path / "nope")
    root = make_beir(tmp_path / "tiny")
    with pytest.raises(UsageError, match="no qrels for split 'dev'"):
        load_beir(root, "dev")
    (root / "queries.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"queries.jsonl:1: malformed JSON"):
        load_beir(root)


def test_metrics():
    rel = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b", "c"], rel) == pytest.approx(1.0)
    assert ndcg_at(["c", "a"], rel) == pytest.approx((2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    assert ndcg_at([], rel) == 0.0 and ndcg_at(["a"], {}) == 0.0
    assert recall_at(["a", "x"], rel, 100) == 0.5 and recall_at(["x", "a"], rel, 1) == 0.0


def test_bench_scifact_smoke_with_peers(tmp_path, capsys):
    data = make_beir(tmp_path / "tiny")
    assert main(["bench", "scifact", "--data", str(data), "--json", "--backend", "bm25s"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert set(one) == {"ndcg@10", "recall@100", "qps", "build_s", "peak_rss_mb", "docs", "queries", "backend"}
    assert one["docs"] == 5 and one["queries"] == 3 and one["backend"] == "bm25s" and one["ndcg@10"] > 0.9
    assert main(["bench", "scifact", "--data", str(data), "--peers", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 6 and {r["backend"] for r in rows} == {"rank-bm25", "bm25s"}
    assert all(0 <= r["ndcg@10"] <= 1 and r["queries"] == 3 for r in rows)
    assert main(["bench", "scifact", "--data", str(data), "--peers"]) == 0
    assert "bm25s (Snowball, en stopwords)" in capsys.readouterr().out


SCIFACT = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "scifact"


@pytest.mark.skipif(not SCIFACT.exists(), reason="SciFact dataset not available")
def test_bench_scifact_smoke_on_the_real_dataset(capsys):
    assert main(["bench", "scifact", "--limit", "10", "--json", "--backend", "bm25s"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["docs"] == 5183 and r["queries"] == 10 and r["ndcg@10"] > 0.4


def test_bench_latency_smoke_and_its_plot_of_cost_against_size(tmp_path, capsys):
    import xml.etree.ElementTree as ET

    data = make_beir(tmp_path / "tiny")
    image = tmp_path / "cost.svg"
    assert main(["bench", "latency", "--chunks", "100", "300", "--queries", "5", "--data", str(data),
                 "--no-cold-start", "--json", "--plot", str(image)]) == 0
    out = json.loads(capsys.readouterr().out)
    bundled, *big = out["runs"]
    assert bundled["corpus"] == "bundled" and bundled["chunks"] > 40 and bundled["questions"] >= 5
    assert [r["chunks"] for r in big] == [100, 300] and all(r["backend"] == "bm25s" for r in big)
    for r in out["runs"]:
        assert 0 < r["p50_ms"] <= r["p99_ms"] and r["build_s"] > 0 and r["load_s"] > 0 and r["peak_rss_mb"] > 0
    assert out["plot"] == str(image)
    svg = ET.parse(image).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in svg.iter(f"{ns}text")]
    for label in ("per question", "index", "peak memory", "p50", "p99", "build", "load (cached)", "serve"):
        assert label in texts
    lines = list(svg.iter(f"{ns}polyline"))
    assert len(lines) == 6 and all(len(p.get("points").split()) == 2 for p in lines)  # one point per size
    assert "100" in texts and "300" in texts
    # a slower size is drawn higher: SVG y grows downwards
    p50 = [tuple(map(float, pt.split(","))) for pt in lines[0].get("points").split()]
    assert (p50[0][1] > p50[1][1]) == (big[0]["p50_ms"] < big[1]["p50_ms"])


def test_bench_latency_prints_a_table_and_plots_a_single_size(tmp_path, capsys):
    image = tmp_path / "one.svg"
    assert main(["bench", "latency", "--chunks", "200", "--queries", "3", "--data", str(make_beir(tmp_path / "tiny")),
                 "--no-cold-start", "--plot", str(image)]) == 0
    out = capsys.readouterr().out
    assert "p50 ms" in out and "scifact x200" in out and f"cost against corpus size drawn in {image}" in out
    assert image.read_text(encoding="utf-8").count("<polyline") == 6  # one size: still a plot


def test_bench_latency_plot_needs_sizes(tmp_path, capsys):
    assert main(["bench", "latency", "--chunks", "--plot", str(tmp_path / "x.svg"), "--no-cold-start"]) == 2
    assert "--chunks" in capsys.readouterr().err and not (tmp_path / "x.svg").exists()
