"""CorpusQueries: which study a member means, which conditions are covered, what the corpus holds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ldn_bot.corpus.models import Corpus, Study
from ldn_bot.corpus.queries import CorpusQueries


@pytest.fixture
def queries(engine) -> CorpusQueries:
    """Four records made from a real one: a relabelled study with its old label as an alias, and a stub."""
    template = next(iter(engine.corpus.studies.values()))

    def study(label: str, **changes) -> Study:
        defaults = dict(label=label, title=f"A study called {label}", aliases=(), reviewed=True,
                        evidence_level="case series", conditions=("fibromyalgia",), n=10, year=2020)
        return replace(template, **(defaults | changes))

    studies = [
        study("Bested 2023", aliases=("Pain Rep 2023",), evidence_level="crossover trial", n=58, year=2023,
              title="Low-dose naltrexone for pain in fibromyalgia: a crossover study"),
        study("Younger 2013", evidence_level="crossover trial", n=31, year=2013, title="Fibromyalgia symptoms"),
        study("Cree 2010", conditions=("multiple sclerosis",), evidence_level="randomized trial", n=80),
        study("Stub 2024", reviewed=False, conditions=("tinnitus",), aliases=("Pain Rep 2023x",)),
    ]
    return CorpusQueries(Corpus("/nowhere", engine.corpus.documents[:1], {s.label: s for s in studies}, ()))


def test_find_study_by_label_alias_or_fuzzy_match(queries):
    assert queries.find_study("bested  2023").label == "Bested 2023"
    assert queries.find_study("Pain Rep 2023").label == "Bested 2023"  # the record's former label
    assert queries.find_study("pain rep 2023").label == "Bested 2023"
    assert queries.find_study("youngr 2013").label == "Younger 2013"
    assert queries.find_study("zzzz qqqq") is None


def test_unreviewed_records_are_never_offered(queries):
    assert queries.find_study("Stub 2024") is None
    assert "Stub 2024" not in [s.label for s, _ in queries.rank_studies("Stub", 10)]
    assert "tinnitus" not in queries.conditions()
    assert queries.summary().studies == 3


def test_rank_studies_puts_the_closest_first_and_respects_the_limit(queries):
    ranked = queries.rank_studies("pain rep", 2)
    assert len(ranked) == 2 and ranked[0][0].label == "Bested 2023"
    assert ranked[0][1] >= ranked[1][1]
    assert [s.label for s, _ in queries.rank_studies("", 10)] == ["Bested 2023", "Cree 2010", "Younger 2013"]


def test_conditions_and_studies_on_a_condition_strongest_first(queries):
    assert queries.conditions() == ["fibromyalgia", "multiple sclerosis"]
    assert queries.rank_conditions("fibro", 1) == ["fibromyalgia"]
    assert [s.label for s in queries.studies_on("fibromyalgia")] == ["Bested 2023", "Younger 2013"]  # larger first
    assert queries.studies_on(None)[0].label == "Cree 2010"  # randomized trial ranks above crossover


def test_summary_counts_in_evidence_level_order(queries):
    held = queries.summary()
    assert (held.studies, held.conditions, held.documents) == (3, 2, 1)
    assert held.levels == (("randomized trial", 1), ("crossover trial", 2))


def test_the_engine_exposes_queries_and_sources(engine):
    assert engine.queries.find_study("Younger 2013").label == "Younger 2013"
    answer = engine.sources("fibro")
    assert answer.status == "answered" and answer.overview_topic == "fibromyalgia"
    assert engine.sources("not a condition at all xyzzy").status == "no_evidence"
