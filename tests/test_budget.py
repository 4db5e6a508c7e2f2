"""The short answer a member reads first (safety texts, the answer's lines and the closing disclaimer) stays within
900 characters for every plan, as `ldn-bot eval` counts it, shrinking by whole lines, never by a cut sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldn_bot.engine.budget import SHORT_LIMIT, short_chars
from ldn_bot.engine.conversation import Conversation
from ldn_bot.evaluation import load_cases
from ldn_bot.render.text import render_summary

EVAL = Path(__file__).resolve().parent.parent / "eval"
# The answer sets (the safety sets hold no answers to measure); named, so that no sealed set is ever read here.
SETS = ("dev", "holdout", "community", "fresh", "blind2", "blind3", "blind4")


def _turns(name: str) -> list[list[str]]:
    cases = load_cases(EVAL / f"{name}.yaml")
    return [[t["question"] for t in case.get("turns") or [case]] for case in cases]


@pytest.mark.parametrize("name", SETS)
def test_every_short_answer_of_an_eval_set_fits_900_characters_with_its_disclaimer(engine, name):
    for questions in _turns(name):
        conversation = Conversation()
        for question in questions:
            answer = engine.answer(question, conversation)
            shown = render_summary(answer)
            assert short_chars(answer, disclaimer=True) == len(shown), question  # the budget counts what is shown
            fixed = sum(len(n) + 2 for n in answer.notices) + len(answer.disclaimer)
            if fixed <= SHORT_LIMIT:  # safety texts are never dropped; only they could make it longer
                assert len(shown) <= SHORT_LIMIT, (question, len(shown))
            assert shown.endswith(answer.disclaimer)


def test_lines_go_whole_and_what_was_asked_stays(engine):
    answer = engine.answer("does ldn help fibromyalgia?")
    alone = engine.answer("does ldn help fibromyalgia?")
    warned = engine.answer("i take tramadol every day, does ldn help fibromyalgia?")
    assert warned.notices and len(render_summary(warned)) <= SHORT_LIMIT
    # the lines it keeps are lines of the answer without the warning, whole, in the same order
    kept = [k.text for k in warned.key_lines]
    assert kept and kept == [k.text for k in alone.key_lines if k.text in kept]
    assert kept[0] == answer.key_lines[0].text or warned.headline == answer.headline


def test_two_conditions_keep_a_line_for_the_first_and_fit(engine):
    answer = engine.answer("does ldn help fibro or ms or crohns?")
    assert len(render_summary(answer)) <= SHORT_LIMIT
    assert answer.headline and answer.key_lines and not answer.key_lines[-1].text.endswith(":")
