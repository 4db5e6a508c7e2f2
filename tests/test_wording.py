"""Wording slips (issue 20): no study line twice, "1 study" never "1 studies", a dose answer cites a handful of
studies, and the short answer before the disclaimer stays within 900 characters whatever the plan."""

from __future__ import annotations

import re

import pytest

from ldn_bot.engine.conversation import Conversation
from ldn_bot.render.text import render_summary

QUESTIONS = [
    "how do ppl titrate ldn in studies, start low go slow?",
    "do ppl take it at night or in the morning in the studies",
    "what dose do most studies use",
    "does ldn help fibro?",
    "what are the side effects of ldn?",
    "how does LDN work?",
    "has ldn been studied in kids at all",
    "are there any real RCTs on ldn",
    "im on 4.5mg for fibro, what dose did the trials use and any side effects?",
]


def _body(answer) -> str:
    return render_summary(answer)[: -len(answer.disclaimer)].rstrip()


@pytest.mark.parametrize("question", QUESTIONS)
def test_short_answer_fits_and_never_repeats_a_line(engine, question):
    answer = engine.answer(question)
    assert answer.status == "answered"
    body = _body(answer)
    lines = [k for k in answer.key_lines if not k.subhead]
    assert len(body) <= 900 or len(lines) == 1, body
    texts = [k.text for k in lines]
    assert len(texts) == len(set(texts))
    assert not re.search(r"\b1 studies\b", render_summary(answer))


def test_a_dose_answer_cites_a_handful_of_studies(engine):
    for question in ("what dose do most studies use", "how do ppl titrate ldn in studies, start low go slow?"):
        answer = engine.answer(question)
        assert answer.plan == "dose" and 1 <= len(answer.citations) <= 10


def test_one_study_shown_reads_one_study(engine):
    conversation = Conversation()
    engine.answer("the 1983 mouse study on ldn and cancer", conversation)
    answer = engine.answer("were those in people or mice?", conversation)
    assert "1 studies" not in render_summary(answer)
