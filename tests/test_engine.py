"""The answer engine as every front end uses it: question (+ conversation) -> Answer."""

from __future__ import annotations

import re

import pytest

from ldn_bot.engine.conversation import Conversation
from ldn_bot.render.text import render_text
from ldn_bot.retrieval.chunker import build_chunks


def corpus_sentences(engine) -> set[str]:
    return {s.text for c in build_chunks(engine.corpus) for s in c.sentences}


def test_fibromyalgia_answer_is_cited_extractive_and_ends_with_disclaimer(engine):
    answer = engine.answer("Does low-dose naltrexone help fibromyalgia?")
    assert answer.status == "answered"
    labels = [c.label for c in answer.citations]
    assert {"Younger 2013", "Younger 2009", "Bruun 2024"} <= set(labels)
    known = corpus_sentences(engine)
    for sentence in answer.lead:
        assert sentence.text in known, "the bot must only show corpus sentences"
        assert 1 <= sentence.citation <= len(answer.citations)
    for line in answer.overview:
        assert line.finding in known
    younger = next(c for c in answer.citations if c.label == "Younger 2013")
    assert younger.design == "randomized crossover trial" and younger.n == 31
    text = render_text(answer)
    assert "Younger 2013 — randomized crossover trial, n=31" in text
    assert text.rstrip().endswith(engine.config.disclaimer)


def test_overview_lists_strongest_design_first_with_a_verdict(engine):
    answer = engine.answer("What's the evidence for LDN in Crohn's disease?")
    assert answer.overview_topic == "crohn's disease"
    ranks = [engine.studies[line.label].rank for line in answer.overview]
    assert ranks == sorted(ranks)
    assert answer.overview[0].label == "Parker (Cochrane)"
    assert answer.verdict and "systematic review" in answer.verdict
    assert [c.label for c in answer.citations[:3]] == [line.label for line in answer.overview[:3]]


def test_animal_only_condition_says_so(engine):
    answer = engine.answer("Does LDN help ovarian cancer?")
    assert answer.verdict == "animal studies only, not tested in people"
    assert all("animal study (mouse)" in line.design_line for line in answer.overview)


def test_overview_shows_the_studys_own_finding_not_the_articles_claim(engine):
    # The article says RA patients cut pain medicines by 13%; the study's 13% is all rheumatic medicines.
    answer = engine.answer("Does LDN help rheumatoid arthritis?")
    raknes = next(line for line in answer.overview if line.label == "Raknes 2019")
    study = engine.studies["Raknes 2019"]
    assert raknes.finding in (study.result, *study.key_findings) or raknes.finding in study.summary


@pytest.mark.parametrize(
    "question",
    [
        "What's the capital of Australia?",
        "Is metformin effective for weight loss?",
        "ibuprofen dose for headache",
        "what are the first symptoms of shingles",
    ],
)
def test_off_topic_questions_get_no_evidence_and_no_citations(engine, question):
    answer = engine.answer(question)
    assert answer.status == "no_evidence"
    assert answer.citations == [] and answer.lead == []
    assert "no evidence" in render_text(answer).lower()
    assert render_text(answer).rstrip().endswith(engine.config.disclaimer)


@pytest.mark.parametrize(
    "question, label",
    [
        ("fibromialgia crossover trial daily pain", "Younger 2013"),
        ("chrons disease in children", "Smith 2013"),
        ("multipel sclerosis quality of life", "Cree 2010"),
        ("LDN for IBS", "Kariv 2006"),
        ("TLR4 and glial inflammation", "Younger 2014"),
    ],
)
def test_typos_and_abbreviations_find_the_study(engine, question, label):
    answer = engine.answer(question)
    assert label in [c.label for c in answer.citations[:3]]


def test_article_passage_shows_the_linked_studys_design(engine):
    answer = engine.answer("mouse brain cancer study naltrexone injections")
    via_article = [c for c in answer.citations if c.via]
    assert via_article, "expected a passage quoted from the source article"
    for c in via_article:
        assert c.design is not None and c.label in engine.studies


def test_unverified_study_is_marked(engine):
    answer = engine.answer("tongue cancer remission with LDN")
    khan = next(c for c in answer.citations if c.label == "Khan 2014")
    assert "details not verified" in khan.design_line


@pytest.mark.parametrize("question", ["x" * 20000, "\x00\x01\x02\ufffd" * 500, "   \t  ", "?!?!"])
def test_garbage_or_huge_input_is_handled(engine, question):
    answer = engine.answer(question)
    assert answer.status in ("no_evidence", "answered")
    assert answer.disclaimer == engine.config.disclaimer


