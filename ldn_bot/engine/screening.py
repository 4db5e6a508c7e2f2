"""A message's safety check made ahead of its answer, so a front end can learn before it replies whether the answer
will be about the member themselves (a Discord slash command's acknowledgement cannot be made private afterwards),
and the engine does not check the message a second time."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.safety import Rule, SafetyRules

MAX_SAFETY_CHARS = 20000  # safety rules read this much of a message, however long


@dataclass(frozen=True)
class Screened:
    """The rules `question` fired (`fired`, in the file's order), judged by `rules` with the conversation's safety
    memory as it was (`memory_before`, None without a conversation) and its `earlier` messages; `memory_after`:
    that memory with what this message added."""

    question: str
    fired: tuple[Rule, ...]
    rules: SafetyRules
    memory_before: frozenset[str] | None
    earlier: tuple[str, ...]
    memory_after: frozenset[str] | None

    def fits(self, rules: SafetyRules, question: str, memory: set[str] | None, earlier: tuple[str, ...]) -> bool:
        """Whether this check stands for checking `question` now: same rules, same message, and the conversation's
        memory and earlier messages as they were (another answer in between, or an idle reset, changes them)."""
        return (rules is self.rules and question == self.question and earlier == self.earlier
                and (None if memory is None else frozenset(memory)) == self.memory_before)


def screen(rules: SafetyRules, question: str, conversation: Conversation | None, idle_seconds: float,
           readable: bool) -> Screened:
    """Check `question` as the answer would, with the conversation's state read, not changed (an idle one counts as
    reset, as it will be; an unreadable message fires nothing, as the answer refuses it before any check). Safe to
    run on another thread than the answer's: the conversation is only copied from."""
    if conversation is None:
        memory: set[str] | None = None
        earlier: tuple[str, ...] = ()
    elif time.monotonic() - conversation.updated > idle_seconds:
        memory, earlier = set(), ()
    else:
        memory, earlier = set(conversation.safety_memory), tuple(conversation.said)
    before = None if memory is None else frozenset(memory)
    fired = rules.check(question[:MAX_SAFETY_CHARS], memory, earlier) if readable else []
    return Screened(question, tuple(fired), rules, before, earlier, None if memory is None else frozenset(memory))
