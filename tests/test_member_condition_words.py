"""Members' own words for a covered condition reach its studies; an unstudied condition still gets no evidence."""

from __future__ import annotations

import pytest


def _labels(answer) -> list[str]:
    return [c.label for c in answer.citations[:3]]


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("crps'er for 6 yrs, is ldn any good for the pain?", "complex regional pain syndrome"),  # a person-form
        ("anyone tried ldn for MCAS?", "mast cell activation syndrome"),
        ("painful bladder syndrome — has ldn been looked at", "interstitial cystitis"),
    ],
)
def test_a_members_word_for_a_covered_condition_is_answered(engine, question, condition):
    answer = engine.answer(question)
    assert answer.status == "answered"
    assert all(condition in engine.studies[label].conditions for label in _labels(answer)[:1])


def test_long_haul_is_answered_from_the_long_covid_studies(engine):
    answer = engine.answer("long haul here, will ldn help my fatigue")
    assert answer.status == "answered"
    assert any("long covid" in engine.studies[c.label].conditions for c in answer.citations[:3])


def test_an_unstudied_condition_still_gets_no_evidence(engine):
    assert engine.answer("does ldn help tinnitus?").status == "no_evidence"


def test_a_mental_health_question_leads_with_the_record_that_measured_it(engine):
    answer = engine.answer("ms and ldn — anything on anxiety or depression?")
    assert "anxiety" in answer.key_lines[0].text.lower() or "depression" in answer.key_lines[0].text.lower()
