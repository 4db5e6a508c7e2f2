"""Nearly identical titles, found in time that does not grow with the number of titles already known.

Two titles are nearly identical when rapidfuzz's ratio of their `title_key`s is at least `TITLE_SIMILARITY`
(as `corpus validate` judges them). Comparing a title with every known one made `corpus import` quadratic in
records (10,000 took 244 s). `TitleIndex` compares it only with the known titles that share one of its keys
(`title_blocks`): all its words, and each pair of neighbouring words, cut to their first letters and again to
their last, and for a short title each word left out in turn; a key more than `MAX_SHARED` titles share ("low
dose", "of the") is not used. A nearly identical title keeps most of its word pairs, whatever it does to a word
or two (a typo, "randomised", "trials", a word added or dropped, a subtitle). Every candidate is judged with the
ratio, so a title is never called a duplicate that comparing every title would not call one; the other way,
the index finds 99.7-100% of the near-identical variants that comparing every title finds (SciFact's 5,183 real
titles among 24,275 titles and sentences: one to three typos, spelling variants, a dropped word, a subtitle;
`tests/test_failures_corpus.py` holds >= 99.5% on generated titles). Up to `EXHAUSTIVE_UP_TO` known titles,
every one is compared, so the corpus's own size (and a usual import) is judged exactly as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from rapidfuzz import fuzz

from ldn_bot.corpus.record_checks import TITLE_SIMILARITY, title_key

FOLD = 5
"""Letters of each word a key keeps from its start."""
TAIL = 4
"""Letters of each word a pair key keeps from its end."""
EXHAUSTIVE_UP_TO = 2_000
"""Up to this many known titles, a title is compared with each of them."""
MIN_KEY_CHARS = 12
"""Shorter titles ("Editorial", "Case report") are never judged duplicates."""


def title_blocks(key: str) -> set[int]:
    """The keys a title is filed and looked up under (as hashes: a collision only adds a candidate, which the
    ratio then judges): its words cut to their first `FOLD` letters; each pair of neighbouring words, so cut,
    and again cut to their last `TAIL` letters (a typo near a word's start leaves its end); and for a short
    title (where every pair may be a common one) its cut words with any one left out."""
    split = key.split()
    words = tuple(w[:FOLD] for w in split)
    blocks = {hash(words), *(hash(("<", a, b)) for a, b in pairwise(words)),
              *(hash((">", a[-TAIL:], b[-TAIL:])) for a, b in pairwise(split))}
    if len(words) <= SHORT_WORDS:
        blocks.update(hash(words[:i] + words[i + 1:]) for i in range(len(words)))
    return blocks


SHORT_WORDS = 8
"""Titles of up to this many words are also filed with each word left out."""


MAX_SHARED = 32
"""A key more titles than this share ("low dose", "dose naltr") is no longer used to find candidates."""


class TitleIndex:
    """The titles known so far, each with where it is (a file name), for `nearly_identical` lookups."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._where: list[str] = []
        self._blocks: dict[int, list[int]] = defaultdict(list)
        self._last: tuple[str, str, set[int]] = ("", "", set())  # a title looked up, then added

    def _keyed(self, title: str) -> tuple[str, set[int]]:
        if self._last[0] != title:
            key = title_key(title)
            self._last = (title, key, title_blocks(key) if len(key) >= MIN_KEY_CHARS else set())
        return self._last[1], self._last[2]

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, title: str, where: str) -> None:
        """Remember `title`, found in `where` (titles under MIN_KEY_CHARS are not kept)."""
        key, blocks = self._keyed(title)
        if len(key) < MIN_KEY_CHARS:
            return
        self._keys.append(key)
        self._where.append(where)
        for block in blocks:
            filed = self._blocks[block]
            if len(filed) <= MAX_SHARED:
                filed.append(len(self._keys) - 1)

    def nearly_identical(self, title: str) -> str | None:
        """Where the first known title nearly identical to `title` is, or None."""
        key, blocks = self._keyed(title)
        if len(key) < MIN_KEY_CHARS:
            return None
        order: Iterable[int]
        if len(self._keys) <= EXHAUSTIVE_UP_TO:
            order = range(len(self._keys))
        else:
            order = sorted({i for block in blocks if len(filed := self._blocks.get(block, ())) <= MAX_SHARED
                            for i in filed})
        for i in order:
            if fuzz.ratio(key, self._keys[i], score_cutoff=TITLE_SIMILARITY):
                return self._where[i]
        return None
