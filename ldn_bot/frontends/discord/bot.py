"""The Discord bot: the engine's answers as embeds, by slash command, mention or direct message.

One event loop serves everyone; engine calls and log writes run on a single worker thread (the engine is
not shared between threads), index builds for /reload on their own thread, so the loop is never blocked.
Every message is sent with no pings allowed; member text shown back is escaped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import signal
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from rapidfuzz import fuzz, process, utils

from ldn_bot.config import Config, find_config, load_config
from ldn_bot.corpus.models import Study
from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation, ConversationStore
from ldn_bot.engine.engine import Engine
from ldn_bot.errors import ConfigError, LdnBotError
from ldn_bot.logs import JsonlLog, answer_record, log_unanswered
from ldn_bot.render import discord_embeds as rd

log = logging.getLogger("ldn_bot.discord")

NO_PINGS = rd.NO_PINGS
APOLOGY = "Sorry, something went wrong while answering that. It has been logged; please try again later."
MAX_THREADS_TRACKED = 10_000
MAX_ANSWERS_TRACKED = 10_000
FEEDBACK_PATTERN = r"ldn:fb:(?P<vote>up|down):(?P<key>[0-9a-f]{12})"


class DiscordSetupError(LdnBotError):
    """The bot cannot start: no token, a rejected token, a missing intent, Discord unreachable."""


# -- small parts --------------------------------------------------------------------------------------------


class RateLimiter:
    """At most `questions` per `per_seconds` for each member (a sliding window); memory stays bounded."""

    def __init__(self, questions: int, per_seconds: float, clock=time.monotonic) -> None:
        self.questions = questions
        self.per_seconds = per_seconds
        self.clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._told: dict[Hashable, float] = {}
        self._calls = 0

    def reconfigure(self, questions: int, per_seconds: float) -> None:
        self.questions, self.per_seconds = questions, per_seconds

    def hit(self, key: Hashable) -> float:
        """0.0 when the member may ask now (the question is counted); otherwise seconds until they may."""
        now = self.clock()
        self._calls += 1
        if self._calls % 512 == 0:
            self._prune(now)
        window = self._hits.setdefault(key, deque())
        while window and now - window[0] >= self.per_seconds:
            window.popleft()
        if len(window) >= self.questions:
            return max(0.1, self.per_seconds - (now - window[0]))
        window.append(now)
        return 0.0

    def should_tell(self, key: Hashable) -> bool:
        """Whether to send the cooldown reply: once per window, so a flood does not get a flood back."""
        window = self._hits.get(key)
        start = window[0] if window else 0.0
        if self._told.get(key) == start:
            return False
        self._told[key] = start
        return True

    def _prune(self, now: float) -> None:
        for key in [k for k, w in self._hits.items() if not w or now - w[-1] >= self.per_seconds]:
            del self._hits[key]
            self._told.pop(key, None)


class _Bounded(OrderedDict):
    """An insertion-ordered dict that forgets its oldest entries past max_size."""

    def __init__(self, max_size: int) -> None:
        super().__init__()
        self.max_size = max_size

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.max_size:
            self.popitem(last=False)


_MENTION_TOKEN = re.compile(r"<(?:@[!&]?|#)\d+>")


def question_text(text: str) -> str:
    """The question in a message or option: mention tokens removed, whitespace folded."""
    return " ".join(_MENTION_TOKEN.sub(" ", text).split())


def cooldown_text(wait: float) -> str:
    seconds = max(1, int(wait + 0.999))
    return (f"You're asking faster than I can keep up with. Please wait {seconds} second"
            f"{'s' if seconds != 1 else ''} before your next question.")


def check_discord_config(config: Config, path: Path | str) -> None:
    """Value checks beyond types (which load_config does)."""
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


def corpus_updated(root: Path) -> datetime | None:
    """When the newest corpus file was changed (the corpus's "last updated")."""
    newest = 0.0
    for pattern in ("studies/*.yaml", "documents/*.md", "*.yaml"):
        for p in root.glob(pattern):
            try:
                newest = max(newest, p.stat().st_mtime)
            except OSError:
                continue
    return datetime.fromtimestamp(newest, UTC) if newest else None


def load_engine(path: Path | str) -> tuple[Config, Engine, datetime | None]:
    """Config, engine and corpus date from a config file: the slow part of start-up and /reload."""
    config = load_config(path)
    check_discord_config(config, path)
    engine = Engine(config)
    return config, engine, corpus_updated(config.corpus_path)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("\u200b", "")).rstrip("\u2026")


