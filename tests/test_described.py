"""A study described rather than named ("a spanish fibromyalgia trial that lasted twelve months"): the record the
description fits answers, its own figures first. Expected records are found from the corpus data, not fixed."""

from __future__ import annotations

from ldn_bot.render.text import SUMMARY_CHARS, render_summary


def _fibro_study(engine, word: str):
    """The one reviewed fibromyalgia record whose description says `word` (a place the sheet names)."""
    found = [s for s in engine.studies.values() if s.reviewed and "fibromyalgia" in s.conditions
             and word in engine.reader.descriptions.document(s).lower()]
    assert len(found) == 1, found
    return found[0]


def test_a_study_described_by_country_and_length_answers_with_that_study(engine):
    study = _fibro_study(engine, "spain")
    answer = engine.answer("my rheumatologist mentioned a spanish fibromyalgia trial that lasted twelve months, "
                           "what came of it")
    assert answer.citations and answer.citations[0].label == study.label
    assert str(study.n) in render_summary(answer)[:SUMMARY_CHARS]


def test_a_study_described_by_design_and_year_answers_with_that_study(engine):
    crossovers = [s for s in engine.studies.values() if s.reviewed and "fibromyalgia" in s.conditions
                  and "crossover" in s.design and s.year]
    study = crossovers[0]
    assert [s.year for s in crossovers].count(study.year) == 1
    answer = engine.answer(f"the crossover on fibromyalgia that came out in {study.year}, did ldn beat placebo")
    assert answer.citations and answer.citations[0].label == study.label


def test_asking_whether_a_trial_exists_still_gets_the_conditions_studies(engine):
    answer = engine.answer("is there a trial of ldn in fibromyalgia at all?")
    labels = {c.label for c in answer.citations if c.label in engine.studies}
    assert len(labels) > 1
