"""Discord as members expect it: private where it must be, threads named by topic, /help, Follow up without
privileged intents, browsing limits apart from questions. Real discord.py objects against the loopback fake."""

from __future__ import annotations

import asyncio
import json

import pytest
from discord_fake import FakeDiscord, bot_config, running_bot
from discord_fake.harness import cited_labels
from discord_fake.server import EPHEMERAL, Request

from ldn_bot.engine.conversation import Conversation
from ldn_bot.render import discord_embeds as rd

CRISIS = "i just want to end it all, nothing helps"
DISTRESS = "I feel hopeless and alone, my pain is killing me"
MESSAGE_CONTENT = 1 << 15


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def cfg(tmp_path):
    return bot_config(tmp_path)


def threads(fake: FakeDiscord, after: int = 0) -> list[Request]:
    return fake.find(lambda r: r.method == "POST" and r.path.endswith("/threads"), after)


def text_of(request: Request) -> str:
    """Everything a message shows: its content and its embeds, markdown escapes removed."""
    return json.dumps([request.body.get("content"), request.embeds], ensure_ascii=False).replace("\\\\", "")


def buttons(request: Request) -> list[dict]:
    return [b for row in request.body.get("components") or [] for b in row["components"]]


async def settle(bot) -> None:
    """Let the bot finish what it started (a thread would be opened right after the reply)."""
    for _ in range(20):
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)


