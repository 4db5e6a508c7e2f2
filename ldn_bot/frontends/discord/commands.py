"""The slash commands: /ask, /sources, /study, /chart, /about, /help, /reload (admins only).

Written as discord.py's own examples write them: a coroutine per command, its docstring's first line the
description Discord shows, typed parameters (ranges, optional values) for the options, `describe` for the
options' help, `autocomplete` beside the command it serves. The client in service is `interaction.client`.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from ldn_bot.corpus.stats import breakdown_lines, direction_summary
from ldn_bot.engine.charting import resolve
from ldn_bot.errors import UsageError
from ldn_bot.frontends.discord import answering, charts
from ldn_bot.frontends.discord.client import NO_PINGS, LdnBot, question_text
from ldn_bot.frontends.discord.help import help_embed
from ldn_bot.frontends.discord.limits import cooldown_text
from ldn_bot.render import discord_embeds as rd
from ldn_bot.render.discord_text import CHOICE_LIMIT, plain_name

Interaction = discord.Interaction[LdnBot]
MAX_CHOICES = 25  # Discord's limit on autocomplete choices


async def admit(interaction: Interaction, kind: Literal["question", "browse"] = "question") -> bool:
    """Whether the command may run here: an allowed channel and within the member's rate limit for its `kind`
    (questions have theirs; browsing the corpus a separate, generous one). When it may not, the member has been
    told why (privately)."""
    bot = interaction.client
    if interaction.guild_id is not None and not bot.channel_allowed(interaction.channel, interaction.channel_id):
        await interaction.response.send_message(f"I only answer in {bot.allowed_channels_text()}.",
                                                ephemeral=True, allowed_mentions=NO_PINGS)
        return False
    limiter = bot.limiter if kind == "question" else bot.browse_limiter
    wait = limiter.hit(interaction.user.id)
    if wait:
        await interaction.response.send_message(cooldown_text(wait), ephemeral=True, allowed_mentions=NO_PINGS)
        return False
    return True


@app_commands.command()
@app_commands.describe(question="Your question, for example: Does LDN help fibromyalgia?",
                       private="Only you see the answer")
async def ask(interaction: Interaction, question: app_commands.Range[str, 1, 1000], private: bool = False) -> None:
    """Ask about the published evidence on low-dose naltrexone (LDN)"""
    if not await admit(interaction):
        return
    await answering.answer_interaction(interaction.client, interaction, question_text(question), private=private)


@app_commands.command(name="help")
async def help_command(interaction: Interaction) -> None:
    """What you can ask me, with examples, and how to follow up an answer"""
    bot = interaction.client
    if not await admit(interaction, "browse"):
        return
    embed = help_embed(bot.config, bot.engine.studies, bot.user.name if bot.user else "ldn-bot")
    await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)


@app_commands.command()
@app_commands.describe(condition="A condition, for example fibromyalgia (leave empty for all)")
async def sources(interaction: Interaction, condition: app_commands.Range[str, 1, 100] | None = None) -> None:
    """The studies in the corpus, for one condition or all"""
    bot = interaction.client
    if not await admit(interaction, "browse"):
        return
    await interaction.response.defer(thinking=True)
    engine = bot.engine
    answer = await bot.run_blocking(engine.sources, condition.strip() if condition else None)
    await interaction.followup.send(embed=rd.sources_embed(answer), allowed_mentions=NO_PINGS)


@sources.autocomplete("condition")
async def condition_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 covered conditions, closest to what the member has typed first."""
    names = interaction.client.engine.queries.rank_conditions(current, MAX_CHOICES)
    return [app_commands.Choice(name=plain_name(n, CHOICE_LIMIT), value=n[: CHOICE_LIMIT]) for n in names]


