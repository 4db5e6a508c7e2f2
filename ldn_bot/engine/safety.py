"""Safety rules (corpus/safety.yaml), checked on every message before retrieval.

A rule lists phrases; a phrase is a run of words matched on whole words of the message, in order:

    kill myself            the words, next to each other ("kil myself", "killmyself", "kill my self" too)
    suicid*                a word starting with "suicid" (suicide, suicidal, suicidio, suicidaires)
    # kms                  "#": any number ("5 kms")
    back|leg|foot          any one of these words
    pray ... wake up       up to GAP words between the two parts

Words are compared after case folding, accent folding ("aquí" = "aqui"), elision splitting ("j'ai" = "j ai"),
and un-leeting of disguised words ("su1c1de", "s*icide"). Misspellings match fuzzily, whole word against
whole word (never a part of a word): see `_fuzzy_ok`. A word of three letters or fewer must match exactly,
and a phrase of several words needs one of its words of three letters or more to match exactly, so "want to
diet" is not "want to die" and "end in" is not "end it".

`unless` phrases veto a match they overlap ("# kms" keeps "5 kms" from meaning "kill myself"). A rule with
`yields_to` is dropped when one of those rules fires, unless one of its `keep` phrases matches too (a
pregnancy question shows the dosing notice only when it asks about a dose).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from ldn_bot.corpus.rawyaml import read_required_yaml
from ldn_bot.errors import CorpusError

SAFETY_FILE = "safety.yaml"
ACTIONS = ("reply", "warn", "dose", "care")
FIELDS = {"id", "action", "patterns", "also_needs", "unless", "yields_to", "keep", "text"}
GAP = 3  # words "..." may skip
NUMBER = "#"
COMMON_ZIPF = 3.5  # a word this frequent in one of LANGUAGES is a word, not a typo: "does" is not "doses"
LANGUAGES = ("en", "es", "fr", "de", "pt")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# French and Italian elision: "j'ai", "d'en", "m'en", "qu'il" -> "j ai", "d en", ... (English contractions
# such as "can't" and "i'm" are left whole: no single-letter word before their apostrophe).
_ELISION = re.compile(r"(?<![\w])([cdjlmnst]|qu)'(?=\w)")
# A disguised letter inside a word: "s*icide", "su!cide", "k1ll".
_MASK = re.compile(r"(?<=[^\W\d_])[*!|@$](?=[^\W\d_])")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_UNIT = re.compile(r"(?<=\d)(?=(?:mg|mcg|ml|µg|ug|g)\b)")  # "4.5mg" -> "4.5 mg"
_UNITS = frozenset({"mg", "mcg", "ml", "µg", "ug", "g", "mgs", "er", "xr", "sr", "ir", "cr"})
_TOKEN = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*|[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def _fold(word: str) -> str:
    """Accents off, apostrophes out: "aquí" -> "aqui", "can't" -> "cant"."""
    if not word.isascii():
        word = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
    return word.replace("'", "")


def _unleet(word: str) -> str:
    """'su1c1de' -> 'suicide', 'd1e' -> 'die': a word with digits between its letters (not '4.5mg', '10kms')."""
    if len(word) >= 3 and word[0].isalpha() and word[-1].isalpha() and any(c.isdigit() for c in word) \
            and "." not in word:
        return word.translate(_LEET)
    return word


def tokens(text: str) -> tuple[list[str], list[str]]:
    """(words as compared, words as typed): the message's words, folded for matching, and their normalized
    surface form (for handing the rest of the question to retrieval)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = _MASK.sub(lambda m: "i" if m.group(0) in "!|" else "", text)
    text = _ELISION.sub(r"\1 ", text)
    text = _UNIT.sub(" ", text)
    surface = _TOKEN.findall(text)
    folded = [_fold(w[:-2] if w.endswith("'s") else w) for w in surface]
    return folded, [w.replace("'", "") for w in surface]


def _fuzzy_ok(word: str, pattern: str) -> bool:
    """Whether a message word is a misspelling of a pattern word: the same first letter, and
    4 letters: one letter missing, added or swapped ("kil", "wnat"; never "dial" for "diet");
    5 letters: the same, ("percs" is not "perks");
    6-7 letters: one edit of any kind ("ultrum", "vicadin");
    8 or more: two edits ("suisidal", "fentynal", "suboxen")."""
    n = len(pattern)
    if n < 4 or not word or word[0] != pattern[0] or abs(len(word) - n) > (2 if n >= 8 else 1):
        return False
    if not word.isalpha():
        return False
    d = OSA.distance(word, pattern, score_cutoff=2 if n >= 8 else 1)
    if d > (2 if n >= 8 else 1):
        return False
    if n <= 5 and len(word) == n:  # same length, one edit: only a swap of neighbours
        return sorted(word) == sorted(pattern)
    return True


