"""Question -> query: spelling correction against the index vocabulary (rapidfuzz) and synonym expansion.

A question is a list of *concepts*: a word, or a synonym phrase with its alternatives ("ms" or
"multiple sclerosis"). Relevance is judged on concepts, so an abbreviation and its expansion count once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from wordfreq import zipf_frequency

from ldn_bot.corpus.models import SynonymGroup
from ldn_bot.retrieval.analyzer import QUESTION_WORDS, Analyzer, normalize, words
from ldn_bot.retrieval.index import FuzzyVocab, TermStats

MIN_CORRECTABLE = 4  # shorter words are too easily "corrected" into another word


_ZIPF: dict[str, float] = {}


def clear_word_caches() -> None:
    """Forget the memoized word look-ups (benchmarks start each system cold)."""
    _ZIPF.clear()


def english_zipf(word: str) -> float:
    """wordfreq's `zipf_frequency(word, "en")`, memoized: questions repeat words, and corpus words are looked up
    once at index build (see `lexicon`)."""
    z = _ZIPF.get(word)
    if z is None:
        if len(_ZIPF) > 200_000:
            _ZIPF.clear()
        z = _ZIPF[word] = zipf_frequency(word, "en")
    return z


def rarity(word: str) -> float:
    """How topical a word is, from its frequency in general English (wordfreq's Zipf scale, 0-8).

    "shingles" or "metformin" (rare in English) weigh fully; "first" or "actually" barely count.
    A question is judged relevant on the share of its topical weight the corpus matches, so an
    everyday filler word the corpus lacks no longer sinks an on-topic question, while an unknown
    drug or disease still makes an off-topic one abstain.
    """
    return rarity_of_zipf(english_zipf(word))


def rarity_of_zipf(zipf: float) -> float:
    return min(1.0, max(0.05, (6.5 - zipf) / 3.5)) ** 2


def lexicon(surface: Iterable[str], analyzer: Analyzer) -> dict[str, tuple[str, float]]:
    """What a query needs of each corpus word that is not a stopword: its stem and its English Zipf frequency.
    Made once with the index (and kept in its cache), so a question's words are looked up, not computed."""
    return {w: (analyzer.stem(w), english_zipf(w)) for w in surface if not analyzer.is_stopword(w)}


MIN_OWN_WEIGHT = 1.0  # below this a follow-up's own words are judged together with the conversation's topic
COMMON_ZIPF = 3.0  # a word at least this frequent in English is a real word, not a typo to correct
# A corpus word rarer than this in English ("rheum", "gastroenterol") is a name or an abbreviation, not a word people
# type: no correction goes toward it ("cytokines" 2.8, "titration" 2.4 stay targets).
PEOPLE_ZIPF = 2.0


@dataclass(frozen=True, slots=True)
class Concept:
    text: str
    alternatives: tuple[tuple[str, ...], ...]  # each a tuple of stems; matching any alternative matches the concept
    weight: float
    context: bool = False  # added from the conversation's topic, not asked in this question
    plain: bool = True  # an ordinary word, not a curated synonym (condition or term)


@dataclass
class Query:
    question: str
    concepts: list[Concept]
    corrections: dict[str, str] = field(default_factory=dict)
    synonyms: list[SynonymGroup] = field(default_factory=list)  # synonym groups the question names

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for c in self.concepts for alt in c.alternatives for t in alt))

    @property
    def conditions(self) -> list[str]:
        return [g.name for g in self.synonyms if g.kind == "condition"]

    @property
    def asked(self) -> list[Concept]:
        """The question's own concepts; relevance is judged on these, not on the conversation's topic."""
        own = [c for c in self.concepts if not c.context]
        # "how long did it last?" carries almost no weight of its own: judge it with its topic.
        if sum(c.weight for c in own) < MIN_OWN_WEIGHT:
            return self.concepts
        return own

    def with_context(self, concepts: list[Concept]) -> Query:
        have = {c.alternatives for c in self.concepts}
        extra = [
            Concept(c.text, c.alternatives, c.weight, True, c.plain) for c in concepts if c.alternatives not in have
        ]
        return Query(self.question, self.concepts + extra, self.corrections, self.synonyms)


