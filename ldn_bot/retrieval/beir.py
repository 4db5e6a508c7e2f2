"""Datasets in BEIR layout: corpus.jsonl[.gz] (_id, title, text), queries.jsonl (_id, text), qrels/<split>.tsv.

Used by `ldn-bot bench scifact` to measure the retrieval layer on public benchmarks; any BEIR dataset works.
Standard metrics (nDCG@k with graded gains, recall@k) are here too, so peers are scored by the same code.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ldn_bot.errors import UsageError


@dataclass(frozen=True)
class BeirDoc:
    id: str
    title: str
    text: str


@dataclass
class BeirDataset:
    name: str
    docs: list[BeirDoc]
    queries: dict[str, str]  # only the queries judged in the split, in file order
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> graded relevance (> 0)


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def _jsonl(path: Path) -> Iterable[dict]:
    with _open_text(path) as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise UsageError(f"{path}:{no}: malformed JSON: {e.msg}") from None
            if not isinstance(obj, dict) or "_id" not in obj:
                raise UsageError(f"{path}:{no}: expected an object with '_id'")
            yield obj


def _find(root: Path, stem: str) -> Path:
    for name in (f"{stem}.jsonl", f"{stem}.jsonl.gz"):
        if (root / name).exists():
            return root / name
    raise UsageError(f"{root}: no {stem}.jsonl or {stem}.jsonl.gz (is this a BEIR dataset folder?)")


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with path.open("r", encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if no == 1 and parts[:1] == ["query-id"]:
                continue
            if len(parts) < 3 or not parts[0]:
                if line.strip():
                    raise UsageError(f"{path}:{no}: expected query-id<TAB>corpus-id<TAB>score")
                continue
            try:
                score = int(float(parts[2]))
            except ValueError:
                raise UsageError(f"{path}:{no}: score '{parts[2]}' is not a number") from None
            if score > 0:
                qrels.setdefault(parts[0], {})[parts[1]] = score
    return qrels


def load_beir(root: str | Path, split: str = "test") -> BeirDataset:
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: dataset folder not found")
    qrels_path = root / "qrels" / f"{split}.tsv"
    if not qrels_path.exists():
        raise UsageError(f"{qrels_path}: no qrels for split '{split}'")
    docs = [BeirDoc(str(o["_id"]), str(o.get("title") or ""), str(o.get("text") or ""))
            for o in _jsonl(_find(root, "corpus"))]
    qrels = load_qrels(qrels_path)
    queries = {str(o["_id"]): str(o.get("text") or "") for o in _jsonl(_find(root, "queries"))}
    judged = {qid: queries[qid] for qid in queries if qid in qrels}
    qrels = {qid: rel for qid, rel in qrels.items() if qid in judged}
    return BeirDataset(root.name, docs, judged, qrels)


def ndcg_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (as BEIR's pytrec_eval): sum rel / log2(rank + 1), normalized by the ideal ranking."""
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 100) -> float:
    if not rel:
        return 0.0
    return len(set(ranked[:k]) & set(rel)) / len(rel)
