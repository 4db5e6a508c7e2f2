"""A study described rather than named ("a spanish fibromyalgia trial that lasted twelve months"): the record the
description fits answers, its own figures first. Expected records are found from the corpus data, not fixed."""

from __future__ import annotations

import itertools
import re

from ldn_bot.engine.described import INDEXES, Descriptions
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


def _only(engine, test) -> object:
    """The one reviewed human record `test` holds for; the test needs it to be the only one."""
    found = [s for s in engine.studies.values() if s.reviewed and s.species == "human" and test(s)]
    assert len(found) == 1, [s.label for s in found]
    return found[0]


def test_a_study_described_by_its_comparator_needs_no_condition(engine):
    study = _only(engine, lambda s: "matched controls" in (s.comparator or ""))
    answer = engine.answer("was the pain mgmt study w matched controls legit? size + result")
    assert answer.status == "answered" and answer.citations[0].label == study.label
    assert str(study.n) in render_summary(answer)[:SUMMARY_CHARS]


def test_a_country_named_describes_a_study_on_the_asked_condition(engine):
    study = _only(engine, lambda s: "multiple sclerosis" in s.conditions and "Norwegian" in (s.summary or ""))
    for question in ("did ms patients in norway stop their DMTs after starting ldn?",
                     "norway ms study said starting ldn changed nothing, right?"):
        answer = engine.answer(question)
        assert answer.citations and answer.citations[0].label == study.label, question


def test_a_country_no_record_names_describes_nothing(engine):
    # no record says Denmark: the condition's trials answer, not a study picked on other words
    answer = engine.answer("did the danish fibro one really flop")
    assert answer.plan != "study"


def test_a_review_mentioning_a_country_is_not_the_study_from_there(engine):
    answer = engine.answer("the irish ldn long covid study - what did it find")
    # no record says Ireland: the condition's own studies lead, not a review (a preprint) listing Irish studies
    first = next(k for k in answer.key_lines if k.citation)
    assert engine.studies[answer.citations[first.citation - 1].label].evidence_level != "systematic review"


def test_a_trial_reported_twice_is_answered_from_its_main_report(engine):
    answer = engine.answer("did ppl quit the 6mg fibro trial because of side effects more than on placebo")
    study = engine.studies[answer.citations[0].label]
    assert study.trial and study.n == max(s.n or 0 for s in engine.studies.values() if s.trial == study.trial)
    assert re.search(r"\b\d+ of \d+\b.{0,80}side effects", render_summary(answer)[:SUMMARY_CHARS])


def test_asking_about_any_study_in_passing_points_at_none(engine):
    # "liver" in the story describes no study: the case report of a cancer spread to the liver is not named
    request = engine.request("worried about my liver bloods. did any ldn study check lab values")
    assert request.subject.kind != "studies"


def test_a_claim_about_a_study_is_answered_from_the_study_it_describes(engine):
    # "stayed stable for years" fits the one MS record that followed people for years and reports no worsening
    answer = engine.answer("someone says a study showed ms ppl on ldn alone stayed stable for years = proof. true?")
    study = engine.studies[answer.citations[0].label]
    assert answer.plan == "study" and "multiple sclerosis" in study.conditions
    assert study.evidence_level != "randomized trial"
    assert re.search(r"cannot|no (group|control)", render_summary(answer)[:SUMMARY_CHARS])


def test_descriptions_keep_few_indexes_however_many_condition_sets_are_asked(engine):
    # one index per set of conditions asked, only the most recent kept: memory stays bounded on a large corpus,
    # and a set asked again after its index was dropped is answered the same
    descriptions = Descriptions(engine.studies)
    question = "my rheumatologist mentioned a spanish fibromyalgia trial that lasted twelve months, what came of it"
    first = descriptions.described(question, ["fibromyalgia"])
    assert first == [_fibro_study(engine, "spain").label]
    conditions = sorted({c for s in engine.studies.values() if s.reviewed for c in s.conditions})
    sets = [list(pair) for pair in itertools.combinations(conditions, 2)]
    assert len(sets) > 2 * INDEXES
    for asked in sets:
        descriptions.described("the spanish trial with matched controls that ran a year", asked)
        assert descriptions.indexes_kept() <= INDEXES
    assert descriptions.described(question, ["fibromyalgia"]) == first
