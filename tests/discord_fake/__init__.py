"""A loopback fake of Discord's HTTP API and gateway for testing the bot with real discord.py objects."""

from .harness import BotRun, bot_config, running_bot
from .members import HiddenCommand, Interaction
from .server import FakeDiscord, Request

__all__ = ["BotRun", "FakeDiscord", "HiddenCommand", "Interaction", "Request", "bot_config", "running_bot"]
