"""The interactive REPL's text: wrapped at word boundaries, the tally and null results standing out."""

from __future__ import annotations

import io
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


def test_exit_words_end_the_repl_and_are_never_logged_as_questions(engine, tmp_path):
    from ldn_bot.frontends.repl import ReplSession, run_repl

    for word in ("exit", "quit", ":q", "Exit", "quit."):
        assert ReplSession(engine).handle(word) is None
    log = engine.config.resolve(engine.config.logs.questions)
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    out = io.StringIO()
    run_repl(engine, stdin=io.StringIO("exit\nquit\nwhat is the capital of peru\n"), stdout=out)
    assert out.getvalue() == ""  # ended at "exit": nothing answered
    assert (log.read_text(encoding="utf-8") if log.exists() else "") == before


def test_debug_shows_plan_status_and_scores_in_aligned_columns(engine):
    from ldn_bot.frontends.repl import ReplSession

    session = ReplSession(engine)
    session.handle("does ldn help crohns")
    table = session.handle(":debug")
    assert table is not None
    lines = table.splitlines()
    assert lines[0].split() == ["plan", "efficacy"] and lines[1].split() == ["status", "answered"]
    rows = lines[lines.index(next(line for line in lines if line.startswith("chunk"))):]
    assert len(rows) > 2 and len({len(row) for row in rows}) == 1  # scores right-aligned in one column
    assert all(re.search(r"\d\.\d{3}$", row) for row in rows[1:])


def test_plurals_and_condition_names_are_written_properly(engine):
    from ldn_bot.frontends.repl import ReplSession

    session = ReplSession(engine, short=True, width=100)
    shown = session.handle(":sources crohns")
    assert shown is not None and "Studies on Crohn's disease" in shown
    answer = engine.answer("does ldn help fibromyalgia")
    answer.citations = answer.citations[:1]
    from ldn_bot.render.text import short_text

    text = short_text(answer, "(:more shows {sources})")
    assert text is not None and "the 1 source with its quoted passage" in text and "1 sources" not in text


def test_the_repl_says_once_where_unanswered_questions_are_logged(engine):
    from ldn_bot.frontends.repl import greeting

    log = str(engine.config.resolve(engine.config.logs.questions))
    assert log in greeting(engine) and "curators" in greeting(engine)
