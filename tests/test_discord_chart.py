"""Issue 24 in Discord, through discord.py's real objects against the loopback fake: the Chart button under an
answer about a condition attaches the harvest plot (a PNG, with alt text) to that answer, once; /chart sends it
with the tally and the disclaimer, autocompletes conditions and groups, and answers bad input privately; nothing
pings."""

from __future__ import annotations

import asyncio
import io

from discord_fake import bot_config, running_bot
from discord_fake.server import EPHEMERAL
from test_discord_bot import assert_no_pings, thread_hint

from ldn_bot.engine.charting import chart_data, resolve

PNG = b"\x89PNG\r\n\x1a\n"


def run(coro):
    return asyncio.run(coro)


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_the_chart_button_attaches_the_png_to_a_fibromyalgia_answer(tmp_path, engine):
    cfg = bot_config(tmp_path)

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            ola = fake.user("ola")
            mark = fake.mark()
            _, reply = await bot.ask("does ldn help fibro?", user=ola)
            await thread_hint(fake, mark)
            message = fake.messages[int(reply.response["id"])]
            buttons = message["components"][0]["components"]
            chart = next(b for b in buttons if b.get("label") == "Chart")
            assert chart["custom_id"] == "ldn:chart:fibromyalgia"
            mark = fake.mark()
            await fake.click(message, chart["custom_id"], user=fake.user("pat"))  # anyone reading may press it
            edit = await fake.wait_for(lambda r: r.method == "PATCH" and r.files, mark)
            assert edit.path.endswith("/messages/@original")
            (upload,) = edit.files
            assert upload["filename"] == "chart-fibromyalgia.png" and upload["data"].startswith(PNG)
            assert len(upload["data"]) < 300 * 1024 and png_size(upload["data"])[0] == 1080
            attached = fake.messages[int(message["id"])]["attachments"]  # the answer itself now carries it
            assert [a["filename"] for a in attached] == ["chart-fibromyalgia.png"]
            tally = chart_data(engine, resolve(engine, "fibromyalgia")).tally
            assert attached[0]["description"].startswith("Harvest plot. " + tally.text[:40])
            assert fake.messages[int(message["id"])]["embeds"] == message["embeds"]  # the answer is unchanged
            # pressed again: said privately, never attached twice
            mark = fake.mark()
            again = await fake.click(fake.messages[int(message["id"])], chart["custom_id"], user=ola)
            said = await fake.wait_for_reply(again, mark)
            assert said.json["data"]["flags"] & EPHEMERAL and "already" not in said.json["data"]["content"]
            assert "attached" in said.json["data"]["content"]
            assert_no_pings(fake)

    run(scenario())


def test_answers_without_a_condition_have_no_chart_button(tmp_path, engine):
    cfg = bot_config(tmp_path)

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            _, reply = await bot.ask("what is the usual dose of ldn?", user=bot.fake.user("ola"))
            labels = [b.get("label") for row in reply.body.get("components") or [] for b in row["components"]]
            assert "Chart" not in labels

    run(scenario())


def test_slash_chart_sends_the_png_with_the_tally_and_autocompletes(tmp_path, engine):
    cfg = bot_config(tmp_path)

    async def scenario():
        async with running_bot(cfg, engine) as bot:
            fake = bot.fake
            vic = fake.user("vic")
            mark = fake.mark()
            inter = await fake.slash("chart", {"condition": "Crohns"}, user=vic)
            sent = await fake.wait_for(lambda r: r.method == "POST" and r.path.startswith(
                inter.webhook_prefix(fake.app_id)) and r.files, mark)
            (upload,) = sent.files
            assert upload["filename"] == "chart-crohns-disease.png" and upload["data"].startswith(PNG)
            tally = chart_data(engine, resolve(engine, "crohn's disease")).tally
            content = sent.json["content"]
            assert tally.text in content and content.rstrip().endswith(engine.config.disclaimer)
            assert not sent.json.get("flags", 0) & EPHEMERAL

            mark = fake.mark()
            inter = await fake.slash("chart", {"condition": "guts"}, user=vic)  # a typo: privately, with a hint
            said = await fake.wait_for_reply(inter, mark)
            assert said.json["data"]["flags"] & EPHEMERAL and "did you mean 'gut'?" in said.json["data"]["content"]

            mark = fake.mark()
            inter = await fake.slash("chart", {"condition": "skin"}, user=vic, autocomplete="condition")
            choices = await fake.wait_for(lambda r: r.path == inter.callback_path, mark)
            values = [c["value"] for c in choices.json["data"]["choices"]]
            assert "skin conditions" in values[:3] and len(values) <= 25
            mark = fake.mark()
            inter = await fake.slash("chart", {"condition": "fibro"}, user=vic, autocomplete="condition")
            choices = await fake.wait_for(lambda r: r.path == inter.callback_path, mark)
            assert choices.json["data"]["choices"][0]["value"] == "fibromyalgia"
            assert_no_pings(fake)

    run(scenario())
