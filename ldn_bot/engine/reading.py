"""What a question is about beyond its parsed words: the studies it names, its own content words, and whether
those point at one study or at another subject altogether."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from ldn_bot.corpus.models import Study, SynonymGroup
from ldn_bot.engine.described import Descriptions
from ldn_bot.engine.passages import Passages
from ldn_bot.engine.understand import Intent, Understanding
from ldn_bot.retrieval.analyzer import normalize, words
from ldn_bot.retrieval.query import Concept, Query, english_zipf
from ldn_bot.retrieval.search import Hit

SUBJECT_TERMS = frozenset({"low-dose naltrexone", "naltrexone"})  # what every question is about anyway
SPECIFIC_WEIGHT = 0.8  # a question's own content words weigh at least this much to point at one study (dev)
SPECIFIC_SHARE = 0.6  # ... and a matching passage holds this share of their weight
FOREIGN_ZIPF = 3.0  # an unknown word rarer than this in English names another subject (a drug, a disease)
SURNAME_ZIPF = 3.6  # a surname rarer than this in English ("cree", "bruun") names its study even in lower case
SUBJECT_ZIPF = 4.5  # diseases and drugs are rarer in English than this ("lupus" 3.2); "wall", "either" are not
EVERYDAY_ZIPF = 5.5  # a word this common in English ("even", "enough") names no subject, known to the corpus or not
SAFETY_TOPIC_WEIGHT = 5.0  # plain words left after a safety text's own words weigh this much to name a topic
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?(?:mg|mgs|mcg|ug|g|ml|x)?$")


# "the 1983 mouse study", "that 2008 trial": a year right before a word for a study names it, if only one has it
# ("diagnosed in 2016, any study on it?" names none)
_YEAR_STUDY = re.compile(
    r"\b(the |that |this |a )?((?:19|20)\d\d)\s+(?:[a-z-]+\s+){0,2}"
    r"(stud(?:y|ies)|trials?|papers?|reviews?|reports?|cases?|series|pilots?|meta-analys[ie]s|crossover)\b"
)
# The word for a study -> what its design says ("the 2023 fibro crossover": the crossover one of 2023)
_DESIGN_WORDS = {"crossover": "crossover", "review": "review", "reviews": "review", "meta-analysis": "review",
                 "meta-analyses": "review", "pilot": "pilot", "pilots": "pilot", "series": "series", "case": "case",
                 "cases": "case", "trial": "trial", "trials": "trial"}
# What a question asks LDN to help: "does ldn help lupus?", "ldn for my hashimotos" (up to the clause's end).
_SUBJECT = re.compile(r"\b(?:help|helps|helped|for|treat|treats|treating|cure|cures)\s+(?:my |the |your |a )?"
                      r"([^?.!,;:()]+)")
_AMOUNTS = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mgs|mcg|ug|milligrams?)?\b", re.I)


def _spellings(query: Query, keep: Callable[[SynonymGroup], bool]) -> set[str]:
    """Every name and alias of the synonym groups a question names that `keep` accepts, as normalized words."""
    return {_spelled(a) for g in query.synonyms if keep(g) for a in (g.name, *g.aliases)}


@lru_cache(maxsize=8192)
def _spelled(name: str) -> str:
    """A synonym's name or alias as normalized words (the same few thousand, read for every question)."""
    return " ".join(words(normalize(name)))


def without_amounts(text: str) -> str:
    """`text` with its amounts ("4.5mg", "3 mg", "8") taken out."""
    return _AMOUNTS.sub(" ", text)


