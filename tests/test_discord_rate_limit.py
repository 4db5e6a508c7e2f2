"""Discord answering 429 Too Many Requests (the loopback fake, as Discord sends it): discord.py waits retry_after
and sends again, and the member still gets the answer."""

from __future__ import annotations

import asyncio
import logging

from discord_fake import bot_config, running_bot


def test_a_rate_limited_answer_is_retried_by_discord_py_and_arrives(tmp_path, engine, caplog):
    async def scenario():
        async with running_bot(bot_config(tmp_path), engine) as bot:
            fake = bot.fake
            follow_up = rf"/webhooks/{fake.app_id}/[\w-]+"
            fake.rate_limit("POST", follow_up, times=2, retry_after=0.05)
            mark = fake.mark()
            await fake.slash("ask", {"question": "Does LDN help fibromyalgia?"}, user=fake.user("alice"))
            answer = await fake.wait_for(lambda r: r.method == "POST" and r.path.startswith("/webhooks/")
                                         and r.status == 200, mark)
            attempts = fake.find(lambda r: r.method == "POST" and r.path == answer.path, mark)
            return answer, attempts

    with caplog.at_level(logging.WARNING, logger="discord.http"):
        answer, attempts = asyncio.run(scenario())
    assert [r.status for r in attempts] == [429, 429, 200]  # the same follow-up, sent three times
    assert attempts[0].json == attempts[2].json
    assert answer.embeds and answer.embeds[0]["title"] == "Does LDN help fibromyalgia?"
    assert sum("rate limited" in r.getMessage() for r in caplog.records) == 2  # discord.py saw both 429s


def test_a_429_has_discords_shape(tmp_path, engine):
    """What the fake sends is what discord.py relies on: Via (without it a 429 reads as a Cloudflare ban), the
    retry_after body and the bucket headers."""
    import aiohttp
    from discord_fake import FakeDiscord

    async def scenario():
        fake = FakeDiscord()
        await fake.start()
        try:
            fake.rate_limit("GET", "/users/@me", retry_after=1.5)
            async with aiohttp.ClientSession() as http:
                headers = {"Authorization": f"Bot {fake.token}"}
                async with http.get(f"{fake.api_base}/users/@me", headers=headers) as limited:
                    first = (limited.status, dict(limited.headers), await limited.json())
                async with http.get(f"{fake.api_base}/users/@me", headers=headers) as ok:
                    second = ok.status
        finally:
            await fake.close()
        return first, second

    (status, headers, body), second = asyncio.run(scenario())
    assert status == 429 and second == 200
    assert headers["Via"] == "1.1 google" and headers["X-RateLimit-Remaining"] == "0"
    assert headers["Retry-After"] == "2" and headers["X-RateLimit-Reset-After"] == "1.500"
    assert body == {"message": "You are being rate limited.", "retry_after": 1.5, "global": False, "code": 0}
