"""A study described rather than named: "the spanish fibro trial that ran a whole year", "the 6mg fibro trial",
"that stanford crossover from 2013". The question's descriptive words are scored against one short description
per reviewed record (title, journal, authors, population, summary, dose, duration, comparator, design, year,
size) with BM25, plus exact matches of the year, dose and duration it gives; a record that clearly beats the
runner-up counts as named, so the named-study plan answers it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rank_bm25 import BM25Okapi

from ldn_bot.corpus.models import Study
from ldn_bot.retrieval.analyzer import Analyzer, normalize
from ldn_bot.retrieval.query import english_zipf

# A question pointing at one study: a singular word for a study after "the/that/this" and up to five words
# ("the 6mg fibro trial", "that stanford crossover"), or after a describing word ("heard a spanish study").
# Plurals ask across studies; "was there a trial?" asks whether one exists.
_ONE_STUDY = re.compile(
    r"\b(?:(?:the|that|this)\s+(?:[\w.'-]+\s+){0,5}?|(?!(?:a|an|any|one|no|each|every|some|another)\s)[\w.'-]+\s+)"
    r"(?:study|trial|paper|rct|pilot|crossover|report)\b(?!s)"
)
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
# Words every LDN record or question about a study shares: they describe nothing.
_GENERIC = frozenset({"ldn", "naltrexon", "low", "dose", "studi", "trial", "paper", "thing", "one", "heard",
                      "read", "saw", "like", "remember", "patient", "peopl", "ppl"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_COUNT = re.compile(r"(?<![\d.])\d{2,5}(?![\d.%]|\s*(?:mg|mcg|ug|%))")
_DOSE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:mg|mgs|milligrams?)\b")
_SPAN = re.compile(r"\b(\d+(?:\.\d+)?|a|one|two|three|six|twelve)[\s-]*(weeks?|wks?|months?|mos?|years?|yrs?)\b")
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


def _months(text: str) -> set[float]:
    """Every span of time `text` gives, in months ("12 months", "a whole year", "16 weeks")."""
    found = {12.0} if _WHOLE_YEAR.search(text) else set()
    for amount, unit in _SPAN.findall(text):
        value = _NUMBER_WORDS.get(amount) or float(amount)
        found.add(round(value * _MONTHS[unit[0]], 1))
    return found


def _doses(text: str) -> set[float]:
    return {float(x) for x in _DOSE.findall(text)}


class Descriptions:
    """Reviewed human records' descriptions, for matching a question that describes one study."""

    def __init__(self, studies: dict[str, Study]) -> None:
        self.analyzer = Analyzer()
        self.studies = studies
        self._indexes: dict[tuple[str, ...], BM25Okapi] = {}

    def _index(self, labels: tuple[str, ...]) -> BM25Okapi:
        """BM25 over the descriptions of `labels` only: a word every record on the condition shares ("pain",
        "placebo") tells them apart no more than filler does."""
        index = self._indexes.get(labels)
        if index is None:
            index = BM25Okapi([self.analyzer.tokens(self.document(self.studies[x])) for x in labels])
            self._indexes[labels] = index
        return index

    @staticmethod
    def document(s: Study) -> str:
        """The text a record is described by: its label, title, journal, authors, population, summary and
        curated fields."""
        parts = (s.label, *s.aliases, s.title, s.journal, " ".join(s.authors), s.population, s.summary, s.dose,
                 s.duration, s.comparator, s.design, s.evidence_level, str(s.year or ""), str(s.n or ""))
        return " ".join(p for p in parts if p)

    def described(self, text: str, conditions: Sequence[str]) -> list[str]:
        """The one reviewed study on the asked `conditions` that `text` describes, as a one-item
        list; [] when the question points at no single study or no record clearly wins."""
        plain = normalize(text)
        if not conditions or not _ONE_STUDY.search(plain):
            return []
        labels = tuple(sorted(label for label, s in self.studies.items()
                              if s.reviewed and any(c in conditions for c in s.conditions)))
        describing = " ".join(PLACES.get(w, w) for w in re.findall(r"[\w.'-]+", plain)
                              if english_zipf(PLACES.get(w, w)) < DESCRIBING_ZIPF)
        terms = [t for t in dict.fromkeys(self.analyzer.tokens(describing))
                 if t not in _GENERIC and not t[:1].isdigit()]
        years = {int(y) for y in _YEAR.findall(plain)}
        places = {PLACES[w] for w in re.findall(r"[a-z]+", plain) if w in PLACES}
        doses, spans, counts = _doses(plain), _months(plain), {int(x) for x in _COUNT.findall(plain)} - years
        if not labels or (not terms and not years and not doses and not spans and not counts and not places):
            return []
        scores = self._index(labels).get_scores(terms) if terms else [0.0] * len(labels)
        ranked = []
        for label, score in zip(labels, scores, strict=True):
            s = self.studies[label]
            score += YEAR_WEIGHT * bool(years and s.year in years)
            score += DOSE_WEIGHT * bool(doses & _doses(normalize(s.dose or "")))
            score += SPAN_WEIGHT * bool(spans & _months(normalize(s.duration or "")))
            score += SIZE_WEIGHT * bool(s.n and s.n in counts)
            score += PLACE_WEIGHT * bool(places and places & set(re.findall(r"[a-z]+", normalize(self.document(s)))))
            ranked.append((float(score), label))
        ranked.sort(reverse=True)
        if not ranked or ranked[0][0] < MIN_SCORE:
            return []
        # two records of one trial (a paper and its follow-up) are one study described: the better one answers
        rest = [x for x in ranked[1:] if not (s_trial := self.studies[x[1]].trial)
                or s_trial != self.studies[ranked[0][1]].trial]
        if rest and ranked[0][0] - rest[0][0] < MARGIN:
            return []
        return [ranked[0][1]]