# -- feedback buttons -----------------------------------------------------------------------------------------


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button], template=FEEDBACK_PATTERN):
    """👍 / 👎 under an answer. The custom id carries the vote and the answer's key, so buttons keep working
    after a restart (the answer is then read back from the message itself)."""

    def __init__(self, vote: str, key: str) -> None:
        self.vote = vote
        self.key = key
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.secondary,
            emoji="\N{THUMBS UP SIGN}" if vote == "up" else "\N{THUMBS DOWN SIGN}",
            custom_id=f"ldn:fb:{vote}:{key}",
        ))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["vote"], match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if isinstance(client, LdnBot):
            await client.record_feedback(interaction, self.vote, self.key)


# -- the bot ------------------------------------------------------------------------------------------------


def intents_for(config: Config) -> discord.Intents:
    intents = discord.Intents.default()  # guilds, guild and DM messages; no members or presences
    intents.message_content = config.discord.message_content
    intents.typing = False
    intents.dm_typing = False
    return intents


class LdnBot(discord.Client):
    def __init__(self, config: Config, engine: Engine, *, config_path: Path | str | None = None,
                 sync_commands: bool = True, corpus_date: datetime | None = None, **options: Any) -> None:
        options.setdefault("intents", intents_for(config))
        options["allowed_mentions"] = NO_PINGS
        super().__init__(**options)
        self.config = config
        self.engine = engine
        self.config_path = Path(config_path) if config_path else find_config(None)
        self.sync_commands = sync_commands
        self.corpus_date = corpus_date if corpus_date is not None else corpus_updated(config.corpus_path)
        self.loaded_at = datetime.now(UTC)
        self.limiter = RateLimiter(config.discord.rate_limit.questions, config.discord.rate_limit.per_seconds)
        self.conversations = ConversationStore(config.conversation.max_conversations,
                                               config.conversation.idle_minutes * 60)
        self.threads: _Bounded = _Bounded(MAX_THREADS_TRACKED)  # threads the bot opened: id -> parent id
        self.answers: _Bounded = _Bounded(MAX_ANSWERS_TRACKED)  # feedback key -> answer record
        self.rated: _Bounded = _Bounded(MAX_ANSWERS_TRACKED)  # (key, user) already rated
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ldn-engine")
        self._reload_lock = asyncio.Lock()
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]
        _register_commands(self)

    # -- lifecycle --------------------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        self.add_dynamic_items(FeedbackButton)
        if not self.sync_commands:
            return
        guild_id = self.config.discord.test_guild_id
        try:
            if guild_id:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to test server %s (they appear at once)", len(synced), guild_id)
            else:
                synced = await self.tree.sync()
                log.info("synced %d global commands (new commands can take up to an hour to appear)", len(synced))
        except discord.Forbidden:
            log.error("could not sync slash commands%s: invite the bot with the applications.commands scope",
                      f" to test server {guild_id}" if guild_id else "")

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers; %d studies loaded", self.user, len(self.guilds),
                 len(self.engine.studies))

    async def close(self) -> None:
        await super().close()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- shared steps -----------------------------------------------------------------------------------

    def user_id_for_logs(self, user_id: int) -> int | None:
        return user_id if self.config.discord.log_user_ids else None

    def is_thread(self, channel: Any, channel_id: int | None) -> bool:
        if channel_id in self.threads or isinstance(channel, discord.Thread):
            return True
        return getattr(channel, "type", None) in (discord.ChannelType.public_thread,
                                                  discord.ChannelType.private_thread,
                                                  discord.ChannelType.news_thread)

    def channel_allowed(self, channel: Any, channel_id: int | None) -> bool:
        allowed = set(self.config.discord.allowed_channels)
        if not allowed:
            return True
        ids = {channel_id, getattr(channel, "parent_id", None), self.threads.get(channel_id)}
        return bool(ids & allowed)

    def allowed_channels_text(self) -> str:
        return ", ".join(f"<#{c}>" for c in self.config.discord.allowed_channels)

    async def run_blocking(self, func, *args):
        return await asyncio.get_running_loop().run_in_executor(self._executor, func, *args)

    async def answer_question(self, question: str, conversation: Conversation | None, user_id: int) -> Answer:
        engine = self.engine  # the one in service now; /reload swaps the attribute, never mutates it
        answer = await self.run_blocking(engine.answer, question, conversation)
        if answer.status == "no_evidence":
            path = self.config.resolve(self.config.logs.questions)
            await self.run_blocking(log_unanswered, path, answer, "discord", self.user_id_for_logs(user_id))
        return answer

    def feedback_view(self, answer: Answer) -> discord.ui.View | None:
        if answer.status not in ("answered", "no_evidence"):
            return None
        key = secrets.token_hex(6)
        self.answers[key] = answer_record(answer, "discord")
        view = discord.ui.View(timeout=None)
        view.add_item(FeedbackButton("up", key))
        view.add_item(FeedbackButton("down", key))
        return view

    async def open_thread(self, channel: Any, message: discord.Message, question: str, user_id: int,
                          conversation: Conversation) -> discord.Thread | None:
        """A thread on the answer, where the member's next question continues the conversation."""
        try:
            # Through the channel: a follow-up webhook message carries no guild of its own.
            starter = channel.get_partial_message(message.id)
            thread = await starter.create_thread(name=rd.plain_name(question, rd.THREAD_NAME_LIMIT),
                                                 auto_archive_duration=1440)
        except (discord.HTTPException, ValueError, AttributeError) as e:
            log.info("no follow-up thread in channel %s: %s", getattr(channel, "id", "?"), e)
            return None
        self.threads[thread.id] = getattr(channel, "id", None)
        carried = self.conversations.get((user_id, thread.id))
        carried.conditions = list(conversation.conditions)
        carried.labels = list(conversation.labels)
        carried.turns = conversation.turns
        how = "use `/ask` here or mention me"
        if self.config.discord.message_content:
            how = "just type it here, use `/ask` here, or mention me"
        try:
            await thread.send(f"Follow-up questions in this thread continue the conversation: {how}.",
                              allowed_mentions=NO_PINGS)
        except discord.HTTPException as e:
            log.info("could not post in thread %s: %s", thread.id, e)
        return thread

    def context(self, where: str, guild_id: int | None, channel_id: int | None, user_id: int | None,
                question: str | None = None) -> str:
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
                          self.context("message", message.guild and message.guild.id, message.channel.id,
                                       message.author.id, message.content))
            try:
                await message.reply(APOLOGY, allowed_mentions=NO_PINGS, mention_author=False)
            except Exception as e:
                log.warning("could not send the apology: %s", e)

    async def handle_message(self, message: discord.Message) -> None:
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
                return
        question = question_text(text)
        if not question:
            if not is_dm or message.content:
                await message.reply(self.config.messages.capabilities, allowed_mentions=NO_PINGS,
                                    mention_author=False)
            return
        wait = self.limiter.hit(message.author.id)
        if wait:
            if self.limiter.should_tell(message.author.id):
                await message.reply(cooldown_text(wait), allowed_mentions=NO_PINGS, mention_author=False)
            return
        if is_dm or in_thread:
            conversation = self.conversations.get((message.author.id, channel.id))
        else:
            conversation = Conversation()  # a new topic; it moves into the answer's thread
        answer = await self.answer_question(question, conversation, message.author.id)
        reply = await message.reply(embed=rd.answer_embed(answer, question), view=self.feedback_view(answer),
                                    allowed_mentions=NO_PINGS, mention_author=False)
        if not is_dm and not in_thread:
            await self.open_thread(channel, reply, question, message.author.id, conversation)

    # -- slash commands ---------------------------------------------------------------------------------

    async def admit(self, interaction: discord.Interaction, count: bool = True) -> bool:
        """Allowed channel and rate limit; answers the interaction itself when the member is turned away."""
        if interaction.guild_id is not None and not self.channel_allowed(interaction.channel, interaction.channel_id):
            await interaction.response.send_message(f"I only answer in {self.allowed_channels_text()}.",
                                                    ephemeral=True, allowed_mentions=NO_PINGS)
            return False
        if count:
            wait = self.limiter.hit(interaction.user.id)
            if wait:
                await interaction.response.send_message(cooldown_text(wait), ephemeral=True,
                                                        allowed_mentions=NO_PINGS)
                return False
        return True

    async def ask_command(self, interaction: discord.Interaction, question: str, private: bool) -> None:
        if not await self.admit(interaction):
            return
        await interaction.response.defer(thinking=True, ephemeral=private)
        text = question_text(question)
        channel_id = interaction.channel_id
        in_thread = self.is_thread(interaction.channel, channel_id)
        in_guild = interaction.guild_id is not None
        if not in_guild or in_thread or private:
            conversation = self.conversations.get((interaction.user.id, channel_id))
        else:
            conversation = Conversation()
        answer = await self.answer_question(text, conversation, interaction.user.id)
        kwargs: dict[str, Any] = {}
        view = self.feedback_view(answer)
        if view is not None:
            kwargs["view"] = view
        message = await interaction.followup.send(embed=rd.answer_embed(answer, text), ephemeral=private,
                                                  allowed_mentions=NO_PINGS, wait=True, **kwargs)
        if in_guild and not private and not in_thread:
            await self.open_thread(interaction.channel, message, text, interaction.user.id, conversation)

    async def sources_command(self, interaction: discord.Interaction, condition: str | None) -> None:
        if not await self.admit(interaction):
            return
        await interaction.response.defer(thinking=True)
        from ldn_bot.engine.overview import sources_answer

        answer = await self.run_blocking(sources_answer, self.engine, condition.strip() if condition else None)
        await interaction.followup.send(embed=rd.sources_embed(answer), allowed_mentions=NO_PINGS)

    def find_study(self, text: str) -> Study | None:
        studies = self.engine.studies
        wanted = " ".join(text.split()).casefold()
        for label, study in studies.items():
            if label.casefold() == wanted:
                return study
        ranked = self.rank_studies(text, 1)
        return studies[ranked[0][0]] if ranked and ranked[0][1] >= 70 else None

    def rank_studies(self, text: str, limit: int) -> list[tuple[str, float]]:
        """Studies by similarity to text: the label counts most, the title a little less."""
        query = text[:100]
        scored = []
        for label, study in self.engine.studies.items():
            score = fuzz.WRatio(query, label, processor=utils.default_process)
            if study.title:
                score = max(score, 0.9 * fuzz.WRatio(query, study.title, processor=utils.default_process))
            scored.append((label, score))
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored[:limit]

    async def study_command(self, interaction: discord.Interaction, label: str) -> None:
        if not await self.admit(interaction):
            return
        study = self.find_study(label)
        if study is None:
            await interaction.response.send_message(
                f"No study in my corpus matches \u201c{rd.user_text(label, 200)}\u201d. "
                "`/sources` lists them.", ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await interaction.response.send_message(embed=rd.study_embed(study, self.config.disclaimer),
                                                allowed_mentions=NO_PINGS)

    def study_choices(self, current: str) -> list[app_commands.Choice[str]]:
        studies = self.engine.studies
        if not current.strip():
            labels = sorted(studies)[:25]
        else:
            labels = [label for label, _ in self.rank_studies(current, 25)]
        out = []
        for label in labels:
            title = studies[label].title
            name = f"{label} \u2014 {title}" if title else label
            out.append(app_commands.Choice(name=rd.plain_name(name, rd.CHOICE_LIMIT), value=label[: rd.CHOICE_LIMIT]))
        return out

    def condition_choices(self, current: str) -> list[app_commands.Choice[str]]:
        names = sorted({c for s in self.engine.studies.values() for c in s.conditions})
        if current.strip():
            names = [m[0] for m in process.extract(current[:100], names, scorer=fuzz.WRatio, limit=25)]
        return [app_commands.Choice(name=rd.plain_name(n, rd.CHOICE_LIMIT), value=n[: rd.CHOICE_LIMIT])
                for n in names[:25]]

    async def about_command(self, interaction: discord.Interaction) -> None:
        if not await self.admit(interaction, count=False):
            return
        engine, m = self.engine, self.config.messages
        studies = list(engine.studies.values())
        conditions = {c for s in studies for c in s.conditions}
        designs = Counter(s.evidence_level for s in studies)
        order = {level: i for i, level in enumerate(("systematic review", "randomized trial", "crossover trial"))}
        design_lines = [f"{level}: {count}" for level, count in
                        sorted(designs.items(), key=lambda kv: (order.get(kv[0], 99), -kv[1], kv[0]))]
        updated = self.corpus_date.strftime("%Y-%m-%d") if self.corpus_date else "unknown"
        fields = [
            ("Corpus", f"{len(studies)} study records on {len(conditions)} conditions, "
                       f"{len(engine.corpus.documents)} source document(s)"),
            ("Evidence levels", rd.escape("\n".join(design_lines)) or "none"),
            ("Last updated", f"{updated} (corpus); loaded {discord.utils.format_dt(self.loaded_at, 'R')}"),
            ("Commands", "`/ask` a question \u00b7 `/sources` the studies \u00b7 `/study` one study \u00b7 "
                         "mention me or send me a direct message"),
        ]
        spec = rd.EmbedSpec(title="About ldn-bot", description=rd.escape(f"{m.creator}\n\n{m.capabilities}"),
                            fields=fields, footer=self.config.disclaimer, colour=rd.COLOURS["chitchat"])
        await interaction.response.send_message(embed=rd.build_embed(spec), ephemeral=True,
                                                allowed_mentions=NO_PINGS)

    def may_reload(self, interaction: discord.Interaction) -> bool:
        perms = interaction.permissions
        if perms.manage_guild or perms.administrator:
            return True
        role = self.config.discord.maintainer_role
        roles = getattr(interaction.user, "roles", [])
        if role:
            wanted = role.strip().casefold()
            return any(r.name.casefold() == wanted or str(r.id) == wanted for r in roles)
        return False

    async def reload_command(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            await interaction.response.send_message("Use /reload in a server.", ephemeral=True,
                                                    allowed_mentions=NO_PINGS)
            return
        if not self.may_reload(interaction):
            await interaction.response.send_message(
                "Only members with Manage Server or the maintainer role can reload the corpus.",
                ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        message = await self.reload()
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)

    async def reload(self) -> str:
        """Re-read config and corpus, build the index off the event loop, swap it in; keep the old on failure."""
        async with self._reload_lock:
            old = len(self.engine.studies)
            try:
                config, engine, date = await asyncio.to_thread(load_engine, self.config_path)
            except LdnBotError as e:
                log.warning("reload failed, still serving the previous corpus: %s", e)
                detail = str(e).replace("```", "'''")
                return rd.content(f"Reload failed, so I am still serving the previous corpus ({old} studies). "
                                  f"The problem:\n```\n{rd.cut(detail, 1700)}\n```")
            except Exception:
                log.exception("reload failed unexpectedly; still serving the previous corpus")
                return f"Reload failed with an unexpected error (see the bot's log); still serving the previous corpus ({old} studies)."
            self.config, self.engine, self.corpus_date = config, engine, date
            self.loaded_at = datetime.now(UTC)
            self.limiter.reconfigure(config.discord.rate_limit.questions, config.discord.rate_limit.per_seconds)
            self.conversations.max_size = config.conversation.max_conversations
            self.conversations.idle_seconds = config.conversation.idle_minutes * 60
            log.info("reloaded: %d studies, %d documents", len(engine.studies), len(engine.corpus.documents))
            return (f"Reloaded: {len(engine.studies)} studies and {len(engine.corpus.documents)} source document(s) "
                    f"(was {old} studies).")

    # -- feedback and errors ------------------------------------------------------------------------------

    async def record_feedback(self, interaction: discord.Interaction, vote: str, key: str) -> None:
        try:
            if (key, interaction.user.id) in self.rated:
                await interaction.response.send_message("You already rated this answer. Thank you!",
                                                        ephemeral=True, allowed_mentions=NO_PINGS)
                return
            self.rated[(key, interaction.user.id)] = True
            await interaction.response.send_message(
                "Thanks! Your feedback helps the curators improve the corpus.", ephemeral=True,
                allowed_mentions=NO_PINGS)
            record = dict(self.answers.get(key) or self.record_from_message(interaction.message))
            record["answered"] = record.pop("time", None)
            record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **record,
                      "vote": vote, "answer_key": key}
            uid = self.user_id_for_logs(interaction.user.id)
            if uid is not None:
                record["user_id"] = str(uid)
            await self.run_blocking(JsonlLog(self.config.resolve(self.config.logs.feedback)).append, record)
        except Exception:
            log.exception("failed to record feedback: %s",
                          self.context("feedback", interaction.guild_id, interaction.channel_id, interaction.user.id))

    @staticmethod
    def record_from_message(message: discord.Message | None) -> dict[str, Any]:
        """An answer record read back from the answer's embed (after a restart, the key is unknown)."""
        record: dict[str, Any] = {"question": None, "status": "unknown", "labels": [], "source": "discord"}
        if message is None or not message.embeds:
            return record
        embed = message.embeds[0]
        record["question"] = _unescape(embed.title or "") or None
        labels = []
        for f in embed.fields:
            m = re.match(r"\\?\[\d+\\?\]\s*(.+)", f.name or "")
            if m:
                labels.append(_unescape(m.group(1)))
        record["labels"] = labels
        return record

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        name = interaction.command.name if interaction.command else "?"
        question = None
        if isinstance(interaction.data, dict):
            opts = interaction.data.get("options") or []
            question = " ".join(str(o.get("value", "")) for o in opts if isinstance(o, dict)) or None
        log.error("command /%s failed: %s", name,
                  self.context(f"/{name}", interaction.guild_id, interaction.channel_id, interaction.user.id, question),
                  exc_info=original)
        if interaction.type is discord.InteractionType.autocomplete:
            return
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


def _register_commands(bot: LdnBot) -> None:
    tree = bot.tree

    @tree.command(name="ask", description="Ask about the published evidence on low-dose naltrexone (LDN)")
    @app_commands.describe(question="Your question, for example: Does LDN help fibromyalgia?",
                           private="Only you see the answer")
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 1000],
                  private: bool = False) -> None:
        await bot.ask_command(interaction, question, private)

    @tree.command(name="sources", description="The studies in the corpus, for one condition or all")
    @app_commands.describe(condition="A condition, for example fibromyalgia (leave empty for all)")
    async def sources(interaction: discord.Interaction, condition: app_commands.Range[str, 1, 100] | None = None
                      ) -> None:
        await bot.sources_command(interaction, condition)

    @sources.autocomplete("condition")
    async def sources_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return bot.condition_choices(current)

    @tree.command(name="study", description="One study's record: design, size, doses, findings")
    @app_commands.describe(label="The study, for example Younger 2013")
    async def study(interaction: discord.Interaction, label: app_commands.Range[str, 1, 100]) -> None:
        await bot.study_command(interaction, label)

    @study.autocomplete("label")
    async def study_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return bot.study_choices(current)

    @tree.command(name="about", description="What ldn-bot is and what its corpus holds")
    async def about(interaction: discord.Interaction) -> None:
        await bot.about_command(interaction)

    @tree.command(name="reload", description="Maintainers: re-read the corpus and settings")
    @app_commands.guild_only()
    async def reload(interaction: discord.Interaction) -> None:
        await bot.reload_command(interaction)


