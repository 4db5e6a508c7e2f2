"""Text -> index terms: Unicode NFKC, case folding, tokens, stopwords, Snowball stemming (PyStemmer).

Documents and queries go through the same `Analyzer`, so the index and the question always agree.
A word with a letter followed by a digit ("apoe4", "il6", "cd4") is indexed whole and in its parts
(apoe4, apoe, 4), so "IL6" and "IL-6" meet (chosen on SciFact train, BENCHMARKS.md).
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache

import Stemmer


def _stopwords_en_plus() -> tuple[str, ...]:
    """bm25s's STOPWORDS_EN_PLUS, read from its `stopwords` module alone: importing `bm25s.stopwords` runs the
    package's __init__, which imports scipy (about 0.1 s of every `ldn-bot ask`) for a list of words."""
    try:
        package = importlib.util.find_spec("bm25s")  # found, not run
        where = package.submodule_search_locations if package else None
        spec = importlib.util.spec_from_file_location("_bm25s_stopwords", f"{next(iter(where))}/stopwords.py") \
            if where else None
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return tuple(module.STOPWORDS_EN_PLUS)
    except (ImportError, OSError, AttributeError):
        pass
    from bm25s.stopwords import STOPWORDS_EN_PLUS  # the usual way, should bm25s ever lay out its files otherwise

    return tuple(STOPWORDS_EN_PLUS)


STOPWORDS_EN_PLUS = _stopwords_en_plus()

# Words of a question that say nothing about its topic ("Does LDN *help*...?"). They are
# dropped from queries only, so that a question's relevance rests on its topical words.
QUESTION_WORDS = frozenset(
    [
        "help",
        "helps",
        "helped",
        "helpful",
        "work",
        "works",
        "worked",
        "working",
        "effective",
        "effect",
        "effects",
        "good",
        "better",
        "best",
        "benefit",
        "benefits",
        "beneficial",
        "useful",
        "evidence",
        "research",
        "researched",
        "study",
        "studies",
        "studied",
        "trial",
        "trials",
        "paper",
        "papers",
        "know",
        "tell",
        "anyone",
        "anything",
        "someone",
        "something",
        "show",
        "shows",
        "showed",
        "shown",
        "find",
        "found",
        "finding",
        "say",
        "says",
        "said",
        "use",
        "used",
        "using",
        "take",
        "taking",
        "took",
        "try",
        "tried",
        "tries",
        "trying",
        "treat",
        "treats",
        "treated",
        "treating",
        "treatment",
        "treatments",
        "therapy",
        "please",
        "thanks",
        "thank",
        "hi",
        "hello",
        "also",
        "would",
        "could",
        "might",
        "may",
        "get",
        "got",
        "like",
        "want",
        "wondering",
        "wonder",
        "think",
        "really",
        "much",
        "many",
        "way",
        "ways",
    ]
)

STOPWORDS = frozenset(STOPWORDS_EN_PLUS)

# Chat spellings: contractions typed without the apostrophe ("dont", "whats", "im"), fillers ("tbh", "lol",
# "actually") and short units ("yrs", "wks"). wordfreq counts these spellings rarely, so in a question they would
# weigh like topical words the corpus lacks and push a covered question to "no evidence". Query-only, like
# QUESTION_WORDS.
CHAT_WORDS = frozenset(
    {w.replace("'", "") for w in STOPWORDS if "'" in w}
    | {"whats", "thats", "im", "ive", "youre", "theyre", "hes", "theres", "heres", "wheres", "hows", "whos", "lets",
       "ya", "u", "ur", "pls", "plz", "thx", "tbh", "lol", "lmao", "idk", "imo", "imho", "btw", "rn", "omg", "bc",
       "cuz", "coz", "yr", "yrs", "smth", "sth", "tho", "gonna", "wanna", "kinda", "sorta", "ok", "okay", "yeah",
       "ppl", "pple", "peeps", "wk", "wks", "mo", "mos", "mth", "mths", "hr", "hrs", "min", "mins", "yo"}
    # discourse fillers and hedges: how people talk, never what they ask about
    | {"actually", "basically", "honestly", "literally", "seriously", "totally", "definitely", "genuinely",
       "apparently", "anyway", "anyways"}
)
# When something happened in a member's story ("since march", "today"): never what a question is about.
TIME_WORDS = frozenset({"january", "february", "march", "april", "june", "july", "august", "september", "october",
                        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                        "sunday", "today", "yesterday", "tonight", "tomorrow", "weekend"})
