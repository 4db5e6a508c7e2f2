"""The Discord bot through discord.py's real objects, logged in to a loopback fake of Discord.

Members' actions arrive as gateway payloads (INTERACTION_CREATE, MESSAGE_CREATE); the bot's replies are the
HTTP requests the fake captured. Tests await those requests; nothing waits on the clock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from discord_fake import FakeDiscord, HiddenCommand, bot_config, running_bot
from discord_fake.harness import cited_labels, read_jsonl
from discord_fake.server import EPHEMERAL, Request

from ldn_bot.engine.answer import Answer, Citation, LeadSentence
from ldn_bot.engine.conversation import Conversation
from ldn_bot.render import discord_embeds as rd

ROOT = Path(__file__).resolve().parent.parent
MANAGE_GUILD = 0x20


def run(coro):
    return asyncio.run(coro)


def sent_messages(fake: FakeDiscord) -> list[Request]:
    """Every request by which the bot put text in front of people."""
    out = []
    for r in fake.requests:
        if (r.path.endswith("/callback") and r.json.get("type") in (4, 7)) or (
                r.method in ("POST", "PATCH") and (r.path.startswith("/webhooks/") or
                                               (r.path.startswith("/channels/") and r.path.endswith("/messages")))):
            out.append(r)
    return out


def assert_no_pings(fake: FakeDiscord) -> None:
    messages = sent_messages(fake)
    assert messages
    for r in messages:
        allowed = r.body.get("allowed_mentions")
        assert allowed is not None and allowed["parse"] == [], (r.path, r.body)
        assert not allowed.get("users") and not allowed.get("roles") and not allowed.get("replied_user", False)


def shown_labels(answer) -> list[str]:
    """The sources a reply's embed lists: those of the short answer's key lines (each study a line names included),
    or all of them without one."""
    if not (answer.key_lines or answer.headline):
        return [c.label for c in answer.citations]
    keys = {k.citation for k in answer.key_lines if k.citation} | {n for k in answer.key_lines for n in k.cites}
    return [c.label for c in answer.citations if c.number in keys]


def assert_valid_embeds(request: Request) -> None:
    for embed in request.embeds:
        assert rd.embed_problems(embed) == []
    assert rd.ulen(request.body.get("content") or "") <= rd.MESSAGE_LIMIT


def thread_hint(fake: FakeDiscord, after: int):
    """The note the bot posts in a new thread (the last step of answering in a server channel)."""
    return fake.wait_for(lambda r: r.method == "POST" and r.path.endswith("/messages")
                         and int(r.path.split("/")[2]) in fake.channels
                         and fake.channels[int(r.path.split("/")[2])].get("type") == 11, after)


@pytest.fixture
def cfg(tmp_path):
    return bot_config(tmp_path)


def test_ask_answers_with_an_embed_buttons_and_a_thread(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            alice = fake.user("alice")
            mark = fake.mark()
            inter, reply = await bot.ask("Does LDN help fibromyalgia?", user=alice)
            # Deferred first (within Discord's 3 seconds), then the answer as a follow-up.
            first = fake.find(lambda r: r.path == inter.callback_path, mark)[0]
            assert first.json["type"] == 5
            assert first.index < reply.index
            assert_valid_embeds(reply)
            embed = reply.embeds[0]
            assert embed["title"] == "Does LDN help fibromyalgia?"
            assert embed["footer"]["text"] == engine.config.disclaimer
            assert re.search(r"\[\d+\]", embed["description"].replace("\\", ""))  # a study line with its source
            answer = engine.answer("Does LDN help fibromyalgia?")
            assert cited_labels(embed) == shown_labels(answer)
            assert answer.headline and answer.headline in embed["description"].replace("\\", "")
            buttons = reply.body["components"][0]["components"]
            assert [b.get("label") for b in buttons[:3]] == ["More", "Follow up", "Chart"]
            assert [b["emoji"]["name"] for b in buttons[3:]] == ["\N{THUMBS UP SIGN}", "\N{THUMBS DOWN SIGN}"]
            assert not reply.body.get("flags", 0) & EPHEMERAL
            thread = await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)
            assert thread.json["name"] == "LDN and fibromyalgia"  # the topic the engine found, not her words
            await thread_hint(fake, mark)
            assert_no_pings(fake)

    run(scenario())


def test_private_ask_is_ephemeral_and_opens_no_thread(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            inter, reply = await bot.ask("What doses of LDN were used?", user=bot.fake.user("bo"), private=True)
            defer = bot.fake.find(lambda r: r.path == inter.callback_path)[0]
            assert defer.json["data"]["flags"] & EPHEMERAL
            assert reply.body["flags"] & EPHEMERAL
            assert not bot.fake.find(lambda r: r.path.endswith("/threads"))

    run(scenario())


def test_mention_gets_a_reply_and_a_thread(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            me = fake.bot_user
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> What are the side effects of LDN?", user=fake.user("cy"),
                                     mentions=[me])
            reply = await bot.reply_to(msg, mark)
            assert str(reply.body["message_reference"]["message_id"]) == msg["id"]
            assert_valid_embeds(reply)
            assert reply.embeds[0]["title"] == "What are the side effects of LDN?"
            expected = engine.answer("What are the side effects of LDN?")
            assert cited_labels(reply.embeds[0]) == shown_labels(expected)
            await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)
            await thread_hint(fake, mark)
            assert_no_pings(fake)

    run(scenario())


def test_direct_message_is_answered_and_followups_continue_there(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            dee = fake.user("dee")
            dm = fake.dm_channel(dee)
            mark = fake.mark()
            first = await fake.message("Does LDN help Crohn's disease?", user=dee, dm_channel=dm)
            reply = await bot.reply_to(first, mark)
            assert reply.path == f"/channels/{dm['id']}/messages"
            mark = fake.mark()
            second = await fake.message("What doses were used?", user=dee, dm_channel=dm)
            reply2 = await bot.reply_to(second, mark)
            assert reply2.embeds and reply2.embeds[0]["description"]
            assert not fake.find(lambda r: r.path.endswith("/threads"))
            # The follow-up was read with the topic of the first question.
            conversation = bot.bot.conversations.get((int(dee["id"]), int(dm["id"])))
            assert "crohn's disease" in conversation.conditions
            assert_no_pings(fake)

    run(scenario())


def test_sharded_bot_starts_every_shard_and_answers_from_the_one_that_has_the_server(tmp_path, engine):
    cfg = bot_config(tmp_path, shard_count=2)

    async def scenario():
        # The application may identify 2 shards at once, so neither waits out discord.py's default 5 s.
        async with running_bot(cfg, engine, fake=FakeDiscord(max_concurrency=2)) as bot:
            fake, client = bot.fake, bot.bot
            await asyncio.wait_for(client.wait_until_ready(), 10)
            assert sorted(d["shard"] for d in fake.identify) == [[0, 2], [1, 2]]
            assert len({d["intents"] for d in fake.identify}) == 1
            guild = client.get_guild(fake.guild_id)
            assert guild is not None and guild.shard_id == (fake.guild_id >> 22) % 2
            mark = fake.mark()
            _, reply = await bot.ask("Does LDN help fibromyalgia?", user=fake.user("sam"))
            expected = engine.answer("Does LDN help fibromyalgia?")
            assert cited_labels(reply.embeds[0]) == shown_labels(expected)
            await thread_hint(fake, mark)
            # Direct messages arrive on shard 0, whichever shard has the server.
            dee = fake.user("dee")
            dm = fake.dm_channel(dee)
            mark = fake.mark()
            msg = await fake.message("What are the side effects of LDN?", user=dee, dm_channel=dm)
            dm_reply = await bot.reply_to(msg, mark)
            assert dm_reply.embeds[0]["title"] == "What are the side effects of LDN?"
            answers = [r for r in sent_messages(fake) if r.embeds and r.embeds[0].get("title") in
                       ("Does LDN help fibromyalgia?", "What are the side effects of LDN?")]
            assert len(answers) == 2  # each question answered once
            assert_no_pings(fake)
            # Identify pacing follows the gateway's limit: shard 1 shares no bucket with shard 0, shard 2 would.
            assert client._identify_concurrency == 2
            await asyncio.wait_for(client.before_identify_hook(1), 1)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.before_identify_hook(2), 0.05)

    run(scenario())


def test_everyone_and_mentions_in_a_question_never_ping(cfg, engine):
    question = "Does LDN help fibromyalgia? @everyone @here <@&{role}> <@{user}>"

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            eve = fake.user("eve")
            q = question.format(role=fake.maintainer_role_id, user=fake.owner["id"])
            mark = fake.mark()
            _, reply = await bot.ask(q, user=eve)
            await thread_hint(fake, mark)
            me = fake.bot_user
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> {q}", user=eve, mentions=[me, fake.owner], mention_everyone=True)
            reply2 = await bot.reply_to(msg, mark)
            await thread_hint(fake, mark)
            assert_no_pings(fake)
            for r in (reply, reply2):
                title = r.embeds[0]["title"]
                assert "@everyone" not in title and "@here" not in title
                assert "@\u200beveryone" in title
                assert reply.body.get("content") in (None, "")
            thread = fake.find(lambda r: r.path.endswith("/threads"))[0]
            assert "@everyone" not in thread.json["name"]

    run(scenario())


def test_bots_itself_and_unmentioned_messages_are_ignored(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            me = fake.bot_user
            other_bot = fake.user("otherbot", bot=True)
            mark = fake.mark()
            await fake.message(f"<@{me['id']}> Does LDN help fibromyalgia?", user=other_bot, mentions=[me])
            await fake.message("Does LDN help fibromyalgia?", user=fake.user("quiet"))  # no mention
            await fake.message(f"<@{me['id']}> Does LDN help fibromyalgia?", user=me, mentions=[me])
            msg = await fake.message(f"<@{me['id']}> Does LDN help fibromyalgia?", user=fake.user("fay"),
                                     mentions=[me])
            await bot.reply_to(msg, mark)
            await thread_hint(fake, mark)
            replies = fake.find(lambda r: r.method == "POST" and r.path == f"/channels/{fake.channel_id}/messages",
                                mark)
            assert len(replies) == 1  # only the member's mention; its echo (the bot's own message) is ignored too

    run(scenario())


def test_followup_in_the_thread_continues_the_conversation_like_the_repl(tmp_path, cfg, engine):
    questions = ["Does LDN help Crohn's disease?", "What doses were used?"]

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            gus = fake.user("gus")
            mark = fake.mark()
            _, first = await bot.ask(questions[0], user=gus)
            thread_req = await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)
            thread_id = int(thread_req.response["id"])
            await thread_hint(fake, mark)
            # Next question in the thread: by mention (no privileged intent needed) ...
            me = fake.bot_user
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> {questions[1]}", user=gus, channel_id=thread_id, mentions=[me])
            second = await bot.reply_to(msg, mark)
            assert not fake.find(lambda r: r.path.endswith("/threads"), mark)  # answered in the thread itself
            # ... and by /ask inside the thread, which continues the same conversation too.
            _, third = await bot.ask(questions[1], user=gus, channel_id=thread_id)
            return [cited_labels(r.embeds[0]) for r in (first, second, third)]

    discord_labels = run(scenario())
    conversation = Conversation()  # what the REPL does: every line in one conversation
    repl_labels = [shown_labels(engine.answer(q, conversation)) for q in questions]
    assert discord_labels[:2] == repl_labels
    assert discord_labels[2] == repl_labels[1]
    alone = shown_labels(engine.answer(questions[1]))
    assert repl_labels[1] != alone, "the follow-up should read differently within the conversation"


def test_plain_messages_in_the_bots_thread_need_the_message_content_intent(tmp_path, engine):
    cfg = bot_config(tmp_path, message_content=True)

    async def scenario():
        async with running_bot(cfg, engine, fake=FakeDiscord(privileged_intents=True)) as bot:
            fake = bot.fake
            assert fake.identify[0]["intents"] & (1 << 15)
            hal = fake.user("hal")
            mark = fake.mark()
            await bot.ask("Does LDN help Crohn's disease?", user=hal)
            thread_id = int((await fake.wait_for(lambda r: r.path.endswith("/threads"), mark)).response["id"])
            hint = await thread_hint(fake, mark)
            assert "just type" in hint.json["content"]
            mark = fake.mark()
            msg = await fake.message("What doses were used?", user=hal, channel_id=thread_id)
            reply = await bot.reply_to(msg, mark)
            assert reply.embeds

    run(scenario())


def test_rate_limit_replies_politely_and_spares_others(tmp_path, engine, monkeypatch):
    cfg = bot_config(tmp_path, rate_limit={"questions": 2, "per_seconds": 3600})
    calls = []
    real = engine.answer
    monkeypatch.setattr(engine, "answer", lambda q, c=None, s=None: calls.append(q) or real(q, c, s))

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            ivy = fake.user("ivy")
            for _ in range(2):
                mark = fake.mark()
                await bot.ask("What doses of LDN were used?", user=ivy, private=True)
            mark = fake.mark()
            inter, reply = await bot.ask("What doses of LDN were used?", user=ivy)
            assert reply.path == inter.callback_path and reply.json["type"] == 4
            assert reply.json["data"]["flags"] & EPHEMERAL
            assert "Please wait" in reply.json["data"]["content"]
            assert len(calls) == 2
            # By mention: one polite reply per window, then silence (no flood back).
            me = fake.bot_user
            mark = fake.mark()
            m1 = await fake.message(f"<@{me['id']}> dose?", user=ivy, mentions=[me])
            cooldown = await bot.reply_to(m1, mark)
            assert "Please wait" in cooldown.json["content"]
            await fake.message(f"<@{me['id']}> dose?", user=ivy, mentions=[me])
            # Someone else is still answered, and the flood got no second reply.
            mark2 = fake.mark()
            _, other = await bot.ask("What doses of LDN were used?", user=fake.user("jo"), private=True)
            assert other.embeds
            replies = fake.find(lambda r: r.path == f"/channels/{fake.channel_id}/messages", mark)
            assert len(replies) == 1
            assert len(calls) == 3
            assert mark2 < other.index

    run(scenario())


def huge_answer(question: str, conversation=None, screened=None) -> Answer:
    long = "This sentence is quite long and it goes on. " * 400
    citations = [Citation(number=i + 1, label=f"Author{i} 20{i:02d} " + "x" * 300, title="T" * 3000,
                          design="case report", n=i, url="https://example.org/" + "a" * 100, passage=long, score=1.0,
                          note=long, via="Article")
                 for i in range(40)]
    return Answer(question=question, status="answered", disclaimer="Not medical advice. Talk to your doctor.",
                  lead=[LeadSentence(long, 1), LeadSentence(long, 2)], citations=citations, notices=[long],
                  verdict=long)


def test_an_over_long_answer_is_cut_to_discord_limits(cfg, engine, monkeypatch):
    monkeypatch.setattr(engine, "answer", huge_answer)

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            q = "Why? " * 190  # near the 1,000-character option limit
            mark = bot.fake.mark()
            _, reply = await bot.ask(q, user=bot.fake.user("kim"))
            await thread_hint(bot.fake, mark)
            assert_valid_embeds(reply)
            embed = reply.embeds[0]
            assert embed["footer"]["text"] == "Not medical advice. Talk to your doctor."
            assert embed["description"].rstrip("*").rstrip(".").endswith(("\u2026", "shown"))
            thread = bot.fake.find(lambda r: r.path.endswith("/threads"))[0]
            assert len(thread.json["name"]) <= 100

    run(scenario())


def test_a_crash_in_the_engine_gets_an_apology_and_others_are_still_answered(cfg, engine, monkeypatch, caplog):
    real = engine.answer

    def flaky(question, conversation=None, screened=None):
        if "boom" in question:
            raise RuntimeError("engine exploded")
        return real(question, conversation, screened)

    monkeypatch.setattr(engine, "answer", flaky)

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            _, apology = await bot.ask("boom goes the question", user=fake.user("lou"))
            assert apology.body["content"] == ("Sorry, something went wrong while answering that. It has been logged; "
                                               "please try again later.")
            assert apology.body["flags"] & EPHEMERAL
            me = fake.bot_user
            mark = fake.mark()
            msg = await fake.message(f"<@{me['id']}> boom again", user=fake.user("max"), mentions=[me])
            sorry = await bot.reply_to(msg, mark)
            assert sorry.json["content"].startswith("Sorry")
            mark = fake.mark()
            _, answer = await bot.ask("Does LDN help fibromyalgia?", user=fake.user("ned"))
            assert answer.embeds and cited_labels(answer.embeds[0])
            await thread_hint(fake, mark)
            assert_no_pings(fake)

    with caplog.at_level(logging.ERROR, logger="ldn_bot.discord"):
        run(scenario())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("/ask" in r.getMessage() and "boom goes the question" in r.getMessage() and r.exc_info for r in errors)
    assert any("boom again" in r.getMessage() for r in errors)


def test_feedback_buttons_and_the_unanswered_log(tmp_path, engine):
    cfg = bot_config(tmp_path)
    feedback_log = tmp_path / "logs" / "feedback.jsonl"
    questions_log = tmp_path / "logs" / "questions.jsonl"

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            ola = fake.user("ola")
            mark = fake.mark()
            _, reply = await bot.ask("Does LDN help fibromyalgia?", user=ola)
            await thread_hint(fake, mark)
            message = fake.messages[int(reply.response["id"])]
            more, _, _, up, down = (b["custom_id"] for b in message["components"][0]["components"])
            # More: the full answer, privately, every source listed.
            mark = fake.mark()
            full = await fake.wait_for_reply(await fake.click(message, more, user=ola), mark)
            assert full.json["data"]["flags"] & EPHEMERAL
            every = [c.label for c in engine.answer("Does LDN help fibromyalgia?").citations]
            assert cited_labels(full.json["data"]["embeds"][0]) == every
            assert len(cited_labels(reply.embeds[0])) < len(every)
            mark = fake.mark()
            click = await fake.click(message, up, user=ola)
            thanks = await fake.wait_for_reply(click, mark)
            assert thanks.json["data"]["flags"] & EPHEMERAL and "Thanks" in thanks.json["data"]["content"]
            mark = fake.mark()
            again = await fake.click(message, up, user=ola)
            assert "already" in (await fake.wait_for_reply(again, mark)).json["data"]["content"]
            # After a restart the answer key is unknown: the record is read back from the message.
            bot.bot.feedback.answers.clear()
            bot.bot.feedback.full.clear()
            mark = fake.mark()
            await fake.wait_for_reply(await fake.click(message, down, user=fake.user("pat")), mark)
            mark = fake.mark()
            expired = await fake.wait_for_reply(await fake.click(message, more, user=ola), mark)
            assert "Ask again" in expired.json["data"]["content"]
            _, none = await bot.ask("Does LDN cure baldness in cats on Mars?", user=ola, private=True)
            assert none.embeds[0]["description"]
            return cited_labels(reply.embeds[0])

    labels = run(scenario())
    records = read_jsonl(feedback_log)
    assert [r["vote"] for r in records] == ["up", "down"]
    assert records[0]["question"] == "Does LDN help fibromyalgia?"
    assert records[0]["status"] == "answered"
    assert records[0]["labels"] == [c.label for c in engine.answer("Does LDN help fibromyalgia?").citations]
    assert records[1]["question"] == "Does LDN help fibromyalgia?" and records[1]["labels"] == labels
    assert all("user_id" not in r for r in records)
    unanswered = read_jsonl(questions_log)
    assert [r["question"] for r in unanswered] == ["Does LDN cure baldness in cats on Mars?"]
    assert "user_id" not in unanswered[0] and unanswered[0]["status"] == "no_evidence"


def test_user_ids_are_logged_only_when_configured(tmp_path, engine):
    cfg = bot_config(tmp_path, log_user_ids=True)

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            uma = bot.fake.user("uma")
            await bot.ask("Does LDN cure baldness in cats on Mars?", user=uma, private=True)
            return uma["id"]

    uid = run(scenario())
    assert read_jsonl(tmp_path / "logs" / "questions.jsonl")[0]["user_id"] == uid


def test_sources_study_about_and_autocomplete(cfg, engine):
    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            vic = fake.user("vic")
            mark = fake.mark()
            inter = await fake.slash("sources", {"condition": "fibromyalgia"}, user=vic)
            sources = await fake.wait_for_reply(inter, mark)
            assert_valid_embeds(sources)
            text = json.dumps(sources.embeds[0])
            assert "Younger 2013" in text and "n=31" in text and "Randomized crossover trial" in text
            mark = fake.mark()
            inter = await fake.slash("sources", {}, user=vic)
            everything = await fake.wait_for_reply(inter, mark)
            assert_valid_embeds(everything)
            assert f"({len(engine.studies)} studies)" in everything.embeds[0]["title"] or everything.embeds[0]["title"]

            mark = fake.mark()
            inter = await fake.slash("study", {"label": "label"}, user=vic, autocomplete="label")
            inter = await fake.slash("study", {"label": "youngr 2013"}, user=vic, autocomplete="label")
            choices = await fake.wait_for(lambda r: r.path == inter.callback_path, mark)
            assert choices.json["type"] == 8
            values = [c["value"] for c in choices.json["data"]["choices"]]
            assert values[0] == "Younger 2013" and len(values) <= 25
            assert all(len(c["name"]) <= 100 for c in choices.json["data"]["choices"])
            mark = fake.mark()
            inter = await fake.slash("sources", {"condition": "fibro"}, user=vic, autocomplete="condition")
            conditions = await fake.wait_for(lambda r: r.path == inter.callback_path, mark)
            assert conditions.json["data"]["choices"][0]["value"] == "fibromyalgia"

            mark = fake.mark()
            inter = await fake.slash("study", {"label": "Younger 2013"}, user=vic)
            study = await fake.wait_for_reply(inter, mark)
            assert_valid_embeds(study)
            assert study.embeds[0]["footer"]["text"] == engine.config.disclaimer
            assert "randomized crossover trial, n=31" in json.dumps(study.embeds[0])
            mark = fake.mark()
            inter = await fake.slash("study", {"label": "@everyone zzzz qqqq"}, user=vic)
            missing = await fake.wait_for_reply(inter, mark)
            assert "No study" in missing.json["data"]["content"] and "@everyone" not in missing.json["data"]["content"]

            mark = fake.mark()
            inter = await fake.slash("about", {}, user=vic)
            about = await fake.wait_for_reply(inter, mark)
            text = json.dumps(about.embeds[0])
            assert f"{len(engine.studies)} study records" in text and "Last updated" in text
            found = next(f["value"] for f in about.embeds[0]["fields"] if f["name"] == "What the studies found")
            assert "**fibromyalgia**:" in found and "no difference" in found
            assert about.embeds[0]["footer"]["text"] == engine.config.disclaimer
            assert_no_pings(fake)

    run(scenario())


def test_allowed_channels(tmp_path, engine):
    async def scenario():
        fake = FakeDiscord()
        cfg = bot_config(tmp_path, allowed_channels=[fake.channel_id])
        async with running_bot(cfg, engine, fake=fake) as bot:
            wes = fake.user("wes")
            mark = fake.mark()
            _, refused = await bot.ask("Does LDN help fibromyalgia?", user=wes, channel_id=fake.other_channel_id)
            assert refused.json["data"]["flags"] & EPHEMERAL and "only answer in" in refused.json["data"]["content"]
            me = fake.bot_user
            await fake.message(f"<@{me['id']}> fibromyalgia?", user=wes, channel_id=fake.other_channel_id,
                               mentions=[me])
            msg = await fake.message(f"<@{me['id']}> fibromyalgia?", user=wes, mentions=[me])
            await bot.reply_to(msg, mark)
            await thread_hint(fake, mark)
            assert not fake.find(lambda r: r.path == f"/channels/{fake.other_channel_id}/messages")

    run(scenario())


def test_reload_swaps_the_corpus_and_keeps_the_old_one_when_broken(corpus_copy):
    cfg = bot_config(corpus_copy, corpus=corpus_copy / "corpus", maintainer_role="LDN maintainers")
    studies = corpus_copy / "corpus" / "studies"

    async def scenario():
        async with running_bot(cfg) as bot:
            fake = bot.fake
            before = len(bot.bot.engine.studies)
            # Not a maintainer: refused.
            mark = fake.mark()
            # Registered with default member permissions Manage Server: Discord hides it from members ...
            assert fake.commands["reload"]["default_member_permissions"] == str(MANAGE_GUILD)
            with pytest.raises(HiddenCommand):
                await fake.slash("reload", {}, user=fake.user("xan"), permissions=0x400 | 0x800)
            # ... and a member who reaches it anyway (a stale client) is refused at run time.
            inter = await fake.slash("reload", {}, user=fake.user("xan"), permissions=0x400 | 0x800, force=True)
            refused = await fake.wait_for_reply(inter, mark)
            assert "Only members with Manage Server" in refused.json["data"]["content"]
            # A valid change, by the maintainer role.
            victim = sorted(studies.glob("*.yaml"))[0]
            victim_label = next(s.label for s in bot.bot.engine.studies.values() if Path(s.path).name == victim.name)
            shutil.move(victim, corpus_copy / victim.name)
            fake.allow_command("reload", fake.maintainer_role_id)  # the admins' override in Integrations
            mark = fake.mark()
            inter = await fake.slash("reload", {"confirm": True}, user=fake.user("yin"),
                                     roles=[fake.maintainer_role_id], permissions=0x400 | 0x800)
            done = await fake.wait_for_reply(inter, mark)  # confirm: one study fewer is meant
            assert done.body["content"].startswith(f"Reloaded: {before - 1} studies")
            assert "Added: none." in done.body["content"]
            assert f"Removed: {victim_label}." in done.body["content"]
            assert len(bot.bot.engine.studies) == before - 1
            # A broken corpus, by Manage Server: the old index stays and the error is shown.
            shutil.move(corpus_copy / victim.name, victim)
            broken = studies / "zz-broken.yaml"
            broken.write_text("label: Broken 2024\ntitle: [unclosed\n", encoding="utf-8")
            engine_before = bot.bot.engine
            mark = fake.mark()
            inter = await fake.slash("reload", {}, user=fake.user("zed"), permissions=MANAGE_GUILD)
            failed = await fake.wait_for_reply(inter, mark)
            assert failed.body["flags"] & EPHEMERAL
            assert "Reload failed" in failed.body["content"] and "zz-broken.yaml" in failed.body["content"]
            assert bot.bot.engine is engine_before
            # Safety rules emptied: refused too, the old rules stay in service.
            broken.unlink()
            safety = corpus_copy / "corpus" / "safety.yaml"
            safety.write_text("rules: []\n", encoding="utf-8")
            mark = fake.mark()
            inter = await fake.slash("reload", {}, user=fake.user("zed"), permissions=MANAGE_GUILD)
            failed = await fake.wait_for_reply(inter, mark)
            assert "Reload failed" in failed.body["content"] and "safety.yaml" in failed.body["content"]
            assert bot.bot.engine is engine_before
            # Still answering from the old index.
            _, answer = await bot.ask("Does LDN help fibromyalgia?", user=fake.user("amy"), private=True)
            assert cited_labels(answer.embeds[0])
            assert_no_pings(fake)

    run(scenario())


def test_missing_token_is_one_clear_line(monkeypatch, capsys):
    from ldn_bot.frontends.cli import main

    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["discord"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "DISCORD_TOKEN is not set" in err[0]


def test_rejected_token_is_one_clear_line_and_never_shown(tmp_path, monkeypatch, capsys):
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from ldn_bot.frontends.cli import main

    cfg = bot_config(tmp_path)
    secret = "not-the-right-token-SECRET"
    monkeypatch.setenv("DISCORD_TOKEN", secret)

    async def scenario():
        fake = FakeDiscord()
        await fake.start()
        monkeypatch.setattr(Route, "BASE", fake.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        try:
            code = await asyncio.to_thread(main, ["--config", str(cfg), "discord", "--no-sync"])
        finally:
            await fake.close()
        return code, fake

    code, fake = run(scenario())
    assert code == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("ldn-bot:")]
    assert len(lines) == 1 and "Discord rejected the token in DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in captured.err and secret not in captured.err + captured.out
    assert fake.requests[0].path == "/users/@me"


def test_message_content_without_the_portal_switch_is_one_clear_error(tmp_path, engine):
    from ldn_bot.frontends.discord.startup import DiscordSetupError

    cfg = bot_config(tmp_path, message_content=True)

    async def scenario():
        async with running_bot(cfg, engine):
            pass

    with pytest.raises(DiscordSetupError, match="Message Content intent is off"):
        run(scenario())


@pytest.mark.parametrize(("signame", "status"), [("SIGTERM", 0), ("SIGINT", 130)])
def test_sigterm_closes_the_connection_and_returns(cfg, engine, signame, status):
    """A service manager's stop ends the bot with 0; Ctrl-C with 130, as every other command."""
    import os
    import signal

    sig = getattr(signal, signame)

    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from ldn_bot.config import load_config
    from ldn_bot.frontends.discord.startup import create_bot, serve

    async def scenario():
        fake = FakeDiscord()
        await fake.start()
        old = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = fake.api_base, yarl.URL(fake.gateway_url)
        try:
            bot = create_bot(load_config(cfg), engine, config_path=cfg, guild_ready_timeout=0, sync="never")
            served = asyncio.create_task(serve(bot, fake.token))
            await asyncio.wait_for(fake.ready.wait(), 15)
            os.kill(os.getpid(), sig)
            code = await asyncio.wait_for(served, 15)
            await asyncio.wait_for(fake.closed_by_client.wait(), 15)
            return code, bot.is_closed()
        finally:
            await fake.close()
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old

    previous = signal.getsignal(sig)
    try:
        assert run(scenario()) == (status, True)
    finally:
        signal.signal(sig, previous)


