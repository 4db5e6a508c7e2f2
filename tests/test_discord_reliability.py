"""The Discord bot with input and corpus states no one plans for (issue 22), through discord.py's real objects
against the loopback fake: a lone surrogate in a question, a /reload that would drop studies (an editor's rename
caught half-way, its lock file beside the record) or meets a record with a key given twice."""

from __future__ import annotations

import asyncio
import json
import os

from discord_fake import bot_config, running_bot

from ldn_bot.frontends.cli import main

MANAGE_GUILD = 0x20


def test_a_lone_surrogate_in_a_question_is_answered_and_logged_escaped_for_gaps(tmp_path, engine, capsys):
    cfg = bot_config(tmp_path)
    question = "Does LDN cure baldness in cats on Mars? \udcff"

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            _, reply = await bot.ask(question, user=bot.fake.user("ola"), private=True)
            return reply

    reply = asyncio.run(scenario())
    assert reply.embeds and "Sorry, something went wrong" not in json.dumps(reply.json)
    log = tmp_path / "logs" / "questions.jsonl"
    assert b"\\udcff" in log.read_bytes()
    assert main(["gaps", "--log", str(log)]) == 0
    assert "baldness in cats on Mars?" in capsys.readouterr().out


def test_reload_asks_before_serving_fewer_studies_and_ignores_an_editors_lock_file(corpus_copy):
    cfg = bot_config(corpus_copy, corpus=corpus_copy / "corpus")
    studies = corpus_copy / "corpus" / "studies"
    record = studies / "younger-2013.yaml"

    async def reload(bot, **options) -> str:
        fake = bot.fake
        mark = fake.mark()
        inter = await fake.slash("reload", options, user=fake.user("zed"), permissions=MANAGE_GUILD)
        return (await fake.wait_for_reply(inter, mark)).body["content"]

    async def scenario():
        async with running_bot(cfg) as bot:
            before = len(bot.bot.engine.studies)
            serving = bot.bot.engine
            # An editor has the record open (Emacs's lock link) and is half-way through saving it by rename.
            os.symlink("zed@host.4242:1700000000", studies / ".#younger-2013.yaml")
            os.rename(record, studies / ".younger-2013.yaml.tmp")
            reply = await reload(bot)
            assert reply.splitlines()[0].startswith("Not reloaded: the new corpus would drop 1 study: Younger 2013.")
            assert bot.bot.engine is serving
            # The save completes; the lock file stays while the record is open: nothing is dropped.
            os.rename(studies / ".younger-2013.yaml.tmp", record)
            reply = await reload(bot)
            assert reply.startswith(f"Reloaded: {before} studies"), reply
            # Deleting a record on purpose: confirm at once.
            record.unlink()
            reply = await reload(bot, confirm=True)
            assert reply.startswith(f"Reloaded: {before - 1} studies") and "Removed: Younger 2013." in reply
            # A record with a key given twice: refused, naming the file and line.
            cree = studies / "cree-2010.yaml"
            text = cree.read_text(encoding="utf-8")
            cree.write_text(text + "result: cured everyone\n", encoding="utf-8")
            serving = bot.bot.engine
            reply = await reload(bot)
            assert "Reload failed" in reply and f"cree-2010.yaml:{len(text.splitlines()) + 1}: duplicate key" in reply
            assert bot.bot.engine is serving

    asyncio.run(scenario())
