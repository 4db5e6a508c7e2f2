"""A study described rather than named: "the spanish fibro trial that ran a whole year", "the 6mg fibro trial",
"that stanford crossover from 2013", "the pain study with matched controls", "norway ms study". The question's
descriptive words are scored against one short description per reviewed record (title, journal, authors,
population, summary, dose, duration, comparator, design, year, size) with BM25, plus exact matches of the year,
dose, duration and country it gives; a record that clearly beats the runner-up counts as named, so the
named-study plan answers it. Without a condition every record competes, so the winner must win by more."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rank_bm25 import BM25Okapi

from ldn_bot.corpus.models import Study
from ldn_bot.retrieval.analyzer import Analyzer, normalize
from ldn_bot.retrieval.query import english_zipf

# A question pointing at one study: a singular word for a study after "the/that/this" and up to five words
# ("the 6mg fibro trial", "that stanford crossover"), or after a describing word ("heard a spanish study").
# Plurals ask across studies; "was there a trial?" asks whether one exists.
_ONE_STUDY = re.compile(
    r"\b(?:(?:the|that|this)\s+(?:[\w.'-]+\s+){0,5}?|(?!(?:a|an|any|one|no|each|every|some|another)\s)[\w.'-]+\s+)"
    r"(?:study|trial|paper|rct|pilot|crossover|report|review|survey|cohort|audit|series)\b(?!s)"
    # a claim about one study: "a study showed ms ppl stayed stable for years"
    r"|\b(?:a|one)\s+(?:[\w-]+\s+){0,2}(?:study|trial|paper|review)\s+(?:showed|shows|found|finds|said|says|proved|"
    r"proves|reported|reports|claims|claimed|concluded)\b"
)
# Without a condition to narrow the records, the study must be pointed at ("the pain study with matched controls"),
# unless its description is matched very strongly ("mayo clinic chart review").
_THE_STUDY = re.compile(r"\b(?:the|that|this)\s+(?:[\w.'-]+\s+){0,5}?(?:study|trial|paper|rct|pilot|crossover|report|"
                        r"review|survey|cohort|audit|series)\b(?!s)")
# Country and place adjectives -> the place names records use (a general lexicon, not question wordings).
PLACES = {
    "spanish": "spain", "irish": "ireland", "danish": "denmark", "norwegian": "norway", "swedish": "sweden",
    "finnish": "finland", "dutch": "netherlands", "german": "germany", "french": "france", "italian": "italy",
    "british": "uk", "english": "england", "scottish": "scotland", "welsh": "wales", "american": "usa",
    "canadian": "canada", "australian": "australia", "israeli": "israel", "chinese": "china",
    "japanese": "japan", "korean": "korea", "indian": "india", "iranian": "iran", "turkish": "turkey",
    "brazilian": "brazil", "mexican": "mexico", "polish": "poland", "swiss": "switzerland",
    "austrian": "austria", "belgian": "belgium", "greek": "greece", "portuguese": "portugal",
}
PLACE_NAMES = frozenset(PLACES.values()) | {"us", "uk", "mali", "iran", "ireland", "norway"}
# How members say a design the records name otherwise: "real world data" is a register or a chart review.
DESIGN_WORDS = {"real world": "register retrospective", "real-world": "register retrospective",
                "real life": "register retrospective", "registry": "register", "database": "register",
                "prescription data": "register prescriptions", "medical records": "retrospective chart",
                "charts": "chart", "questionnaire": "survey", "poll": "survey"}
_DESIGN_PHRASES = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in DESIGN_WORDS) + r")\b")
# A comparison with placebo describes no one trial: most of them made it.
_VS_PLACEBO = re.compile(r"\b(?:compared|comparison|vs\.?|versus|than|over|against)\s+(?:to\s+|with\s+)?"
                         r"(?:a\s+|the\s+)?placebo\b")
_REVIEW_ASKED = re.compile(r"\b(?:review|meta|analysis|pooled)")
# Words every LDN record or question about a study shares: they describe nothing.
_GENERIC = frozenset({"ldn", "naltrexon", "low", "dose", "studi", "trial", "paper", "thing", "one", "heard",
                      "read", "saw", "like", "remember", "patient", "peopl", "ppl",
                      # ... and what is asked of a study, not what tells it apart ("how many quit bc of side effects")
                      "side", "effect", "advers", "placebo", "quit", "stop", "improv", "result", "work",
                      "help", "better", "show", "respond", "respons"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_COUNT = re.compile(r"(?<![\d.])\d{2,5}(?![\d.%]|\s*(?:mg|mcg|ug|%))")
_DOSE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:mg|mgs|milligrams?)\b")
_SPAN = re.compile(r"\b(\d+(?:\.\d+)?|a|one|two|three|six|twelve)[\s-]*(weeks?|wks?|months?|mos?|years?|yrs?)\b")
# "stayed stable for years", "the long-term one": a study that ran a year or more, however long exactly
_LONG = re.compile(r"\byears\b(?!\s+(?:old|ago|before|earlier))|\blong[- ]?term\b")
_WHOLE_YEAR = re.compile(r"\b(?:whole|full|entire)\s+year\b|\byear[\s-]long\b")
_NUMBER_WORDS = {"a": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "six": 6.0, "twelve": 12.0}
_MONTHS = {"w": 12 / 52, "m": 1.0, "y": 12.0}
# The year a question gives weighs like a rare word shared with the record; it rules no record out, for a year
# may be the member's own ("dx 2015, the ucsf trial").
YEAR_WEIGHT = 4.0
DOSE_WEIGHT = 3.0  # ... its dose ("the 6mg trial")
SPAN_WEIGHT = 3.0  # ... how long the study ran ("a whole year")
PLACE_WEIGHT = 3.0  # ... the country it names by adjective ("a spanish trial": the record says Spain)
SIZE_WEIGHT = 4.0  # ... how many took part ("the 218 patient study")
DESCRIBING_ZIPF = 5.0  # a word this common in English ("much", "year", "women") describes no one study
MIN_SCORE = 3.0  # the winner's description matches at least this much (dev)
MARGIN = 2.0  # ... and this much more than the runner-up
# With no condition to narrow them, all records compete: the winner needs more, and a clear lead over the next.
MIN_SCORE_ANY = 6.0
LEAD_RATIO_ANY = 1.4
STRONG_ANY = 2 * MIN_SCORE_ANY  # ... and, unless pointed at ("the ... study"), a match this strong


def months(text: str) -> set[float]:
    """Every span of time `text` gives, in months ("12 months", "a whole year", "16 weeks")."""
    found = {12.0} if _WHOLE_YEAR.search(text) else set()
    for amount, unit in _SPAN.findall(text):
        value = _NUMBER_WORDS.get(amount) or float(amount)
        found.add(round(value * _MONTHS[unit[0]], 1))
    return found


# A whole run of letters that is a country's adjective: one scan in C, not a Python call for every word of a
# record (that was most of the time a first described question took on a large corpus).
_PLACE_ADJECTIVE = re.compile(r"(?<![a-z])(?:" + "|".join(sorted(PLACES, key=len, reverse=True)) + r")(?![a-z])")


def _places(text: str) -> str:
    """`text` normalized, a country's adjective as its name ("Norwegian" -> "norway"), as questions are read."""
    return _PLACE_ADJECTIVE.sub(lambda m: PLACES[m.group(0)], normalize(text))


