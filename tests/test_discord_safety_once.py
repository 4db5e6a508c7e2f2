"""A slash command's message is checked for safety once: the check that decides, before the command is
acknowledged, whether the reply must be private is the one the answer uses. Real discord.py objects against the
loopback fake; the safety rules' `check` is counted."""

from __future__ import annotations

import asyncio
import json

import pytest
from discord_fake import bot_config, running_bot
from discord_fake.harness import cited_labels
from discord_fake.server import EPHEMERAL

from ldn_bot.engine.conversation import Conversation
from ldn_bot.render import discord_embeds as rd

CRISIS = "i just want to end it all, nothing helps"
OPIOID = "I take tramadol every day for my back"
DOSE = "what dose of ldn should I start with?"


@pytest.fixture
def cfg(tmp_path):
    return bot_config(tmp_path)


@pytest.fixture
def checks(engine, monkeypatch):
    """The messages the engine's safety rules were asked to check, in order."""
    seen: list[str] = []
    real = engine.safety.check

    def counting(question, memory=None, earlier=()):
        seen.append(question)
        return real(question, memory, earlier)

    monkeypatch.setattr(engine.safety, "check", counting)
    return seen


def text_of(request) -> str:
    return json.dumps([request.body.get("content"), request.embeds], ensure_ascii=False).replace("\\\\", "")


def test_an_asked_question_is_checked_once_and_answered_as_before(cfg, engine, checks):
    question = "Does LDN help fibromyalgia?"
    expected = engine.answer(question)
    checks.clear()

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            _, reply = await bot.ask(question, user=bot.fake.user("ava"))
            assert not reply.body.get("flags", 0) & EPHEMERAL  # an evidence answer stays public
            return cited_labels(reply.embeds[0])

    labels = asyncio.run(scenario())
    assert checks == [question]
    assert labels and labels == cited_labels(rd.answer_embed(expected).to_dict())


def test_a_crisis_by_ask_is_checked_once_and_private_from_the_first_moment(cfg, engine, checks):
    support = engine.answer(CRISIS).message
    checks.clear()

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            inter, reply = await bot.ask(CRISIS, user=fake.user("bo"))
            defer = fake.find(lambda r: r.path == inter.callback_path)[0]
            assert defer.json["data"]["flags"] & EPHEMERAL
            assert reply.body["flags"] & EPHEMERAL
            assert support and text_of(reply).find(support[:60]) >= 0
            assert not fake.find(lambda r: r.method == "DELETE")  # nothing public to take back

    asyncio.run(scenario())
    assert checks == [CRISIS]


def test_a_private_ask_is_checked_once(cfg, engine, checks):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            _, reply = await bot.ask(DOSE, user=bot.fake.user("cy"), private=True)
            assert reply.body["flags"] & EPHEMERAL

    asyncio.run(scenario())
    assert checks == [DOSE]


def test_a_warning_remembered_in_a_dm_conversation_still_shows_with_one_check_a_message(cfg, engine, checks):
    conversation = Conversation()  # the REPL: the same two messages in one conversation
    expected = [engine.answer(q, conversation) for q in (OPIOID, DOSE)]
    assert "opioid_interaction" in expected[1].safety and "opioid_interaction" not in engine.answer(DOSE).safety
    checks.clear()

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            dee = fake.user("dee")
            dm = fake.dm_channel(dee)
            replies = []
            for q in (OPIOID, DOSE):
                mark = fake.mark()
                inter = await fake.slash("ask", {"question": q}, user=dee, dm_channel=dm)
                replies.append(await fake.wait_for_reply(inter, mark))
            return replies

    replies = asyncio.run(scenario())
    assert checks == [OPIOID, DOSE]
    warning = next(n for n in expected[1].notices if "opioid" in n.lower())
    assert warning[:50] in text_of(replies[1])  # the opioid named in the first message still warns on the second


def test_a_check_made_before_another_message_in_the_conversation_is_made_again(engine, checks):
    conversation = Conversation()
    screened = engine.screen(DOSE, conversation)  # before the opioid was named: no warning then
    engine.answer(OPIOID, conversation)
    checks.clear()
    answer = engine.answer(DOSE, conversation, screened)
    assert checks == [DOSE] and "opioid_interaction" in answer.safety