def test_ldn_bot_ask_never_imports_discord():
    code = ("import sys, ldn_bot.frontends.cli as c; c.build_parser().parse_args(['ask', 'x']); "
            "assert 'ldn_bot.frontends.commands' in sys.modules, 'the ask command was not loaded'; "
            "assert not any(m == 'discord' or m.startswith('discord.') for m in sys.modules), 'discord imported'; "
            "assert 'ldn_bot.bench.commands' not in sys.modules, 'bench imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_commands_are_registered_with_discord_only_when_they_changed(cfg, engine):
    state = cfg.parent / "logs" / "discord-commands.json"

    async def start(config=cfg, **kwargs) -> list[str]:
        """The command registrations (PUT .../commands) one start of the bot made."""
        async with running_bot(config, engine, **kwargs) as bot:
            app = str(bot.fake.app_id)
            return [r.path.replace(app, "APP") for r in bot.fake.find(lambda r: r.method == "PUT"
                                                                       and r.path.endswith("/commands"))]

    # The first start registers, and remembers what it registered.
    assert run(start()) == ["/applications/APP/commands"] and state.exists()
    assert run(start()) == []  # same commands: not registered again
    assert len(run(start(sync="always"))) == 1  # ldn-bot discord --sync
    assert run(start(sync="never")) == []  # ldn-bot discord --no-sync
    state.write_text(state.read_text(encoding="utf-8").replace('": "', '": "changed'), encoding="utf-8")
    assert len(run(start())) == 1  # the command set differs from the one last registered
    state.write_text("not json", encoding="utf-8")
    assert len(run(start())) == 1  # a damaged record: register again
    assert run(start()) == []
    test_server = bot_config(cfg.parent, test_guild_id=1234)
    assert run(start(test_server)) == ["/applications/APP/guilds/1234/commands"]  # another target: registered
    assert run(start(test_server)) == []


def test_discord_command_line_sync_options():
    from ldn_bot.frontends.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["discord"]).sync == "auto"
    assert parser.parse_args(["discord", "--sync"]).sync == "always"
    assert parser.parse_args(["discord", "--no-sync"]).sync == "never"
    with pytest.raises(SystemExit):
        parser.parse_args(["discord", "--sync", "--no-sync"])
