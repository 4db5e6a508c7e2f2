"""`ldn-bot discord`: the command only; discord.py is imported when the command runs, never at CLI start-up."""

from __future__ import annotations

import argparse


def cmd_discord(args: argparse.Namespace) -> int:
    from ldn_bot.frontends.discord.bot import run

    return run(args.config, sync_commands=not args.no_sync)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discord",
        help="run the Discord bot (token from the DISCORD_TOKEN environment variable)",
        description="Run the Discord bot until SIGTERM or Ctrl-C. The bot token is read from the DISCORD_TOKEN "
        "environment variable, never from the settings file. Settings: the discord: section of bot_config.yaml.",
    )
    p.add_argument("--no-sync", action="store_true",
                   help="do not register the slash commands with Discord at start-up")
    p.set_defaults(func=cmd_discord)
