"""A loopback fake of Discord: the HTTP API and the gateway, on 127.0.0.1, for a real discord.py client.

The client logs in over HTTP (users/@me, oauth2/applications/@me), syncs its commands, opens the gateway
websocket (HELLO, IDENTIFY, READY, GUILD_CREATE) and is then sent events the way Discord sends them:
INTERACTION_CREATE for slash commands, autocomplete, button clicks and modal submits, MESSAGE_CREATE for mentions,
DMs and thread messages, THREAD_CREATE when the bot opens a thread. As in Discord, a command registered with
default member permissions is hidden from a member who lacks them (unless the server's admins allowed one of
the member's roles in its Integrations settings: `allow_command`), so `slash` refuses to invoke it. Every HTTP
request the bot makes is captured (method, path, query, JSON body) and answered like Discord would, so tests
assert on what the bot *sent*.

The member's side (slash, click, submit_modal, message) is in members.py; `rate_limit()`, which makes chosen
requests get Discord's 429 so discord.py's own retry is exercised, in ratelimits.py.

Tests wait on events (a condition variable signalled per request), never on the clock.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .members import Interaction, MemberEvents, now_iso
from .ratelimits import RateLimit, RateLimits
from .uploads import attachments, parse_multipart

EPHEMERAL = 1 << 6
LOADING = 1 << 7
MESSAGE_CONTENT_INTENT = 1 << 15
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | MESSAGE_CONTENT_INTENT


@dataclass
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    index: int = 0
    response: Any = None
    status: int = 200
    files: list[dict] = field(default_factory=list)  # a multipart upload's files: name, filename, content_type, data

    @property
    def embeds(self) -> list[dict]:
        body = self.json if isinstance(self.json, dict) else {}
        data = body.get("data") if "type" in body and isinstance(body.get("data"), dict) else body
        return (data or {}).get("embeds") or []

    @property
    def body(self) -> dict:
        """The message part: the body itself, or `data` of an interaction callback."""
        body = self.json if isinstance(self.json, dict) else {}
        if "type" in body and isinstance(body.get("data"), dict) and self.path.endswith("/callback"):
            return body["data"]
        return body


class FakeDiscord(MemberEvents, RateLimits):
    def __init__(self, token: str = "fake-token", *, privileged_intents: bool = False, echo: bool = True,
                 max_concurrency: int = 1) -> None:
        self.token = token
        self.max_concurrency = max_concurrency  # shards that may IDENTIFY at once (session_start_limit)
        self.privileged_intents = privileged_intents  # whether the portal has the privileged intents on
        self.echo = echo  # send MESSAGE_CREATE for the bot's own (non-ephemeral) messages, as Discord does
        self._ids = itertools.count(1_100_000_000_000_000_001)
        self.app_id = self.new_id()
        self.bot_user = self.user("ldn-bot", bot=True, id=self.app_id)
        self.owner = self.user("owner")
        self.guild_id = self.new_id()
        self.channel_id = self.new_id()
        self.other_channel_id = self.new_id()
        self.maintainer_role_id = self.new_id()
        self.channels: dict[int, dict] = {}
        self.messages: dict[int, dict] = {}
        self.uploads: dict[int, bytes] = {}  # attachment id -> the bytes uploaded
        self.interactions: dict[str, Interaction] = {}
        self.commands: dict[str, dict] = {}  # by name, as last registered anywhere
        self.registered: dict[str, list[dict]] = {}  # "global" or a guild id -> the commands registered there
        self.command_roles: dict[str, set[int]] = {}  # command -> roles admins allowed it (Integrations settings)
        self.requests: list[Request] = []
        self.identify: list[dict] = []
        self.fail: list[tuple[str, str, int, dict]] = []  # (method, path regex, status, body)
        self.limits: list[RateLimit] = []  # 429s still to give (rate_limit())
        self._cond = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._shard_of: dict[web.WebSocketResponse, tuple[int, int]] = {}  # socket -> (shard id, shard count)
        self._seq = 0
        self.ready = asyncio.Event()
        self.closed_by_client = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        for cid, name in ((self.channel_id, "questions"), (self.other_channel_id, "general")):
            self.channels[cid] = {
                "id": str(cid), "type": 0, "guild_id": str(self.guild_id), "name": name, "position": 0,
                "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                "last_message_id": None, "rate_limit_per_user": 0, "flags": 0,
            }

    # -- ids and objects ------------------------------------------------------------------------------------

    def new_id(self) -> int:
        return next(self._ids)

    def user(self, name: str, *, bot: bool = False, id: int | None = None) -> dict:
        return {"id": str(id or self.new_id()), "username": name, "global_name": name, "discriminator": "0",
                "avatar": None, "bot": bot, "public_flags": 0}

    def member(self, user: dict, roles: list[int] | None = None, permissions: int | None = None) -> dict:
        data = {"user": user, "roles": [str(r) for r in roles or []], "joined_at": now_iso(), "deaf": False,
                "mute": False, "flags": 0, "nick": None, "avatar": None, "premium_since": None, "pending": False,
                "communication_disabled_until": None}
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data

    def guild(self) -> dict:
        everyone = {"id": str(self.guild_id), "name": "@everyone", "permissions": str(0x4_0000_0000 | 0x800 | 0x400),
                    "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        maintainer = dict(everyone, id=str(self.maintainer_role_id), name="LDN maintainers", position=1,
                          permissions="0")
        return {
            "id": str(self.guild_id), "name": "Test server", "icon": None, "splash": None,
            "discovery_splash": None, "owner_id": self.owner["id"], "afk_channel_id": None, "afk_timeout": 300,
            "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
            "roles": [everyone, maintainer], "emojis": [], "stickers": [], "features": [], "mfa_level": 0,
            "application_id": None, "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
            "vanity_url_code": None, "description": None, "banner": None, "premium_tier": 0,
            "preferred_locale": "en-US", "public_updates_channel_id": None, "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "channels": [c for c in self.channels.values()
                                                                if c.get("guild_id") and c["type"] == 0],
            "threads": [], "members": [self.member(self.bot_user)], "member_count": 3, "large": False,
            "joined_at": now_iso(), "unavailable": False, "stage_instances": [], "guild_scheduled_events": [],
            "voice_states": [], "presences": [], "max_members": 500000,
        }

    def dm_channel(self, user: dict) -> dict:
        cid = self.new_id()
        data = {"id": str(cid), "type": 1, "recipients": [user], "last_message_id": None, "flags": 0}
        self.channels[cid] = data
        return data

    # -- server ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._http)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- waiting on what the bot sent -----------------------------------------------------------------------

    def mark(self) -> int:
        return len(self.requests)

    async def wait_for(self, predicate: Callable[[Request], bool], after: int = 0, timeout: float = 10.0) -> Request:
        """The first request (from index `after`) matching predicate; waits for it to arrive."""

        def found() -> Request | None:
            return next((r for r in self.requests[after:] if predicate(r)), None)

        async with self._cond:
            await asyncio.wait_for(self._cond.wait_for(lambda: found() is not None), timeout)
        result = found()
        assert result is not None
        return result

    def find(self, predicate: Callable[[Request], bool], after: int = 0) -> list[Request]:
        return [r for r in self.requests[after:] if predicate(r)]

    async def wait_for_reply(self, interaction: Interaction, after: int = 0) -> Request:
        """The message that answers an interaction: a callback with a message, or a follow-up / edit."""
        prefix = interaction.webhook_prefix(self.app_id)

        def is_reply(r: Request) -> bool:
            if r.path == interaction.callback_path:
                return r.json.get("type") in (4, 7)
            return r.path.startswith(prefix) and r.method in ("POST", "PATCH")

        return await self.wait_for(is_reply, after)

    # -- HTTP ----------------------------------------------------------------------------------------------

    async def _http(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[dict] = []
        if request.can_read_body:
            raw = await request.read()
            ctype = request.headers.get("Content-Type", "")
            if "json" in ctype:
                body = json.loads(raw or b"null")
            elif "multipart" in ctype:
                body, files = parse_multipart(ctype, raw)
            else:
                body = raw.decode("utf-8", "replace") or None
        rec = Request(request.method, path, dict(request.query), body, dict(request.headers), len(self.requests),
                      files=files)
        limited = self._rate_limited(rec)
        if limited is not None:
            async with self._cond:
                self.requests.append(rec)
                self._cond.notify_all()
            return limited
        status, payload = self._respond(rec)
        rec.response, rec.status = payload, status
        async with self._cond:
            self.requests.append(rec)
            self._cond.notify_all()
        if status == 204:
            return web.Response(status=204)
        # Exactly "application/json": discord.py reads a body as JSON only with that content type.
        return web.Response(body=json.dumps(payload).encode(), status=status,
                            headers={"Content-Type": "application/json"})

    def _authorized(self, rec: Request) -> bool:
        if rec.path.startswith(("/webhooks/", "/interactions/")):
            return True
        return rec.headers.get("Authorization") == f"Bot {self.token}"

    def _respond(self, rec: Request) -> tuple[int, Any]:
        for method, pattern, status, body in self.fail:
            if method == rec.method and re.fullmatch(pattern, rec.path):
                return status, body
        if not self._authorized(rec):
            return 401, {"message": "401: Unauthorized", "code": 0}
        m, p = rec.method, rec.path
        if m == "GET" and p == "/users/@me":
            return 200, self.bot_user
        if m == "GET" and p == "/oauth2/applications/@me":
            return 200, {"id": str(self.app_id), "name": "ldn-bot", "description": "", "icon": None,
                         "bot_public": True, "bot_require_code_grant": False, "owner": self.owner,
                         "verify_key": "0" * 64, "flags": 0}
        if m == "GET" and p in ("/gateway", "/gateway/bot"):
            return 200, {"url": self.gateway_url, "shards": 1,
                         "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0,
                                                 "max_concurrency": self.max_concurrency}}
        if m == "PUT" and (mm := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", p)):
            out = []
            self.registered[mm.group(2) or "global"] = out
            for cmd in rec.json or []:
                perms = cmd.get("default_member_permissions")  # Discord answers with a string
                data = dict(cmd, id=str(self.new_id()), application_id=str(self.app_id), version="1",
                            default_member_permissions=None if perms is None else str(perms))
                if mm.group(2):
                    data["guild_id"] = mm.group(2)
                self.commands[cmd["name"]] = data
                out.append(data)
            return 200, out
        if m == "POST" and (mm := re.fullmatch(r"/interactions/(\d+)/([\w-]+)/callback", p)):
            return self._callback(mm.group(2), rec.json, rec.files)
        if mm := re.fullmatch(r"/webhooks/(\d+)/([\w-]+)(?:/messages/(@original|\d+))?", p):
            inter = self.interactions.get(mm.group(2))
            if inter is None:
                return 404, {"message": "Unknown Webhook", "code": 10015}
            if m == "POST" and mm.group(3) is None:
                return 200, self._bot_message(inter.channel_id, rec.json or {}, inter.guild_id, webhook=True,
                                              files=rec.files)
            if m in ("PATCH", "GET") and mm.group(3):
                key = mm.group(3)
                mid = getattr(inter, "original", None) if key == "@original" else int(key)
                msg = self.messages.get(mid) if mid else None
                if msg is None:
                    msg = self._bot_message(inter.channel_id, {}, inter.guild_id, webhook=True, echo=False)
                    inter.original = int(msg["id"])  # type: ignore[attr-defined]
                if m == "PATCH":
                    for k in ("content", "embeds", "components"):
                        if k in (rec.json or {}):
                            msg[k] = rec.json[k]
                    if "attachments" in (rec.json or {}):  # those kept (by id), then the new uploads
                        kept = {str(a.get("id")) for a in rec.json["attachments"]}
                        msg["attachments"] = [a for a in msg["attachments"] if a["id"] in kept] + \
                            self._attachments(rec.json, rec.files)
                    msg["flags"] = msg.get("flags", 0) & ~LOADING
                return 200, msg
            if m == "DELETE":
                return 204, None
        if m == "POST" and (mm := re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", p)):
            return self._thread(int(mm.group(1)), int(mm.group(2)), rec.json or {})
        if m == "POST" and (mm := re.fullmatch(r"/channels/(\d+)/messages", p)):
            cid = int(mm.group(1))
            channel = self.channels.get(cid)
            guild_id = int(channel["guild_id"]) if channel and channel.get("guild_id") else None
            return 200, self._bot_message(cid, rec.json or {}, guild_id, files=rec.files)
        if m == "POST" and re.fullmatch(r"/channels/(\d+)/typing", p):
            return 204, None
        if m == "POST" and p == "/users/@me/channels":
            return 200, self.dm_channel(self.user("someone", id=int(rec.json["recipient_id"])))
        return 404, {"message": f"fake Discord has no route for {m} {p}", "code": 0}

    def _callback(self, token: str, body: dict, files: list[dict] | None = None) -> tuple[int, Any]:
        inter = self.interactions.get(token)
        if inter is None:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if getattr(inter, "responded", False):
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        inter.responded = True  # type: ignore[attr-defined]
        kind = body.get("type")
        data = body.get("data") or {}
        response: dict[str, Any] = {"interaction": {"id": str(inter.id), "type": 2}}
        if kind in (4, 5):
            flags = int(data.get("flags") or 0)
            payload = dict(data, flags=flags | (LOADING if kind == 5 else 0))
            msg = self._bot_message(inter.channel_id, payload, inter.guild_id, webhook=True,
                                    echo=kind == 4 and not flags & EPHEMERAL, files=files)
            inter.original = int(msg["id"])  # type: ignore[attr-defined]
            response["interaction"].update(response_message_id=msg["id"], response_message_loading=kind == 5,
                                           response_message_ephemeral=bool(flags & EPHEMERAL))
            response["resource"] = {"type": kind, "message": msg}
        elif kind == 8:
            response["resource"] = {"type": 8}
        elif kind == 9:  # a modal: the member now sees it and may submit it (submit_modal)
            inter.modal = data
            response["resource"] = {"type": 9}
        else:
            response["resource"] = {"type": kind}
        return 200, response

    def _attachments(self, payload: dict, files: list[dict] | None) -> list[dict]:
        return attachments(payload, files, self.new_id, self.uploads)

    def _bot_message(self, channel_id: int, payload: dict, guild_id: int | None, webhook: bool = False,
                     echo: bool = True, files: list[dict] | None = None) -> dict:
        mid = self.new_id()
        flags = int(payload.get("flags") or 0)
        msg = {
            "id": str(mid), "channel_id": str(channel_id), "author": self.bot_user,
            "content": payload.get("content") or "", "timestamp": now_iso(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": self._attachments(payload, files),
            "embeds": payload.get("embeds") or [], "pinned": False,
            "type": 19 if payload.get("message_reference") else 0, "flags": flags,
            "components": payload.get("components") or [],
        }
        if guild_id is not None:
            msg["guild_id"] = str(guild_id)
        if webhook:
            msg["webhook_id"] = str(self.app_id)
            msg["application_id"] = str(self.app_id)
        if payload.get("message_reference"):
            msg["message_reference"] = payload["message_reference"]
        self.messages[mid] = msg
        if echo and self.echo and not flags & EPHEMERAL and self._sockets:
            asyncio.get_running_loop().create_task(self.dispatch("MESSAGE_CREATE", dict(msg)))
        return msg

    def _thread(self, channel_id: int, message_id: int, body: dict) -> tuple[int, Any]:
        parent = self.channels.get(channel_id)
        if parent is None or parent["type"] != 0:
            return 400, {"message": "Cannot create a thread here", "code": 50024}
        thread = {
            "id": str(message_id), "guild_id": parent["guild_id"], "parent_id": str(channel_id),
            "owner_id": self.bot_user["id"], "name": body.get("name", "thread"), "type": 11,
            "last_message_id": None, "message_count": 0, "member_count": 1, "rate_limit_per_user": 0,
            "flags": 0, "total_message_sent": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": body.get("auto_archive_duration", 1440),
                                "archive_timestamp": now_iso(), "locked": False},
        }
        self.channels[message_id] = thread
        if self._sockets:
            asyncio.get_running_loop().create_task(
                self.dispatch("THREAD_CREATE", dict(thread, newly_created=True)))
        return 201, thread

    # -- gateway -------------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                op = data.get("op")
                if op == 1:
                    await ws.send_json({"op": 11})
                elif op == 2:
                    await self._identify(ws, data["d"])
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
                self.closed_by_client.set()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, d: dict) -> None:
        self.identify.append(d)
        if d.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if d.get("intents", 0) & PRIVILEGED_INTENTS and not self.privileged_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = d.get("shard") or [0, 1]
        mine = (self.guild_id >> 22) % shard[1] == shard[0]
        self._sockets.append(ws)
        self._shard_of[ws] = (shard[0], shard[1])
        self._seq += 1
        await ws.send_json({"op": 0, "t": "READY", "s": self._seq, "d": {
            # Discord lists guilds as unavailable here and sends each in a GUILD_CREATE; the fake puts the
            # whole guild in READY too, so the guild is cached the moment READY is parsed (no race with
            # discord.py's guild_ready_timeout), and still sends GUILD_CREATE after it.
            "v": 10, "user": self.bot_user, "guilds": [self.guild()] if mine else [],
            "session_id": "fake-session", "resume_gateway_url": self.gateway_url, "shard": shard,
            "application": {"id": str(self.app_id), "flags": 0},
        }})
        if mine:
            self._seq += 1
            await ws.send_json({"op": 0, "t": "GUILD_CREATE", "s": self._seq, "d": self.guild()})
        self.ready.set()

    async def dispatch(self, event: str, data: dict) -> None:
        """As Discord does: a server's events go to the shard that has the server, direct messages to shard 0."""
        guild = data.get("guild_id")
        for ws in list(self._sockets):
            shard, count = self._shard_of.get(ws, (0, 1))
            if shard != ((int(guild) >> 22) % count if guild else 0):
                continue
            self._seq += 1
            await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})
