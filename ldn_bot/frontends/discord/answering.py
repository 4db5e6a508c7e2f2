"""Answering a member: by mention or DM, by /ask, by the Follow up modal; where the answer goes and who sees it.

Privacy by default: a reply about the member themselves (crisis support, care for distress) never opens a
thread, never repeats the member's words as a title, and by slash command or Follow up is shown only to them
(ephemeral); by mention it is a reply in place with the support text alone. Small talk, no-evidence and
safety-only replies answer in place too. Only an evidence answer in a channel opens a thread, named after the
topic the engine found ("LDN and fibromyalgia"), never after the member's words.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.engine import Engine
from ldn_bot.engine.screening import Screened
from ldn_bot.frontends.asking import screen
from ldn_bot.frontends.discord.feedback import new_key
from ldn_bot.frontends.discord.help import asks_for_help, help_embed
from ldn_bot.frontends.discord.limits import cooldown_text
from ldn_bot.render import discord_embeds as rd

if TYPE_CHECKING:
    from ldn_bot.frontends.discord.client import LdnBot

log = logging.getLogger("ldn_bot.discord")

NO_PINGS = rd.NO_PINGS
PRIVATE_ACTIONS = frozenset({"reply", "care"})  # safety actions about the member themselves: crisis, distress


def is_personal(engine: Engine, answer: Answer) -> bool:
    """Whether the answer is about the member themselves (a crisis or distress rule fired): never public."""
    fired = set(answer.safety)
    return any(r.id in fired and r.action in PRIVATE_ACTIONS for r in engine.safety.rules)


def sounds_personal(engine: Engine, screened: Screened) -> bool:
    """Whether a crisis or distress rule fired in the message's safety check (`engine.screen`), made before a slash
    command is acknowledged, as an acknowledgement cannot be made private afterwards."""
    return any(r.action in PRIVATE_ACTIONS for r in screened.fired)


def opens_thread(answer: Answer, personal: bool) -> bool:
    """Only an evidence answer, not about the member themselves, moves into a thread of its own."""
    return answer.status == "answered" and not personal


def reply_parts(bot: LdnBot, answer: Answer, question: str, personal: bool) -> tuple[discord.Embed, dict[str, Any],
                                                                                      str | None]:
    """The embed (no title echoing the member's words when personal), the view kwargs and the answer's key."""
    embed = rd.answer_embed(answer, "" if personal else question)
    if personal:
        return embed, {}, None
    key = new_key()
    return embed, {"view": bot.feedback.view(answer, key)}, key


async def open_thread(bot: LdnBot, channel: Any, message: discord.Message, answer: Answer, user_id: int,
                      conversation: Conversation) -> discord.Thread | None:
    """A thread on the answer, named after its topic, where the member's next question continues `conversation`;
    None when the bot may not open one there."""
    try:
        # Through the channel: a follow-up webhook message carries no guild of its own.
        starter = channel.get_partial_message(message.id)
        thread = await starter.create_thread(name=rd.thread_title(answer), auto_archive_duration=1440)
    except (discord.HTTPException, ValueError, AttributeError) as e:
        log.info("no follow-up thread in channel %s: %s", getattr(channel, "id", "?"), e)
        return None
    bot.threads[thread.id] = getattr(channel, "id", None)
    bot.conversations.put((user_id, thread.id), conversation.copy())
    how = "press **Follow up** under an answer, mention me here, or use `/ask` here"
    if bot.config.discord.message_content:
        how = "just type it here, press **Follow up** under an answer, mention me, or use `/ask` here"
    try:
        await thread.send(f"Follow-up questions in this thread continue the conversation: {how}.",
                          allowed_mentions=NO_PINGS)
    except discord.HTTPException as e:
        log.info("could not post in thread %s: %s", thread.id, e)
    return thread


async def answer_message(bot: LdnBot, message: discord.Message, question: str, *, is_dm: bool,
                         in_thread: bool) -> None:
    """Answer a mention or DM in place; in a channel, an evidence answer then moves into a thread."""
    if asks_for_help(question):
        if bot.browse_limiter.hit(message.author.id):
            return
        embed = help_embed(bot.config, bot.engine.studies, bot.user.name if bot.user else "ldn-bot")
        await message.reply(embed=embed, allowed_mentions=NO_PINGS, mention_author=False)
        return
    wait = bot.limiter.hit(message.author.id)
    if wait:
        if bot.limiter.should_tell(message.author.id):
            await message.reply(cooldown_text(wait), allowed_mentions=NO_PINGS, mention_author=False)
        return
    channel = message.channel
    # In a channel, a new topic: it moves into the answer's thread.
    conversation = bot.conversations.get((message.author.id, channel.id)) if is_dm or in_thread else Conversation()
    answer = await bot.answer_question(question, conversation, message.author.id)
    personal = is_personal(bot.engine, answer)
    embed, extra, key = reply_parts(bot, answer, question, personal)
    reply = await message.reply(embed=embed, allowed_mentions=NO_PINGS, mention_author=False, **extra)
    if key is not None:
        bot.followups[key] = conversation.copy()
    if not is_dm and not in_thread and opens_thread(answer, personal):
        await open_thread(bot, channel, reply, answer, message.author.id, conversation)


async def answer_interaction(bot: LdnBot, interaction: discord.Interaction, question: str, *, private: bool,
                             seed: Conversation | None = None, thread: Any = None) -> None:
    """Answer /ask or a Follow up: privately when asked or personal, else publicly where the command was used
    (an evidence answer in a channel then opens a thread). `seed`: the conversation to continue when the member
    has none there yet (a Follow up's answer). `thread`: the answer's thread, where a public Follow up goes."""
    user_id = interaction.user.id
    if asks_for_help(question):
        embed = help_embed(bot.config, bot.engine.studies, bot.user.name if bot.user else "ldn-bot")
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    in_guild = interaction.guild_id is not None

    def conversation_in(channel_id: Any, hidden: bool, keep: bool = True) -> Conversation:
        """The conversation the answer continues there (`keep`: a Follow up's seed is stored for it)."""
        if not in_guild or (thread is not None and not hidden) or bot.is_thread(interaction.channel, channel_id) \
                or private:
            conversation = bot.conversations.get((user_id, channel_id))
            if seed is not None and not conversation.has_topic:
                conversation = seed.copy() if keep else seed
                if keep:
                    bot.conversations.put((user_id, channel_id), conversation)
            return conversation
        return seed.copy() if seed is not None else Conversation()  # a new topic: it moves into a thread

    conversation, screened = None, None
    if not private:
        # The safety check, made once, for the answer too; off the event loop (a long message takes tens of
        # milliseconds), but not behind the engine's queue: the conversation is only read here.
        conversation = conversation_in(interaction.channel_id if thread is None else thread.id, False,
                                       keep=thread is None)
        screened = await asyncio.to_thread(screen, bot.engine, question, conversation)
    hidden = private or (screened is not None and sounds_personal(bot.engine, screened))
    into_thread = thread is not None and not hidden
    await interaction.response.defer(thinking=True, ephemeral=hidden or into_thread)
    channel_id = thread.id if into_thread else interaction.channel_id
    in_thread = into_thread or bot.is_thread(interaction.channel, channel_id)
    if conversation is None or thread is not None:  # where a Follow up is answered depends on whether it is private
        conversation = conversation_in(channel_id, hidden)
    answer = await bot.answer_question(question, conversation, user_id, screened)
    personal = is_personal(bot.engine, answer)
    embed, extra, key = reply_parts(bot, answer, question, personal)
    if personal and not hidden:
        # The rules fired only on the answer (a /reload between): take back the public "thinking" message.
        await interaction.delete_original_response()
        hidden = into_thread = True
    if into_thread and not personal:
        await thread.send(content=f"Follow-up from <@{user_id}>:", embed=embed, allowed_mentions=NO_PINGS, **extra)
        await interaction.followup.send(f"Answered in <#{thread.id}>.", ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        message = await interaction.followup.send(embed=embed, ephemeral=hidden, allowed_mentions=NO_PINGS,
                                                  wait=True, **extra)
        if in_guild and not hidden and not in_thread and opens_thread(answer, personal):
            await open_thread(bot, interaction.channel, message, answer, user_id, conversation)
    if key is not None:
        bot.followups[key] = conversation.copy()


async def answer_followup(bot: LdnBot, interaction: discord.Interaction, key: str, question: str) -> None:
    """A Follow up modal's question: in the conversation of the answer whose button was pressed. An answer that
    opened a thread is followed up in that thread; a private one privately; any other in place."""
    text = " ".join(question.split())
    if not text:
        await interaction.response.send_message("Type a question to follow up.", ephemeral=True,
                                                allowed_mentions=NO_PINGS)
        return
    wait = bot.limiter.hit(interaction.user.id)
    if wait:
        await interaction.response.send_message(cooldown_text(wait), ephemeral=True, allowed_mentions=NO_PINGS)
        return
    message = interaction.message
    private = bool(message is not None and message.flags.ephemeral)
    thread = None
    if message is not None and not private and message.id in bot.threads:  # a thread's id is its starter's id
        thread = bot.get_channel(message.id) or bot.get_partial_messageable(
            message.id, guild_id=interaction.guild_id, type=discord.ChannelType.public_thread)
    await answer_interaction(bot, interaction, text, private=private, seed=bot.followups.get(key), thread=thread)
