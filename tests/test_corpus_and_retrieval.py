"""Corpus loading, chunking, the analyzer and query parsing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldn_bot.config import load_config
from ldn_bot.corpus.loader import check_corpus, load_corpus
from ldn_bot.errors import ConfigError, CorpusError
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.chunker import build_chunks
from ldn_bot.retrieval.index import RankBM25Scorer


def test_bundled_corpus_has_every_study_and_the_article(engine):
    corpus = engine.corpus
    files = list((Path(corpus.root) / "studies").glob("*.yaml"))
    assert len(corpus.studies) == len(files) >= 61
    assert {"Donahue 2011a", "Donahue 2011b", "Younger 2013", "Bruun 2024"} <= set(corpus.studies)
    article = corpus.documents[0]
    text = " ".join(p.text for s in article.sections for p in s.paragraphs)
    assert "Join our weekly newsletter" not in text and "Leave a Reply" not in text
    assert "Colon Cancer Cells" not in [s.heading for s in article.sections]
    assert "Chronic Pain Conditions and Low-Dose Naltrexone" in [s.heading for s in article.sections]


def test_article_citations_link_to_study_records_in_order(engine):
    chunks = {c.id: c for c in build_chunks(engine.corpus)}
    cancer = next(c for c in chunks.values() if "Ehrlich" in c.text)
    linked = [s.labels for s in cancer.sentences]
    assert ("Donahue 2011a",) in linked and ("Donahue 2011b",) in linked
    assert linked.index(("Donahue 2011a",)) < linked.index(("Donahue 2011b",))
    lung = next(c for c in chunks.values() if "lung cancer" in c.text)
    assert ("Miskoff 2018",) in [s.labels for s in lung.sentences]  # "(Miskoff 2018" has no closing bracket


def test_chunk_ids_are_the_same_in_a_fresh_process(engine):
    """Ids name cached index rows and debug output: another process (another hash seed) must make the same ones."""
    code = (
        "import json, sys; from ldn_bot.corpus.loader import load_corpus; "
        "from ldn_bot.retrieval.chunker import build_chunks; "
        "print(json.dumps([c.id for c in build_chunks(load_corpus(sys.argv[1]))]))"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", code, str(engine.corpus.root)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert json.loads(fresh.stdout) == [c.id for c in build_chunks(engine.corpus)]


def test_unreviewed_study_is_not_served(corpus_copy):
    path = corpus_copy / "corpus" / "studies" / "kariv-2006.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: true", "reviewed: false"), encoding="utf-8")
    chunks = build_chunks(load_corpus(corpus_copy / "corpus"))
    assert "study:Kariv 2006" not in {c.id for c in chunks}


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda t: t.replace("design: open-label pilot", "design: vibes"), "unknown design"),
        (lambda t: t.replace("n: 42", "n: forty-two"), "field 'n' must be"),
        (lambda t: "\n".join(l for l in t.splitlines() if not l.startswith("summary")), "missing field 'summary'"),
        (lambda t: t + "\nsurprise: 1\n", "unknown field 'surprise'"),
    ],
)
def test_invalid_record_is_an_error_naming_the_file(corpus_copy, mutate, message):
    path = corpus_copy / "corpus" / "studies" / "kariv-2006.yaml"
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CorpusError) as e:
        load_corpus(corpus_copy / "corpus")
    assert "kariv-2006.yaml" in str(e.value) and message in str(e.value)


def test_duplicate_label_names_both_files(corpus_copy):
    src = corpus_copy / "corpus" / "studies" / "kariv-2006.yaml"
    (corpus_copy / "corpus" / "studies" / "kariv-copy.yaml").write_text(
        src.read_text(encoding="utf-8"), encoding="utf-8"
    )
    _, problems = check_corpus(corpus_copy / "corpus")
    dup = [p for p in problems if "duplicate label" in p.message]
    assert (
        dup and "kariv-2006.yaml" in dup[0].message + dup[0].path and "kariv-copy.yaml" in dup[0].message + dup[0].path
    )
    assert dup[0].line is not None


def test_config_rejects_unknown_keys_and_wrong_types(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("disclaimer: d\ndiscord:\n  answer_dms: maybe\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"discord.answer_dms"):
        load_config(cfg)
    cfg.write_text("retrieval:\n  k1: 1.2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing required setting 'disclaimer'"):
        load_config(cfg)


def test_analyzer_normalizes_case_apostrophes_and_stems():
    a = Analyzer()
    assert a.tokens("Crohn’s Diseases") == a.tokens("crohn's disease") == ["crohn", "diseas"]
    assert "the" not in a.tokens("the trial") and a.tokens("ＬＤＮ") == ["ldn"]  # NFKC folds full-width letters


def test_letter_digit_compounds_are_indexed_whole_and_in_parts():
    a = Analyzer()
    assert a.tokens("APOE4 carriers") == ["apoe4", "apo", "4", "carrier"]
    assert a.tokens("IL-6") == ["il", "6"] and set(a.tokens("IL-6")) <= set(a.tokens("IL6"))
    assert a.tokens("2.5mg of B12") == ["2.5mg", "b12", "b", "12"]  # a digit then a letter stays whole


@pytest.mark.parametrize(
    "question, label",
    [
        ("Which studies measured SF36?", "Cree 2010"),  # the corpus: SF-36
        ("bcl-2", "Aboalsoud 2020"),  # the corpus: Bcl2 and BCL2
        ("PTI901", "Kariv 2006"),
    ],
)  # the corpus: PTI-901
def test_compounds_written_with_or_without_a_hyphen_find_each_other(engine, question, label):
    answer = engine.answer(question)
    assert answer.status == "answered" and label in [c.label for c in answer.citations]


@pytest.mark.parametrize(
    "typed, corrected", [("multipel", "multiple"), ("remision", "remission"), ("naltrexome", "naltrexone")]
)
def test_spelling_is_corrected_against_the_index(engine, typed, corrected):
    assert engine.searcher.parser.parse(f"does ldn help {typed}").corrections == {typed: corrected}


def test_misspelled_condition_still_resolves(engine):
    assert engine.searcher.parser.parse("does ldn help fibromyalgai").conditions == ["fibromyalgia"]


def test_real_words_are_not_corrected(engine):
    assert engine.searcher.parser.parse("symptoms of shingles").corrections == {}


def test_abbreviation_expands_to_condition(engine):
    assert engine.searcher.parser.parse("LDN for MS").conditions == ["multiple sclerosis"]
    assert engine.searcher.parser.parse("my kid has chrons").conditions == ["crohn's disease"]


def test_common_term_keeps_a_positive_weight():
    # rank-bm25's Okapi IDF turns negative for a term in most documents; ours stays positive and below rare terms.
    docs = [["naltrexon", "pain"], ["naltrexon", "mood"], ["naltrexon", "crohn"], ["naltrexon"]]
    scorer = RankBM25Scorer(docs, k1=1.2, b=0.75)
    common = scorer.scores(["naltrexon"])
    assert (common > 0).all()
    assert scorer.scores(["crohn"])[2] > common[2]
