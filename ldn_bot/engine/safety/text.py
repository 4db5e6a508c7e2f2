"""How the safety rules read a message: normalised words, their clauses, and what counts as a misspelling.

Words are compared after case folding, accent folding ("aquí" = "aqui", "yaşamıyorum" = "yasamiyorum"), apostrophe
and quote folding (’ ‘ ʼ ` ´ ′ all read "'"; "what's" and "whats" are one word), elision splitting ("j'ai" = "j
ai"), German umlauts typed as ae/oe/ue ("haenge" = "hänge", `umlaut_typed`), and un-leeting of disguised words
("su1c1de", "s*icide", "k!ll"). A clause ends at . ! ? ; or a line break (not the point in "4.5").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

COMMON_ZIPF = 3.5  # a word this frequent in one of LANGUAGES is a word, not a typo: "does" is not "doses"
LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl")
# checked only for words of 5 letters or more: a short everyday Turkish or Polish word is often an English typo
# ("kil" is Turkish clay and "kill" typed short); "bulmak" (to find) is not "bogulmak"
LONG_WORD_LANGUAGES = ("pl", "tr")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u2032": "'",
                              "\uff07": "'", "\u02b9": "'", "\u201b": "'"})
# Letters NFKD does not take apart: Turkish dotless i, Polish l with stroke, ...: "yaşamıyorum" = "yasamiyorum".
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe"})
# French and Italian elision: "j'ai", "d'en", "m'en", "qu'il", "l'ho" -> "j ai", "d en", ... (English contractions
# such as "can't" and "i'm" are left whole: no single-letter word before their apostrophe).
_ELISION = re.compile(r"(?<![\w])([cdjlmnst]|qu)'(?=\w)")
# A disguised letter inside a word: "s*icide", "su!cide", "k1ll".
_MASK = re.compile(r"(?<=[^\W\d_])[*!|@$](?=[^\W\d_])")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# a word begun with a leet digit, then letters and leet digits taking turns ("5u1c1d3"); never a dose ("5mg")
_LEADING_LEET = re.compile(r"[013457](?:[a-z]+[013457]+)+[a-z]*")
# "4.5mg" -> "4.5 mg"; weeks and days of a pregnancy too: "28w", "12wks", "9dpo", "6wpp"
_UNIT = re.compile(r"(?<=\d)(?=(?:mg|mcg|ml|µg|ug|g|w|wk|wks|dpo|wpp|pp)\b)")
UNITS = frozenset({"mg", "mcg", "ml", "µg", "ug", "g", "mgs", "er", "xr", "sr", "ir", "cr"})
_TOKEN = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_CLAUSE_END = re.compile(r"(?<!\d)\.|\.(?!\d)|[!?;\n\u2026\u3002]")
# Texting shorthand read as what it stands for, in messages and in the lexicons' phrases alike ("i dont wanna b
# alive", "evry1 wud be better off"), and French elisions typed without the apostrophe ("jai envie", "cest fini").
# Only forms that are no word of their own in the nine languages.
SHORTHAND = {
    "b": "be", "u": "you", "ur": "your", "r": "are", "wud": "would", "wld": "would", "cud": "could",
    "shud": "should", "ppl": "people", "evry1": "everyone", "every1": "everyone", "evry": "every",
    "evryone": "everyone", "some1": "someone", "sum1": "someone", "any1": "anyone", "2nite": "tonight",
    "2night": "tonight", "tonite": "tonight", "2moro": "tomorrow", "2morrow": "tomorrow", "2day": "today",
    "lyf": "life", "jus": "just", "nuthin": "nothing", "nothin": "nothing", "anymor": "anymore",
    "jai": "j ai", "jen": "j en", "jsuis": "j suis", "chuis": "j suis", "jveux": "j veux", "jpeux": "j peux",
    "jme": "j me", "cest": "c est", "jvais": "j vais", "b4": "before",
}
# "what's", "it's", "that's" are "whats", "its", "thats", never the possessive "what"
_CONTRACTED_S = frozenset({"what", "that", "it", "he", "she", "there", "here", "where", "who", "how", "let"})


def fold(word: str) -> str:
    """Accents off, apostrophes out: "aquí" -> "aqui", "can't" -> "cant"."""
    if not word.isascii():
        word = "".join(ch for ch in unicodedata.normalize("NFKD", word.translate(_LETTERS))
                       if not unicodedata.combining(ch))
    return word.replace("'", "")


@lru_cache(maxsize=65536)
def unleet(word: str) -> str:
    """'su1c1de' -> 'suicide', 'd1e' -> 'die', 'su1c1d3' -> 'suicide', '5u1c1d3' -> 'suicide': a word that starts
    with a letter and has digits among at least two letters, or starts with a leet digit and has digits between
    its letters (not '4.5mg', '10kms', '5htp', '2x10')."""
    if len(word) >= 3 and word[0].isalpha() and any(c.isdigit() for c in word) and "." not in word \
            and sum(c.isalpha() for c in word) >= 2 and (word[-1].isalpha() or len(word) >= 5):
        return word.translate(_LEET)
    if len(word) >= 5 and _LEADING_LEET.fullmatch(word):
        return word.translate(_LEET)
    return word


@lru_cache(maxsize=8)  # `tokens` and `clauses` read the same message one after the other
def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = _MASK.sub(lambda m: "i" if m.group(0) in "!|" else "", text)
    text = _ELISION.sub(r"\1 ", text).replace("w/o", "without")
    return _UNIT.sub(" ", text)


def _possessive(w: str) -> str:
    if w.endswith("'s") and w[:-2] not in _CONTRACTED_S:
        return w[:-2]
    return w


def tokens(text: str) -> tuple[list[str], list[str]]:
    """(words as compared, words as typed): the message's words, folded for matching, and their normalized
    surface form (for handing the rest of the question to retrieval)."""
    words: list[str] = []
    typed: list[str] = []
    for w in _TOKEN.findall(_normal(text)):
        folded = fold(_possessive(w))
        read = _shorthand(folded)
        words += read or [folded]
        typed += read or [w.replace("'", "")]
    if any(unleet(w) != w and not _short_leet(w) for w in words):  # in leetspeak, short words are too ("t0 d13")
        words = [w.translate(_LEET) if _short_leet(w) else w for w in words]
    return words, typed


def _short_leet(word: str) -> bool:
    """A word of two or three characters, a letter then digits among letters ("t0", "d13"): read as leetspeak
    only in a message that has a longer leet word, since alone it is a vitamin or a hormone ("d3", "t4")."""
    return 2 <= len(word) <= 3 and word[0].isalpha() and word.isalnum() and any(c.isdigit() for c in word)


def _shorthand(folded: str) -> list[str] | None:
    """The words a texting shorthand stands for ("jai" -> ["j", "ai"]), or None."""
    read = SHORTHAND.get(folded)
    return read.split() if read else None


def clauses(text: str) -> list[int]:
    """The clause number of each word `tokens(text)` returns (0 for the first clause)."""
    norm = _normal(text)
    ends = [m.start() for m in _CLAUSE_END.finditer(norm)]
    out, k = [], 0
    for m in _TOKEN.finditer(norm):
        while k < len(ends) and ends[k] < m.start():
            k += 1
        out += [k] * len(_shorthand(fold(_possessive(m.group(0)))) or [""])  # one per word `tokens` gives
    return out


def fuzzy_ok(word: str, pattern: str) -> bool:
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


_TYPED_UMLAUT = re.compile(r"ae|oe|ue")
_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü"}
_NOT_GERMAN = tuple(lang for lang in LANGUAGES + LONG_WORD_LANGUAGES if lang != "de")


@lru_cache(maxsize=20000)
def umlaut_typed(word: str) -> str | None:
    """A German word with ä, ö or ü typed as ae, oe or ue ("haenge", "moechte", "ueberdosis"), read as the same
    word typed with its umlauts would be after folding ("hange", "mochte", "uberdosis"); None for any other word.
    It is such a word when it is no everyday word of another language ("does", "shoes", "poet" stay) and German
    has its umlaut spelling at least as often ("neue", "aktuell", "feuer" stay; a rare inflection neither list
    holds, "erhaenge", is read too)."""
    if len(word) < 4 or not word.isascii() or not word.isalpha() or not _TYPED_UMLAUT.search(word):
        return None
    if any(zipf_frequency(word, lang, wordlist="small") >= 3 for lang in _NOT_GERMAN):
        return None
    umlauted = _TYPED_UMLAUT.sub(lambda m: _UMLAUT[m.group(0)], word)
    if zipf_frequency(umlauted, "de", wordlist="small") < zipf_frequency(word, "de", wordlist="small"):
        return None
    return fold(umlauted)


@lru_cache(maxsize=20000)
def common(word: str) -> bool:
    """Whether a word is an everyday word in one of LANGUAGES (then it is never read as a misspelling)."""
    # The "small" lists hold every word down to Zipf 3, which is all COMMON_ZIPF needs; they load in ~10 ms
    # a language where the full lists take ~100 ms (this runs on a one-shot `ldn-bot ask`).
    langs = LANGUAGES + LONG_WORD_LANGUAGES if len(word) >= 5 else LANGUAGES
    return any(zipf_frequency(word, lang, wordlist="small") >= COMMON_ZIPF for lang in langs)
