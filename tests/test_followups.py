"""Follow-ups follow the member (issue 20): a new subject replaces the old one, an off-topic follow-up is answered
exactly as it would be alone, and a population follow-up with no study in the current condition answers from that
population's studies elsewhere, and says so. Through engine.answer with a Conversation."""

from __future__ import annotations

import pytest

from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.plans import in_population


def _after(engine, first: str, then: str):
    conversation = Conversation()
    engine.answer(first, conversation)
    return engine.answer(then, conversation)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("does ldn help fibro?", "can i drink on it?"),
        ("does ldn help crohns?", "can i still get my flu shot while on it"),
        ("what do the ms trials show?", "does metformin help weight loss?"),
        ("any ldn trials in ulcerative colitis?", "unrelated but how many goals did celtic score this wk"),
        ("what dose did the fibro trials use", "anyone got a decent lasagne recipe lol"),
        ("does ldn help crohns?", "is it gonna rain in dublin next week"),
    ],
)
def test_an_off_topic_follow_up_is_answered_as_it_would_be_alone(engine, first, then):
    alone = engine.answer(then)
    followed = _after(engine, first, then)
    assert followed.status == alone.status == "no_evidence"
    assert not followed.citations


def test_a_new_condition_in_a_follow_up_replaces_the_old_one(engine):
    answer = _after(engine, "does ldn help fibro?", "what about ms?")
    cited = [engine.studies[c.label] for c in answer.citations if c.label in engine.studies][:3]
    assert cited and all("multiple sclerosis" in s.conditions for s in cited)


def test_a_follow_up_on_the_studies_shown_stays_on_them(engine):
    conversation = Conversation()
    first = engine.answer("does ldn help fibro?", conversation)
    then = engine.answer("how long did they run it", conversation)
    assert then.status == "answered"
    assert {c.label for c in then.citations} & {c.label for c in first.citations}


def test_a_population_follow_up_with_none_in_the_condition_answers_from_elsewhere_and_says_so(engine):
    answer = _after(engine, "does ldn help fibro?", "is it safe for kids?")
    assert answer.status == "answered"
    assert "none of the fibromyalgia studies" in (answer.headline or "").lower()
    assert answer.citations and in_population(engine.studies[answer.citations[0].label], "children")


@pytest.mark.parametrize("then", ["what about the meta-analyses, do they agree?", "and the pooled analyses?",
                                  "do the systematic reviews say the same thing"])
def test_a_follow_up_on_the_reviews_answers_from_the_conditions_reviews(engine, then):
    answer = _after(engine, "does ldn help fibro?", then)
    shown = [engine.studies[k.head.split(" (")[0]] for k in answer.key_lines if k.head]
    assert answer.plan == "reviews" and "systematic review" in (answer.headline or "")
    assert shown and all(s.evidence_level == "systematic review" and "fibromyalgia" in s.conditions for s in shown)


def test_a_chart_review_is_no_systematic_review(engine):
    assert engine.answer("the long covid chart review, was it any good?").plan != "reviews"
