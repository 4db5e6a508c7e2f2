"""The interactive REPL's text: wrapped at word boundaries, the tally and null results standing out."""

from __future__ import annotations

import re

from ldn_bot.render.terminal import for_terminal
from ldn_bot.render.text import render_text

ANSI = re.compile(r"\033\[[0-9;]*m")


def test_lines_wrap_at_word_boundaries_within_the_terminal_width(engine):
    answer = engine.answer("does ldn help fibromyalgia")
    text = render_text(answer)
    shown = ANSI.sub("", for_terminal(text, 60, answer.headline))
    assert all(len(line) <= 60 or " " not in line.strip() for line in shown.splitlines())
    assert shown.split() == text.split()  # same words in the same order: nothing cut mid-word


def test_tally_and_null_results_stand_out(engine):
    answer = engine.answer("does ldn help multiple sclerosis")
    shown = for_terminal(render_text(answer), 100, answer.headline)
    assert shown.startswith("\033[1m")  # the tally in bold
    assert "\033[33mdid not\033[0m" in shown
    assert "\033[" not in for_terminal(render_text(answer), 100, answer.headline, color=False)


def test_interactive_repl_shows_the_short_answer_and_the_rest_on_more(engine):
    from ldn_bot.frontends.repl import ReplSession

    session = ReplSession(engine, short=True, width=72, color=False)
    first = session.handle("does ldn help ms")
    assert first is not None and ":more" in first and "Sources:" not in first
    assert all(len(line) <= 72 for line in first.splitlines())
    more = session.handle(":more")
    assert more is not None and "Sources:" in more
    assert session.handle(":more") == more  # the same answer again, not a new question