_DOSE_RANGE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d+(?:\.\d+)?\s*(?=mg)")


def _doses(text: str) -> set[float]:
    """The single doses `text` gives; a range's ends are not ("test doses 0.75-6 mg" is no 6 mg study)."""
    return {float(x) for x in _DOSE.findall(_DOSE_RANGE.sub(" ", text))}


INDEXES = 16  # sets of conditions whose description index is kept, the most recently asked


class _Index(BM25Okapi):
    """rank-bm25's BM25Okapi over already tokenized descriptions, its term frequencies kept as postings (which
    descriptions hold a word how often) rather than a dict per description: a fraction of the memory on a large
    corpus, and the same frequencies, idf and arithmetic, so the same scores to the last bit."""

    def _initialize(self, corpus: Sequence[Sequence[str]]) -> Counter[str]:
        nd: Counter[str] = Counter()  # word -> number of documents with it, in order of first appearance
        self.postings: dict[str, tuple[array[int], array[int]]] = {}
        total = 0
        for i, document in enumerate(corpus):
            frequencies = Counter(document)
            self.doc_len.append(len(document))
            total += len(document)
            for word, count in frequencies.items():
                held = self.postings.get(word)
                if held is None:
                    held = self.postings[word] = (array("I"), array("I"))
                held[0].append(i)
                held[1].append(count)
            nd.update(frequencies.keys())
            self.corpus_size += 1
        self.avgdl = total / self.corpus_size
        return nd

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25Okapi.get_scores, each word's frequencies read from its postings."""
        score = np.zeros(self.corpus_size)
        doc_len = np.array(self.doc_len)
        for q in query:
            q_freq = np.zeros(self.corpus_size, dtype=int)
            held = self.postings.get(q)
            if held is not None:
                q_freq[np.frombuffer(held[0], dtype=np.uint32)] = np.frombuffer(held[1], dtype=np.uint32)
            score += (self.idf.get(q) or 0) * (q_freq * (self.k1 + 1) /
                                               (q_freq + self.k1 * (1 - self.b + self.b * doc_len / self.avgdl)))
        return score


