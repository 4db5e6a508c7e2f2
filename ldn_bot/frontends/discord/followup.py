"""The Follow up button under an answer: a modal asks for the next question, which continues the answer's
conversation. Works with the default intents (a modal carries its own text, like a slash command), so members
need neither the Message Content intent nor a mention to follow up."""

from __future__ import annotations

import re
from typing import Any

import discord

FOLLOWUP_PATTERN = r"ldn:fu:(?P<key>[0-9a-f]{12})"
QUESTION_LIMIT = 1000  # as /ask's question option


class FollowUpModal(discord.ui.Modal):
    """"Follow-up question": one text field. A submit goes to the client's `answer_followup(interaction, key,
    question)` with the key of the answer the button was under."""

    def __init__(self, key: str) -> None:
        super().__init__(title="Follow-up question", timeout=900)
        self.key = key
        self.question: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph, placeholder="For example: What doses were used?",
            min_length=1, max_length=QUESTION_LIMIT)
        self.add_item(discord.ui.Label(
            text="Your next question", component=self.question,
            description="It continues the conversation of the answer above."))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        answer = getattr(interaction.client, "answer_followup", None)
        if answer is not None:
            await answer(interaction, self.key, self.question.value)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        on_error = getattr(interaction.client, "on_followup_error", None)
        if on_error is not None:
            await on_error(interaction, error)
        else:
            await super().on_error(interaction, error)


class FollowUpButton(discord.ui.DynamicItem[discord.ui.Button], template=FOLLOWUP_PATTERN):
    """"Follow up" under an answer: opens FollowUpModal. The custom id carries the answer's key, so the button
    keeps working after a restart (the question is then answered as a new one)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.success, label="Follow up",
                                           custom_id=f"ldn:fu:{key}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FollowUpButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FollowUpModal(self.key))