def _common(word: str) -> bool:
    # The "small" lists hold every word down to Zipf 3, which is all COMMON_ZIPF needs; they load in ~10 ms
    # a language where the full lists take ~100 ms (this runs on a one-shot `ldn-bot ask`).
    return any(zipf_frequency(word, lang, wordlist="small") >= COMMON_ZIPF for lang in LANGUAGES)


@dataclass(frozen=True)
class Word:
    """One word of a phrase: alternatives, each a plain word, a prefix ("suicid*") or a number ("#")."""

    options: tuple[str, ...]

    def plain(self) -> str | None:
        o = self.options[0]
        return o if len(self.options) == 1 and not o.endswith("*") and o != NUMBER else None


@dataclass(frozen=True)
class Phrase:
    text: str
    segments: tuple[tuple[Word, ...], ...]


def parse_phrase(text: str) -> Phrase:
    segments: list[tuple[Word, ...]] = []
    for part in str(text).split("..."):
        seg: list[Word] = []
        for raw in part.split():
            options = []
            for alt in raw.split("|"):
                star = alt.endswith("*") and len(alt) > 1
                if alt == NUMBER:
                    options.append(NUMBER)
                    continue
                folded, _ = tokens(alt.rstrip("*"))
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


class SafetyRules:
    def __init__(self, rules: list[Rule], fillers: tuple[str, ...] = ()) -> None:
        self.rules = rules
        self.fillers = frozenset(w for f in fillers for w in tokens(f)[0])
        words_: set[str] = set()
        prefixes: set[str] = set()
        for rule in rules:
            for phrase in (*rule.patterns, *rule.also_needs, *rule.unless, *rule.keep):
                for seg in phrase.segments:
                    for w in seg:
                        for o in w.options:
                            if o.endswith("*"):
                                prefixes.add(o[:-1])
                            elif o != NUMBER:
                                words_.add(o)
        self._words = words_
        self._fuzzy_words = sorted(w for w in words_ if len(w) >= 4 and w.isalpha())
        self._prefixes = sorted(prefixes)
        self._cache: dict[str, dict[str, bool]] = {}
        self._index = {id(phrases): _PhraseIndex(phrases) for r in rules
                       for phrases in (r.patterns, r.also_needs, r.unless, r.keep)}

    # -- matching ------------------------------------------------------------------------------

    def _lookup(self, word: str) -> dict[str, bool]:
        """The pattern words (and prefixes, and '#') a message word matches, as typed or un-leeted ("su1c1de",
        while "t3s" stays "t3s"): True when exactly."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        hit = self._lookup_one(word)
        plain = _unleet(word)
        if plain != word:
            hit = {**self._lookup_one(plain), **{k: v for k, v in hit.items() if v}}
        if len(self._cache) > 50000:
            self._cache.clear()
        self._cache[word] = hit
        return hit

    def _lookup_one(self, word: str) -> dict[str, bool]:
        hit: dict[str, bool] = {}
        if word in self._words:
            hit[word] = True
        if word[:1].isdigit():
            hit[NUMBER] = True
        for p in self._prefixes:
            if word.startswith(p):
                hit[p + "*"] = True
        if word.isalpha() and len(word) >= 3 and not _common(word):
            near = process.extract(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=2, limit=None)
            for p, _, _ in near:
                if p != word and _fuzzy_ok(word, p):
                    hit.setdefault(p, False)
        return hit

    @staticmethod
    def _segment_at(seg: tuple[Word, ...], found: list[dict[str, bool]], words: list[str], i: int) -> int | None:
        """End of a match of the segment starting at word i, or None."""
        n = len(seg)
        if i + n <= len(found):
            exact_anchor, fuzzy = False, False
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
                    plain = w.plain()
                    exact_anchor |= plain is None or len(plain) >= 3
                else:
                    fuzzy = True
            else:
                if not fuzzy or n == 1 or exact_anchor:
                    return i + n
        # written together or apart: "selfharm", "kill my self", "pain killers"
        plains = [w.plain() for w in seg]
        if all(p and len(p) >= 3 for p in plains):  # not "a bout" for "about", "am ende" for "amende"
            joined = "".join(plains)  # type: ignore[arg-type]
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
        end = self._segment_at(phrase.segments[0], found, words, i)
        if end is not None:
            partial = [(i, end, tuple(range(i, end)))]
            for seg in phrase.segments[1:]:
                nxt = []
                for start, stop, own in partial:
                    for k in range(stop, min(len(words), stop + GAP + 1)):
                        e = self._segment_at(seg, found, words, k)
                        if e is not None:
                            nxt.append((start, e, own + tuple(range(k, e))))
                            break
                partial = nxt
                if not partial:
                    break
            out.extend(partial)
        return out

    def _matches(self, phrases: tuple[Phrase, ...], streams: list[_Stream]) -> list[Span]:
        """Every match of the phrases in the message, read in full and with its filler words skipped."""
        if not phrases:
            return []
        index = self._index[id(phrases)]
        out = []
        for stream in streams:
            found, words, m = stream.found, stream.words, stream.positions
            for i in range(len(words)):
                for p in index.candidates(found, words, i):
                    for a, b, own in self._spans(phrases[p], found, words, i):
                        out.append((m[a], m[b - 1] + 1, tuple(m[k] for k in own)))
        return out

    def _rule_spans(self, rule: Rule, streams: list[_Stream]) -> list[Span]:
        spans = self._matches(rule.patterns, streams)
        if spans and rule.unless:
            vetoes = self._matches(rule.unless, streams)
            spans = [s for s in spans if not any(s[0] < v[1] and v[0] < s[1] for v in vetoes)]
        if spans and rule.also_needs and not self._matches(rule.also_needs, streams):
            return []
        return spans

    def _read(self, question: str) -> tuple[list[str], list[_Stream]]:
        words, surface = tokens(question)
        found = [self._lookup(w) for w in words]
        streams = [_Stream(words, found, list(range(len(words))))]
        kept = [i for i, w in enumerate(words) if w not in self.fillers]
        if len(kept) < len(words):  # "i just really want to die", "ich will einfach nicht mehr leben"
            streams.append(_Stream([words[i] for i in kept], [found[i] for i in kept], kept))
        return surface, streams

    def matches(self, question: str) -> dict[str, list[Span]]:
        """Rule id -> the spans that fired it (before `yields_to`): (start, end, positions of its own words)."""
        _, streams = self._read(question)
        out = {}
        for rule in self.rules:
            spans = self._rule_spans(rule, streams)
            if spans:
                out[rule.id] = spans
        return out

    def check(self, question: str) -> list[Rule]:
        """The rules the message fires, in the file's order."""
        _, streams = self._read(question)
        fired = [r for r in self.rules if self._rule_spans(r, streams)]
        ids = {r.id for r in fired}
        return [r for r in fired if not (set(r.yields_to) & ids) or self._matches(r.keep, streams)]

    def strip(self, question: str, rules: list[Rule]) -> str:
        """The question without the words that fired these rules: "tramadol" is the rule's business,
        and as an unknown drug name it must not make the rest of the question look off-topic."""
        surface, streams = self._read(question)
        drop: set[int] = set()
        for rule in rules:
            if rule.action == "dose":  # a dose is the question's topic, not a word to hide
                continue
            for _, _, own in self._rule_spans(rule, streams):
                drop.update(own)
                k = max(own) + 1  # the drug's own strength goes with it: "oxycontin 20mg", "norco 10/325"
                while k < len(surface) and (surface[k][:1].isdigit() or surface[k] in _UNITS):
                    drop.add(k)
                    k += 1
        return " ".join(w for i, w in enumerate(surface) if i not in drop)


