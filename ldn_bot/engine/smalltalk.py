"""Small talk, by concept: greetings, goodbyes (going to bed, heading off), thanks, praise and complaints, questions
about the bot itself (are you a bot or a person, who made you, how do you work), laughter, emoji on their own and
acknowledgements ("ok", "got it") get a short fixed reply, never a citation.

The ways people say each concept are data (corpus/smalltalk.yaml: general English, slang, shorthand, typos). A
message is small talk only when every one of its words belongs to a small-talk phrase or a filler word: anything
else in it ("hi, does LDN help MS?") makes it a question, answered as such.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from rapidfuzz.distance import OSA

from ldn_bot.config import Messages, default_dir
from ldn_bot.corpus.rawyaml import read_optional_mapping
from ldn_bot.engine.understand import Intent

SMALLTALK_FILE = "smalltalk.yaml"
# The reply each concept gets (a `messages` setting); concepts without one here get the acknowledgement.
REPLIES = {"platform": "platform", "greeting": "greeting", "thanks": "thanks", "praise": "thanks",
           "capabilities": "capabilities", "creator": "creator", "about_bot": "identity", "farewell": "farewell",
           "complaint": "complaint",
           "acknowledgement": "acknowledgement", "laughter": "acknowledgement", "emoji": "acknowledgement"}
# Concepts that, as one clause of a longer message, say nothing the question needs ("hi all, ...", "..., thanks").
ASIDES = {"greeting": "greeting", "farewell": "greeting", "acknowledgement": "greeting", "laughter": "greeting",
          "emoji": "greeting", "thanks": "thanks", "praise": "thanks"}
FUZZY_MIN = 6  # a word this long one typo away from a small-talk word ("thnaks") is that word
_EMOTICON = re.compile(r"(?<![\w])(?:[:;=8][-']?[()\[\]dDpP3/\\|*oOxX]+|<3+|\^_*\^|:'\()(?![\w])")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


_CHOICE = re.compile(r"\(([^()]*)\)")


def expand(phrase: str) -> list[str]:
    """Every phrase a lexicon entry with bracketed alternatives stands for: "(hi|hello) (all|)" -> "hi all", "hi",
    "hello all", "hello"."""
    m = _CHOICE.search(phrase)
    if not m:
        return [" ".join(phrase.split())]
    return [p for alt in m.group(1).split("|") for p in expand(phrase[:m.start()] + alt + phrase[m.end():])]


def _squeeze(word: str) -> str:
    """A word with each run of one letter read once: "heyyy" and "hey", "byeee" and "bye" read alike."""
    return re.sub(r"(.)\1+", r"\1", word)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")
    return _WORD.findall(_EMOTICON.sub(" ", text))


def emoji_only(text: str) -> bool:
    """Whether a message is only emoji or other symbols ("👍", "😂😂"): small talk, not unreadable input."""
    kept = [ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Mn", "Me")]
    # U+FFFD and U+FFFC stand for characters that could not be read: garbage, not an emoji
    return bool(kept) and all(unicodedata.category(ch) in ("So", "Sk") and ch not in "\ufffd\ufffc" for ch in kept)


class SmallTalk:
    """The small-talk lexicon of one corpus: `concepts` (name -> phrases, in the order they win), `filler` (words
    that add nothing) and `shorthand` (word -> the words it stands for: "u" -> "you")."""

    def __init__(self, concepts: Mapping[str, list[str]], filler: list[str], shorthand: Mapping[str, str],
                 platform: list[str] | None = None) -> None:
        self.order = list(concepts)
        self.shorthand = {str(k).lower(): str(v).lower() for k, v in shorthand.items()}
        self.phrases: dict[tuple[str, ...], str] = {}  # squeezed words -> concept ("" for filler)
        for name, phrases in concepts.items():
            for p in (x for entry in phrases for x in expand(str(entry))):
                self.phrases.setdefault(self._key(p), name)
        for p in (x for entry in filler for x in expand(str(entry))):
            self.phrases.setdefault(self._key(p), "")
        self.longest = max((len(k) for k in self.phrases), default=0)
        self.platform = {self._key(x) for p in platform or [] for x in expand(str(p))}
        self.platform_longest = max((len(k) for k in self.platform), default=0)
        self.single = {k[0]: c for k, c in self.phrases.items() if len(k) == 1 and c and len(k[0]) >= FUZZY_MIN}

    def _fold(self, words: list[str]) -> list[str]:
        return [w for word in words for w in self.shorthand.get(word, word).split()]

    def _key(self, phrase: str) -> tuple[str, ...]:
        return tuple(_squeeze(w) for w in self._fold(_words(phrase)))

    def concepts(self, text: str) -> list[str] | None:
        """The small-talk concepts a message says, in lexicon order; None when any word of it is no small talk
        (or it says no concept at all). Emoji alone say "emoji"."""
        words = [_squeeze(w) for w in self._fold(_words(text))]
        if not words:
            return ["emoji"] if emoji_only(text) else None
        # every way to read the message as phrases, left to right: reach[i] is what the first i words say
        reach: list[set[str] | None] = [set()] + [None] * len(words)
        furthest = 0
        for i in range(len(words)):
            said = reach[i]
            if i > furthest:
                return None  # no reading reaches this word: it is no small talk
            if said is None:
                continue
            for size in range(min(self.longest, len(words) - i), 0, -1):
                concept = self.phrases.get(tuple(words[i:i + size]))
                if concept is None and size == 1:
                    concept = self._near(words[i])
                if concept is not None and reach[i + size] is None:
                    reach[i + size] = said | ({concept} if concept else set())
                    furthest = max(furthest, i + size)
        found = reach[-1]
        if found is None:
            return None
        return [c for c in self.order if c in found] or None

    def _near(self, word: str) -> str | None:
        """The concept of a single small-talk word one typo from `word` ("thnaks", "goodnihgt"), if any."""
        if len(word) < FUZZY_MIN:
            return None
        return next((c for w, c in self.single.items() if OSA.distance(word, w, score_cutoff=1) <= 1), None)

    def intent(self, text: str) -> str | None:
        """The concept a whole message is small talk for (the first it says), else None."""
        found = self.concepts(text)
        return found[0] if found else None

    def about_platform(self, text: str, names_ldn: bool = False, asked: Intent | None = None) -> bool:
        """Whether a question asks about the chat server itself: its channels, roles, moderators ("how do i get
        the fibro role in this server?"). Not when it names LDN (`names_ldn`) or asks what the plans answer
        (`asked`'s aspects, but for how to get it): "a mod said to ask you: does ldn help crohns?"."""
        if names_ldn or (asked is not None and set(asked.aspects) - {"access"}):
            return False
        words = [_squeeze(w) for w in self._fold(_words(text))]
        return any(tuple(words[i:i + n]) in self.platform
                   for n in range(1, self.platform_longest + 1) for i in range(len(words) - n + 1))

    def aside(self, clause: str) -> str | None:
        """ "greeting" or "thanks" when one clause of a message is small talk that asks nothing ("hi all", "lol",
        "thanks in advance" is not: its words are no small talk), else None."""
        found = self.intent(clause)
        return ASIDES.get(found) if found else None


def load_smalltalk(root: str | Path) -> SmallTalk:
    """The small-talk lexicon of a corpus folder (root/smalltalk.yaml), else the one ldn-bot ships with. A file that
    cannot be read or parsed is a CorpusError naming it, with the line where YAML stopped."""
    path = Path(root) / SMALLTALK_FILE
    data = read_optional_mapping(path, "must be a mapping with sections concepts, filler, shorthand, platform",
                                 lambda d: isinstance(d.get("concepts") or {}, dict))
    if data is None:
        return default_smalltalk()
    concepts = {str(k): [str(p) for p in v or []] for k, v in (data.get("concepts") or {}).items()}
    return SmallTalk(concepts, [str(p) for p in data.get("filler") or []], data.get("shorthand") or {},
                     [str(p) for p in data.get("platform") or []])


@cache
def default_smalltalk() -> SmallTalk:
    """The lexicon ldn-bot ships with (its corpus's smalltalk.yaml): small talk is English, not a corpus's."""
    path = default_dir() / "corpus" / SMALLTALK_FILE
    return load_smalltalk(path.parent) if path.is_file() else SmallTalk({}, [], {})


def smalltalk_intent(text: str) -> str | None:
    """The small-talk concept of a whole message in the shipped lexicon (see `SmallTalk.intent`)."""
    return default_smalltalk().intent(text)


def smalltalk_reply(intent: str, messages: Messages) -> str:
    """The fixed reply (a `messages` setting) to a small-talk concept."""
    return str(getattr(messages, REPLIES.get(intent, "acknowledgement")))


_THANKS_FIRST = re.compile(r"^\W*(?:thanks|thank (?:you|u)|thx|ty|cheers|tysm)\b", re.I)


def thanks_first(text: str) -> bool:
    """Whether a message opens with thanks ("thank u, its a lot to take in"); the engine replies with thanks
    when nothing after it asks anything."""
    return bool(_THANKS_FIRST.match(text))