class QuestionReader:
    """Reads questions against one corpus: `studies` (label -> record), the index's document frequencies `df`,
    the intents, and the passages (for their sentence terms)."""

    def __init__(self, studies: dict[str, Study], df: dict[str, int], understanding: Understanding,
                 passages: Passages) -> None:
        self.studies = studies
        self.df = df
        self.understanding = understanding
        self.passages = passages
        self.descriptions = Descriptions(studies)  # a study described rather than named ("the 6mg fibro trial")
        self._by_year: dict[int, list[str]] = {}  # year -> labels of the reviewed studies of that year
        for label, study in studies.items():
            if study.reviewed and study.year:
                self._by_year.setdefault(study.year, []).append(label)
        # First author's surname (as a question would spell it) -> labels of the studies it names.
        self._by_surname: dict[str, list[str]] = {}
        # Former labels and common names ("Pain Rep 2023", "the FINAL trial") and labels of two words or more,
        # as word tuples, filed under their first word: a question looks up only the words it has.
        self._aliases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, s in studies.items():
            if s.reviewed:
                for a in (*s.aliases, label):
                    alias = tuple(words(normalize(a)))
                    if len(alias) >= 2:
                        self._aliases.setdefault(alias[0], []).append((alias, label))
        for label, study in studies.items():
            # The first author's surname; a record whose authors are unknown ("Berkson 2018") goes by its label's.
            surname = study.authors[0].split()[0] if study.authors else label.split()[0]
            by_label = not study.authors and re.fullmatch(r"\S+ \d{4}[a-z]*", label) is not None
            if study.reviewed and label.startswith(surname) and (study.authors or by_label):
                key = normalize(surname).replace("'", "")
                self._by_surname.setdefault(key, []).append(label)

    def names_topic(self, rest: str, query: Query, named: list[str]) -> bool:
        """Whether a question, its safety words taken out, still names a topic of its own: a condition, a study,
        an aspect (dose, side effects, ...) or weighty plain words. Only then do studies follow a safety text.
        A dose named in passing ("pregnant, can I keep taking my 4.5mg?") is no topic: pass `query` parsed from
        `without_amounts(rest)` for such a question."""
        return bool(
            named
            or query.conditions
            or (not (intent := self.understanding.read(rest)).amount_only and intent.aspects)
            or any(g.name not in SUBJECT_TERMS for g in query.synonyms)
            or sum(c.weight for c in query.asked if c.plain and not c.text[:1].isdigit()) >= SAFETY_TOPIC_WEIGHT
        )

    def names_subject(self, query: Query) -> bool:
        return any(g.name in SUBJECT_TERMS for g in query.synonyms)

    def unknown_words(self, query: Query, asked: Intent | None = None, min_len: int = 4) -> list[str]:
        """The question's words of `min_len` or more letters the corpus never uses ("shingles"); amounts ("6mg"),
        everyday words ("enough") and the words of intents.yaml phrases the question matched (`asked`: "newest")
        are not counted."""
        understood = asked.matched_words if asked else frozenset()
        return [
            c.text
            for c in query.asked
            if c.plain
            and len(c.text) >= min_len
            and not _AMOUNT.match(c.text)
            and c.text not in understood
            and not any(u.startswith(c.text) for u in understood)  # "paediatrics" matched, read as "paediatric"
            and english_zipf(c.text) < EVERYDAY_ZIPF
            and not any(all(t in self.df for t in alt) for alt in c.alternatives)
        ]

    def foreign_words(self, query: Query, asked: Intent | None = None) -> list[str]:
        """Uncommon words the corpus never uses ("gabapentin", "B12"): a sign the question is about another
        subject. Everyday words ("server") and words of intents.yaml phrases `asked` matched are not."""
        return [w for w in self.unknown_words(query, asked, min_len=3) if english_zipf(w) < FOREIGN_ZIPF]

    def off_topic(self, query: Query, asked: Intent, whole: Query | None = None, strict: bool = False) -> bool:
        """Whether a question's own words speak of something other than what the corpus covers ("whats the weather
        like in glasgow this wk", "best pizza near me?"): it names no condition, term, drug, study design or
        anything the plans answer (an aspect, a population, a superlative), and at least half of its uncommon
        words are words the corpus never uses. A word the corpus happens to hold ("wk") does not make it one of
        ours. `query` is the question's own words parsed; `whole`, the whole message's: a condition or LDN named in
        the member's story keeps the question on topic. `strict` (a question with an "it" or "they" that may point
        back: "is it gonna rain in dublin next week?"): every uncommon word, two or more, is one the corpus never
        uses."""
        named = whole or query
        if (query.conditions or query.synonyms or named.conditions or named.synonyms or asked.aspects
                or asked.population or asked.species or asked.design or asked.superlative):
            return False
        own = [c.text for c in query.asked if c.plain and not c.context and not _AMOUNT.match(c.text)
               and english_zipf(c.text) < EVERYDAY_ZIPF]
        unknown = set(self.unknown_words(query, asked, min_len=3))
        strange = [w for w in own if w in unknown]
        if strict:
            return len(strange) >= 2 and len(strange) == len(own)
        return bool(strange) and 2 * len(strange) >= len(own)

    def unstudied_subject(self, text: str, query: Query, asked: Intent) -> str | None:
        """The subject a question asks LDN to help when it is another disease or drug the corpus never names and
        no condition it covers is asked in the same breath: "does ldn help lupus? SLE w joint pain" asks about
        lupus, whatever the corpus has on joint pain. None otherwise ("ldn for lupus and fibro" asks about fibro)."""
        foreign = {w for w in self.unknown_words(query, asked, min_len=3) if english_zipf(w) < SUBJECT_ZIPF}
        if not foreign:
            return None
        conditions = _spellings(query, lambda g: g.kind == "condition")
        for m in _SUBJECT.finditer(normalize(text)):
            clause = words(m.group(1))
            if clause and clause[0] in foreign:
                phrase = f" {' '.join(clause)} "
                if not any(f" {c} " in phrase for c in conditions):
                    return clause[0]
        return None

    def named_labels(self, text: str, conditions: Sequence[str] = ()) -> list[str]:
        """Studies a question names by first author ("the Younger trial", "smith 2013"), by year, or describes
        ("the spanish fibro trial", see `Descriptions`).

        A surname that is an everyday word must be capitalised or come with the year, so "younger patients"
        names nobody; a rare one ("cree ms trial") names its study as typed.
        """
        ws = words(normalize(text))
        by_alias = [label for i, w in enumerate(ws) for alias, label in self._aliases.get(w, ())
                    if tuple(ws[i:i + len(alias)]) == alias]
        if by_alias:
            return list(dict.fromkeys(by_alias))
        lowered = set(ws)
        candidates = [label for w in lowered for label in self._by_surname.get(w, ())]
        if not candidates:
            return self._named_by_year(text, list(conditions)) or self.descriptions.described(text, conditions)
        original = set(re.findall(r"[A-Z][\w'\u2019-]+", text))
        years_named = any(w.isdigit() and len(w) == 4 for w in lowered)
        found = []
        for label in sorted(candidates):
            study = self.studies[label]
            surname = label.split()[0]
            year = str(study.year) if study.year else ""
            named_here = (surname in original or (year and year in lowered)
                          or english_zipf(normalize(surname)) < SURNAME_ZIPF)
            if named_here and (not year or year in lowered or not years_named):
                found.append(label)
        return found

    def _named_by_year(self, text: str, conditions: list[str]) -> list[str]:
        """The one reviewed study of the year a question names beside a word for a study ("the 1983 mouse
        study"), among those on the conditions it names ("the 2023 fibro crossover"); nothing when several are
        left. Without a condition the year needs "the/that/this" before it ("diagnosed in 2016" names none)."""
        found = []
        for article, year, noun in _YEAR_STUDY.findall(normalize(text)):
            design = _DESIGN_WORDS.get(noun, "")
            if article or conditions:
                found += [x for x in self._by_year.get(int(year), ())
                          if (not conditions or any(c in conditions for c in self.studies[x].conditions))
                          and design in self.studies[x].design]
        return found if len(set(found)) == 1 else []

    def content(self, query: Query, asked: Intent) -> tuple[list[Concept], bool]:
        """A question's own content words (not its topic, not its aspect words) and whether they weigh enough
        to be a specific question rather than filler around a topic."""
        aspect_words = asked.matched_words
        # A curated term or mechanism ("opioid growth factor receptor") is content; the topic (a condition, LDN
        # itself) and words for how a study was done ("placebo", "dose") are not.
        not_content = _spellings(query, lambda g: g.kind in ("condition", "method") or g.name in SUBJECT_TERMS)
        content = [
            c for c in query.asked if not c.context and c.text not in aspect_words and c.text not in not_content
        ]
        return content, sum(c.weight for c in content) >= SPECIFIC_WEIGHT

    def matched_content(self, query: Query, asked: Intent, hits: list[Hit]) -> bool:
        """Whether the question's own content words weigh enough and one of the best three passages holds most
        of them: a specific question ("the crossover trial with 31 women"), not filler or a story around a topic."""
        content, weighty = self.content(query, asked)
        if not weighty or not hits:
            return False
        total = sum(c.weight for c in content)
        for hit in hits[:3]:
            terms = self.passages.chunk_terms(hit.chunk)
            held = sum(c.weight for c in content if any(all(t in terms for t in alt) for alt in c.alternatives))
            if held >= SPECIFIC_SHARE * total:
                return True
        return False

    def specific_study(self, query: Query, asked: Intent, hits: list[Hit]) -> Study | None:
        """The reviewed study a specific question's best passage speaks for (see `matched_content`): its own
        record, or the study its best sentence cites. Its design line says when it is a mouse or lab study."""
        if not self.matched_content(query, asked, hits[:1]):
            return None
        best = hits[0]
        label = best.chunk.source if best.chunk.kind == "study" else None
        if label is None:
            ranked = self.passages.rank_sentences(best.chunk, query)
            cited = [x for x in (ranked[0].labels if ranked else ()) if x in self.studies]
            label = cited[0] if cited else None
        study = self.studies.get(label) if label else None
        return study if study is not None and study.reviewed else None


MAX_QUESTION_CHARS = 1000  # longer input is read only this far: answering stays fast whatever is pasted


def clean_question(text: str) -> str:
    """Drop control and unprintable characters, fold whitespace, cap the length. Invisible format characters
    (soft hyphen, zero-width space or joiner) vanish inside a word: "fibro\u00admyalgia" is fibromyalgia."""
    kept = "".join("" if unicodedata.category(ch) == "Cf" else " " if unicodedata.category(ch)[0] == "C" else ch
                   for ch in text)
    return " ".join(kept.split())[:MAX_QUESTION_CHARS]


def is_readable(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 and letters >= 0.3 * len(text.replace(" ", ""))
