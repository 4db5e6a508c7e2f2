"""The harvest plot in Discord (issue 24): the "Chart" button under an answer about a condition, which attaches
the PNG to that answer, and what `/chart condition:` sends. Drawing runs on the engine's worker thread (never on
the event loop); the plotting library is imported on the first chart only, so start-up never pays for it."""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from rapidfuzz import fuzz, process

from ldn_bot.engine.answer import Answer
from ldn_bot.engine.charting import ChartData, Subject, chart_data, resolve, subjects
from ldn_bot.errors import UsageError
from ldn_bot.render.discord_embeds import NO_PINGS

if TYPE_CHECKING:
    from ldn_bot.engine.engine import Engine
    from ldn_bot.frontends.discord.client import LdnBot

log = logging.getLogger("ldn_bot.discord")

CHART_PATTERN = r"ldn:chart:(?P<name>[^\n]{1,80})"
ALT_LIMIT = 1024  # Discord's limit on an attachment's description (alt text)
ATTACHED = "The chart is attached to this answer."


def chart_subject(answer: Answer) -> str | None:
    """The condition an answer's Chart button draws: the one its tally counts; None when it has no tally."""
    if answer.status != "answered" or answer.tally is None or len(answer.tally.topic) > 80:
        return None
    return answer.tally.topic


class ChartButton(discord.ui.DynamicItem[discord.ui.Button], template=CHART_PATTERN):
    """"Chart" under an answer about a condition: attaches the condition's harvest plot to the answer. The custom
    id carries the condition's canonical name, so the button works after a restart. A click goes to the client's
    `attach_chart(interaction, name)`."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.secondary, label="Chart",
                                           emoji="\N{BAR CHART}", custom_id=f"ldn:chart:{name}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ChartButton:
        return cls(match["name"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await attach_chart(interaction, self.name)


def draw(engine: Engine, text: str) -> tuple[ChartData, discord.File]:
    """The chart data for `text` (as members type it) and its PNG as a Discord file with alt text; raises
    UsageError when `text` names nothing to chart. Blocking: run it on the worker thread."""
    from ldn_bot.render.chart import render  # the plotting library, on the first chart only

    data = chart_data(engine, resolve(engine, text))
    drawn = render(data)
    name = re.sub(r"[^a-z0-9]+", "-", data.subject.name.lower().replace("'", "")).strip("-") or "chart"
    alt = f"Harvest plot. {data.tally.text}"[:ALT_LIMIT]
    return data, discord.File(io.BytesIO(drawn.png), filename=f"chart-{name}.png", description=alt)


def _has_chart(message: discord.Message | None) -> bool:
    return bool(message and any(a.filename.startswith("chart-") for a in message.attachments))


async def attach_chart(interaction: discord.Interaction, name: str) -> None:
    """A Chart click: attach the harvest plot of `name` to the answer the button is under (once), or tell the
    member privately why not (the chart is already there, browsing too fast, the condition has gone)."""
    bot: LdnBot = interaction.client  # type: ignore[assignment]
    if _has_chart(interaction.message):
        await interaction.response.send_message(ATTACHED, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    wait = bot.browse_limiter.hit(interaction.user.id)
    if wait:
        from ldn_bot.frontends.discord.limits import cooldown_text

        await interaction.response.send_message(cooldown_text(wait), ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await interaction.response.defer()  # drawing can take a second: the message is then edited
    engine = bot.engine
    try:
        _, file = await bot.run_blocking(draw, engine, name)
    except UsageError as e:  # a /reload since the answer took the condition away
        await interaction.followup.send(str(e), ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await interaction.edit_original_response(attachments=[file], allowed_mentions=NO_PINGS)


def chart_message(data: ChartData) -> str:
    """The text sent with a /chart image: the tally (what the picture counts, for those who cannot see it) and
    the disclaimer, which closes every answer."""
    title = data.title if data.subject.kind != "condition" else data.tally.heading[:1].upper() + \
        data.tally.heading[1:]
    return f"**{discord.utils.escape_markdown(title)}**\n{data.tally.text}\n\n-# {data.disclaimer}"[:2000]


def choices(engine: Engine, current: str, limit: int) -> list[tuple[str, str]]:
    """(shown name, value) of up to `limit` chart subjects closest to what the member has typed: conditions,
    then groups ("skin — condition group"), then "all"."""
    every = subjects(engine)
    shown = {_shown(s): s for s in every}
    if current.strip():
        names = [m[0] for m in process.extract(current[:100], list(shown), scorer=fuzz.WRatio, limit=limit)]
    else:
        names = list(shown)[:limit]
    return [(n, _value(shown[n])) for n in names]


def _shown(subject: Subject) -> str:
    if subject.kind == "group":
        return f"{subject.name} \u2014 condition group"
    if subject.kind == "all":
        return "all \u2014 every condition group"
    return subject.name


def _value(subject: Subject) -> str:
    return f"{subject.name} conditions" if subject.kind == "group" else subject.name