def test_crisis_by_ask_is_ephemeral_and_opens_no_thread(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            inter, reply = await bot.ask(CRISIS, user=fake.user("ann"))
            defer = fake.find(lambda r: r.path == inter.callback_path)[0]
            assert defer.json["data"]["flags"] & EPHEMERAL  # private from the first moment
            assert reply.body["flags"] & EPHEMERAL
            support = engine.answer(CRISIS).message
            assert support and support[:60] in text_of(reply)
            assert not reply.embeds[0].get("title")  # her words are not repeated
            assert not buttons(reply)  # the support text and nothing else
            await settle(bot)
            assert not threads(fake)

    run(scenario())


def test_crisis_and_distress_by_mention_reply_in_place_and_open_no_thread(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake, me = bot.fake, bot.fake.bot_user
            for text in (CRISIS, DISTRESS):
                mark = fake.mark()
                msg = await fake.message(f"<@{me['id']}> {text}", user=fake.user("bea"), mentions=[me])
                reply = await bot.reply_to(msg, mark)
                assert reply.path == f"/channels/{fake.channel_id}/messages"  # in place, as a reply
                assert not reply.embeds[0].get("title") and text not in text_of(reply)
                expected = engine.answer(text)
                support = expected.message or expected.notices[0]
                assert support[:60] in text_of(reply)
                assert not buttons(reply)
            await settle(bot)
            assert not threads(fake)

    run(scenario())


def test_small_talk_and_no_evidence_answer_in_place_without_a_thread(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake, me = bot.fake, bot.fake.bot_user
            for question in ("hi", "Does LDN cure baldness in cats on Mars?"):
                _, reply = await bot.ask(question, user=fake.user("cal"))
                assert not reply.body.get("flags", 0) & EPHEMERAL and reply.embeds
                assert "Follow up" in [b.get("label") for b in buttons(reply)]
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> thanks!", user=fake.user("cal"), mentions=[me])
            await bot.reply_to(msg, mark)
            await settle(bot)
            assert not threads(fake)
            assert engine.answer("hi").status == "chitchat"
            assert engine.answer("Does LDN cure baldness in cats on Mars?").status == "no_evidence"

    run(scenario())


def test_no_thread_title_holds_the_members_words(cfg, engine):
    # Her own words (a name, a misspelling) never name a public thread: the engine's topic does.
    asks = ["my sister Margaret has fibromyalgai, does LDN help her?", "what dose did they use in the crohns trials"]
    mention = "my husband Tobias wonders about side effects of ldn"

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake, me = bot.fake, bot.fake.bot_user
            for q in asks:
                mark = fake.mark()
                await bot.ask(q, user=fake.user("dot"))
                await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> {mention}", user=fake.user("dot"), mentions=[me])
            await bot.reply_to(msg, mark)
            await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)
            return [r.json["name"] for r in threads(fake)]

    names = run(scenario())
    assert names == [rd.thread_title(engine.answer(q)) for q in [*asks, mention]]
    assert names[0] == "LDN and fibromyalgia" and names[1] == "LDN and crohn's disease: doses"
    for name, question in zip(names, [*asks, mention], strict=True):
        assert name != question
        for own in ("sister", "margaret", "fibromyalgai", "crohns", "husband", "tobias", "wonders"):
            assert own not in name.lower()


def test_help_lists_what_a_member_can_do_and_how_to_follow_up(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake, me = bot.fake, bot.fake.bot_user
            registered = [c["name"] for c in fake.registered["global"]]
            assert "help" in registered
            mark = fake.mark()
            inter = await fake.slash("help", {}, user=fake.user("eli"))
            shown = await fake.wait_for_reply(inter, mark)
            assert shown.body["flags"] & EPHEMERAL
            embed = shown.embeds[0]
            text = json.dumps(embed)
            for command in ("/ask question:", "/sources condition:", "/study label:", "/about", "Follow up"):
                assert command in text
            follow = next(f["value"] for f in embed["fields"] if f["name"] == "Follow up")
            assert "mention me" in follow and "just type" not in follow  # default intents: no plain messages
            assert rd.embed_problems(embed) == []
            # "@bot help" gets the same help, in place.
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> help", user=fake.user("eli"), mentions=[me])
            reply = await bot.reply_to(msg, mark)
            assert reply.embeds[0]["title"] == embed["title"] and len(reply.embeds[0]["fields"]) == len(embed["fields"])

    run(scenario())


def test_follow_up_modal_continues_the_conversation_in_its_thread(cfg, engine):
    questions = ["Does LDN help Crohn's disease?", "What doses were used?"]

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            assert not fake.identify[0]["intents"] & MESSAGE_CONTENT  # default intents only
            gus = fake.user("gus")
            mark = fake.mark()
            _, first = await bot.ask(questions[0], user=gus)
            thread = await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)
            thread_id = int(thread.response["id"])
            message = fake.messages[int(first.response["id"])]
            follow = next(b["custom_id"] for b in buttons(first) if b.get("label") == "Follow up")
            mark = fake.mark()
            click = await fake.click(message, follow, user=gus)
            shown = await fake.wait_for(lambda r: r.path == click.callback_path, mark)
            assert shown.json["type"] == 9 and click.modal is not None  # a modal with a text field
            mark = fake.mark()
            submit = await fake.submit_modal(click, {"Your next question": questions[1]}, user=gus, message=message)
            answer = await fake.wait_for(lambda r: r.method == "POST" and r.path == f"/channels/{thread_id}/messages"
                                         and bool(r.embeds), mark)
            told = await fake.wait_for_reply(submit, mark)
            assert told.body["flags"] & EPHEMERAL and f"<#{thread_id}>" in told.body["content"]
            assert answer.embeds[0]["title"] == questions[1]
            assert "Follow up" in [b.get("label") for b in buttons(answer)]
            # The Follow up under the answer in the thread answers in place, in the same conversation.
            in_thread = fake.messages[int(answer.response["id"])]
            follow2 = next(b["custom_id"] for b in buttons(answer) if b.get("label") == "Follow up")
            mark = fake.mark()
            click2 = await fake.click(in_thread, follow2, user=gus)
            await fake.wait_for(lambda r: r.path == click2.callback_path, mark)
            submit2 = await fake.submit_modal(click2, {"Your next question": "what were the side effects?"},
                                              user=gus, message=in_thread)
            third = await fake.wait_for_reply(submit2, mark)
            assert not third.body.get("flags", 0) & EPHEMERAL
            assert len(threads(fake)) == 1
            return [cited_labels(r.embeds[0]) for r in (first, answer, third)]

    labels = run(scenario())
    conversation = Conversation()  # the REPL: every line in one conversation
    repl = [cited_labels(rd.answer_embed(engine.answer(q, conversation)).to_dict())
            for q in [*questions, "what were the side effects?"]]
    assert labels == repl
    alone = cited_labels(rd.answer_embed(engine.answer(questions[1])).to_dict())
    assert labels[1] != alone, "the follow-up should read differently within the conversation"


def test_follow_up_on_a_private_answer_stays_private(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            ida = fake.user("ida")
            _, first = await bot.ask("Does LDN help Crohn's disease?", user=ida, private=True)
            message = fake.messages[int(first.response["id"])]
            follow = next(b["custom_id"] for b in buttons(first) if b.get("label") == "Follow up")
            mark = fake.mark()
            click = await fake.click(message, follow, user=ida)
            await fake.wait_for(lambda r: r.path == click.callback_path, mark)
            submit = await fake.submit_modal(click, {"Your next question": "What doses were used?"}, user=ida,
                                             message=message)
            reply = await fake.wait_for_reply(submit, mark)
            assert reply.body["flags"] & EPHEMERAL and reply.embeds
            await settle(bot)
            assert not threads(fake)

    run(scenario())


def test_browsing_has_its_own_generous_limit(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            jo = fake.user("jo")
            limit = bot.bot.config.discord.rate_limit
            assert limit.questions == 5 and limit.per_seconds == 60
            for i in range(10):  # ten /sources in a minute: all answered
                mark = fake.mark()
                inter = await fake.slash("sources", {"condition": "fibromyalgia"} if i % 2 else {}, user=jo)
                reply = await fake.wait_for_reply(inter, mark)
                assert reply.embeds and "Please wait" not in (reply.body.get("content") or "")
            mark = fake.mark()
            inter = await fake.slash("study", {"label": "Younger 2013"}, user=jo)
            assert (await fake.wait_for_reply(inter, mark)).embeds
            # Questions keep their own limit, untouched by the browsing.
            for _ in range(limit.questions):
                _, answer = await bot.ask("What doses of LDN were used?", user=jo, private=True)
                assert answer.embeds
            _, refused = await bot.ask("What doses of LDN were used?", user=jo, private=True)
            assert "Please wait" in refused.body["content"]

    run(scenario())


def test_admin_commands_are_registered_for_admins_only(cfg, engine):
    from ldn_bot.frontends.discord.commands import ADMIN_COMMANDS

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            return {c["name"]: c["default_member_permissions"] for c in bot.fake.registered["global"]}

    registered = run(scenario())
    assert "reload" in ADMIN_COMMANDS
    for name, perms in registered.items():
        assert (perms == "32") == (name in ADMIN_COMMANDS), name  # Manage Server, so Discord hides them


def test_a_crisis_found_only_in_the_answer_takes_back_the_public_thinking_message(cfg, engine, monkeypatch):
    from ldn_bot.frontends.discord import answering

    monkeypatch.setattr(answering, "sounds_personal", lambda engine, text: False)  # rules changed in between

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            mark = fake.mark()
            inter = await fake.slash("ask", {"question": CRISIS}, user=fake.user("fin"))
            prefix = inter.webhook_prefix(fake.app_id)
            deleted = await fake.wait_for(lambda r: r.method == "DELETE" and r.path.startswith(prefix), mark)
            reply = await fake.wait_for(lambda r: r.method == "POST" and r.path == prefix, mark)
            assert deleted.index < reply.index and reply.body["flags"] & EPHEMERAL
            assert not reply.embeds[0].get("title")
            await settle(bot)
            assert not threads(fake)

    run(scenario())


def test_a_plain_message_in_the_bots_thread_is_told_once_how_to_follow_up(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            kim = fake.user("kim")
            mark = fake.mark()
            await bot.ask("Does LDN help Crohn's disease?", user=kim)
            thread_id = int((await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)).response["id"])
            await fake.wait_for(lambda r: r.path == f"/channels/{thread_id}/messages", mark)  # the thread's note
            # Without the Message Content intent Discord delivers a plain message with its text left out.
            mark = fake.mark()
            first = await fake.message("", user=kim, channel_id=thread_id)
            hint = await bot.reply_to(first, mark)
            assert "Follow up" in hint.json["content"] and "mention me" in hint.json["content"]
            mark = fake.mark()
            await fake.message("", user=kim, channel_id=thread_id)
            await settle(bot)
            assert not fake.find(lambda r: r.method == "POST" and r.path == f"/channels/{thread_id}/messages", mark)

    run(scenario())
