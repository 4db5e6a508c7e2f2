"""What the bot needs when invited to a server: the OAuth2 scopes and the bot permissions, declared once here
(the README's invite template and the start-up log's invite link derive from it)."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")  # applications.commands: the bot may register its slash commands
NEEDED = {  # permission -> why (the README's table)
    "view_channel": "see the channels it answers in",
    "send_messages": "reply to mentions",
    "send_messages_in_threads": "answer follow-ups in threads",
    "create_public_threads": "open a thread on an evidence answer",
    "embed_links": "answers are embeds",
    "read_message_history": "reply to a member's message",
}
INVITE_PERMISSIONS = discord.Permissions(**dict.fromkeys(NEEDED, True)).value


def invite_url(application_id: int | str) -> str:
    """The link a server admin opens to add the bot (application id from the Developer Portal's General
    Information page)."""
    return (f"https://discord.com/oauth2/authorize?client_id={application_id}&scope={'+'.join(SCOPES)}"
            f"&permissions={INVITE_PERMISSIONS}")
