"""What members do, as the fake Discord delivers it to the bot: slash commands (hidden as Discord hides a command
whose default member permissions a member lacks), autocomplete, button clicks, modal submits and messages.
A mixin of FakeDiscord (server.py), which holds the state these events use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class HiddenCommand(Exception):
    """Discord does not show this command to this member (default member permissions), so they cannot use it."""


@dataclass
class Interaction:
    id: int
    token: str
    channel_id: int
    guild_id: int | None
    modal: dict | None = None  # the modal the bot answered with (callback type 9)

    @property
    def callback_path(self) -> str:
        return f"/interactions/{self.id}/{self.token}/callback"

    def webhook_prefix(self, app_id: int) -> str:
        return f"/webhooks/{app_id}/{self.token}"


class MemberEvents:
    """The events a member causes; FakeDiscord supplies the state below and new_id(), member(), dispatch()."""

    guild_id: int
    channel_id: int
    app_id: int
    channels: dict[int, dict]
    messages: dict[int, dict]
    interactions: dict[str, Interaction]
    commands: dict[str, dict]
    command_roles: dict[str, set[int]]

    # -- events a member causes --------------------------------------------------------------------------

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user: dict,
                    channel_id: int | None = None, dm_channel: dict | None = None, roles: list[int] | None = None,
                    permissions: int = 0x800 | 0x400, autocomplete: str | None = None, force: bool = False
                    ) -> Interaction:
        """A slash command (or, with autocomplete=<option>, an autocomplete request) from a member. HiddenCommand
        if Discord would not show the member that command; `force` invokes it anyway (a stale client)."""
        if autocomplete is None and dm_channel is None and not force:
            self._check_visible(name, permissions, roles or [])
        opts = []
        for key, value in (options or {}).items():
            kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
            opt = {"name": key, "type": kind, "value": value}
            if key == autocomplete:
                opt["focused"] = True
            opts.append(opt)
        cmd = self.commands.get(name, {"id": str(self.new_id())})
        data = {"id": cmd["id"], "name": name, "type": 1, "options": opts}
        return await self._interaction(2 if autocomplete is None else 4, data, user=user, channel_id=channel_id,
                                       dm_channel=dm_channel, roles=roles, permissions=permissions)

    def allow_command(self, name: str, role_id: int) -> None:
        """Server Settings > Integrations: let members with the role use the command despite its default
        member permissions."""
        self.command_roles.setdefault(name, set()).add(role_id)

    def _check_visible(self, name: str, permissions: int, roles: list[int]) -> None:
        cmd = self.commands.get(name)
        needed = int((cmd or {}).get("default_member_permissions") or 0)
        if not needed or permissions & 0x8 or permissions & needed == needed:
            return
        if self.command_roles.get(name, set()) & set(roles):
            return
        raise HiddenCommand(f"/{name} needs permissions {needed}; Discord does not show it to this member")

    async def submit_modal(self, shown: Interaction, values: dict[str, str], *, user: dict,
                           message: dict | None = None, dm_channel: dict | None = None) -> Interaction:
        """The member fills in the modal the bot showed in answer to `shown` (values by text input custom id, or
        by the label's text) and submits it: a MODAL_SUBMIT interaction, with `message` when the modal came
        from a button on that message."""
        assert shown.modal is not None, "the bot showed no modal"

        def filled(component: dict, label: str | None = None) -> dict:
            value = values.get(component["custom_id"], values.get(label or "", ""))
            return {"type": 4, "id": component.get("id", 0), "custom_id": component["custom_id"], "value": value}

        parts = []
        for row in shown.modal.get("components") or []:
            if row["type"] == 18:  # a label around its component
                parts.append({"type": 18, "id": row.get("id", 0), "component": filled(row["component"], row["label"])})
            else:
                parts.append({"type": 1, "id": row.get("id", 0), "components": [filled(c) for c in row["components"]]})
        data = {"custom_id": shown.modal["custom_id"], "components": parts}
        channel_id = int(message["channel_id"]) if message else shown.channel_id
        return await self._interaction(5, data, user=user, channel_id=channel_id, dm_channel=dm_channel,
                                       message=message)

    async def click(self, message: dict, custom_id: str, *, user: dict, dm_channel: dict | None = None
                    ) -> Interaction:
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interaction(3, data, user=user, channel_id=int(message["channel_id"]),
                                       dm_channel=dm_channel, message=message)

    async def _interaction(self, kind: int, data: dict, *, user: dict, channel_id: int | None,
                           dm_channel: dict | None, roles: list[int] | None = None, permissions: int = 0x800 | 0x400,
                           message: dict | None = None) -> Interaction:
        iid = self.new_id()
        token = f"tok-{iid}"
        payload: dict[str, Any] = {
            "id": str(iid), "application_id": str(self.app_id), "type": kind, "data": data, "token": token,
            "version": 1, "locale": "en-US", "entitlements": [], "authorizing_integration_owners": {},
            "attachment_size_limit": 10_485_760, "app_permissions": str(0x7FFFFFFFFFFF),
        }
        if dm_channel is not None:
            channel = dm_channel
            guild_id = None
            payload.update(channel=channel, channel_id=channel["id"], user=user, context=1)
        else:
            channel_id = channel_id or self.channel_id
            channel = self.channels[channel_id]
            guild_id = self.guild_id
            payload.update(channel=channel, channel_id=str(channel_id), guild_id=str(guild_id), guild_locale="en-US",
                           member=self.member(user, roles, permissions), context=0)
        if message is not None:
            payload["message"] = message
        inter = Interaction(iid, token, int(channel["id"]), guild_id)
        if kind == 3 and message is not None:  # a button's "original response" is the message it is under
            inter.original = int(message["id"])  # type: ignore[attr-defined]
        self.interactions[token] = inter
        await self.dispatch("INTERACTION_CREATE", payload)
        return inter

    async def message(self, content: str, *, user: dict, channel_id: int | None = None,
                      dm_channel: dict | None = None, mentions: list[dict] | None = None,
                      mention_everyone: bool = False) -> dict:
        """A member's message (MESSAGE_CREATE). Content is what Discord delivers to the bot."""
        mid = self.new_id()
        msg: dict[str, Any] = {
            "id": str(mid), "author": user, "content": content, "timestamp": now_iso(), "edited_timestamp": None,
            "tts": False, "mention_everyone": mention_everyone, "mentions": mentions or [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 0, "components": [],
        }
        if dm_channel is not None:
            msg["channel_id"] = dm_channel["id"]
        else:
            cid = channel_id or self.channel_id
            msg.update(channel_id=str(cid), guild_id=str(self.guild_id), member=self.member(user))
        self.messages[mid] = msg
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg
