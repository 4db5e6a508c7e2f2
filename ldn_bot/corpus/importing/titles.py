"""Nearly identical titles, found in time that does not grow with the number of titles already known.

Two titles are nearly identical when rapidfuzz's ratio of their `title_key`s is at least `TITLE_SIMILARITY`
(as `corpus validate` judges them). Comparing a title with every known one made `corpus import` quadratic in
records (10,000 took 244 s). `TitleIndex` compares it only with the known titles that share one of its keys:
its words, each cut to its first `FOLD` letters, with any one word left out (and all of them). So a title is
found whatever it changes after a word's fifth letter ("randomised", "trials", "patient") and whatever it does to
one word (a typo, a word added, dropped or replaced). Up to `EXHAUSTIVE_UP_TO` known titles, every one is
compared, so the corpus's own size (and a usual import) is judged exactly as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from rapidfuzz import fuzz

from ldn_bot.corpus.record_checks import TITLE_SIMILARITY, title_key

FOLD = 5
"""Letters of each word a key keeps."""
EXHAUSTIVE_UP_TO = 2_000
"""Up to this many known titles, a title is compared with each of them."""
MIN_KEY_CHARS = 12
"""Shorter titles ("Editorial", "Case report") are never judged duplicates."""


def title_blocks(key: str) -> set[tuple[str, ...]]:
    """The keys a title is filed and looked up under: its folded words, those with one word left out, and
    each pair of neighbouring folded words (marked with an empty first element)."""
    words = tuple(w[:FOLD] for w in key.split())
    pairs = {("", a, b) for a, b in pairwise(words)}
    return {words, *(words[:i] + words[i + 1:] for i in range(len(words))), *pairs}


MAX_SHARED = 32
"""A key more titles than this share ("low dose", "dose naltr") is no longer used to find candidates."""


class TitleIndex:
    """The titles known so far, each with where it is (a file name), for `nearly_identical` lookups."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._where: list[str] = []
        self._blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, title: str, where: str) -> None:
        """Remember `title`, found in `where` (titles under MIN_KEY_CHARS are not kept)."""
        key = title_key(title)
        if len(key) < MIN_KEY_CHARS:
            return
        self._keys.append(key)
        self._where.append(where)
        for block in title_blocks(key):
            filed = self._blocks[block]
            if len(filed) <= MAX_SHARED:
                filed.append(len(self._keys) - 1)

    def nearly_identical(self, title: str) -> str | None:
        """Where the first known title nearly identical to `title` is, or None."""
        key = title_key(title)
        if len(key) < MIN_KEY_CHARS:
            return None
        order: Iterable[int]
        if len(self._keys) <= EXHAUSTIVE_UP_TO:
            order = range(len(self._keys))
        else:
            order = sorted({i for block in title_blocks(key) if len(filed := self._blocks.get(block, ())) <= MAX_SHARED
                            for i in filed})
        for i in order:
            if fuzz.ratio(key, self._keys[i], score_cutoff=TITLE_SIMILARITY):
                return self._where[i]
        return None
