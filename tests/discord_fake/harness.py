"""Run the real bot (ldn_bot.frontends.discord) against FakeDiscord for one test."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .server import FakeDiscord, Interaction, Request

ROOT = Path(__file__).resolve().parents[2]


def bot_config(tmp_path: Path, *, corpus: Path | None = None, **discord: Any) -> Path:
    """A config file in tmp_path: the bundled settings, logs in tmp_path, discord settings overridden."""
    data = yaml.safe_load((ROOT / "bot_config.yaml").read_text(encoding="utf-8"))
    data["corpus"] = str(corpus or ROOT / "corpus")
    data["retrieval"]["cache"] = False
    data["logs"] = {"questions": str(tmp_path / "logs" / "questions.jsonl"),
                    "feedback": str(tmp_path / "logs" / "feedback.jsonl")}
    for key, value in discord.items():
        if key == "rate_limit":
            data["discord"]["rate_limit"].update(value)
        else:
            data["discord"][key] = value
    path = tmp_path / "bot_config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class BotRun:
    fake: FakeDiscord
    bot: Any  # ldn_bot.frontends.discord.client.LdnBot
    task: asyncio.Task

    async def ask(self, question: str, *, user: dict, private: bool = False,
                  **kwargs: Any) -> tuple[Interaction, Request]:
        """/ask and the message that answers it."""
        mark = self.fake.mark()
        options: dict[str, Any] = {"question": question}
        if private:
            options["private"] = True
        inter = await self.fake.slash("ask", options, user=user, **kwargs)
        reply = await self.fake.wait_for_reply(inter, mark)
        return inter, reply

    async def reply_to(self, message: dict, after: int) -> Request:
        """The bot's reply (a message referencing `message`) sent after request index `after`."""
        return await self.fake.wait_for(
            lambda r: r.method == "POST" and r.path == f"/channels/{message['channel_id']}/messages"
            and str((r.json or {}).get("message_reference", {}).get("message_id")) == message["id"], after)

    def labels(self, request: Request) -> list[str]:
        return cited_labels(request.embeds[0]) if request.embeds else []


def cited_labels(embed: dict) -> list[str]:
    """Study labels in an answer embed's fields ("\\[1\\] Bruun 2024" -> "Bruun 2024")."""
    out = []
    for f in embed.get("fields") or []:
        name = f["name"].replace("\\", "")
        if name.startswith("["):
            out.append(name.split("] ", 1)[1])
    return out


@contextlib.asynccontextmanager
async def running_bot(config_path: Path, engine: Any = None, *, fake: FakeDiscord | None = None,
                      **bot_kwargs: Any) -> AsyncIterator[BotRun]:
    """The bot logged in to a fresh FakeDiscord, its guild available; closed and checked afterwards."""
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from ldn_bot.config import load_config
    from ldn_bot.frontends.discord.client import load_engine
    from ldn_bot.frontends.discord.startup import create_bot, serve

    fake = fake or FakeDiscord()
    await fake.start()
    old = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base  # type: ignore[misc]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    task: asyncio.Task | None = None
    bot = None
    try:
        if engine is None:
            config, engine, date = load_engine(config_path)
        else:
            config, date = load_config(config_path), None
        bot = create_bot(config, engine, config_path=config_path, corpus_date=date, guild_ready_timeout=0,
                         **bot_kwargs)
        connected = asyncio.Event()

        async def on_connect() -> None:  # an instance attribute: Client.dispatch finds it
            connected.set()

        # "connect" is dispatched while READY is parsed, after its guilds are cached.
        bot.on_connect = on_connect
        available = asyncio.ensure_future(connected.wait())
        task = asyncio.create_task(serve(bot, fake.token, handle_signals=False))
        done, _ = await asyncio.wait({available, task}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            available.cancel()
            task.result()  # raises what stopped the bot
            raise AssertionError("the bot stopped before its server became available")
        if not done:
            raise AssertionError("the bot did not log in to the fake Discord")
        yield BotRun(fake, bot, task)
    finally:
        if bot is not None:
            await bot.close()
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 10)
        await fake.close()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old  # type: ignore[misc]


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
