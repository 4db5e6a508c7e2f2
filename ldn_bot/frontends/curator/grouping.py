"""Grouping the questions the corpus could not answer: near-duplicate wordings (stemmed content words,
rapidfuzz) become one gap, most frequent first. Linear in the log: wordings are tallied once, then grouped
by their content words' keys rather than compared pair by pair."""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

SIMILARITY = 85.0  # rapidfuzz token_sort_ratio on the questions' content words
MIN_WORDS_TWO_CHANGED = 3  # keys of more words are also looked up with any two words left out
WORD_SIMILARITY = 85.0  # a word this alike to an earlier one counts as that word (a typo) when looking up keys

# Words every LDN question shares; left out when comparing questions so "Does LDN help tinnitus?"
# and "does low dose naltrexone work for tinnitus" group, and "...tinnitus?" and "...eczema?" do not.
_FILLER = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "any",
        "anyone",
        "are",
        "as",
        "at",
        "be",
        "been",
        "can",
        "cause",
        "causes",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "dose",
        "effect",
        "effects",
        "for",
        "from",
        "get",
        "good",
        "has",
        "have",
        "help",
        "helps",
        "helpful",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "know",
        "ldn",
        "low",
        "lowdose",
        "me",
        "my",
        "naltrexone",
        "of",
        "on",
        "or",
        "people",
        "please",
        "question",
        "should",
        "take",
        "taking",
        "tell",
        "than",
        "that",
        "the",
        "there",
        "this",
        "to",
        "treat",
        "treating",
        "treatment",
        "use",
        "used",
        "using",
        "was",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "work",
        "works",
        "would",
        "you",
        "your",
    ]
)


def content_words(question: str) -> str:
    """The words that tell questions apart, stemmed so "dreams"/"dream" and "sleeping"/"sleep" agree."""
    words = re.findall(r"[a-z0-9]+", question.casefold().replace("low-dose", "lowdose").replace("'", ""))
    kept = [w for w in words if w not in _FILLER] or words
    return " ".join(_stemmer().stemWords(kept))


MAX_KEY_WORDS = 24
"""Content words of a question that decide its group: the first ones (a member's story before the question
still counts). The lookup's cost grows with the square of a key's words (keys less any two of them), so a long
question costs no more than a 24-word one."""


def group_key(wording: str) -> str:
    """The key questions are grouped by: the wording's first MAX_KEY_WORDS content words, sorted."""
    return " ".join(sorted(content_words(wording).split()[:MAX_KEY_WORDS]))


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer, as the retrieval analyzer; imported here, not on `ask`'s start-up path

    return Stemmer.Stemmer("english")


@dataclass
class Gap:
    question: str  # the most common wording
    count: int = 0
    unanswered: int = 0
    downvoted: int = 0
    first: str = ""
    last: str = ""
    variants: dict[str, int] = field(default_factory=dict)  # wording -> times asked
    labels: dict[str, int] = field(default_factory=dict)  # studies cited in 👎 answers

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "count": self.count,
            "no_evidence": self.unanswered,
            "thumbs_down": self.downvoted,
            "first": self.first,
            "last": self.last,
            "variants": sorted(self.variants, key=lambda v: -self.variants[v]),
            "cited_in_thumbs_down": sorted(self.labels, key=lambda l: -self.labels[l]),
        }


def record_time(record: dict[str, Any]) -> datetime | None:
    value = record.get("time")
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _neg(timestamp: str) -> tuple:
    return tuple(-ord(c) for c in timestamp)