@app_commands.command()
@app_commands.describe(label="The study, for example Younger 2013")
async def study(interaction: Interaction, label: app_commands.Range[str, 1, 100]) -> None:
    """One study's record: design, size, doses, findings"""
    bot = interaction.client
    if not await admit(interaction, "browse"):
        return
    found = bot.engine.queries.find_study(label)
    if found is None:
        await interaction.response.send_message(
            f"No study in my corpus matches \u201c{rd.user_text(label, 200)}\u201d. `/sources` lists them.",
            ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await interaction.response.send_message(embed=rd.study_embed(found, bot.config.disclaimer),
                                            allowed_mentions=NO_PINGS)


@study.autocomplete("label")
async def study_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 studies ("Label — title"), closest to what the member has typed (label, former label or
    title) first."""
    out = []
    for found, _ in interaction.client.engine.queries.rank_studies(current, MAX_CHOICES):
        name = f"{found.label} \u2014 {found.title}" if found.title else found.label
        out.append(app_commands.Choice(name=plain_name(name, CHOICE_LIMIT), value=found.label[: CHOICE_LIMIT]))
    return out


@app_commands.command()
async def about(interaction: Interaction) -> None:
    """What ldn-bot is and what its corpus holds"""
    bot = interaction.client
    if not await admit(interaction, "browse"):
        return
    m, held = bot.config.messages, bot.engine.queries.summary()
    levels = "\n".join(f"{level}: {count}" for level, count in held.levels)
    counts = breakdown_lines(bot.engine.corpus)
    updated = bot.corpus_date.strftime("%Y-%m-%d") if bot.corpus_date else "unknown"
    fields = [
        ("Corpus", f"{held.studies} study records on {held.conditions} conditions, "
                   f"{held.documents} source document(s)"),
        ("Evidence levels", rd.escape(levels) or "none"),
        *((title, rd.escape(line)) for title, line in (
            ("Studies by condition group", counts["by_condition_group"]),
            ("Studies by dose", counts["by_dose_class"]),
            ("Studies by kind of publication", counts["by_publication_type"])) if line),
        ("What the studies found", rd.join_lines(
            (f"**{rd.escape(c)}**: {rd.escape(line)}" for c, line in direction_summary(bot.engine.corpus).items()),
            rd.FIELD_VALUE_LIMIT) or "none"),
        ("Last updated", f"{updated} (corpus); loaded {discord.utils.format_dt(bot.loaded_at, 'R')}"),
        ("Commands", "`/ask` a question \u00b7 `/sources` the studies \u00b7 `/study` one study \u00b7 "
                     "`/chart` a condition at a glance \u00b7 "
                     "`/help` how to ask and follow up \u00b7 mention me or send me a direct message"),
    ]
    spec = rd.EmbedSpec(title="About ldn-bot", description=rd.escape(f"{m.creator}\n\n{m.capabilities}"),
                        fields=fields, footer=bot.config.disclaimer, colour=rd.COLOURS["chitchat"])
    await interaction.response.send_message(embed=rd.build_embed(spec), ephemeral=True, allowed_mentions=NO_PINGS)


def may_reload(interaction: Interaction) -> bool:
    """Manage Server (or Administrator), or the role named (or numbered) in discord.maintainer_role."""
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator:
        return True
    role = interaction.client.config.discord.maintainer_role
    roles = getattr(interaction.user, "roles", [])
    if role:
        wanted = role.strip().casefold()
        return any(r.name.casefold() == wanted or str(r.id) == wanted for r in roles)
    return False


@app_commands.command()
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # Discord shows it only to admins; may_reload checks anyway
@app_commands.describe(confirm="serve the new corpus even if it has fewer studies (default: ask first)")
async def reload(interaction: Interaction, confirm: bool = False) -> None:
    """Maintainers: re-read the corpus and settings"""
    if interaction.guild_id is None:
        await interaction.response.send_message("Use /reload in a server.", ephemeral=True, allowed_mentions=NO_PINGS)
        return
    if not may_reload(interaction):
        await interaction.response.send_message(
            "Only members with Manage Server or the maintainer role can reload the corpus.",
            ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await interaction.response.defer(thinking=True, ephemeral=True)
    message = await interaction.client.reload(confirm=confirm)
    await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)


@app_commands.command()
@app_commands.describe(condition="A condition (fibromyalgia), a group (skin, gut) or all")
async def chart(interaction: Interaction, condition: app_commands.Range[str, 1, 100]) -> None:
    """The harvest plot of a condition: which studies found what, at a glance"""
    bot = interaction.client
    if not await admit(interaction, "browse"):
        return
    try:
        resolve(bot.engine, condition)
    except UsageError as e:  # the member's own words stay between them and the bot
        await interaction.response.send_message(str(e), ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await interaction.response.defer(thinking=True)
    data, file = await bot.run_blocking(charts.draw, bot.engine, condition)
    await interaction.followup.send(charts.chart_message(data), file=file, allowed_mentions=NO_PINGS)


@chart.autocomplete("condition")
async def chart_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 conditions, groups and "all", closest to what the member has typed first."""
    return [app_commands.Choice(name=plain_name(n, CHOICE_LIMIT), value=v[:CHOICE_LIMIT])
            for n, v in charts.choices(interaction.client.engine, current, MAX_CHOICES)]


COMMANDS: tuple[app_commands.Command[Any, ..., Any], ...] = (ask, sources, study, chart, about, help_command, reload)
ADMIN_COMMANDS = ("reload",)  # registered with default member permissions Manage Server
