"""/help and "@bot help": what a member can do, one example each, and how to follow up an answer."""

from __future__ import annotations

import re
from collections import Counter

import discord

from ldn_bot.config import Config
from ldn_bot.corpus.models import Study
from ldn_bot.render import discord_embeds as rd

# A mention (or /ask) asking for help rather than about LDN: "help", "help?", "commands please".
_HELP = re.compile(r"(?i)^\s*(?:help|commands?|menu|usage|how do i use (?:you|this|it)|what can you do)"
                   r"(?:\s+(?:please|pls|me))?\s*[?!.]*\s*$")


def asks_for_help(text: str) -> bool:
    """Whether a message (mention tokens removed) asks how to use the bot: "help", "commands?" or empty."""
    return not text.strip() or bool(_HELP.match(text))


def examples(studies: dict[str, Study]) -> tuple[str, str]:
    """A condition and a study label for the examples, from the corpus in service: the condition with the most
    studies, and its largest study."""
    counts = Counter(c for s in studies.values() for c in s.conditions)
    if not counts:
        return "fibromyalgia", "Younger 2013"
    condition = counts.most_common(1)[0][0]
    on_it = [s for s in studies.values() if condition in s.conditions]
    label = max(on_it, key=lambda s: (s.n or 0, s.label)).label
    return condition, label


def help_embed(config: Config, studies: dict[str, Study], bot_name: str) -> discord.Embed:
    """The help: each thing a member can do with one example, then how to follow up."""
    condition, label = examples(studies)
    c, lab = _in_code(condition), _in_code(label)
    d = config.discord
    ways = [
        ("Ask a question", f"`/ask question: Does LDN help {c}?`\nAdd `private: True` and only you see the answer."),
    ]
    if d.answer_mentions:
        ways.append(("Mention me in a channel", f"`@{_in_code(bot_name)} what doses were used for {c}?`"))
    if d.answer_dms:
        ways.append(("Send me a direct message", "`What are the side effects of LDN?`"))
    ways += [
        ("Browse the studies", f"`/sources condition: {c}`: the studies on a condition, strongest design first"),
        ("Read one study", f"`/study label: {lab}`: its design, size, doses and findings"),
        ("See it at a glance", f"`/chart condition: {c}`: which studies found what, as one picture (also a "
                               "condition group such as `skin`, or `all`)"),
        ("About the corpus", "`/about`: what the corpus holds and when it was last updated"),
        ("Follow up", _follow_up_text(config)),
        ("Under each answer", "**More** shows every source with its quoted passage; **Chart** (an answer about a "
                              "condition) adds its picture; \U0001f44d / \U0001f44e tell the curators whether the "
                              "answer helped."),
    ]
    spec = rd.EmbedSpec(
        title="What I can do",
        description=("I answer questions about the published evidence on low-dose naltrexone (LDN), quoting the "
                     "studies and citing each one. I give no medical advice."),
        fields=ways, footer=config.disclaimer, colour=rd.COLOURS["chitchat"])
    return rd.build_embed(spec)


def _in_code(text: str) -> str:
    """Text for inside a `code span`, where markdown is shown as typed (so never escaped): no backticks."""
    return " ".join(text.replace("`", "'").split())


def _follow_up_text(config: Config) -> str:
    text = ("Press **Follow up** under an answer and type your next question: it continues that conversation, "
            "so \u201cwhat doses were used?\u201d is read as about the same topic. In an answer's thread you can "
            "also mention me or use `/ask` there")
    if config.discord.message_content:
        text += ", or just type your question"
    return text + "."
