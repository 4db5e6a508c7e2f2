"""The asked outcome leads: records' sentences ranked by the question's own words (a test per record field), and
through the engine, the sentence reporting the asked outcome first, or a fixed line when no study measured it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ldn_bot.corpus.models import Study
from ldn_bot.engine.outcomes import NOT_MEASURED, OutcomeRanker
from ldn_bot.render.text import SUMMARY_CHARS, render_summary
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.query import Concept

ANALYZER = Analyzer()
BASE = Study(label="X 2020", title=None, authors=(), year=2020, journal=None, pmid=None, doi=None, url=None,
             design="randomized controlled trial", evidence_level="randomized trial", species="human",
             conditions=("multiple sclerosis",), n=80, dose="4.5 mg", duration=None, comparator="placebo",
             summary="People with relapsing-remitting multiple sclerosis took LDN or placebo for 8 weeks.",
             key_findings=("Quality of life improved on the mental health scale.",),
             adverse_events="Vivid dreams were more common on LDN than on placebo.", article_note=None,
             cited_in_article=False, verified=True, reviewed=True,
             result="Pain scores did not differ from placebo.", direction="no_difference",
             direction_note="no difference in the primary pain outcome")


def words(*texts: str, weight: float = 1.0) -> list[Concept]:
    return [Concept(t, (tuple(ANALYZER.tokens(t)),), weight) for t in texts]


@pytest.fixture(scope="module")
def ranker() -> OutcomeRanker:
    return OutcomeRanker(ANALYZER, ["multiple sclerosis", "relapsing-remitting multiple sclerosis", "relapsing MS"])


@pytest.mark.parametrize("field, asked, expected", [
    ("result", ["pain scores"], "Pain scores did not differ from placebo."),
    ("key_findings", ["mental health"], "Quality of life improved on the mental health scale."),
    ("adverse_events", ["dreams"], "Vivid dreams were more common on LDN than on placebo."),
    ("summary", ["weeks"], "People with relapsing-remitting multiple sclerosis took LDN or placebo for 8 weeks."),
])
def test_each_record_field_is_ranked(ranker, field, asked, expected):
    best = ranker.rank([BASE], words(*asked))[0]
    assert (best.field, best.text, best.reports) == (field, expected, True)


def test_a_condition_name_is_not_the_outcome(ranker):
    # "relapses" shares its stem with "relapsing-remitting", the condition studied: no sentence reports relapses
    assert ranker.best_per_study([BASE], words("relapses")) == []


def test_a_sentence_must_hold_most_of_what_was_asked(ranker):
    found = ranker.rank([BASE], words("pain", "itch", "sleep"))
    assert found and not found[0].reports  # "pain" alone is a third of the question
    assert ranker.best_per_study([BASE], words("pain", "itch", "sleep")) == []


def test_the_study_holding_more_of_the_question_comes_first(ranker):
    other = replace(BASE, label="Y 2013", evidence_level="crossover trial", result="Fatigue and sleep did not improve.")
    tired = replace(BASE, label="Z 2024", result="Muscle fatigue tests did not change.")
    found = ranker.best_per_study([tired, other], words("fatigue", "sleep"))
    assert [f.study.label for f in found] == ["Y 2013"]  # "fatigue" alone holds half: not a report
    found = ranker.best_per_study([tired, other], words("fatigue", "sleep", weight=1.0)[:1])
    assert [f.study.label for f in found] == ["Z 2024", "Y 2013"]  # same share: the order given (strongest first)


def test_nothing_asked_ranks_nothing(ranker):
    assert ranker.rank([BASE], []) == []


def short(answer) -> str:
    return render_summary(answer).rsplit("\n\n", 1)[0]


def test_engine_leads_with_the_asked_outcome(engine):
    answer = engine.answer("did ldn help fatigue or sleep in fibromyalgia?")
    first = answer.key_lines[0]
    study = engine.studies[next(c.label for c in answer.citations if c.number == first.citation)]
    assert "fatigue" in first.text.lower() and "sleep" in first.text.lower()
    assert first.head and study.design in first.head and f"n={study.n}" in first.head  # with its design and size
    assert len(short(answer)) <= SUMMARY_CHARS


def test_engine_says_when_no_study_measured_the_outcome(engine):
    answer = engine.answer("does ldn reduce relapses in MS?")
    assert answer.key_lines[0].text == NOT_MEASURED.format(scope="multiple sclerosis ", outcome="relapses")
    assert any(line.text.startswith("Multiple sclerosis:") for line in answer.key_lines)  # then the overview
    assert len(short(answer)) <= SUMMARY_CHARS


def test_engine_without_an_outcome_keeps_the_overview(engine):
    answer = engine.answer("does ldn help fibromyalgia?")
    assert answer.headline and answer.headline.startswith("Fibromyalgia:")


def test_a_rank_is_the_same_whatever_records_were_ranked_before():
    # sentences are scored from postings kept per sentence, or from their own tokens when the records ranked have
    # fewer sentences than the asked words' postings: the same sentences, scores and order either way
    names = ["multiple sclerosis", "relapsing-remitting multiple sclerosis"]
    scope = [BASE, replace(BASE, label="Y 2013", adverse_events="Dreams were vivid in a few; dreaming stopped soon.")]
    others = [replace(BASE, label=f"Z {i}", adverse_events="Vivid dreams, then more dreams.") for i in range(50)]
    fresh, read = OutcomeRanker(ANALYZER, names), OutcomeRanker(ANALYZER, names)
    read.rank(others, words("dreams"))

    def shown(found):
        return [(h.study.label, h.field, h.text, h.score, h.share) for h in found]

    assert shown(read.rank(scope, words("dreams"))) == shown(fresh.rank(scope, words("dreams")))
    assert {h.study.label for h in fresh.rank(scope, words("dreams"))} == {"X 2020", "Y 2013"}