Span = tuple[int, int, tuple[int, ...]]


class _PhraseIndex:
    """Which phrases can start at a word: by the options of their first word, or by their first part written
    together ("selfharm" for "self harm")."""

    def __init__(self, phrases: tuple[Phrase, ...]) -> None:
        self.by_first: dict[str, list[int]] = {}
        self.by_joined: dict[str, list[int]] = {}
        self.longest = 1
        for n, phrase in enumerate(phrases):
            first = phrase.segments[0]
            for o in first[0].options:
                self.by_first.setdefault(o, []).append(n)
            plains = [w.plain() for w in first]
            if all(p and len(p) >= 3 for p in plains):
                self.by_joined.setdefault("".join(plains), []).append(n)  # type: ignore[arg-type]
                self.longest = max(self.longest, len(first) + 1)

    def candidates(self, found: list[dict[str, bool]], words: list[str], i: int) -> set[int]:
        out: set[int] = set()
        for key in found[i]:
            out.update(self.by_first.get(key, ()))
        if self.by_joined:
            acc = ""
            for k in range(i, min(len(words), i + self.longest)):
                acc += words[k]
                out.update(self.by_joined.get(acc, ()))
        return out


@dataclass
class _Stream:
    words: list[str]
    found: list[dict[str, bool]]
    positions: list[int]  # index in the message of each word


