"""`ldn-bot discord`: check the token, load the engine, make the client with its commands, serve until stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from typing import Any

import discord
from discord import app_commands

from ldn_bot.config import Config, find_config, load_config
from ldn_bot.engine.engine import Engine
from ldn_bot.errors import LdnBotError
from ldn_bot.frontends.discord.client import LdnBot, ShardedLdnBot, check_discord_config, load_engine
from ldn_bot.frontends.discord.commands import COMMANDS
from ldn_bot.frontends.discord.sync import STATE_FILE, SyncMode, SyncState, register

log = logging.getLogger("ldn_bot.discord")

TOKEN_HELP = ("create one in the Discord Developer Portal (your application > Bot > Reset Token) and start the "
              "bot with DISCORD_TOKEN set in its environment")


class DiscordSetupError(LdnBotError):
    """The bot cannot start: no token, a rejected token, a missing intent, Discord unreachable."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot discord`."""
    parser.description = (
        "Run the Discord bot until SIGTERM or Ctrl-C. The bot token is read from the DISCORD_TOKEN environment "
        "variable, never from the settings file. Settings: the discord: section of bot_config.yaml. The slash "
        "commands are registered with Discord when they changed since the last registration (kept in "
        "discord-commands.json beside the logs); 'ldn-bot discord sync' registers or removes them without "
        "running the bot.")
    sync = parser.add_mutually_exclusive_group()
    sync.add_argument("--sync", dest="sync", action="store_const", const="always", default="auto",
                      help="register the slash commands with Discord at start-up even if they did not change")
    sync.add_argument("--no-sync", dest="sync", action="store_const", const="never",
                      help="do not register the slash commands with Discord at start-up")
    parser.set_defaults(func=lambda args: run(args.config, sync=args.sync))
    sub = parser.add_subparsers(dest="discord_command", metavar="{sync}")
    s = sub.add_parser(
        "sync", help="register the slash commands with Discord (or remove them) without running the bot",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Register the bot's slash commands with Discord, then exit. Needs DISCORD_TOKEN, and the bot\n"
            "invited with the applications.commands scope.\n\n"
            "  ldn-bot discord sync                     register them globally (every server; new commands can\n"
            "                                           take up to an hour to appear)\n"
            "  ldn-bot discord sync --guild ID          register them to one (test) server: they appear at once\n"
            "  ldn-bot discord sync --guild ID --clear  remove them from that server, say once\n"
            "                                           discord.test_guild_id is unset and they would show twice\n"
            "  ldn-bot discord sync --clear             remove the global commands\n\n"
            "A server id: Discord settings > Advanced > Developer Mode, then right-click the server >\n"
            "Copy Server ID. The running bot registers changed commands at start-up by itself\n"
            "(see 'ldn-bot discord --help')."))
    s.add_argument("--guild", metavar="ID", type=_server_id, help="a server id: register to (or clear) that "
                   "server only (default: the global commands)")
    s.add_argument("--clear", action="store_true", help="remove the commands instead of registering them")
    s.set_defaults(func=lambda args: sync_main(args.config, guild_id=args.guild, clear=args.clear))


def _server_id(text: str) -> int:
    """A server id given on the command line: a positive number (argparse reports anything else)."""
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"not a server id: {text!r} (a number, such as 123456789012345678)")
    return int(text)


def create_bot(config: Config, engine: Engine, **kwargs: Any) -> LdnBot:
    """The client (sharded if discord.shard_count is set) with the slash commands in its tree; `kwargs` go to
    LdnBot (config_path, sync, corpus_date) and discord.Client."""
    if config.discord.shard_count:
        kwargs.setdefault("shard_count", config.discord.shard_count)
        bot: LdnBot = ShardedLdnBot(config, engine, **kwargs)
    else:
        bot = LdnBot(config, engine, **kwargs)
    for command in COMMANDS:
        bot.tree.add_command(command)
    return bot


