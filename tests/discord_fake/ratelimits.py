"""Discord's 429 Too Many Requests, given by the fake on request (`rate_limit()`), so discord.py's own retry is
exercised. A mixin of FakeDiscord (server.py), which keeps `limits` and answers through `_rate_limited`."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .server import Request


@dataclass
class RateLimit:
    method: str
    path: str  # regex, matched against the path without /api/v10
    times: int
    retry_after: float
    is_global: bool


class RateLimits:
    limits: list[RateLimit]  # 429s still to give

    def rate_limit(self, method: str, path: str, *, times: int = 1, retry_after: float = 0.05,
                   is_global: bool = False) -> None:
        """Answer the next `times` requests matching (method, path regex) with 429 Too Many Requests, as Discord
        does: a JSON body with retry_after (seconds, a float) and global, the X-RateLimit-* headers, and
        `Via: 1.1 google` (discord.py takes a 429 without Via for a Cloudflare ban and gives up)."""
        self.limits.append(RateLimit(method, path, times, retry_after, is_global))

    def _rate_limited(self, rec: Request) -> web.Response | None:
        for limit in self.limits:
            if limit.times > 0 and limit.method == rec.method and re.fullmatch(limit.path, rec.path):
                limit.times -= 1
                body = {"message": "You are being rate limited.", "retry_after": limit.retry_after,
                        "global": limit.is_global, "code": 0}
                headers = {"Content-Type": "application/json", "Via": "1.1 google",
                           "Retry-After": str(max(1, math.ceil(limit.retry_after))),
                           "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                           "X-RateLimit-Reset": f"{datetime.now(UTC).timestamp() + limit.retry_after:.3f}",
                           "X-RateLimit-Reset-After": f"{limit.retry_after:.3f}",
                           "X-RateLimit-Bucket": "fake-" + re.sub(r"\W+", "-", limit.path).strip("-"),
                           "X-RateLimit-Scope": "global" if limit.is_global else "user"}
                if limit.is_global:
                    headers["X-RateLimit-Global"] = "true"
                rec.status, rec.response = 429, body
                return web.Response(body=json.dumps(body).encode(), status=429, headers=headers)
        return None
