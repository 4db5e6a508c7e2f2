"""The one way a front end asks the engine a member's question: answer it, and log it for the curators
(`ldn-bot gaps`) when the corpus had no evidence. Used by `ldn-bot ask`, the REPL and the Discord bot alike."""

from __future__ import annotations

from pathlib import Path

from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.engine import Engine
from ldn_bot.engine.screening import Screened
from ldn_bot.logs import log_unanswered


def as_asked(question: str) -> str:
    """The question as the engine is asked it: line ends made plain (a lone CR would rewrite the terminal's line)."""
    return question.replace("\r\n", "\n").replace("\r", "\n")


def screen(engine: Engine, question: str, conversation: Conversation | None = None) -> Screened:
    """`engine.screen()` of the question as `ask()` will put it: pass the result to `ask()` as `screened`."""
    return engine.screen(as_asked(question), conversation)


def ask(engine: Engine, question: str, conversation: Conversation | None = None, *, source: str,
        user_id: int | str | None = None, log_path: Path | None = None, screened: Screened | None = None) -> Answer:
    """`engine.answer(question, conversation)`; a "no_evidence" answer is also appended to `log_path` (default:
    the engine's settings' `logs.questions`), marked with `source` ("ask", "repl", "discord") and `user_id`
    (pass one only when the settings allow logging it). A log that cannot be written never stops the answer.
    `screened`: the question's `screen()`, so its safety check is not made twice."""
    question = as_asked(question)
    answer = engine.answer(question, conversation, screened)
    config = engine.config
    log_unanswered(log_path or config.resolve(config.logs.questions), answer, source, user_id)
    return answer