@pytest.mark.parametrize("question", ["🙂" * 300, "👍", "😂😂😂"])
def test_emoji_alone_is_small_talk_not_unreadable(engine, question):
    answer = engine.answer(question)
    assert answer.status == "chitchat" and not answer.citations
    assert answer.message and answer.message != engine.config.messages.refusal


def test_follow_up_stays_on_topic_and_a_new_topic_replaces_it(engine):
    conv = Conversation()
    engine.answer("Does LDN help Crohn's disease?", conv)
    children = engine.answer("How many of the children went into remission?", conv)
    assert "Smith 2013" in [c.label for c in children.citations[:3]]
    doses = engine.answer("what doses were tried?", conv)
    assert all("crohn's disease" in engine.studies[c.label].conditions for c in doses.citations[:3])
    switched = engine.answer("and for psoriasis?", conv)
    assert switched.citations[0].label == "Weinstock 2020"
    assert conv.conditions == ["psoriasis"]


def test_conversation_forgets_after_idle_time(engine):
    conv = Conversation()
    engine.answer("Does LDN help fibromyalgia?", conv)
    conv.updated -= engine.config.conversation.idle_minutes * 60 + 1
    engine.answer("hello", conv)
    assert not conv.has_topic


@pytest.mark.parametrize(
    "question", ["hi there!", "thanks so much, that was helpful", "what can you do?", "who made you?"]
)
def test_small_talk_never_cites(engine, question):
    answer = engine.answer(question)
    assert answer.status == "chitchat" and not answer.citations and answer.message


@pytest.mark.parametrize(
    "question, rule",
    [
        ("I want to kill myself", "crisis"),
        ("i feel suicidel lately", "crisis"),
        ("I take oxycodon for my back, can I add LDN?", "opioid_interaction"),
        ("does naltrexone interact with my painkillers?", "opioid_interaction"),
        ("how much ldn should I take", "dosing"),
        ("I'm pregnant, is it ok to keep taking LDN?", "pregnancy"),
    ],
)
def test_safety_rules_fire_even_when_misspelled(engine, question, rule):
    answer = engine.answer(question)
    assert rule in answer.safety


def test_crisis_gets_care_not_studies(engine):
    answer = engine.answer("I don't want to live anymore, nothing helps, not even LDN")
    assert answer.status == "safety" and answer.citations == []
    assert "emergency" in answer.message and "988" in answer.message
    assert render_text(answer).rstrip().endswith(engine.config.disclaimer)


def test_opioid_warning_comes_before_the_evidence(engine):
    answer = engine.answer("I'm on tramadol for fibromyalgia pain, can I take LDN?")
    text = render_text(answer)
    assert "withdrawal" in text
    assert text.index("withdrawal") < text.index("Sources:")


def test_dosing_question_shows_reported_doses_and_defers_to_clinician(engine):
    answer = engine.answer("how much LDN should I take for fibromyalgia?")
    text = render_text(answer)
    assert "clinician" in text
    assert re.search(r"\d(\.\d)? ?mg", " ".join(c.passage for c in answer.citations))


def test_studies_named_by_author_are_found(engine):
    answer = engine.answer("What did the Mischoulon trial find?")
    assert answer.citations[0].label == "Mischoulon 2017"


def test_question_without_a_topic_gets_the_general_material(engine):
    # "What is LDN?" names nothing but LDN: the answer should be what LDN is and how it works,
    # not whichever study repeats "LDN" most often.
    answer = engine.answer("What is LDN?")
    assert "Toljan 2018" in [c.label for c in answer.citations[:3]]


def test_a_typical_real_world_dose_leads_with_the_doses_most_people_took(engine):
    answer = engine.answer("what dose do ppl typically end up on in real life, like median")
    assert answer.plan == "dose"
    lines = [k for k in answer.key_lines if k.citation][:3]
    # real-world studies, one of them reporting the dose most took (a median or the most common) in its words
    assert any(re.search(r"median|most common", k.text, re.I) for k in lines)
    assert all(engine.studies[answer.citations[k.citation - 1].label].evidence_level in ("observational",
                                                                                         "case series") for k in lines)


def test_real_world_side_effects_come_from_real_world_studies(engine):
    answer = engine.answer("real world pain clinic data, how many had side effects and stopped")
    assert answer.plan == "side_effects"
    shown = [engine.studies[answer.citations[k.citation - 1].label] for k in answer.key_lines if k.citation]
    assert shown and all(s.evidence_level == "observational" and "chronic pain" in s.conditions for s in shown)
    # "typically" alone asks no dose
    assert "dose" not in engine.request("what side effects do people typically get").aspects