def token_from_env() -> str:
    """The bot token from DISCORD_TOKEN; DiscordSetupError saying how to get one when it is not set."""
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise DiscordSetupError(f"DISCORD_TOKEN is not set: {TOKEN_HELP}.")
    return token


async def serve(bot: LdnBot, token: str, *, handle_signals: bool = True) -> int:
    """Run until the connection ends or SIGTERM/SIGINT arrives; then close cleanly and return 0 (130 after
    Ctrl-C, as every other command). A rejected token, a missing privileged intent or an unreachable Discord
    raise DiscordSetupError."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    received: list[int] = []
    installed = []

    def stop_on(sig: int) -> None:
        received.append(sig)
        stop.set()

    if handle_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop_on, sig)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread, or not supported here
    try:
        async with bot:
            runner = asyncio.create_task(bot.start(token))
            stopper = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                log.info("shutting down: closing the connection to Discord")
                await bot.close()
            else:
                stopper.cancel()
            try:
                await runner
            except discord.LoginFailure:
                raise DiscordSetupError(f"Discord rejected the token in DISCORD_TOKEN: {TOKEN_HELP}.") from None
            except discord.PrivilegedIntentsRequired:
                raise DiscordSetupError(
                    "discord.message_content is true in the settings but the Message Content intent is off: turn it "
                    "on in the Developer Portal (Bot > Privileged Gateway Intents) or set message_content: false."
                ) from None
            except (OSError, discord.GatewayNotFound) as e:
                raise DiscordSetupError(f"cannot reach Discord: {e}") from None
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    log.info("stopped")
    return 130 if signal.SIGINT in received else 0


async def sync_commands_once(token: str, *, guild_id: int | None, clear: bool, state: SyncState) -> int:
    """Log in over HTTP only (no gateway connection), register the commands (or clear them), log out. Returns
    how many commands Discord now has there; DiscordSetupError for a rejected token or missing access."""
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree = app_commands.CommandTree(client)
    for command in COMMANDS:
        tree.add_command(command)
    async with client:
        try:
            await client.login(token)
            return await register(tree, guild_id=guild_id, clear=clear, state=state)
        except discord.LoginFailure:
            raise DiscordSetupError(f"Discord rejected the token in DISCORD_TOKEN: {TOKEN_HELP}.") from None
        except discord.Forbidden:
            where = f"server {guild_id}" if guild_id else "Discord"
            raise DiscordSetupError(f"{where} refused the commands: invite the bot to it with the "
                                    "applications.commands scope (see README, Discord bot)") from None
        except discord.HTTPException as e:
            raise DiscordSetupError(f"Discord refused the commands: {e}") from None
        except (OSError, discord.GatewayNotFound) as e:
            raise DiscordSetupError(f"cannot reach Discord: {e}") from None


def sync_main(config_path: str | None, *, guild_id: int | None, clear: bool) -> int:
    """`ldn-bot discord sync`: register (or clear) the slash commands, say what was done; the exit status."""
    token = token_from_env()
    path = find_config(config_path)
    config = load_config(path)
    check_discord_config(config, path)
    state = SyncState(config.resolve(config.logs.questions).parent / STATE_FILE)
    count = asyncio.run(sync_commands_once(token, guild_id=guild_id, clear=clear, state=state))
    where = f"server {guild_id}" if guild_id else "every server (global commands)"
    if clear:
        print(f"Removed the slash commands from {where}; {count} left there.")
    else:
        later = "" if guild_id else " New global commands can take up to an hour to appear."
        print(f"Registered {count} slash commands to {where}.{later}")
    return 0


def run(config_path: str | None = None, sync: SyncMode = "auto") -> int:
    """`ldn-bot discord`: check the token, load the engine, connect, serve until stopped; the exit status."""
    token = token_from_env()
    path = find_config(config_path)
    config, engine, date = load_engine(path)
    discord.utils.setup_logging(level=logging.INFO, root=True)
    bot = create_bot(config, engine, config_path=path, sync=sync, corpus_date=date)
    return asyncio.run(serve(bot, token))