QUESTION_WORDS = QUESTION_WORDS | CHAT_WORDS | TIME_WORDS

_TOKEN = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")  # between a letter and the digit after it
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# Invisible format characters (Unicode category Cf: soft hyphen, zero-width space, joiners, word joiner, BOM,
# direction marks) vanish, so "fibro\u00admyalgia" is one word, fibromyalgia, in a question and in the corpus.
# The ranges are Unicode 14's (Python 3.11); tests check each is Cf. Listed, not found by a scan at import (0.1 s).
_CF_RANGES = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
              (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
              (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
              (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
              (0xE0020, 0xE007F))
_INVISIBLE: dict[int, None] = dict.fromkeys(c for lo, hi in _CF_RANGES for c in range(lo, hi + 1))
# The same characters as one regex class: removing them with it is several times faster than str.translate with a
# dict on long text (a 100k-study index analyzes ~150 MB of it).
_INVISIBLE_RE = re.compile("[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _CF_RANGES) + "]")


def visible(text: str) -> str:
    """`text` without its invisible format characters (zero-width spaces and joiners, soft hyphens, direction
    marks, BOMs): what a reader sees, and all a terminal or Discord is ever sent of corpus text."""
    return _INVISIBLE_RE.sub("", text)


def normalize(text: str) -> str:
    """NFKC + case folding; curly apostrophes become straight ones; invisible format characters are removed."""
    if text.isascii():  # the same result: ASCII is NFKC-stable, and casefold() is lower() on it
        return text.lower().replace("`", "'")
    return unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", text)).casefold().translate(_APOSTROPHES)


def words(text: str) -> list[str]:
    """Surface words of already-normalized text, possessive 's removed ("crohn's" -> "crohn")."""
    if "'" not in text:
        return _TOKEN.findall(text)
    out = []
    for w in _TOKEN.findall(text):
        if w.endswith("'s"):
            w = w[:-2]
        elif w.endswith(("'er", "'ers")):  # a member's person-form of an abbreviation: "ms'er", "fibro'ers"
            w = w[: w.rindex("'")]
        out.append(w.replace("'", ""))
    return out


class Analyzer:
    def __init__(self, language: str = "english") -> None:
        self._stemmer = Stemmer.Stemmer(language)
        self.stem = lru_cache(maxsize=65536)(self._stemmer.stemWord)

    def tokens(self, text: str) -> list[str]:
        """Index terms of a document text."""
        out = []
        for w in words(normalize(text)):
            if w not in STOPWORDS:
                out.append(self.stem(w))
                if not w.isalpha():  # most words are: no pattern search for them
                    out += self.part_stems(w)
        return out

    def part_stems(self, word: str) -> tuple[str, ...]:
        """Stems of the parts of a word split before each digit that follows a letter ("apoe4" -> apoe, 4;
        "h1n1" -> h, 1n, 1), stopwords left out; () for a word with no such place."""
        if word.isalpha() or word.isdigit():
            return ()
        parts = _LETTER_DIGIT.split(word)
        if len(parts) < 2:
            return ()
        return tuple(self.stem(p) for p in parts if p and p not in STOPWORDS)

    def is_stopword(self, word: str, query: bool = False) -> bool:
        return word in STOPWORDS or (query and word in QUESTION_WORDS)
