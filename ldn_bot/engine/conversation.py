"""Per-conversation state: the topic (conditions and studies) a follow-up question refers back to."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class Conversation:
    conditions: list[str] = field(default_factory=list)  # canonical condition names last discussed
    labels: list[str] = field(default_factory=list)  # studies cited by the last evidence answer
    turns: int = 0
    updated: float = field(default_factory=time.monotonic)

    def reset(self) -> None:
        self.conditions = []
        self.labels = []
        self.turns = 0
        self.updated = time.monotonic()

    def expire_if_idle(self, idle_seconds: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if now - self.updated > idle_seconds:
            self.reset()
        self.updated = now

    @property
    def has_topic(self) -> bool:
        return bool(self.conditions or self.labels)


class ConversationStore:
    """Conversations keyed by (user, channel/thread); bounded (least recently used go first) and expiring."""

    def __init__(self, max_size: int, idle_seconds: float) -> None:
        self.max_size = max_size
        self.idle_seconds = idle_seconds
        self._items: OrderedDict[Hashable, Conversation] = OrderedDict()

    def get(self, key: Hashable, now: float | None = None) -> Conversation:
        now = time.monotonic() if now is None else now
        for k in [k for k, c in self._items.items() if now - c.updated > self.idle_seconds]:
            del self._items[k]
        conv = self._items.pop(key, None) or Conversation(updated=now)
        self._items[key] = conv
        while len(self._items) > self.max_size:
            self._items.popitem(last=False)
        return conv

    def __len__(self) -> int:
        return len(self._items)