def create_bot(config: Config, engine: Engine, **kwargs: Any) -> LdnBot:
    if config.discord.shard_count:
        kwargs.setdefault("shard_count", config.discord.shard_count)
        return ShardedLdnBot(config, engine, **kwargs)
    return LdnBot(config, engine, **kwargs)


# -- running ------------------------------------------------------------------------------------------------

TOKEN_HELP = ("create one in the Discord Developer Portal (your application > Bot > Reset Token) and start the "
              "bot with DISCORD_TOKEN set in its environment")


def token_from_env() -> str:
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise DiscordSetupError(f"DISCORD_TOKEN is not set: {TOKEN_HELP}.")
    return token


async def serve(bot: LdnBot, token: str, *, handle_signals: bool = True) -> int:
    """Run until the connection ends or SIGTERM/SIGINT arrives; then close cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    if handle_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
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
    return 0


def run(config_path: str | None = None, sync_commands: bool = True) -> int:
    """`ldn-bot discord`: check the token, load engine, connect, serve until stopped."""
    token = token_from_env()
    path = find_config(config_path)
    config, engine, date = load_engine(path)
    discord.utils.setup_logging(level=logging.INFO, root=True)
    bot = create_bot(config, engine, config_path=path, sync_commands=sync_commands, corpus_date=date)
    return asyncio.run(serve(bot, token))
