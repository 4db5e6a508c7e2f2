"""The Discord client: connection, mentions and direct messages, threads, /reload's swap, errors.

One event loop serves everyone; engine calls and log writes run on a single worker thread (the engine is
not shared between threads), index builds for /reload on their own thread, so the loop is never blocked.
Every message is sent with no pings allowed; member text shown back is escaped. Who sees an answer and where it
goes is answering.py; the slash commands are in commands.py, the buttons in feedback.py and followup.py, the
embeds in ldn_bot/render/discord_embeds.py.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import discord
from discord import app_commands

from ldn_bot.config import Config, find_config, load_config
from ldn_bot.corpus.stats import corpus_updated
from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation, ConversationStore
from ldn_bot.engine.engine import Engine
from ldn_bot.engine.screening import Screened
from ldn_bot.errors import ConfigError, LdnBotError
from ldn_bot.frontends.asking import ask
from ldn_bot.frontends.discord import answering
from ldn_bot.frontends.discord.feedback import DYNAMIC_ITEMS, Feedback, show_more
from ldn_bot.frontends.discord.limits import Bounded, RateLimiter, cooldown_text
from ldn_bot.frontends.discord.permissions import invite_url
from ldn_bot.frontends.discord.sync import STATE_FILE, SyncMode, SyncState, sync_commands, warn_about_leftovers
from ldn_bot.render import discord_embeds as rd

log = logging.getLogger("ldn_bot.discord")

T = TypeVar("T")
NO_PINGS = rd.NO_PINGS
APOLOGY = "Sorry, something went wrong while answering that. It has been logged; please try again later."
MAX_THREADS_TRACKED = 10_000
RELOAD_CONFIRM_SECONDS = 120.0  # a second /reload within this confirms dropping studies
_MENTION_TOKEN = re.compile(r"<(?:@[!&]?|#)\d+>")


def question_text(text: str) -> str:
    """The question in a message or option: mention tokens removed, whitespace folded."""
    return " ".join(_MENTION_TOKEN.sub(" ", text).split())


def check_discord_config(config: Config, path: Path | str) -> None:
    """Value checks on the discord: settings beyond types (which load_config does); ConfigError naming the key."""
    d = config.discord
    if d.rate_limit.questions < 1:
        raise ConfigError(f"{path}: 'discord.rate_limit.questions' must be at least 1")
    if d.rate_limit.per_seconds <= 0:
        raise ConfigError(f"{path}: 'discord.rate_limit.per_seconds' must be more than 0")
    if d.shard_count is not None and d.shard_count < 1:
        raise ConfigError(f"{path}: 'discord.shard_count' must be at least 1 (or null)")
    if d.test_guild_id is not None and d.test_guild_id <= 0:
        raise ConfigError(f"{path}: 'discord.test_guild_id' must be a server id (or null)")
    if any(c <= 0 for c in d.allowed_channels):
        raise ConfigError(f"{path}: 'discord.allowed_channels' must list channel ids")


def load_engine(path: Path | str) -> tuple[Config, Engine, datetime | None]:
    """Config, engine and corpus date from a config file: the slow part of start-up and /reload. Raises
    ConfigError or CorpusError (LdnBotError) for bad settings or a bad corpus."""
    config = load_config(path)
    check_discord_config(config, path)
    engine = Engine(config)
    return config, engine, corpus_updated(config.corpus_path)


def intents_for(config: Config) -> discord.Intents:
    """The default intents (servers, server and DM messages), plus Message Content if the settings ask."""
    intents = discord.Intents.default()  # guilds, guild and DM messages; no members or presences
    intents.message_content = config.discord.message_content
    intents.typing = False
    intents.dm_typing = False
    return intents


class LdnBot(discord.Client):
    """The bot: `config` and `engine` in service (swapped whole by /reload), conversations, limits, feedback.

    `sync`: register the slash commands with Discord when they changed ("auto"), always, or never.
    Made by startup.create_bot, which also adds the slash commands to `tree`.
    """

    def __init__(self, config: Config, engine: Engine, *, config_path: Path | str | None = None,
                 sync: SyncMode = "auto", corpus_date: datetime | None = None, **options: Any) -> None:
        options.setdefault("intents", intents_for(config))
        options["allowed_mentions"] = NO_PINGS
        super().__init__(**options)
        self.config = config
        self.engine = engine
        self.config_path = Path(config_path) if config_path else find_config(None)
        self.sync = sync
        self.corpus_date = corpus_date if corpus_date is not None else corpus_updated(config.corpus_path)
        self.loaded_at = datetime.now(UTC)
        limits = config.discord.rate_limit
        self.limiter = RateLimiter(limits.questions, limits.per_seconds)  # questions: the engine's work
        self.browse_limiter = RateLimiter(limits.browsing, limits.per_seconds)  # reading the corpus: cheap
        self.conversations = ConversationStore(config.conversation.max_conversations,
                                               config.conversation.idle_minutes * 60)
        self.threads: Bounded = Bounded(MAX_THREADS_TRACKED)  # threads the bot opened: id -> parent id
        self.feedback = Feedback()
        self.followups: Bounded = Bounded(MAX_THREADS_TRACKED)  # answer key -> its conversation, for Follow up
        self.hinted: Bounded = Bounded(MAX_THREADS_TRACKED)  # (member, thread) told how to follow up there
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ldn-engine")
        self._reload_lock = asyncio.Lock()
        self.tree: app_commands.CommandTree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    # -- lifecycle --------------------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        state = SyncState(self.config.resolve(self.config.logs.questions).parent / STATE_FILE)
        await sync_commands(self.tree, application_id=self.application_id, guild_id=self.config.discord.test_guild_id,
                            state=state, mode=self.sync)
        warn_about_leftovers(state, self.application_id, self.config.discord.test_guild_id)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers; %d studies loaded; invite link: %s", self.user, len(self.guilds),
                 len(self.engine.studies), invite_url(self.application_id or "APPLICATION_ID"))

    async def close(self) -> None:
        await super().close()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- shared steps -----------------------------------------------------------------------------------

    def user_id_for_logs(self, user_id: int) -> int | None:
        """`user_id` if the settings allow logging member ids, else None."""
        return user_id if self.config.discord.log_user_ids else None

    def is_thread(self, channel: Any, channel_id: int | None) -> bool:
        """Whether the channel is a thread (one the bot opened, or any thread Discord says it is)."""
        if channel_id in self.threads or isinstance(channel, discord.Thread):
            return True
        return getattr(channel, "type", None) in (discord.ChannelType.public_thread,
                                                  discord.ChannelType.private_thread,
                                                  discord.ChannelType.news_thread)

    def channel_allowed(self, channel: Any, channel_id: int | None) -> bool:
        """Whether discord.allowed_channels lets the bot answer there (a thread counts as its channel)."""
        allowed = set(self.config.discord.allowed_channels)
        if not allowed:
            return True
        ids = {channel_id, getattr(channel, "parent_id", None), self.threads.get(channel_id)}
        return bool(ids & allowed)

    def allowed_channels_text(self) -> str:
        """The allowed channels as Discord channel mentions, comma-separated."""
        return ", ".join(f"<#{c}>" for c in self.config.discord.allowed_channels)

    async def run_blocking(self, func: Callable[..., T], *args: Any) -> T:
        """func(*args) on the engine's worker thread, awaited."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, func, *args)

    async def answer_question(self, question: str, conversation: Conversation | None, user_id: int,
                              screened: Screened | None = None) -> Answer:
        """The engine's answer (logged if unanswered, with the member's id only if the settings allow); `screened`:
        the question's safety check made already (see answering.answer_interaction)."""
        engine = self.engine  # the one in service now; /reload swaps the attribute, never mutates it
        log_path = self.config.resolve(self.config.logs.questions)
        return await self.run_blocking(lambda: ask(engine, question, conversation, source="discord",
                                                   user_id=self.user_id_for_logs(user_id), log_path=log_path,
                                                   screened=screened))

    async def record_feedback(self, interaction: discord.Interaction, vote: str, key: str) -> None:
        """A 👍 / 👎 click: thank the member and log the vote; a failure is logged, never raised."""
        try:
            await self.feedback.record(interaction, vote, key,
                                       log_path=self.config.resolve(self.config.logs.feedback),
                                       user_id=self.user_id_for_logs(interaction.user.id),
                                       run_blocking=self.run_blocking)
        except Exception:
            log.exception("failed to record feedback: %s",
                          self.context("feedback", interaction.guild_id, interaction.channel_id, interaction.user.id))

    async def show_more(self, interaction: discord.Interaction, key: str) -> None:
        """A More click: the full answer, privately (within the browsing limit); a failure is logged, never raised."""
        try:
            wait = self.browse_limiter.hit(interaction.user.id)
            if wait:
                await interaction.response.send_message(cooldown_text(wait), ephemeral=True,
                                                        allowed_mentions=NO_PINGS)
                return
            await show_more(interaction, self.feedback.full.get(key))
        except Exception:
            log.exception("failed to show more: %s",
                          self.context("more", interaction.guild_id, interaction.channel_id, interaction.user.id))

    def context(self, where: str, guild_id: int | None, channel_id: int | None, user_id: int | None,
                question: str | None = None) -> str:
        """A log line's context: where, server, channel, the member (only if ids may be logged), the question."""
        parts = [where, f"guild={guild_id}", f"channel={channel_id}"]
        if user_id is not None and self.config.discord.log_user_ids:
            parts.append(f"user={user_id}")
        if question is not None:
            parts.append(f"question={question[:200]!r}")
        return " ".join(parts)

    # -- messages: mentions, DMs, follow-ups in threads --------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        if self.user is not None and message.author.id == self.user.id:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        try:
            await self.handle_message(message)
        except Exception:
            log.exception("failed to answer a message: %s",
                          self.context("message", message.guild.id if message.guild else None, message.channel.id,
                                       message.author.id, message.content))
            try:
                await message.reply(APOLOGY, allowed_mentions=NO_PINGS, mention_author=False)
            except Exception as e:
                log.warning("could not send the apology: %s", e)

    async def handle_message(self, message: discord.Message) -> None:
        """Answer a mention, a direct message, or (with Message Content) a plain message in the bot's thread."""
        d = self.config.discord
        assert self.user is not None
        channel = message.channel
        is_dm = message.guild is None
        in_thread = not is_dm and self.is_thread(channel, channel.id)
        if is_dm:
            if not d.answer_dms:
                return
            text = message.content
        else:
            if not self.channel_allowed(channel, channel.id):
                return
            mentioned = any(u.id == self.user.id for u in message.mentions)
            own_thread = channel.id in self.threads or getattr(channel, "owner_id", None) == self.user.id
            if (mentioned and d.answer_mentions) or (own_thread and d.message_content and message.content):
                text = message.content
            else:
                if own_thread and not d.message_content and not mentioned:
                    await self.tell_how_to_follow_up(message)
                return
        question = question_text(text)
        if not question and is_dm and not message.content:
            return
        await answering.answer_message(self, message, question, is_dm=is_dm, in_thread=in_thread)

    async def tell_how_to_follow_up(self, message: discord.Message) -> None:
        """A plain message in the bot's thread, which it cannot read without the Message Content intent: say
        once per member and thread how to follow up instead."""
        key = (message.author.id, message.channel.id)
        if key in self.hinted:
            return
        self.hinted[key] = True
        name = self.user.name if self.user else "ldn-bot"
        await message.reply(f"I can only read messages here that mention me. To follow up, press **Follow up** "
                            f"under my answer, or write `@{name}` before your question.",
                            allowed_mentions=NO_PINGS, mention_author=False)

    async def answer_followup(self, interaction: discord.Interaction, key: str, question: str) -> None:
        """A Follow up modal's question (followup.py), answered in the conversation of the answer `key`."""
        if interaction.guild_id is not None and not self.channel_allowed(interaction.channel, interaction.channel_id):
            await interaction.response.send_message(f"I only answer in {self.allowed_channels_text()}.",
                                                    ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await answering.answer_followup(self, interaction, key, question)

    async def on_followup_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """A Follow up that failed: logged with its context, the member gets the apology privately."""
        log.error("follow-up failed: %s", self.context("follow-up", interaction.guild_id, interaction.channel_id,
                                                       interaction.user.id), exc_info=error)
        await self.apologise(interaction)

    # -- /reload's swap ---------------------------------------------------------------------------------

    _drop_asked_at: float | None = None  # when a /reload last stopped short of dropping studies

    async def reload(self, confirm: bool = False) -> str:
        """Re-read config and corpus, build the index off the event loop, swap it in; keep the old on failure.
        A corpus with fewer studies (a record deleted, or caught mid-rename by an editor) is served only when
        `confirm`, or on a second /reload within RELOAD_CONFIRM_SECONDS; the first says which studies would go.
        Returns the message for the maintainer."""
        async with self._reload_lock:
            before = dict(self.engine.studies)
            old = len(before)
            try:
                config, engine, date = await asyncio.to_thread(load_engine, self.config_path)
            except LdnBotError as e:
                log.warning("reload failed, still serving the previous corpus: %s", e)
                detail = str(e).replace("```", "'''")
                return rd.content(f"Reload failed, so I am still serving the previous corpus ({old} studies). "
                                  f"The problem:\n```\n{rd.cut(detail, 1700)}\n```")
            except Exception:
                log.exception("reload failed unexpectedly; still serving the previous corpus")
                return ("Reload failed with an unexpected error (see the bot's log); still serving the previous "
                        f"corpus ({old} studies).")
            removed = sorted(set(before) - set(engine.studies))
            asked, now = self._drop_asked_at, time.monotonic()
            if removed and not confirm and (asked is None or now - asked > RELOAD_CONFIRM_SECONDS):
                self._drop_asked_at = now
                n = len(removed)
                return rd.content(
                    f"Not reloaded: the new corpus would drop {n} stud{'y' if n == 1 else 'ies'}: {_some(removed)}. "
                    f"Still serving the previous corpus ({old} studies). If that is meant, /reload again within "
                    f"{RELOAD_CONFIRM_SECONDS / 60:.0f} minutes (or /reload confirm:True); if a curator is "
                    "editing, wait until the file is saved.")
            self._drop_asked_at = None
            self.config, self.engine, self.corpus_date = config, engine, date
            self.loaded_at = datetime.now(UTC)
            limits = config.discord.rate_limit
            self.limiter.reconfigure(limits.questions, limits.per_seconds)
            self.browse_limiter.reconfigure(limits.browsing, limits.per_seconds)
            self.conversations.max_size = config.conversation.max_conversations
            self.conversations.idle_seconds = config.conversation.idle_minutes * 60
            log.info("reloaded: %d studies, %d documents", len(engine.studies), len(engine.corpus.documents))
            added = sorted(set(engine.studies) - set(before))
            return rd.content(
                f"Reloaded: {len(engine.studies)} studies and {len(engine.corpus.documents)} source document(s) "
                f"(was {old} studies). Added: {_some(added)}. Removed: {_some(removed)}.")

    # -- errors -----------------------------------------------------------------------------------------

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        name = interaction.command.name if interaction.command else "?"
        question = None
        if isinstance(interaction.data, dict):
            opts: list[Any] = list(interaction.data.get("options") or [])  # type: ignore[call-overload]
            question = " ".join(str(o.get("value", "")) for o in opts if isinstance(o, dict)) or None
        log.error("command /%s failed: %s", name,
                  self.context(f"/{name}", interaction.guild_id, interaction.channel_id, interaction.user.id, question),
                  exc_info=original)
        if interaction.type is discord.InteractionType.autocomplete:
            return
        await self.apologise(interaction)

    async def apologise(self, interaction: discord.Interaction) -> None:
        """The apology for a failed command or Follow up, privately; a failure to send it is logged."""
        try:
            if interaction.response.is_done():
                await interaction.followup.send(APOLOGY, ephemeral=True, allowed_mentions=NO_PINGS)
            else:
                await interaction.response.send_message(APOLOGY, ephemeral=True, allowed_mentions=NO_PINGS)
        except Exception as e:
            log.warning("could not send the apology: %s", e)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("unhandled error in %s", event_method)


class ShardedLdnBot(LdnBot, discord.AutoShardedClient):
    """The same bot over several gateway connections (discord.shard_count), for bots in many servers."""

    _identify_concurrency: int | None = None

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait only as Discord requires: shards identify in max_concurrency buckets (shard_id % max_concurrency),
        one per bucket every 5 seconds. discord.py's default waits 5 s before every shard but the first, so a bot
        whose application allows 16 at once would start 16 times slower than it may."""
        if initial:
            return
        if self._identify_concurrency is None:
            try:
                limits = await self.fetch_session_start_limits()
                self._identify_concurrency = max(1, int(limits.max_concurrency))
            except Exception as e:
                log.warning("could not read the gateway's session start limits (%s); shards start 5 s apart", e)
                self._identify_concurrency = 1
        # Shards are launched in order, so a shard opening a new round of buckets waits for the last round.
        if (shard_id or 0) % self._identify_concurrency == 0:
            await asyncio.sleep(5.0)


def _some(labels: list[str], shown: int = 15) -> str:
    """Labels for /reload's reply: all of a few, else the first ones and how many more (the reply has a limit)."""
    if not labels:
        return "none"
    more = len(labels) - shown
    return ", ".join(labels[:shown]) + (f" and {more} more" if more > 0 else "")
