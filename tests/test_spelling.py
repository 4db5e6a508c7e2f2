"""Spelling is corrected only toward the words people use (issue 20): conditions and their synonyms, drug names,
common English; never toward an author's name, a journal abbreviation or an identifier."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("message", "typed", "meant"),
    [
        ("is nalterxone safe long term?", "nalterxone", "naltrexone"),
        ("does ldn cause insomina?", "insomina", "insomnia"),
        ("did ldn beat placbo for crohns?", "placbo", "placebo"),
        ("any long remision with ldn?", "remision", "remission"),
    ],
)
def test_typos_of_words_people_use_are_corrected(engine, message, typed, meant):
    assert engine.answer(message).corrections.get(typed) == meant


def test_slang_is_never_corrected_toward_a_journal_or_an_author(engine):
    citation_words = {w.lower() for s in engine.studies.values() for text in (*s.authors, s.journal or "")
                      for w in text.replace(".", " ").split()}
    for message in ("my rheumy suggested ldn for fibro, is the evidence any good tho",
                    "rheumy mentioned ldn for my fibro. does it work?"):
        answer = engine.answer(message)
        assert "rheumy" not in answer.corrections
        assert not set(answer.corrections.values()) & citation_words
        # the condition's tally, not one trial a journal word happened to match
        assert answer.plan == "efficacy" and (answer.headline or "").startswith("Fibromyalgia")


def test_the_plural_of_a_synonym_word_reads_as_the_synonym(engine):
    # "scopes" -> the endoscopy alias "scope", although "scoping review" puts the stem "scope" in the index
    assert any("scoping" in s.summary for s in engine.studies.values())
    answer = engine.answer("did ldn heal the gut lining on scopes in crohns")
    assert answer.corrections.get("scopes") == "scope"
    assert answer.citations[0].label == "Smith 2011"
