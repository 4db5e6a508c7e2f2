"""Limits that keep the bot polite and its memory bounded: a per-member rate limit and a bounded mapping."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Any


class RateLimiter:
    """At most `questions` per `per_seconds` for each member (a sliding window); memory stays bounded.

    `clock` (seconds, monotonic) is replaceable for tests.
    """

    def __init__(self, questions: int, per_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.questions = questions
        self.per_seconds = per_seconds
        self.clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._told: dict[Hashable, float] = {}
        self._calls = 0

    def reconfigure(self, questions: int, per_seconds: float) -> None:
        """New limits (after /reload); the questions already counted stay counted."""
        self.questions, self.per_seconds = questions, per_seconds

    def hit(self, key: Hashable) -> float:
        """0.0 when the member `key` may ask now (the question is counted); otherwise seconds until they may."""
        now = self.clock()
        self._calls += 1
        if self._calls % 512 == 0:
            self._prune(now)
        window = self._hits.setdefault(key, deque())
        while window and now - window[0] >= self.per_seconds:
            window.popleft()
        if len(window) >= self.questions:
            return max(0.1, self.per_seconds - (now - window[0]))
        window.append(now)
        return 0.0

    def should_tell(self, key: Hashable) -> bool:
        """Whether to send the cooldown reply: once per window, so a flood does not get a flood back."""
        window = self._hits.get(key)
        start = window[0] if window else 0.0
        if self._told.get(key) == start:
            return False
        self._told[key] = start
        return True

    def _prune(self, now: float) -> None:
        for key in [k for k, w in self._hits.items() if not w or now - w[-1] >= self.per_seconds]:
            del self._hits[key]
            self._told.pop(key, None)


def cooldown_text(wait: float) -> str:
    """The polite "please wait" reply for a member who must wait `wait` seconds."""
    seconds = max(1, int(wait + 0.999))
    return (f"You're asking faster than I can keep up with. Please wait {seconds} second"
            f"{'s' if seconds != 1 else ''} before your next question.")


class Bounded(OrderedDict):
    """An insertion-ordered dict that forgets its oldest entries past `max_size`."""

    def __init__(self, max_size: int) -> None:
        super().__init__()
        self.max_size = max_size

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.max_size:
            self.popitem(last=False)
