"""What a member sees from the safety rules, through `engine.answer`: shared by the safety test modules."""

from __future__ import annotations

from ldn_bot.engine.conversation import Conversation

HELPLINE = "findahelpline.com"  # the crisis text and the support line both name it


def reply(engine, *turns: str):
    """The answer to the last of `turns`, asked in order in one conversation."""
    conversation = Conversation()
    answer = None
    for turn in turns:
        answer = engine.answer(turn, conversation)
    assert answer is not None
    return answer


def crisis(engine, *turns: str) -> bool:
    """Whether the last turn gets the crisis reply and nothing else: no study."""
    answer = reply(engine, *turns)
    return ("crisis" in answer.safety and answer.status == "safety" and answer.citations == []
            and HELPLINE in (answer.message or ""))


def no_crisis(engine, *turns: str) -> bool:
    """Whether the last turn gets no crisis reply (an answer, with or without a support line)."""
    return "crisis" not in reply(engine, *turns).safety


def warned(engine, rule_id: str, *turns: str) -> bool:
    """Whether rule `rule_id` fired on the last turn of the conversation."""
    return rule_id in reply(engine, *turns).safety


def supported(answer) -> bool:
    """The crisis reply, or a support line shown before anything else."""
    if answer.status == "safety" and answer.message and HELPLINE in answer.message:
        return True
    return bool(answer.notices) and HELPLINE in answer.notices[0]