class _Tallies:
    """What the records of each exact wording add up to, compactly (a million log lines may hold hundreds of
    thousands of wordings): an id per wording, and per id a few numbers in flat arrays."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.count, self.unanswered, self.downvoted = array("l"), array("l"), array("l")
        self.first, self.last = array("d"), array("d")  # POSIX times; nan: none
        self.labels: dict[int, dict[str, int]] = {}  # only wordings with a 👎 citing something

    def add(self, rec: dict[str, Any]) -> None:
        wording = " ".join(rec["question"].split())
        i = self.ids.get(wording)
        if i is None:
            i = self.ids[wording] = len(self.count)
            for column in (self.count, self.unanswered, self.downvoted):
                column.append(0)
            self.first.append(math.nan)
            self.last.append(math.nan)
        if rec.get("_mark"):  # a 👎 on a no-evidence answer already counted
            self.downvoted[i] += 1
            self._labels(i, rec)
            return
        self.count[i] += 1
        if rec.get("status") == "no_evidence":
            self.unanswered[i] += 1
        if rec.get("_down"):
            self.downvoted[i] += 1
            self._labels(i, rec)
        when = record_time(rec)
        if when is not None:
            t = when.timestamp()
            if not t >= self.first[i]:  # also when first is nan
                self.first[i] = t
            if not t <= self.last[i]:
                self.last[i] = t

    def _labels(self, i: int, rec: dict[str, Any]) -> None:
        labels = rec.get("labels")
        if isinstance(labels, list):
            for label in labels:
                if isinstance(label, str):
                    counts = self.labels.setdefault(i, {})
                    counts[label] = counts.get(label, 0) + 1


def _iso(t: float) -> str:
    return "" if math.isnan(t) else datetime.fromtimestamp(t, UTC).isoformat()


def group_gaps(records: Iterable[dict[str, Any]], similarity: float = SIMILARITY) -> list[Gap]:
    """Near-duplicate questions grouped, most frequent first. Exact wordings are tallied as the records stream
    by; then, most asked first, each wording joins the first group (in the order the groups were made) whose
    content words are `similarity` alike (rapidfuzz token_sort_ratio), else starts a group. Groups are found
    through an index of their words (`_Groups`), so the cost grows with the number of wordings, not its square.
    Times (first, last) are given in UTC."""
    tallies = _Tallies()
    for rec in records:
        tallies.add(rec)
    wordings = list(tallies.ids)
    del tallies.ids  # the list keeps the strings; the dict's table is not needed any more
    by_name = sorted(range(len(wordings)), key=lambda i: wordings[i].lower())
    by_name.sort(key=lambda i: -tallies.count[i])  # stable: most asked first, then alphabetical
    order = array("l", by_name)
    del by_name
    index = _Groups(similarity)
    group = array("l", bytes(8 * len(wordings)))  # wording id -> group
    for i in order:
        group[i] = index.group_of(group_key(wordings[i]))
    n_groups = len(index.keys)
    del index  # the groups are known; their index is not needed while the results are put together
    gaps: list[Gap] = [None] * n_groups  # type: ignore[list-item]
    first = [math.nan] * n_groups
    last = [math.nan] * n_groups
    for i in order:
        wording, g = wordings[i], group[i]
        if gaps[g] is None:
            gaps[g] = Gap(question=wording)  # the group's most asked wording comes first in `order`
        gap = gaps[g]
        gap.count += tallies.count[i]
        gap.unanswered += tallies.unanswered[i]
        gap.downvoted += tallies.downvoted[i]
        for label, n in tallies.labels.get(i, {}).items():
            gap.labels[label] = gap.labels.get(label, 0) + n
        t0, t1 = tallies.first[i], tallies.last[i]
        if not math.isnan(t0) and not t0 >= first[g]:  # `not >=`: also when the group has no time yet (nan)
            first[g] = t0
        if not math.isnan(t1) and not t1 <= last[g]:
            last[g] = t1
        gap.variants[wording] = gap.variants.get(wording, 0) + tallies.count[i]
    for gap, t0, t1 in zip(gaps, first, last):
        gap.first, gap.last = _iso(t0), _iso(t1)
    gaps.sort(key=lambda g: (-g.count, _neg(g.last), g.question.lower()))
    return gaps


class _Groups:
    """Group keys (sorted content words) in the order the groups were made, and an index to find, for a new key,
    the first group whose key is `similarity` alike (rapidfuzz ratio of the sorted words, as token_sort_ratio).

    Only groups that could match are scored. Each word is first mapped to the first-seen word it is a typo of
    (as alike as whole keys must be, found among words that begin or end with the same three letters); a group
    is then found by its mapped words, by its mapped words less any one of them (less any two, for keys of more
    than MIN_WORDS_TWO_CHANGED words) -- words added, dropped or changed -- or by its words run together ("back
    pain" / "backpain"). Keys alike only through more changed words are not found and start groups of their own.
    Against scoring every group (the old pair-by-pair way), on `ldn-bot bench gaps`' logs: 99.8% of wordings
    are counted under the same question, and 95% are in exactly the same group (20,000 lines;
    `tests/test_gaps.py::test_grouping_agrees_with_scoring_every_group`). Two words changed in three-word keys
    too (MIN_WORDS_TWO_CHANGED = 2) gives 99.6% identical groups but takes 40 s instead of 22 s on a million lines.
    Each distinct key is looked up once; the cost grows with the number of keys, not its square."""

    def __init__(self, similarity: float) -> None:
        self.similarity = similarity
        self.keys: list[str] = []
        self.lengths = array("q")  # len() of each key
        # Both dicts are keyed by hash(): a million-line log can hold hundreds of thousands of keys. A collision
        # costs nothing: candidates are scored, and a remembered group is checked before it is used.
        self.group_by_key: dict[int, int] = {}
        self.postings: dict[int, int | list[int]] = {}  # hash(signature) -> the group(s) that have it, in order
        self.canonical: dict[str, str] = {}  # word -> the first-seen word it is a typo of (or itself)
        self.words_by_end: dict[str, list[str]] = {}  # "^abc" / "abc$" -> canonical words beginning / ending so

    def group_of(self, key: str) -> int:
        """The index of the key's group; a new group (index == number of groups so far) if none is alike."""
        from rapidfuzz import fuzz

        h = hash(key)
        g = self.group_by_key.get(h)
        if g is not None and (self.keys[g] == key or fuzz.ratio(key, self.keys[g], score_cutoff=self.similarity)):
            return g
        signatures = [hash(s) for s in self._signatures(key)]
        candidates: set[int] = set()
        for s in signatures:
            posted = self.postings.get(s)
            if isinstance(posted, int):
                candidates.add(posted)
            elif posted:
                candidates.update(posted)
        found = self._first_alike(key, candidates)
        if found is None:
            found = len(self.keys)
            self.keys.append(key)
            self.lengths.append(len(key))
            for s in signatures:
                posted = self.postings.get(s)
                if posted is None:
                    self.postings[s] = found
                elif isinstance(posted, int):
                    if posted != found:
                        self.postings[s] = [posted, found]
                elif posted[-1] != found:
                    posted.append(found)
        self.group_by_key[h] = found
        return found

    def _first_alike(self, key: str, candidates: set[int]) -> int | None:
        """The first of `candidates` (by group order) whose key is alike; many are scored at once, in C."""
        from rapidfuzz import fuzz

        if len(candidates) <= 16:
            return next(
                (c for c in sorted(candidates) if fuzz.ratio(key, self.keys[c], score_cutoff=self.similarity)), None
            )
        import numpy as np
        from rapidfuzz import process

        ids = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        # ratio >= s needs |len a - len b| <= (1 - s/100) (len a + len b): the rest cannot match
        lengths = np.frombuffer(self.lengths, dtype=np.int64)[ids]
        n = len(key)
        ids = ids[np.abs(lengths - n) <= (1 - self.similarity / 100) * (lengths + n) + 1]
        if not len(ids):
            return None
        scores = process.cdist(
            [key], [self.keys[c] for c in ids.tolist()], scorer=fuzz.ratio, score_cutoff=self.similarity
        )[0]
        hits = ids[scores > 0]
        return int(hits.min()) if len(hits) else None

    def _signatures(self, key: str) -> list[str]:
        words = key.split()
        if not words:
            return [""]
        mapped = sorted(self._canonical(w) for w in words)
        n = len(mapped)
        out = [" ".join(mapped)]
        if n > 1:
            out += [" ".join(mapped[:i] + mapped[i + 1 :]) for i in range(n)]
            if n > MIN_WORDS_TWO_CHANGED:  # two words changed: alike when the key is long enough
                out += [
                    " ".join(mapped[:i] + mapped[i + 1 : j] + mapped[j + 1 :])
                    for i in range(n)
                    for j in range(i + 1, n)
                ]
            out.append("\0" + "".join(words))
        else:
            out.append("\0" + words[0])
        return list(dict.fromkeys(out))

    def _canonical(self, word: str) -> str:
        """The first-seen word that `word` is `similarity` alike to (rapidfuzz ratio, as for whole keys), among
        the words that begin or end with the same three letters; else `word` itself, remembered as a new one."""
        known = self.canonical.get(word)
        if known is not None:
            return known
        from rapidfuzz import fuzz, process

        best: tuple[float, str] | None = None
        if len(word) >= 3:
            for end in _ends(word):
                bucket = self.words_by_end.get(end)
                if bucket:
                    match = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=WORD_SIMILARITY)
                    if match is not None and (best is None or match[1] > best[0]):
                        best = (match[1], match[0])
        if best is None:
            canonical = word
            for end in _ends(word):
                self.words_by_end.setdefault(end, []).append(word)
        else:
            canonical = best[1]
        self.canonical[word] = canonical
        return canonical


def _ends(word: str) -> tuple[str, str]:
    return "^" + word[:3], word[-3:] + "$"


class Counted:
    """Passes records through, counting the questions (a 👎 added to a question already counted is not one)."""

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self.records = records
        self.n = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for rec in self.records:
            if not rec.get("_mark"):
                self.n += 1
            yield rec
