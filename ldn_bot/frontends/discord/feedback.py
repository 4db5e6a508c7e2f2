"""The buttons under an answer: More (the full answer, every source with its passage), Follow up (followup.py),
Chart (charts.py) and 👍 / 👎, whose votes are appended to the feedback log that curators read with `ldn-bot gaps`."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from ldn_bot.engine.answer import Answer
from ldn_bot.frontends.discord.charts import ChartButton, chart_subject
from ldn_bot.frontends.discord.followup import FollowUpButton
from ldn_bot.frontends.discord.limits import Bounded
from ldn_bot.logs import JsonlLog, answer_record
from ldn_bot.render.discord_embeds import NO_PINGS, detail_embed, has_more

log = logging.getLogger("ldn_bot.discord")

MAX_ANSWERS_TRACKED = 10_000
FEEDBACK_PATTERN = r"ldn:fb:(?P<vote>up|down):(?P<key>[0-9a-f]{12})"
MORE_PATTERN = r"ldn:more:(?P<key>[0-9a-f]{12})"
EXPIRED = "That answer is no longer in my memory (I was restarted). Ask again to see all its sources."


class MoreButton(discord.ui.DynamicItem[discord.ui.Button], template=MORE_PATTERN):
    """"More" under a short answer: shows the member, privately, the full answer. A click goes to the client's
    `show_more(interaction, key)`."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.primary, label="More",
                                           custom_id=f"ldn:more:{key}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> MoreButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        show = getattr(interaction.client, "show_more", None)
        if show is not None:
            await show(interaction, self.key)


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button], template=FEEDBACK_PATTERN):
    """👍 or 👎 under an answer. The custom id carries the vote and the answer's key, so buttons keep working
    after a restart (the answer is then read back from the message itself). A click goes to the client's
    `record_feedback(interaction, vote, key)`."""

    def __init__(self, vote: str, key: str) -> None:
        self.vote = vote
        self.key = key
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.secondary,
            emoji="\N{THUMBS UP SIGN}" if vote == "up" else "\N{THUMBS DOWN SIGN}",
            custom_id=f"ldn:fb:{vote}:{key}",
        ))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FeedbackButton:
        return cls(match["vote"], match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        record = getattr(interaction.client, "record_feedback", None)
        if record is not None:
            await record(interaction, self.vote, self.key)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("\u200b", "")).rstrip("\u2026")


def record_from_message(message: discord.Message | None) -> dict[str, Any]:
    """An answer record (question, status "unknown", cited labels) read back from the answer's embed: after a
    restart the answer's key is unknown."""
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


RATED = ("answered", "no_evidence")  # answers whose sources members rate with 👍 / 👎


def new_key() -> str:
    """A fresh key naming one answer in its buttons' custom ids."""
    return secrets.token_hex(6)


def answer_buttons(answer: Answer, key: str) -> list[discord.ui.Item[Any]]:
    """The buttons under an answer, left to right (a new button is one more line here): More when the short
    answer leaves sources out, Follow up, Chart for an answer about a condition, and 👍 / 👎 for an evidence
    answer."""
    items: list[discord.ui.Item[Any]] = []
    if has_more(answer):
        items.append(MoreButton(key))
    items.append(FollowUpButton(key))
    if (condition := chart_subject(answer)) is not None:
        items.append(ChartButton(condition))
    if answer.status in RATED:
        items += [FeedbackButton("up", key), FeedbackButton("down", key)]
    return items


class Feedback:
    """The answers shown with buttons (by key) and who has rated which; both bounded."""

    def __init__(self, max_tracked: int = MAX_ANSWERS_TRACKED) -> None:
        self.answers: Bounded = Bounded(max_tracked)  # feedback key -> answer record
        self.rated: Bounded = Bounded(max_tracked)  # (key, user id) already rated
        self.full: Bounded = Bounded(max_tracked)  # key -> the Answer, for its More button

    def view(self, answer: Answer, key: str) -> discord.ui.View:
        """The buttons of `answer_buttons` under `answer`, whose clicks find the answer by `key`."""
        if answer.status in RATED:
            self.answers[key] = answer_record(answer, "discord")
        if has_more(answer):
            self.full[key] = answer
        view = discord.ui.View(timeout=None)
        for item in answer_buttons(answer, key):
            view.add_item(item)
        return view

    async def record(self, interaction: discord.Interaction, vote: str, key: str, *, log_path: Path,
                     user_id: int | None, run_blocking: Callable[..., Awaitable[Any]]) -> None:
        """Thank the member (once per answer) and append their vote to `log_path`, with `user_id` if given;
        the write runs through `run_blocking`."""
        if (key, interaction.user.id) in self.rated:
            await interaction.response.send_message("You already rated this answer. Thank you!",
                                                    ephemeral=True, allowed_mentions=NO_PINGS)
            return
        self.rated[(key, interaction.user.id)] = True
        await interaction.response.send_message(
            "Thanks! Your feedback helps the curators improve the corpus.", ephemeral=True,
            allowed_mentions=NO_PINGS)
        record = dict(self.answers.get(key) or record_from_message(interaction.message))
        record["answered"] = record.pop("time", None)
        record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **record,
                  "vote": vote, "answer_key": key}
        if user_id is not None:
            record["user_id"] = str(user_id)
        await run_blocking(JsonlLog(log_path).append, record)


# registered with the client: they survive restarts
DYNAMIC_ITEMS = (MoreButton, FollowUpButton, ChartButton, FeedbackButton)


async def show_more(interaction: discord.Interaction, answer: Answer | None) -> None:
    """Answer a More click privately: the full answer's embed, or a note that it has expired."""
    if answer is None:
        await interaction.response.send_message(EXPIRED, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await interaction.response.send_message(embed=detail_embed(answer), ephemeral=True, allowed_mentions=NO_PINGS)
