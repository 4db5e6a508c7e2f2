"""Questions over the whole corpus and about the one study just shown (issue 20): the oldest, newest and largest
study answered over all records (a lab study says it is one, a preprint says so), the review judging the whole
field answers "is any of it backed by evidence?", and "it"/"that" after an answer means the study it led with.
Through engine.answer, asserting what a member reads."""

from __future__ import annotations

from ldn_bot.engine.conversation import Conversation
from ldn_bot.render.text import render_summary


def test_the_earliest_research_overall_is_the_mouse_study_and_says_so(engine):
    answer = engine.answer("what is the earliest ldn paper you have?")
    assert answer.citations[0].label == "Zagon 1983"
    assert "mouse" in render_summary(answer).lower()


def test_the_biggest_study_by_people_leads_and_the_biggest_trial_follows(engine):
    answer = engine.answer("which ldn study had the most people in it overall")
    labels = [c.label for c in answer.citations]
    assert labels[0] == "Raknes 2017 drug utilisation"
    assert "Peters 2022" in labels[:3]
    assert "15 297" in render_summary(answer)[:900]


def test_the_latest_on_a_condition_is_no_cross_condition_overview_and_a_preprint_says_so(engine):
    answer = engine.answer("most recent long covid research on low dose naltrexone")
    assert answer.citations[0].label == "Byambasuren 2025"
    assert "preprint" in render_summary(answer)[:900]


def test_doubting_the_evidence_as_a_whole_gets_the_review_of_the_field(engine):
    answer = engine.answer("is ldn actually supported by evidence or is it snake oil")
    assert answer.status == "answered"
    assert "Gouda 2026" in [c.label for c in answer.citations][:3]


def test_a_size_follow_up_after_asking_for_the_placebo_study_means_that_study(engine):
    conversation = Conversation()
    engine.answer("ldn for lichen planopilaris", conversation)
    engine.answer("did any of them use a placebo", conversation)
    answer = engine.answer("how many people were in it", conversation)
    assert answer.citations[0].label == "J Dermatolog Treat 2020"
    assert "34" in render_summary(answer)[:900]


def test_what_kind_of_study_that_was_answers_with_the_study_just_led_with(engine):
    conversation = Conversation()
    engine.answer("ldn for osteoarthritis pain?", conversation)
    answer = engine.answer("what type of study was that", conversation)
    assert answer.citations[0].label == "Beaudette-Zlatanova 2023"
    assert "crossover" in render_summary(answer)[:900]