class Descriptions:
    """Reviewed human records' descriptions, for matching a question that describes one study."""

    def __init__(self, studies: dict[str, Study]) -> None:
        self.analyzer = Analyzer()
        self.studies = studies
        # Each record's description is read once (its tokens go into the index, only its facts are kept); an
        # index is made per set of conditions asked, and only the most recent INDEXES of them are kept.
        self._index = lru_cache(maxsize=INDEXES)(self._build_index)
        self._fact_sets: dict[str, tuple[frozenset[str], set[float], set[float]]] = {}

    def indexes_kept(self) -> int:
        """How many per-conditions description indexes are held (at most INDEXES)."""
        return self._index.cache_info().currsize

    def _build_index(self, labels: tuple[str, ...]) -> BM25Okapi:
        """BM25 over the descriptions of `labels` only: a word every record on the condition shares ("pain",
        "placebo") tells them apart no more than filler does."""
        return _Index([self.analyzer.tokens(self._read(x)) for x in labels])

    def _read(self, label: str) -> str:
        """A record's description as questions are read (countries by name); its facts are kept on the way."""
        text = _places(self.document(self.studies[label]))
        if label not in self._fact_sets:
            s = self.studies[label]
            # only the place names of the description are ever compared: the rest is not kept
            self._fact_sets[label] = (frozenset(re.findall(r"[a-z]+", text)) & PLACE_NAMES,
                                      _doses(normalize(s.dose or "")), months(normalize(s.duration or "")))
        return text

    def _facts(self, label: str) -> tuple[frozenset[str], set[float], set[float]]:
        """A record's place names, its doses and its spans in months, made once."""
        found = self._fact_sets.get(label)
        if found is None:
            self._read(label)
            found = self._fact_sets[label]
        return found

    @staticmethod
    def document(s: Study) -> str:
        """The text a record is described by: its label, title, journal, authors, population, summary and
        curated fields."""
        parts = (s.label, *s.aliases, s.title, s.journal, " ".join(s.authors), s.population, s.summary, s.dose,
                 s.duration, s.comparator, s.design, s.evidence_level, str(s.year or ""), str(s.n or ""))
        return " ".join(p for p in parts if p)

    @staticmethod
    def points_at_one(text: str) -> bool:
        """Whether `text` points at one study, not a review ("the irish long covid study"), named or not."""
        plain = normalize(text)
        return bool(_ONE_STUDY.search(plain)) and not _REVIEW_ASKED.search(plain)

    def described(self, text: str, conditions: Sequence[str]) -> list[str]:
        """The one reviewed study on the asked `conditions` (on any condition when none is asked) that `text`
        describes, as a one-item list; [] when the question points at no single study or no record clearly wins.
        A country named ("ms patients in norway") describes a study on the asked conditions without a word for
        a study."""
        plain = normalize(text)
        places = {PLACES.get(w, w) for w in re.findall(r"[a-z]+", plain) if w in PLACES or w in PLACE_NAMES}
        one = bool(_ONE_STUDY.search(plain))
        if not one and not (conditions and places):
            return []
        labels = tuple(sorted(label for label, s in self.studies.items()
                              if s.reviewed and (not conditions or any(c in conditions for c in s.conditions))))
        expanded = _DESIGN_PHRASES.sub(lambda m: f"{m.group(0)} {DESIGN_WORDS[m.group(0)]}",
                                       _VS_PLACEBO.sub(" ", plain))
        describing = " ".join(PLACES.get(w, w) for w in re.findall(r"[\w.'-]+", expanded)
                              if english_zipf(PLACES.get(w, w)) < DESCRIBING_ZIPF or w in PLACE_NAMES)
        terms = [t for t in dict.fromkeys(self.analyzer.tokens(describing))
                 if t not in _GENERIC and not t[:1].isdigit()]
        years = {int(y) for y in _YEAR.findall(plain)}
        reviews_too = bool(_REVIEW_ASKED.search(plain))
        long_asked = bool(_LONG.search(plain))  # a review lists its studies' countries: not its own
        doses, spans, counts = _doses(plain), months(plain), {int(x) for x in _COUNT.findall(plain)} - years
        if not labels or (not terms and not years and not doses and not spans and not counts and not places
                          and not long_asked):
            return []
        scores = self._index(labels).get_scores(terms) if terms else [0.0] * len(labels)
        ranked = []
        placed = set()  # the records the country named fits
        place_scores = self._index(labels).get_scores(sorted(places)) if places else [0.0] * len(labels)
        for i, (label, score) in enumerate(zip(labels, scores, strict=True)):
            s = self.studies[label]
            described_by, dosed, ran = self._facts(label)
            score += YEAR_WEIGHT * bool(years and s.year in years)
            score += DOSE_WEIGHT * bool(doses & dosed)
            score += SPAN_WEIGHT * bool(spans & ran or (long_asked and max(ran, default=0.0) >= 12))
            score += SIZE_WEIGHT * bool(s.n and s.n in counts)
            if s.evidence_level.endswith("review") and not reviews_too:
                score -= float(place_scores[i])
            elif places & described_by:
                score += PLACE_WEIGHT
                placed.add(label)
            ranked.append((float(score), label))
        ranked.sort(reverse=True)
        if not ranked or ranked[0][0] < (MIN_SCORE if conditions else MIN_SCORE_ANY):
            return []
        if not one and ranked[0][1] not in placed:  # "the danish one": no record says Denmark
            return []
        if not conditions and ranked[0][0] < STRONG_ANY and not _THE_STUDY.search(plain):
            return []  # "did any ldn study check liver values?" points at no one study
        # two records of one trial (a paper and its follow-up) are one study described: the main report (the
        # larger, then the earlier) answers unless the other clearly fits better
        trial = self.studies[ranked[0][1]].trial
        rest = [x for x in ranked[1:] if not trial or self.studies[x[1]].trial != trial]
        if trial:
            close = [x[1] for x in ranked if self.studies[x[1]].trial == trial and ranked[0][0] - x[0] < MARGIN]
            main = max(close, key=lambda x: (self.studies[x].n or 0, -(self.studies[x].year or 0)))
            ranked = [next(x for x in ranked if x[1] == main), *ranked]
        if rest and (ranked[0][0] - rest[0][0] < MARGIN
                     or (not conditions and ranked[0][0] < LEAD_RATIO_ANY * rest[0][0])):
            return []
        return [ranked[0][1]]
