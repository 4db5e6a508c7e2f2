"""What a server admin runs: `ldn-bot discord sync` against the loopback fake, and the README's admin guide."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from discord_fake import FakeDiscord, bot_config

ROOT = Path(__file__).resolve().parent.parent


def discord_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Discord bot")
    return text[start:text.index("\n## ", start + 1)]


def sync_cli(monkeypatch, cfg: Path, *args: str) -> tuple[int, FakeDiscord]:
    """`ldn-bot --config CFG discord sync ARGS` through the entry point, against a fresh fake Discord."""
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from ldn_bot.frontends.cli import main

    async def scenario() -> tuple[int, FakeDiscord]:
        fake = FakeDiscord()
        await fake.start()
        monkeypatch.setattr(Route, "BASE", fake.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        monkeypatch.setenv("DISCORD_TOKEN", fake.token)
        try:
            code = await asyncio.to_thread(main, ["--config", str(cfg), "discord", "sync", *args])
        finally:
            await fake.close()
        return code, fake

    return asyncio.run(scenario())


def puts(fake: FakeDiscord) -> list[tuple[str, list[str]]]:
    """The command registrations the run made: (target, command names)."""
    app = str(fake.app_id)
    return [(r.path.replace(app, "APP"), [c["name"] for c in r.json])
            for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]


def test_discord_sync_adds_and_clears_a_test_servers_commands(tmp_path, monkeypatch, capsys):
    cfg = bot_config(tmp_path)
    state = tmp_path / "logs" / "discord-commands.json"
    code, fake = sync_cli(monkeypatch, cfg, "--guild", "1234")
    assert code == 0
    [(path, names)] = puts(fake)
    assert path == "/applications/APP/guilds/1234/commands" and {"ask", "help", "reload"} <= set(names)
    assert not fake.identify  # HTTP only: the bot did not connect to the gateway
    assert "Registered" in capsys.readouterr().out
    registered = json.loads(state.read_text(encoding="utf-8"))
    assert registered[f"{fake.app_id}/1234"]  # the bot's next start knows they are there

    code, fake = sync_cli(monkeypatch, cfg, "--guild", "1234", "--clear")
    assert code == 0 and puts(fake) == [("/applications/APP/guilds/1234/commands", [])]
    assert "Removed" in capsys.readouterr().out

    code, fake = sync_cli(monkeypatch, cfg)
    assert code == 0 and puts(fake)[0][0] == "/applications/APP/commands"


def test_discord_sync_errors_are_one_clear_line(tmp_path, monkeypatch, capsys):
    from ldn_bot.frontends.cli import main

    cfg = bot_config(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["--config", str(cfg), "discord", "sync"]) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["discord", "sync", "--guild", "my-server"])
    assert exit_.value.code == 2 and "not a server id" in capsys.readouterr().err


def test_discord_sync_help_documents_guild_and_clear(capsys, monkeypatch):
    from ldn_bot.frontends.cli import main

    monkeypatch.setenv("COLUMNS", "80")  # the width help has on a pipe, as in a new process
    with pytest.raises(SystemExit) as exit_:
        main(["discord", "sync", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--guild ID" in out and "--clear" in out
    assert "ldn-bot discord sync --guild ID --clear" in out and "applications.commands" in out


def test_readme_admin_guide_deploys_without_guessing():
    from ldn_bot.frontends.discord.permissions import INVITE_PERMISSIONS

    text = discord_section()
    invite = re.search(r"https://discord\.com/oauth2/authorize\?client_id=\S+", text)
    assert invite, "an invite-URL template"
    url = invite.group(0)
    assert "scope=bot+applications.commands" in url and f"permissions={INVITE_PERMISSIONS}" in url
    assert "Public Bot" in text
    for step in ("ldn-bot discord sync --guild", "--clear", "git pull", "corpus validate", "/reload",
                 "useradd", "message_content: true", "privileged"):
        assert step in text, step


def test_commands_left_on_a_former_test_server_are_pointed_out_until_cleared(tmp_path, engine, monkeypatch,
                                                                            caplog):
    import logging

    from discord_fake import running_bot

    async def start(config: Path) -> None:
        async with running_bot(config, engine):
            pass

    def warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "former test" in
                r.getMessage()]

    caplog.set_level(logging.WARNING, logger="ldn_bot.discord")
    asyncio.run(start(bot_config(tmp_path, test_guild_id=1234)))  # trying the bot on a test server
    assert warnings() == []
    production = bot_config(tmp_path)  # then test_guild_id: null
    asyncio.run(start(production))
    assert len(warnings()) == 1 and "ldn-bot discord sync --guild 1234 --clear" in warnings()[0]
    caplog.clear()
    code, _ = sync_cli(monkeypatch, production, "--guild", "1234", "--clear")
    assert code == 0
    asyncio.run(start(production))
    assert warnings() == []
