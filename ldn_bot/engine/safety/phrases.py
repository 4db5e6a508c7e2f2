"""Phrases and how they match a message (the matcher under every safety rule and concept).

A phrase is a run of words matched on whole words of the message, in order:

    kill myself            the words, next to each other ("kil myself", "killmyself", "kill my self" too)
    suicid*                a word starting with "suicid" (suicide, suicidal, suicidio, suicidaires)
    *azepam                a word ending in "azepam", with at least 3 letters before it (diazepam, lorazepam):
                           the shape of a medicine's name, for names nobody listed
    # kms                  "#": any number ("5 kms"); "#th" an ordinal ("the 14th", "1st", "22nd");
                           "##" a whole number of ten or more ("40 of my")
    back|leg|foot          any one of these words
    pray ... wake up       up to GAP words between the two parts

Words are compared as `text.tokens` reads them. Misspellings match fuzzily, whole word against whole word (never a
part of a word): see `text.fuzzy_ok`. A word of three letters or fewer must match exactly, and a phrase of several
words needs one of its words of three letters or more to match exactly, so "want to diet" is not "want to die" and
"end in" is not "end it". A word of a `known` vocabulary (a medicine that is not an opioid, say) is never read as
a misspelling of another word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ldn_bot.engine.safety.text import SHORTHAND, clauses, common, fuzzy_ok, tokens, umlaut_typed, unleet

GAP = 3  # words "..." may skip
NUMBER = "#"
ORDINAL = "#th"  # a number as a rank or a date: "1st", "22nd", "14th"
MANY = "##"  # a count of ten or more, a whole number ("40 of my gabapentin", "50 paracetamol")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
SUFFIX_STEM = 3  # letters a word needs before a suffix ("*azepam": "diazepam", never "azepam" alone)
MAX_JOINED = 8  # words a phrase's first part may span when written together ("kill my self" as "killmyself")

Span = tuple[int, int, tuple[int, ...]]  # (start, end, positions of the phrase's own words) in the message

@dataclass(frozen=True)
class Word:
    """One word of a phrase: alternatives, each a plain word, a prefix ("suicid*"), a suffix ("*azepam") or a
    number ("#")."""

    options: tuple[str, ...]

    def plain(self) -> str | None:
        o = self.options[0]
        return o if len(self.options) == 1 and "*" not in o and o not in (NUMBER, ORDINAL, MANY) else None


@dataclass(frozen=True)
class Phrase:
    text: str
    segments: tuple[tuple[Word, ...], ...]

    @cached_property
    def shapes(self) -> tuple[tuple[tuple[bool, ...], str | None], ...]:
        """Per segment, worked out once: which words anchor a misspelt neighbour when they match exactly (a
        pattern, or a word of three letters or more), and the segment written together ("selfharm"; None when a
        word is not plain or is shorter than three letters)."""
        out = []
        for seg in self.segments:
            plains = [w.plain() for w in seg]
            out.append((tuple(p is None or len(p) >= 3 for p in plains), _joined(seg)))
        return tuple(out)

    @cached_property
    def second(self) -> frozenset[str] | None:
        """The options of the first segment's second word (None for a one-word first segment): a phrase whose
        second word is not at the next word, and whose first part written together does not start with the
        message's word, cannot start there."""
        first = self.segments[0]
        return frozenset(first[1].options) if len(first) > 1 else None


_PLAIN = re.compile(r"[a-z0-9]+")


@cache
def _alt_words(alt: str) -> tuple[str, ...]:
    """One alternative of a phrase word, as the message's words would read it (most are plain already)."""
    return (alt,) if _PLAIN.fullmatch(alt) and alt not in SHORTHAND else tuple(tokens(alt)[0])