@dataclass(frozen=True)
class Rule:
    id: str
    action: str
    patterns: tuple[Phrase, ...]
    also_needs: tuple[Phrase, ...]
    text: str
    unless: tuple[Phrase, ...] = ()
    yields_to: tuple[str, ...] = ()
    keep: tuple[Phrase, ...] = ()


def _phrases(path: Path, rid: str, entry: dict, key: str, required: bool = False) -> tuple[Phrase, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or (required and not value) or not all(isinstance(p, str) and p.strip()
                                                                        for p in value):
        what = "a non-empty list of text" if required else "a list of text"
        raise CorpusError(str(path), f"rule '{rid}': '{key}' must be {what}")
    phrases = []
    for p in value:
        phrase = parse_phrase(p)
        if not phrase.segments:
            raise CorpusError(str(path), f"rule '{rid}': '{key}' phrase {p!r} has no words")
        phrases.append(phrase)
    return tuple(phrases)


def load_rules(corpus_root: str | Path) -> SafetyRules:
    """The safety rules of a corpus folder. They are required: a missing, unreadable or empty rules file, or a
    rule without its text, is a CorpusError naming the file (and the rule's line), so no bot ever answers
    without them."""
    path = Path(corpus_root) / SAFETY_FILE
    raw = read_required_yaml(path, "the safety rules file is missing; ldn-bot does not answer without it")
    data = raw.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise CorpusError(str(path), "expected a mapping with a 'rules' list", raw.key_line("rules") or 1)
    if not data["rules"]:
        raise CorpusError(str(path), "no safety rules: the 'rules' list is empty", raw.line("rules"))
    rules = []
    seen = set()
    for i, entry in enumerate(data["rules"]):
        try:
            where = f"rules[{i}]"
            if not isinstance(entry, dict):
                raise CorpusError(str(path), f"{where} must be a mapping")
            rid = entry.get("id")
            if not isinstance(rid, str) or not rid:
                raise CorpusError(str(path), f"{where} needs an 'id'")
            if rid in seen:
                raise CorpusError(str(path), f"duplicate rule id '{rid}'")
            seen.add(rid)
            if entry.get("action") not in ACTIONS:
                raise CorpusError(str(path), f"rule '{rid}': action must be one of {', '.join(ACTIONS)}")
            unknown = set(entry) - FIELDS
            if unknown:
                raise CorpusError(str(path), f"rule '{rid}': unknown field(s) {', '.join(sorted(unknown))}")
            text = entry.get("text")
            if not isinstance(text, str) or not text.strip():
                raise CorpusError(str(path), f"rule '{rid}': 'text' must be non-empty text")
            yields = entry.get("yields_to", [])
            if not isinstance(yields, list) or not all(isinstance(x, str) for x in yields):
                raise CorpusError(str(path), f"rule '{rid}': 'yields_to' must be a list of rule ids")
            rules.append(Rule(rid, entry["action"], _phrases(path, rid, entry, "patterns", required=True),
                              _phrases(path, rid, entry, "also_needs"), " ".join(text.split()),
                              _phrases(path, rid, entry, "unless"), tuple(yields), _phrases(path, rid, entry, "keep")))
        except CorpusError as e:  # at the rule's line
            raise CorpusError(e.path, e.detail, raw.item_line("rules", i)) from None
    ids = {r.id for r in rules}
    for i, r in enumerate(rules):
        missing = [x for x in r.yields_to if x not in ids]
        if missing:
            raise CorpusError(str(path), f"rule '{r.id}': 'yields_to' names unknown rule(s) {', '.join(missing)}",
                              raw.item_line("rules", i))
    fillers = data.get("fillers", [])
    if not isinstance(fillers, list) or not all(isinstance(f, str) for f in fillers):
        raise CorpusError(str(path), "'fillers' must be a list of words", raw.key_line("fillers"))
    unknown = set(data) - {"rules", "fillers"}
    if unknown:
        raise CorpusError(str(path), f"unknown top-level field(s) {', '.join(sorted(unknown))}")
    return SafetyRules(rules, tuple(fillers))
