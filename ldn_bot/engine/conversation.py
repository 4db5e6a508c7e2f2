"""Per-conversation state: the topic (conditions and studies) a follow-up question refers back to."""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field, fields


@dataclass
class Conversation:
    conditions: list[str] = field(default_factory=list)  # canonical condition names last discussed
    labels: list[str] = field(default_factory=list)  # studies cited by the last evidence answer
    aspects: list[str] = field(default_factory=list)  # what the last question asked about (dose, side_effects, ...)
    turns: int = 0
    safety_memory: set[str] = field(default_factory=set)  # safety rules that keep firing (an opioid named once)
    said: list[str] = field(default_factory=list)  # the member's last messages, read with the next by safety
    updated: float = field(default_factory=time.monotonic)

    def reset(self) -> None:
        self.conditions = []
        self.labels = []
        self.aspects = []
        self.turns = 0
        self.safety_memory = set()
        self.said = []
        self.updated = time.monotonic()

    def expire_if_idle(self, idle_seconds: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if now - self.updated > idle_seconds:
            self.reset()
        self.updated = now

    def hear(self, message: str, keep: int = 2) -> tuple[str, ...]:
        """The member's messages before this one (at most `keep`), and remember this one among them. Kept in
        memory only, for as long as the conversation: the safety rules read a message with the ones before it."""
        earlier = tuple(self.said)
        self.said = [*self.said, message[:2000]][-keep:]
        return earlier

    def copy(self) -> Conversation:
        """An independent copy (same topic, turns and time; no list shared), e.g. to carry a conversation into a
        new Discord thread."""
        return Conversation(**{f.name: copy.copy(getattr(self, f.name)) for f in fields(self)})

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

    def put(self, key: Hashable, conversation: Conversation) -> None:
        """Store `conversation` under `key` (replacing any there), as the most recently used."""
        self._items.pop(key, None)
        self._items[key] = conversation
        while len(self._items) > self.max_size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