class QueryParser:
    def __init__(
        self,
        analyzer: Analyzer,
        stats: TermStats,
        vocabulary: Iterable[str],
        synonyms: Sequence[SynonymGroup],
        fuzzy_cutoff: float,
        lexicon: dict[str, tuple[str, float]] | None = None,
        citation_words: Iterable[str] = (),
    ) -> None:
        """`vocabulary`: the index's words; `lexicon`: their stems and English frequencies (see `lexicon()`);
        `citation_words`: author names and journal titles, never a spelling correction's target."""
        self.analyzer = analyzer
        self._lexicon = lexicon or {}  # corpus word -> (stem, English Zipf), see lexicon()
        self.stats = stats
        self.cutoff = fuzzy_cutoff
        self.synonyms = list(synonyms)
        # Phrases users type -> their group; canonical names are phrases too.
        self._phrases: list[tuple[tuple[str, ...], SynonymGroup]] = []
        vocab: Counter[str] = Counter(vocabulary)
        for group in self.synonyms:
            for phrase in (group.name, *group.aliases):
                ws = tuple(words(normalize(phrase)))
                if ws:
                    self._phrases.append((ws, group))
                    vocab.update(ws)
        # Longest phrases first, so "primary progressive multiple sclerosis" wins over "multiple sclerosis".
        self._phrases.sort(key=lambda p: -len(p[0]))
        self._phrases_at: dict[str, list[tuple[tuple[str, ...], SynonymGroup]]] = {}  # by first word, same order
        for p in self._phrases:
            self._phrases_at.setdefault(p[0][0], []).append(p)
        # correct() and plain-word concepts depend only on the word and this parser: computed once per word.
        self._corrected: dict[str, str] = {}
        self._plain: dict[str, Concept] = {}
        # Typed word -> _word(). Every corpus word's entry is made here, with the index (a few µs a word, at
        # load), so a question's words are looked up rather than computed on their first appearance.
        self._corpus_words: dict[str, tuple[str, bool, Concept | None]] = {
            w: (w, False, self._plain_concept(w))
            for w in self._lexicon
            if w not in self._phrases_at and w not in QUESTION_WORDS
        }
        self._words = dict(self._corpus_words)
        self._phrase_concepts: dict[tuple[tuple[str, ...], int], Concept | None] = {}
        # Spelling is corrected only toward the words people use: the synonyms' (conditions, drugs, terms) and the
        # corpus's words that are English words, never an identifier, a journal abbreviation or an author's name.
        people = {w for ws, _ in self._phrases for w in ws}
        citations = set(citation_words) - people
        self._vocab = [
            w for w, _ in vocab.most_common()
            if len(w) >= MIN_CORRECTABLE and w.isalpha()
            and (w in people or (w not in citations and self._zipf(w) >= PEOPLE_ZIPF))
        ]
        self._fuzzy = FuzzyVocab(self._vocab)  # same answers as extractOne over _vocab, scoring only plausible words
        self._known = set(vocab)

    def _zipf(self, word: str) -> float:
        known = self._lexicon.get(word)
        return known[1] if known is not None else english_zipf(word)

    def _stems(self, ws: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.analyzer.stem(w) for w in ws if not self.analyzer.is_stopword(w))

    def correct(self, word: str) -> str:
        fixed = self._corrected.get(word)
        if fixed is None:
            if len(self._corrected) > 100_000:
                self._corrected.clear()
            fixed = self._corrected[word] = self._correct(word)
        return fixed

    def _correct(self, word: str) -> str:
        # The plural of a synonym's word reads as the synonym ("scopes" -> the alias "scope"), even when a corpus
        # word shares its stem ("scoping review"), which would otherwise keep it from being corrected.
        if word not in self._known and word.endswith("s") and word[:-1] in self._phrases_at:
            return word[:-1]
        if (
            word in self._known
            or len(word) < MIN_CORRECTABLE
            or any(ch.isdigit() for ch in word)
            or self.analyzer.is_stopword(word, query=True)
            or self.analyzer.stem(word) in self.stats.df
            or english_zipf(word) >= COMMON_ZIPF
        ):
            return word
        match = self._fuzzy.best(word, self.cutoff)
        return match[0] if match else word

    def _word(self, w: str) -> tuple[str, bool, Concept | None]:
        """What parse() needs of a typed word, computed once: its correction, whether a synonym phrase may
        start there, and its plain-word concept (None for a stopword or question word, and for a word that may
        start a phrase: that one is made only if no phrase matches, so a curated term never loads wordfreq)."""
        info = self._words.get(w)
        if info is None:
            fixed = w if w in self._known else self.correct(w)  # = correct(w), without caching the obvious
            phrase = fixed in self._phrases_at
            concept = None if phrase else self._plain_concept(fixed)
            if len(self._words) > len(self._corpus_words) + 100_000:  # bounded: forget the questions' own words
                self._words = dict(self._corpus_words)
            info = self._words[w] = (fixed, phrase, concept)
        return info

    def _plain_concept(self, w: str) -> Concept | None:
        if self.analyzer.is_stopword(w, query=True):
            return None
        concept = self._plain.get(w)
        if concept is None:
            if len(self._plain) > 100_000:
                self._plain.clear()
            # = self._concept(w, ((stem,), ...)): a word weighs its own IDF.
            known = self._lexicon.get(w)
            if known is None:
                stem, rare = self.analyzer.stem(w), rarity(w)
            else:
                stem, rare = known[0], rarity_of_zipf(known[1])
            concept = self._plain[w] = Concept(w, self._alternatives(w, stem), self.stats.idf(stem) * rare, plain=True)
        return concept

    def _alternatives(self, w: str, stem: str) -> tuple[tuple[str, ...], ...]:
        """A word matches as typed, or as its parts when it has a letter-digit compound in it: "il6" also matches
        a chunk with "IL-6" (il + 6), as the index has both. It weighs what the whole word weighs."""
        if w.isalpha():
            return ((stem,),)
        parts = self.analyzer.part_stems(w)
        return ((stem,), parts) if parts and parts != (stem,) else ((stem,),)

    def parse(self, question: str) -> Query:
        raw = words(normalize(question))
        known = self._words.get
        infos = [known(w) or self._word(w) for w in raw]
        corrections = {w: fixed for w, (fixed, _, _) in zip(raw, infos) if fixed != w}
        if not any(phrase for _, phrase, _ in infos):  # no synonym phrase starts anywhere: plain words only
            return Query(question, [c for _, _, c in infos if c is not None], corrections, [])
        ws = [fixed for fixed, _, _ in infos]
        concepts: list[Concept] = []
        named: list[SynonymGroup] = []
        i = 0
        while i < len(ws):
            hit = next(((p, g) for p, g in self._phrases_at.get(ws[i], ()) if tuple(ws[i : i + len(p)]) == p), None)
            if hit:
                phrase, group = hit
                key = (phrase, id(group))  # groups live as long as the parser (self.synonyms)
                cached = self._phrase_concepts.get(key, False)
                if cached is False:
                    cached = self._phrase_concepts[key] = self._phrase_concept(phrase, group)
                if isinstance(cached, Concept):
                    concepts.append(cached)
                if group not in named:
                    named.append(group)
                i += len(phrase)
                continue
            fixed, starts_phrase, plain = infos[i]
            i += 1
            if starts_phrase:
                plain = self._plain_concept(fixed)
            if plain is not None:
                concepts.append(plain)
        return Query(question, concepts, corrections, named)

    def _phrase_concept(self, phrase: tuple[str, ...], group: SynonymGroup) -> Concept | None:
        """The concept a synonym phrase stands for in a question (None if none of its spellings has stems)."""
        typed, canonical = self._stems(phrase), self._stems(words(normalize(group.name)))
        alts = {typed, canonical}
        # Other spellings of the group help only where the index has them (not its misspellings).
        # An alias that only adds modifiers to the canonical name ("fibromyalgia syndrome") would
        # pull in chunks for the modifier alone, so it is left out.
        for alias in group.aliases:
            stems = self._stems(words(normalize(alias)))
            if stems and all(t in self.stats.df for t in stems) and not set(canonical) <= set(stems):
                alts.add(stems)
        alts.discard(())
        if not alts:
            return None
        # Curated synonyms are topical by definition: no rarity discount.
        return self._concept(" ".join(phrase), tuple(sorted(alts)), topical=True, prefer=(typed, canonical))

    def _concept(
        self,
        text: str,
        alternatives: tuple[tuple[str, ...], ...],
        topical: bool = False,
        prefer: tuple[tuple[str, ...], ...] = (),
    ) -> Concept:
        def alt_weight(alt: tuple[str, ...]) -> float:
            return sum(self.stats.idf(t) for t in alt) / len(alt)

        def known(alt: tuple[str, ...]) -> bool:
            return bool(alt) and all(t in self.stats.df for t in alt)

        # A concept weighs what its words as typed (or their canonical form) weigh in the index,
        # not what its rarest alternative spelling would.
        chosen = next((a for a in prefer if known(a)), None)
        weight = (
            alt_weight(chosen)
            if chosen
            else max(alt_weight(a) for a in ([a for a in alternatives if known(a)] or alternatives))
        )
        return Concept(text, alternatives, weight if topical else weight * rarity(text), plain=not topical)
