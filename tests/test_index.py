"""Both scoring backends rank the same: on the bundled corpus and on a SciFact sample (differential test)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from ldn_bot.errors import ConfigError
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.chunker import build_chunks
from ldn_bot.retrieval.index import (
    SCORERS,
    Bm25sScorer,
    RankBM25Scorer,
    TermMatrix,
    TermSets,
    make_scorer,
    top_k,
)

SCIFACT = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "scifact"


def top10(scores: np.ndarray) -> list[int]:
    return [int(i) for i in np.argsort(-scores, kind="stable")[:10] if scores[i] > 0]


def agreement(docs: list[list[str]], queries: list[list[str]], k1: float = 1.2, b: float = 0.75) -> float:
    slow, fast = make_scorer("rank-bm25", docs, k1, b), make_scorer("bm25s", docs, k1, b)
    same = 0
    for q in queries:
        a, f = slow.scores(q), fast.scores(q)
        np.testing.assert_allclose(a, f, rtol=1e-5, atol=1e-6)  # same scale, not just the same order
        same += top10(a) == top10(f)
    return same / len(queries)


def test_backends_are_registered_and_unknown_is_a_config_error():
    assert {"rank-bm25", "bm25s"} <= set(SCORERS)
    with pytest.raises(ConfigError, match="unknown retrieval backend 'nope'"):
        make_scorer("nope", [["a"]], 1.2, 0.75)


def test_backends_agree_on_the_bundled_corpus(engine):
    analyzer = Analyzer()
    docs = [analyzer.tokens(c.index_text) for c in build_chunks(engine.corpus)]
    rng = random.Random(5)
    vocab = sorted({t for d in docs for t in d})
    queries = [
        engine.searcher.parser.parse(q).terms
        for q in (
            "Does LDN help fibromyalgia?",
            "crohn's disease remission",
            "multiple sclerosis fatigue",
            "side effects vivid dreams",
            "dose 4.5 mg",
            "naltrexone",
            "cancer",
            "long covid",
        )
    ]
    queries += [rng.sample(vocab, rng.randint(1, 4)) for _ in range(200)]
    assert agreement(docs, queries) >= 0.95


@pytest.mark.skipif(not SCIFACT.exists(), reason="SciFact dataset not available")
def test_backends_agree_on_a_scifact_sample():
    from ldn_bot.retrieval.beir import load_beir

    ds = load_beir(SCIFACT, "test")
    analyzer = Analyzer()
    docs = [analyzer.tokens(f"{d.title}\n{d.text}") for d in ds.docs[:1500]]
    queries = [analyzer.tokens(q) for q in list(ds.queries.values())[:150]]
    assert agreement(docs, queries, k1=1.8) >= 0.95


def test_scores_equal_on_a_hand_made_corpus():
    docs = [["a", "b", "b"], ["b", "c"], [], ["a", "a", "a", "d", "e", "f"]]
    for docs_in in (docs, TermMatrix.of(docs)):
        slow, fast = RankBM25Scorer(docs_in, 1.2, 0.75), Bm25sScorer(docs_in, 1.2, 0.75)
        for q in (["a"], ["b", "a"], ["zzz"], ["a", "a"], []):
            np.testing.assert_allclose(slow.scores(q), fast.scores(q), rtol=1e-6)
    assert Bm25sScorer([], 1.2, 0.75).scores(["a"]).shape == (0,)
    assert RankBM25Scorer([[], []], 1.2, 0.75).scores(["a"]).tolist() == [0, 0]


def test_term_matrix_round_trips_bags_stats_and_term_sets():
    docs = [["x", "y", "x"], [], ["y", "z"]]
    m = TermMatrix.of(docs)
    assert [sorted(b) for b in m.bags()] == [["x", "x", "y"], [], ["y", "z"]]
    assert dict(m.stats().df) == {"x": 1, "y": 2, "z": 1} and m.stats().n_docs == 3
    sets = TermSets(m)
    assert len(sets) == 3 and "x" in sets[0] and "z" not in sets[0] and "y" in sets[-1] and "q" not in sets[2]
    with pytest.raises(IndexError):
        sets[3]


def test_top_k_is_sorted_with_ties_by_index():
    s = np.array([1.0, 3.0, 2.0, 3.0, 0.0, 2.0])
    idx, val = top_k(s, 3)
    assert idx.tolist() == [1, 3, 2] and val.tolist() == [3.0, 3.0, 2.0]
    assert top_k(s, 10)[0].tolist() == [1, 3, 2, 5, 0, 4]
    assert top_k(s, 0)[0].tolist() == []


def test_fuzzy_vocab_gives_extract_ones_answers():
    from rapidfuzz import fuzz, process

    from ldn_bot.retrieval.index import FuzzyVocab

    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = list(
        dict.fromkeys("".join(rng.choice(letters[:8]) for _ in range(rng.randint(4, 12))) for _ in range(5000))
    )
    fuzzy = FuzzyVocab(vocab)

    def mutate(w: str) -> str:
        w = list(w)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(w))
            op = rng.randrange(3)
            if op == 0:
                w.insert(i, rng.choice(letters[:8]))
            elif op == 1 and len(w) > 2:
                del w[i]
            else:
                w[i] = rng.choice(letters[:8])
        return "".join(w)

    words = [mutate(rng.choice(vocab)) for _ in range(400)] + [
        "aaaa",
        "abab",
        "hhhhhhhh",
        "zzzz",
        "abcdefgh",
        "ab",
        "a" * 30,
    ]
    for cutoff in (60, 70, 84, 95, 100):
        for w in words:
            want = process.extractOne(w, vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
            got = fuzzy.best(w, cutoff)
            assert (want and (want[0], want[2])) == (got and (got[0], got[2])), (w, cutoff)


def test_english_zipf_is_wordfreqs_zipf_frequency():
    from wordfreq import top_n_list, zipf_frequency

    from ldn_bot.retrieval import query

    rng = random.Random(11)
    made_up = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(1, 10)))
        for _ in range(3000)
    ]
    words = top_n_list("en", 5000) + made_up + ["il6", "40mg", "2001", "0.05", "β", "h.pylori", "crohn", "qwxzyk"]
    query._ZIPF.clear()
    for w in words:
        assert query.english_zipf(w) == zipf_frequency(w, "en"), w
        assert query.english_zipf(w) == zipf_frequency(w, "en"), w  # memoized


def test_normalize_and_words_fast_paths_match_the_general_ones():
    import unicodedata

    from ldn_bot.retrieval.analyzer import _APOSTROPHES, _TOKEN, normalize, words

    for text in [
        "Does LDN help Crohn's disease?",
        "IL-6 and TNF-α at 4.5 mg/day",
        "`quoted` O'Brien's",
        "ÉCLAIR ﬁbromyalgia",
        "plain words only",
        "",
    ]:
        general = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
        assert normalize(text) == general
        slow = [w[:-2] if w.endswith("'s") else w for w in _TOKEN.findall(general)]
        assert words(general) == [w.replace("'", "") for w in slow]