@lru_cache(maxsize=32768)  # a Phrase is immutable; the lexicons' phrases are read again at every engine build
def parse_phrase(text: str) -> Phrase:
    segments: list[tuple[Word, ...]] = []
    for part in str(text).split("..."):
        seg: list[Word] = []
        for raw in part.split():
            options = []
            for alt in raw.split("|"):
                star = alt.endswith("*") and len(alt) > 1
                if alt in (NUMBER, ORDINAL, MANY):
                    options.append(alt)
                    continue
                if alt.startswith("*") and len(alt) > 1:  # a suffix: "*azepam"
                    options.append("*" + "".join(_alt_words(alt[1:])))
                    continue
                folded = _alt_words(alt.rstrip("*"))
                if not folded:
                    continue
                if len(folded) > 1 and not star and len(raw.split("|")) == 1:  # "self-harm": two words
                    seg.extend(Word((w,)) for w in folded)
                    options = []
                    break
                options.append("".join(folded) + ("*" if star else ""))
            if options:
                seg.append(Word(tuple(options)))
        if seg:
            segments.append(tuple(seg))
    return Phrase(str(text), tuple(segments))


class Matcher:
    """Finds phrases in messages. Built once from every phrase group the rules and concepts use (so the fuzzy
    word list is shared), the filler words a phrase may skip, and the `known` words never read as misspellings."""

    def __init__(self, groups: list[tuple[Phrase, ...]], fillers: tuple[str, ...] = (),
                 known: frozenset[str] = frozenset()) -> None:
        self.fillers = frozenset(w for f in fillers for w in tokens(f)[0])
        self.known = known
        # each distinct word of every phrase once (a lexicon read from its cache shares its Word objects)
        seen = {w for phrases in groups for phrase in phrases for seg in phrase.segments for w in seg}
        options = {o for w in seen for o in w.options}
        words_ = {o for o in options if o[:1] != "*" and o[-1:] != "*" and o not in (NUMBER, ORDINAL, MANY)}
        self._words = words_
        self._fuzzy_words = sorted(w for w in words_ if len(w) >= 4 and w.isalpha())
        self._prefixes = sorted({o[:-1] for o in options if o[:1] != "*" and o[-1:] == "*"})
        self._suffixes = sorted({o[1:] for o in options if o[:1] == "*"})
        self._cache: dict[str, dict[str, bool]] = {}
        self._index: dict[int, _PhraseIndex] = {id(p): _PhraseIndex(p) for p in groups}
        # Every group's index merged, so a message is read once for all of them (`_starts`): a first-word option
        # -> (group, its phrases), a first part written together -> (group, its phrases, the group's reach).
        self._first: dict[str, list[tuple[int, list[int]]]] = {}
        self._joined: dict[str, list[tuple[int, list[int], int]]] = {}
        self._longest = 1
        for gid, index in self._index.items():
            for key, ns in index.by_first.items():
                self._first.setdefault(key, []).append((gid, ns))
            for key, ns in index.by_joined.items():
                self._joined.setdefault(key, []).append((gid, ns, index.longest))
                self._longest = max(self._longest, index.longest)

    def _lookup(self, word: str) -> dict[str, bool]:
        """The pattern words (and prefixes, and '#') a message word matches, as typed or un-leeted ("su1c1de",
        while "t3s" stays "t3s"): True when exactly."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        hit = self._lookup_one(word)
        plain = unleet(word)
        if plain != word:
            hit = {**self._lookup_one(plain), **{k: v for k, v in hit.items() if v}}
        german = umlaut_typed(word)  # "haenge" reads as "hänge" does: a spelling, not a typo, so exactly
        if german is not None:
            hit = {**hit, **{k: True for k, v in self._lookup_one(german).items() if v}}
        if len(self._cache) > 50000:
            self._cache.clear()
        self._cache[word] = hit
        return hit

    def _lookup_one(self, word: str) -> dict[str, bool]:
        hit: dict[str, bool] = {}
        if word in self._words:
            hit[word] = True
        elif word.endswith("in") and word + "g" in self._words:  # the dropped g: "thinkin", "endin", "cuttin"
            hit[word + "g"] = True
        if word[:1].isdigit():
            hit[NUMBER] = True
            if _ORDINAL.fullmatch(word):
                hit[ORDINAL] = True
            elif word.isdigit() and int(word) >= 10:
                hit[MANY] = True
        for p in self._prefixes:
            if word.startswith(p):
                hit[p + "*"] = True
        for x in self._suffixes:
            if word.endswith(x) and len(word) >= len(x) + SUFFIX_STEM and word.isalpha():
                hit["*" + x] = True
        if word.isalpha() and len(word) >= 3 and word not in self.known and not common(word):
            near = process.extract(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=2, limit=None)
            for p, _, _ in near:
                if p != word and fuzzy_ok(word, p):
                    hit.setdefault(p, False)
        return hit

    @staticmethod
    def _segment_at(seg: tuple[Word, ...], shape: tuple[tuple[bool, ...], str | None], found: list[dict[str, bool]],
                    words: list[str], i: int) -> int | None:
        """End of a match of the segment (`shape`: its `Phrase.shapes` entry) starting at word i, or None."""
        anchors, joined = shape
        n = len(seg)
        if i + n <= len(found):
            exact_anchor, fuzzy, long_fuzzy = False, False, 0
            for j, w in enumerate(seg):
                best = None
                for o in w.options:
                    v = found[i + j].get(o)
                    if v is True:
                        best = True
                        break
                    if v is False and (n > 1 or len(o) >= 5):  # a lone word is fuzzy from 5 letters
                        best = False
                if best is None:
                    break
                if best:
                    exact_anchor |= anchors[j]
                else:
                    fuzzy = True
                    long_fuzzy += 1  # fuzzy words have 4 letters or more
            else:
                # every word exact, or one exact anchor, or two long words both misspelt ("kil myslef")
                if not fuzzy or n == 1 or exact_anchor or long_fuzzy >= 2:
                    return i + n
        # written together or apart: "selfharm", "kill my self", "pain killers"
        if joined is not None:  # not "a bout" for "about", "am ende" for "amende"
            acc = ""
            for k in range(i, min(len(words), i + n + 2)):
                acc += words[k]
                if not joined.startswith(acc):
                    break
                if acc == joined and k + 1 - i != n:
                    return k + 1
        return None

    def _spans(self, phrase: Phrase, found: list[dict[str, bool]], words: list[str], i: int) -> list[Span]:
        """The matches of the phrase starting at word i: (start, end, positions of the phrase's own words)."""
        out: list[Span] = []
        shapes = phrase.shapes
        end = self._segment_at(phrase.segments[0], shapes[0], found, words, i)
        if end is not None:
            partial = [(i, end, tuple(range(i, end)))]
            for seg, shape in zip(phrase.segments[1:], shapes[1:], strict=True):
                nxt = []
                for start, stop, own in partial:
                    for k in range(stop, min(len(words), stop + GAP + 1)):
                        e = self._segment_at(seg, shape, found, words, k)
                        if e is not None:
                            nxt.append((start, e, own + tuple(range(k, e))))
                            break
                partial = nxt
                if not partial:
                    break
            out.extend(partial)
        return out

    def matches(self, phrases: tuple[Phrase, ...], reading: Reading) -> list[Span]:
        """Every match of the phrases in the message, read in full and with its filler words skipped."""
        if not phrases:
            return []
        out: list[Span] = []
        if id(phrases) in self._index:
            if reading.groups is None:
                reading.groups = {gid for stream in reading.streams for gid in self._starts(stream)}
            if id(phrases) not in reading.groups:  # none of its phrases can start anywhere in the message
                return out
            for stream in reading.streams:
                found, words, m = stream.found, stream.words, stream.positions
                for i, candidates in self._starts(stream).get(id(phrases), ()):
                    after = found[i + 1] if i + 1 < len(found) else {}
                    for p in candidates:
                        phrase = phrases[p]
                        second = phrase.second
                        if second is not None and second.isdisjoint(after):
                            joined = phrase.shapes[0][1]
                            if joined is None or not joined.startswith(words[i]):
                                continue  # what `_spans` would find at once (see `Phrase.second`)
                        for a, b, own in self._spans(phrase, found, words, i):
                            out.append((m[a], m[b - 1] + 1, tuple(m[k] for k in own)))
            return out
        index = _PhraseIndex(phrases)  # a group the matcher was not built with
        for stream in reading.streams:
            found, words, m = stream.found, stream.words, stream.positions
            for i in range(len(words)):
                for p in index.candidates(found, stream.joins, i):
                    for a, b, own in self._spans(phrases[p], found, words, i):
                        out.append((m[a], m[b - 1] + 1, tuple(m[k] for k in own)))
        return out

    def _starts(self, stream: _Stream) -> dict[int, list[tuple[int, set[int]]]]:
        """Group -> (word, the group's phrases that may start there), for every group at once, in one pass over
        the stream (made once per message). Each set is built as `_PhraseIndex.candidates` builds it, so phrases
        are tried in the same order."""
        if stream.starts is not None:
            return stream.starts
        out: dict[int, list[tuple[int, set[int]]]] = {}
        first, joined, longest = self._first, self._joined, self._longest
        joins = stream.joins if joined else []
        for i, hit in enumerate(stream.found):
            here: dict[int, set[int]] = {}
            for key in hit:
                for gid, ns in first.get(key, ()):
                    if gid in here:
                        here[gid].update(ns)
                    else:
                        here[gid] = set(ns)
            if joined:
                for k, acc in enumerate(joins[i][:longest]):
                    for gid, ns, reach in joined.get(acc, ()):
                        if k < reach:
                            if gid in here:
                                here[gid].update(ns)
                            else:
                                here[gid] = set(ns)
            for gid, candidates in here.items():
                if candidates:
                    out.setdefault(gid, []).append((i, candidates))
        stream.starts = out
        return out

    def read(self, question: str) -> Reading:
        """The message as the phrases see it: its words, each word's clause, and the streams to match on."""
        words, surface = tokens(question)
        # a word typed with its accents that is an everyday word ("gehört") is no misspelling of a pattern word
        # its folded form is near ("gehortet"); the fuzzy matches are dropped, exact ones kept
        found: list[dict[str, bool]] = [
            self._lookup(w) if t == w or not common(t) else {k: v for k, v in self._lookup(w).items() if v}
            for w, t in zip(words, surface)]
        streams = [_Stream(words, found, list(range(len(words))))]
        kept = [i for i, w in enumerate(words) if w not in self.fillers]
        if len(kept) < len(words):  # "i just really want to die", "ich will einfach nicht mehr leben"
            streams.append(_Stream([words[i] for i in kept], [found[i] for i in kept], kept))
        return Reading(words, surface, clauses(question), streams)


def _joined(seg: tuple[Word, ...]) -> str | None:
    """A phrase part written together ("selfharm"), when every word of it is plain and of three letters or more."""
    out = ""
    for w in seg:
        p = w.plain()
        if not p or len(p) < 3:
            return None
        out += p
    return out


class _PhraseIndex:
    """Which phrases can start at a word: by the options of their first word, or by their first part written
    together ("selfharm" for "self harm")."""

    def __init__(self, phrases: tuple[Phrase, ...]) -> None:
        self.by_first: dict[str, list[int]] = {}
        self.by_joined: dict[str, list[int]] = {}
        self.longest = 1
        by_first, by_joined = self.by_first, self.by_joined
        for n, phrase in enumerate(phrases):
            first = phrase.segments[0]
            for o in first[0].options:
                if o in by_first:
                    by_first[o].append(n)
                else:
                    by_first[o] = [n]
            joined = _joined(first)
            if joined is not None:
                if joined in by_joined:
                    by_joined[joined].append(n)
                else:
                    by_joined[joined] = [n]
                self.longest = max(self.longest, len(first) + 1)

    def candidates(self, found: list[dict[str, bool]], joins: list[list[str]], i: int) -> set[int]:
        """The phrases that may start at word i (`joins[i]`: the words from i on, written together)."""
        out: set[int] = set()
        for key in found[i]:
            out.update(self.by_first.get(key, ()))
        if self.by_joined:
            for acc in joins[i][: self.longest]:
                hit = self.by_joined.get(acc)
                if hit:
                    out.update(hit)
        return out


@dataclass
class _Stream:
    words: list[str]
    found: list[dict[str, bool]]
    positions: list[int]  # index in the message of each word
    starts: dict[int, list[tuple[int, set[int]]]] | None = None  # see Matcher._starts

    @cached_property
    def joins(self) -> list[list[str]]:
        """For each word, it and the next words written together: "self", "selfharm", ... (built once)."""
        out = []
        for i in range(len(self.words)):
            acc, row = "", []
            for w in self.words[i: i + MAX_JOINED]:
                acc += w
                row.append(acc)
            out.append(row)
        return out


@dataclass
class Reading:
    """A message read once for every rule: folded words, words as typed, each word's clause, the streams."""

    words: list[str]
    surface: list[str]
    clause: list[int]
    streams: list[_Stream]
    groups: set[int] | None = None  # the phrase groups that may start somewhere in it (made on first use)


