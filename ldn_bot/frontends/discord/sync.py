"""Registering the slash commands with Discord only when the command set changed (or when asked to).

Discord keeps an application's commands between runs, and registering them on every start spends a rate-limited
call for nothing. So the bot hashes the payload it would send (every command's name, description, options and
checks) and keeps the hash, per application and per target (global or a test server), in a small JSON file beside
the logs. A start whose hash matches the stored one skips registering; `ldn-bot discord --sync` registers anyway
(say, after the commands were removed in the Developer Portal), `--no-sync` never does.

`ldn-bot discord sync [--guild ID] [--clear]` registers (or removes) the commands without running the bot: to
a test server, where they appear at once, or globally; `--clear` removes them, say from a test server once
`discord.test_guild_id` is unset, where they would otherwise show twice beside the global ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands

log = logging.getLogger("ldn_bot.discord")

SyncMode = Literal["auto", "always", "never"]  # auto: when the command set changed
STATE_FILE = "discord-commands.json"


def command_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None = None) -> str:
    """A hash of exactly what `tree.sync(guild=guild)` would send to Discord."""
    payload = sorted((c.to_dict(tree) for c in tree.get_commands(guild=guild)), key=lambda d: d["name"])
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class SyncState:
    """The command-set hashes last registered, by "application/target", in a JSON file (missing or damaged:
    empty, so the next start registers)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, str]:
        """Every stored hash; {} when the file is missing or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, key: str) -> str | None:
        """The hash stored for `key`, if any."""
        return self.read().get(key)

    def set(self, key: str, value: str) -> None:
        """Store `value` for `key` (written to a temporary file, then renamed over the old one). A file that
        cannot be written is logged: the next start simply registers again."""
        data = self.read() | {key: value}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".discord-commands-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError as e:
            log.warning("could not write %s (commands will be registered again at the next start): %s", self.path, e)


async def sync_commands(tree: app_commands.CommandTree, *, application_id: int | None, guild_id: int | None,
                        state: SyncState, mode: SyncMode = "auto") -> bool:
    """Register the tree's commands with Discord (to the test server `guild_id` if given, else globally) when
    `mode` is "always", or "auto" and the command set differs from the one last registered; never for "never".
    Returns whether commands were registered. Missing permission (the applications.commands scope) is logged."""
    if mode == "never":
        return False
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    key = f"{application_id}/{guild_id or 'global'}"
    digest = command_hash(tree, guild)
    if mode == "auto" and state.get(key) == digest:
        log.info("slash commands unchanged since they were last registered; not registering them again "
                 "(ldn-bot discord --sync forces it)")
        return False
    where = f" to test server {guild_id}" if guild_id else ""
    try:
        synced: list[Any] = await tree.sync(guild=guild)
    except discord.Forbidden:
        log.error("could not register slash commands%s: invite the bot with the applications.commands scope", where)
        return False
    if guild_id:
        log.info("registered %d commands%s (they appear at once)", len(synced), where)
    else:
        log.info("registered %d global commands (new commands can take up to an hour to appear)", len(synced))
    state.set(key, digest)
    return True


async def register(tree: app_commands.CommandTree, *, guild_id: int | None, clear: bool, state: SyncState) -> int:
    """Register the tree's commands (or, with `clear`, none) to the server `guild_id` or globally, with the client
    of `tree` logged in; record what was registered in `state`. Returns how many commands Discord now has there."""
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    if clear:
        tree.clear_commands(guild=guild)
    synced: list[Any] = await tree.sync(guild=guild)
    # After a clear the stored hash no longer matches, so the bot's next start registers again if it serves there.
    state.set(f"{tree.client.application_id}/{guild_id or 'global'}", "" if clear else command_hash(tree, guild))
    return len(synced)


def leftover_servers(state: SyncState, application_id: int | None, guild_id: int | None) -> list[str]:
    """Test servers this application's commands were registered to and not cleared, other than `guild_id` (the
    one in service): each shows every command twice once the global ones appear there."""
    prefix = f"{application_id}/"
    return sorted(k.removeprefix(prefix) for k, v in state.read().items()
                  if k.startswith(prefix) and v and k.removeprefix(prefix) not in ("global", str(guild_id)))


def warn_about_leftovers(state: SyncState, application_id: int | None, guild_id: int | None) -> None:
    """Log, once per start, how to remove the commands left on former test servers."""
    for server in leftover_servers(state, application_id, guild_id):
        log.warning("the slash commands are still registered to former test server %s, where they show twice "
                    "beside the global ones: remove them with `ldn-bot discord sync --guild %s --clear`",
                    server, server)
