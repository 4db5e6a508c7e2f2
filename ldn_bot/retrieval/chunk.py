"""Retrievable passages: a chunk of a study record or article section, and its sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Sentence:
    text: str
    # Study labels this sentence speaks about (its own study, or the ones an article sentence cites).
    labels: tuple[str, ...]


@dataclass(eq=False)
class Chunk:
    """A retrievable passage. Study chunks make their sentences on first use: at 100k chunks, splitting
    every summary at start-up would cost seconds that a cached index otherwise saves."""

    id: str
    source: str  # study label, or the document's label
    kind: Literal["study", "article"]
    heading: str  # section heading or study title
    line: int = 0
    make: Callable[[], tuple[tuple[Sentence, ...], str]] | None = field(default=None, repr=False)
    _sentences: tuple[Sentence, ...] = field(default=(), repr=False)
    _index_text: str = field(default="", repr=False)

    def _fill(self) -> None:
        if self.make is not None:
            self._sentences, self._index_text = self.make()
            self.make = None

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        self._fill()
        return self._sentences

    @property
    def index_text(self) -> str:
        """What BM25 sees: the text plus heading, label, design, conditions."""
        self._fill()
        return self._index_text

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


