"""Questions across studies as record queries: filters on the study records' own fields (condition or condition
group, design, direction, population, species, dose class, publication type) and an aggregate (list, count,
largest, newest, first), answered from those fields by fixed templates.

"Which trials found nothing?", "any placebo-controlled trial for gut conditions?", "how many people did the MS
trials enrol?" are one plan each, whatever the wording: the ways people say a filter or an aggregate are data
(corpus/record_queries.yaml, plus intents.yaml's populations, species, designs and superlatives).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import get_args

from ldn_bot.corpus.evidence import by_trial
from ldn_bot.corpus.models import Corpus, Study
from ldn_bot.corpus.rawyaml import read_optional_mapping
from ldn_bot.engine import plans
from ldn_bot.engine.described import months
from ldn_bot.engine.exclusions import Exclusions
from ldn_bot.engine.plans import KeyPoint, Plan
from ldn_bot.engine.request import Aggregate, Filters
from ldn_bot.engine.understand import Intent, _pattern

RECORD_QUERIES_FILE = "record_queries.yaml"
FILTER_SECTIONS = ("directions", "groups", "dose_classes", "publication_types", "durations", "comparators")
AGGREGATES: tuple[str, ...] = get_args(Aggregate)
# A filter value -> the record field values it keeps.
DESIGN_LEVELS = plans.DESIGN_FAMILIES
DIRECTION_VALUES = {"null": ("no_difference", "harm"), "benefit": ("benefit",), "mixed": ("mixed",)}
# Doses that are LDN as members take it: a list never mixes in detox or opioid-combination doses unless asked.
LDN_DOSE_CLASSES = ("low", "several", "animal")
SUPERLATIVE_AGGREGATE = {"largest": "largest", "newest": "newest", "oldest": "first"}

# Fixed templates (reviewed text), filled with record fields.
DIRECTION_PHRASES = {"null": "that found no benefit over the comparator", "benefit": "that found a benefit",
                     "mixed": "with mixed results"}
DOSE_PHRASES = {"low": "at low doses", "very_low": "at very low doses (0.1-0.5 mg a day, as in opioid detox)",
                "ultra_low": "at ultra-low doses (micrograms a day, with an opioid)",
                "not_low": "at doses above the low-dose range"}
PUBLICATION_PHRASES = {"conference_abstract": "reported only as a conference abstract", "preprint": "reported as a "
                       "preprint", "journal_article": "published as journal articles", "report": "reported as a report",
                       "letter": "published as a letter", "repository_abstract": "reported as a repository abstract",
                       "unconfirmed": "with no bibliographic record seen"}
FOUND = "{what}: {count}{papers}."
NONE_FOUND = "The corpus has no {what}."
COUNTED = ("{what}: {count}{papers}; {people} took part in all (each trial counted once, reviews' pooled numbers "
           "left out{missing}).")
THE_OTHERS = "Also: {studies}."
SHOWN_WITH_FINDING = 3  # studies a list shows with their finding; the rest by name, design and size
# Aspects whose own plans answer "long term" ("is it safe long term?", "what dose long term?").
ASPECTS_FIRST = ("dose", "timing", "titration", "side_effects", "onset", "mechanism")
LONG_MONTHS = 12.0  # a "long-term" study followed people at least this long
DURATION_PHRASES = {"long": "lasting a year or more"}
COMPARATOR_PHRASES = {"active": "that compared LDN with another drug or treatment"}
# "more than 50 people", "at least 100 patients", "200+ ppl", "n > 50": a size the studies must exceed.
_PEOPLE = r"(?:people|ppl|patients|pts|participants|subjects|persons|women|men|kids|children|adults|enrolled)"
_MORE_THAN = re.compile(rf"(?:more than|over|at least|bigger than|larger than|greater than|above|>=?|≥)\s*(\d{{1,6}})"
                        rf"\s*\+?\s*{_PEOPLE}\b|\b(\d{{1,6}})\s*\+\s*{_PEOPLE}\b|\bn\s*(?:>=?|≥)\s*(\d{{1,6}})\b")


@dataclass(frozen=True)
class RecordQuery:
    """What a question asks across studies: `filters`, an `aggregate`, whether it asks the people in them all
    together (`total`), whether it speaks of studies at all (`studies`: "a trial", "the studies"), and the words
    that named a condition group (`group_words`: "skin conditions"), so that a condition named by those same words
    gives way to its group."""

    filters: Filters = field(default_factory=Filters)
    aggregate: Aggregate | None = None
    total: bool = False
    studies: bool = False
    group_words: str = ""
    nouns: tuple[str, ...] = ()  # the words for studies it uses, as typed ("trials", "review")
    matched_words: frozenset[str] = frozenset()  # every word of the lexicon's phrases it matched ("preprints")

    @property
    def selective(self) -> bool:
        """Whether it filters on what only a record query answers: direction, group, dose class, publication,
        how long or how large the studies were."""
        f = self.filters
        return any(v is not None for v in (f.direction, f.group, f.dose_class, f.publication_type, f.duration,
                                            f.min_n, f.comparator))

    @property
    def across(self) -> bool:
        """Whether it is a question across studies: a count or a total; a filter only records answer, on studies
        ("which trials failed?", "any trial for gut stuff?"); a superlative among studies in a population
        ("the biggest trial in kids")."""
        if self.aggregate == "count" or self.total:
            # "how many trials did that review include?": what one review holds, not a count of records
            return not (self.filters.design == "review" and not any(n.endswith("s") for n in self.nouns
                                                                      if "review" in n or "analys" in n))
        if self.aggregate in ("largest", "newest", "first") and self.filters.population:
            return True
        # "which conditions had a placebo trial, besides fibro?": leaving a condition out asks across the others
        return (self.selective or bool(self.filters.exclude)) and (self.aggregate is not None or self.studies)


class RecordLexicon:
    """The ways people say filters and aggregates (record_queries.yaml), compiled once."""

    def __init__(self, data: Mapping[str, object]) -> None:
        def table(section: object) -> dict[str, re.Pattern[str]]:
            items = section.items() if isinstance(section, dict) else ()
            return {str(name): _pattern([str(p) for p in phrases or []]) for name, phrases in items}

        self._last: tuple[str, Intent, RecordQuery] | None = None  # the last question read, and its query
        filters = data.get("filters") or {}
        self.aggregates = table(data.get("aggregates"))
        self.filters = {s: table(filters.get(s) if isinstance(filters, dict) else None) for s in FILTER_SECTIONS}
        nouns = data.get("studies")
        self.nouns = _pattern([str(p) for p in nouns] if isinstance(nouns, list) else [])
        asking = data.get("list_words")
        nouns_alt = "|".join(re.escape(str(n)) for n in sorted(nouns or [], key=len, reverse=True)) if isinstance(
            nouns, list) else ""
        words_alt = "|".join(re.escape(str(w)) for w in asking) if isinstance(asking, list) else ""
        self.asking = re.compile(rf"\b(?:{words_alt})\b(?:\s+[\w-]+){{0,5}}?\s+(?:{nouns_alt})\b"
                                 if nouns_alt and words_alt else r"(?!x)x")
        # Studies named in the plural, for a result beside them ("the negative trials", "studies that flopped").
        plural = "|".join(re.escape(str(n)) for n in sorted(nouns or [], key=len, reverse=True)
                          if str(n).endswith("s")) if isinstance(nouns, list) else ""
        self.plural_after = re.compile(rf"^\s+(?:(?!(?:in|on|for|with|at|of|to|from|by)\b)[\w-]+\s+)?(?:{plural})\b"
                                       if plural else r"(?!x)x")
        self.plural_before = re.compile(rf"\b(?:{plural})\s+(?:that|which|where|with|showing|finding|who|in which)\b"
                                        rf"(?:\s+[\w'-]+){{0,5}}\s*$" if plural else r"(?!x)x")
        cues = data.get("exclusions")
        self.exclusion_cues = tuple(str(c).lower() for c in cues) if isinstance(cues, list) else ()
        fillers = data.get("fillers")
        self.fillers = _pattern([str(w) for w in fillers] if isinstance(fillers, list) else [])
        amounts, uses = data.get("use_amounts"), data.get("use_nouns")
        self.use_amounts = frozenset(str(w).lower() for w in amounts) if isinstance(amounts, list) else frozenset()
        self.use_nouns = frozenset(str(w).lower() for w in uses) if isinstance(uses, list) else frozenset()
        inactive = data.get("inactive_comparators")  # how a record's comparator says it is no other treatment
        self.inactive = tuple(str(w).lower() for w in inactive) if isinstance(inactive, list) else ()
        change = data.get("change_words")
        self.change_words = frozenset(str(w).lower() for w in change) if isinstance(change, list) else frozenset()

    def read(self, text: str, intent: Intent) -> RecordQuery:
        """The record query in a question's text (as typed), with the intent read from it (design, population,
        species, superlative). The first matching entry of each filter section wins, in file order."""
        last = self._last  # a question is read here twice (its Request, then its answer's plan): once is enough
        if last is not None and last[0] == text and last[1] == intent:
            return last[2]
        query = self._read(text, intent)
        self._last = (text, intent, query)
        return query

    def _read(self, text: str, intent: Intent) -> RecordQuery:
        lowered = " ".join(text.lower().replace("\u2019", "'").split())
        # "found basically nothing", "didn't really work": the phrase without the words that only hedge or stress
        plain = " ".join(self.fillers.sub(" ", lowered).split())
        wheres = (lowered,) if plain == lowered else (lowered, plain)  # no filler: one search, not the same twice

        said: list[str] = []

        beside_studies = False  # a result phrase beside a plural word for studies: "the trials that flopped"

        def first(section: Mapping[str, re.Pattern[str]]) -> tuple[str | None, str]:
            nonlocal beside_studies
            for name, p in section.items():
                for where in wheres:
                    m = p.search(where)
                    if m:
                        said.append(m.group(0))
                        beside_studies = beside_studies or bool(self.plural_after.match(where[m.end():])
                                                                or self.plural_before.search(where[:m.start()]))
                        return name, m.group(0)
            return None, ""

        found = {"directions": first(self.filters["directions"])}
        on_studies = beside_studies  # only a result phrase counts: "skin trials" is a group, not a list
        found |= {s: first(self.filters[s]) for s in FILTER_SECTIONS if s != "directions"}
        asked = set()
        for name, p in self.aggregates.items():
            hits = [m.group(0) for m in p.finditer(lowered)]
            if hits:
                asked.add(name)
                said.extend(hits)
        if self.asking.search(lowered):
            asked.add("list")
        # A result is a filter only on a list or a count ("which trials failed?"); in a claim or a yes-no question
        # ("a trial found it no better than placebo, true?", "did it beat placebo in the trials?") it is what is
        # asked about, and the condition's own plan answers it.
        # The same result said of the studies themselves ("the negative trials", "studies that found nothing") is
        # a list of them.
        if on_studies and not asked & {"list", "count"}:
            asked.add("list")
        direction = found["directions"][0] if asked & {"list", "count"} else None
        size = _MORE_THAN.search(lowered)
        if intent.has(*ASPECTS_FIRST):  # "is it safe long term?": the side effects answer it, not a list
            found["durations"] = (None, "")
        filters = Filters(design=intent.design, direction=direction, population=intent.population,
                          species=intent.species, dose_class=found["dose_classes"][0],
                          publication_type=found["publication_types"][0], group=found["groups"][0],
                          duration=found["durations"][0], comparator=found["comparators"][0],
                          min_n=int(next(g for g in size.groups() if g))
                          if size else None)
        nouns = [m.group(0) for m in self.nouns.finditer(lowered)]
        plural = any(n.endswith("s") for n in nouns)  # "trials", "studies": several ("how many people in them")
        total = intent.has("size") and ("total" in asked or plural) and "count" not in asked
        aggregate: str | None = None
        if "count" in asked:
            aggregate = "count"
        elif intent.superlative in SUPERLATIVE_AGGREGATE:
            aggregate = SUPERLATIVE_AGGREGATE[intent.superlative]
        elif "list" in asked:
            aggregate = "list"
        return RecordQuery(filters, aggregate if aggregate in AGGREGATES else None,  # type: ignore[arg-type]
                           total, bool(nouns), found["groups"][1], tuple(nouns),
                           frozenset(w for phrase in [*said, *nouns] for w in phrase.split()))


def load_record_lexicon(root: str | Path) -> RecordLexicon:
    """The record-query lexicon of a corpus folder (root/record_queries.yaml); empty when the file is absent. A file
    that cannot be read or parsed is a CorpusError naming it, with the line where YAML stopped."""
    path = Path(root) / RECORD_QUERIES_FILE
    data = read_optional_mapping(path, "must be a mapping with sections aggregates, studies, filters, change_words")
    return RecordLexicon(data or {})


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def compact(study: Study) -> str:
    """ "Smith 2013 (randomized controlled trial, n=14)": a study named with its design and size."""
    return f"{study.label} ({study.design_line})"


class RecordSearch:
    """Record queries over one corpus's reviewed studies. `groups` maps a canonical condition (lower case) to its
    condition group (synonyms.yaml), `spellings` to its name and aliases; `lexicon` reads the questions."""

    def __init__(self, studies: Iterable[Study], groups: Mapping[str, str], lexicon: RecordLexicon,
                 spellings: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.studies = plans.strength_order(s for s in studies if s.reviewed)
        self.groups = dict(groups)
        self.spellings = {k: tuple(a.lower() for a in v) for k, v in (spellings or {}).items()}
        self.lexicon = lexicon

    @classmethod
    def for_corpus(cls, corpus: Corpus) -> RecordSearch:
        """Record queries over a loaded corpus: its studies, its conditions' groups and spellings, its lexicon."""
        conditions = [g for g in corpus.synonyms if g.kind == "condition"]
        return cls(corpus.studies.values(), {g.name: g.condition_group for g in conditions if g.condition_group},
                   load_record_lexicon(corpus.root), {g.name: (g.name, *g.aliases) for g in conditions})

    def select(self, filters: Filters, conditions: Iterable[str] = ()) -> list[Study]:
        """The reviewed studies on any of `conditions` (or in `filters.group`, or all) that every filter keeps,
        strongest design first. Doses other than LDN's are kept only when the dose class is asked."""
        wanted = {c.lower() for c in conditions}
        out: list[Study] = []
        for s in self.studies:
            on = {c.lower() for c in s.conditions}
            if wanted and not on & wanted:
                continue
            if not wanted and filters.group and not any(self.groups.get(c) == filters.group for c in on):
                continue
            if filters.design in DESIGN_LEVELS and s.evidence_level not in DESIGN_LEVELS[filters.design]:
                continue
            if filters.direction in DIRECTION_VALUES and s.direction not in DIRECTION_VALUES[filters.direction]:
                continue
            if filters.species == "animal" and plans.is_human(s):
                continue
            if (filters.species == "human" or filters.design) and not plans.is_human(s):
                continue
            if filters.population and not plans.in_population(s, filters.population):
                continue
            dose = s.dose_class
            if (dose != filters.dose_class) if filters.dose_class else dose not in LDN_DOSE_CLASSES:
                continue
            if filters.publication_type and s.publication_type != filters.publication_type:
                continue
            if filters.duration == "long" and max(months(s.duration or ""), default=0.0) < LONG_MONTHS:
                continue
            if filters.comparator == "active" and not (plans.is_human(s) and self._active(s.comparator or "")):
                continue
            if filters.min_n is not None and (not s.n or s.n <= filters.min_n or (
                    s.evidence_level == plans.REVIEW and filters.design != "review")):
                continue  # a review's n is pooled from its studies, not one study's size
            if filters.exclude and all(any(x in c for x in filters.exclude) for c in on):
                continue  # "not ms": a study on MS alone (relapsing-remitting MS too) is left out
            if s.evidence_level == "narrative review":  # an expert's overview, not a study of its own
                continue
            out.append(s)
        if filters.duration == "long":  # "any long term data?": the longest first
            out.sort(key=lambda s: -max(months(s.duration or ""), default=0.0))
        return out

    def _active(self, comparator: str) -> bool:
        """Whether a record's comparator is another drug or treatment: not placebo, baseline or no one."""
        c = comparator.lower().strip()
        placebo = "placebo" in c and "active" not in c  # "ART plus placebo": the added drug is in both arms
        return bool(c) and not placebo and not any(c.startswith(w) for w in self.lexicon.inactive)

    def describe(self, filters: Filters, conditions: list[str], many: bool = True) -> str:
        """ "Controlled trials on gut conditions that found no benefit over the comparator": the studies a query
        keeps, in the templates' words."""
        noun = {"trial": ("controlled trial", "controlled trials"),
                "review": ("systematic review", "systematic reviews")}.get(filters.design or "", ("study", "studies"))
        parts = [noun[1] if many else noun[0]]
        if conditions:
            parts.append(f"on {' or '.join(conditions)}")
        elif filters.group:
            parts.append(f"on {filters.group} conditions")
        if filters.population:
            parts.append(f"in {filters.population}")
        if filters.species == "animal":
            parts.append("in animals or the lab")
        elif filters.species == "human" and not filters.design:
            parts.append("in people")
        if filters.dose_class in DOSE_PHRASES:
            parts.append(DOSE_PHRASES[filters.dose_class])
        if filters.publication_type in PUBLICATION_PHRASES:
            parts.append(PUBLICATION_PHRASES[filters.publication_type])
        if filters.min_n is not None:
            parts.append(f"with more than {filters.min_n} people")
        if filters.duration in DURATION_PHRASES:
            parts.append(DURATION_PHRASES[filters.duration])
        if filters.comparator in COMPARATOR_PHRASES:
            parts.append(COMPARATOR_PHRASES[filters.comparator])
        if filters.direction in DIRECTION_PHRASES:
            parts.append(DIRECTION_PHRASES[filters.direction])
        text = " ".join(parts)
        return text[:1].upper() + text[1:]

    def read(self, text: str, intent: Intent, exclude: tuple[str, ...] = ()) -> RecordQuery:
        """The record query of a question's text, leaving out the conditions in `exclude` (canonical names)."""
        query = self.lexicon.read(text, intent)
        return replace(query, filters=replace(query.filters, exclude=exclude)) if exclude else query

    def exclusions(self, conditions_of: Callable[[str], list[str]]) -> Exclusions:
        """What reads the conditions a question leaves out, with the lexicon's words for that and `conditions_of`
        (text -> the canonical conditions it names)."""
        return Exclusions(self.lexicon.exclusion_cues, conditions_of)

    def filters(self, text: str, intent: Intent) -> tuple[Filters, Aggregate | None]:
        """The record filters and aggregate a question sets (for the Request)."""
        query = self.lexicon.read(text, intent)
        return query.filters, query.aggregate

    def plan(self, query: RecordQuery, intent: Intent, conditions: list[str], about_one: bool = False) -> Plan | None:
        """The answer to a question across studies, or None when `query` is not one (see `RecordQuery.across`).
        A group counts only when the question names no condition (a condition named by the group's own words,
        "skin conditions", gives way to it). None found: a fixed line saying so, then what the nearest query
        finds (the filters dropped one by one, the direction first), so an answer never implies that the scope
        has no studies at all. `about_one`: the conversation is about one study ("how many trials was that?" after
        a review is what the review holds), so a count is not a record query."""
        filters = query.filters
        conditions = [c for c in conditions if not (filters.group and self.groups.get(c) == filters.group
                                                    and self._says(c, query.group_words))]
        if conditions and filters.group:  # "did the patches cause skin problems" in a long covid question
            query = replace(query, filters=replace(filters, group=None))
            filters = query.filters
        if not query.across:
            return None
        counting = query.aggregate == "count" or query.total
        if counting and about_one:
            return None
        found = self.select(filters, conditions)
        if found and query.aggregate in ("largest", "newest", "first") and not counting:
            chosen = plans.pick(found, {"first": "oldest"}.get(query.aggregate, query.aggregate))
            return plans.record(chosen, intent) if chosen else None
        if found:
            return self.counted(found, filters, conditions) if counting else self.listed(found, filters, conditions)
        what = self.describe(filters, conditions)
        none = Plan("records", NONE_FOUND.format(what=what[:1].lower() + what[1:]), [], [])
        for relax in ("direction", "min_n", "duration", "publication_type", "dose_class", "population", "species",
                      "design"):
            if getattr(filters, relax) is None:
                continue
            filters = replace(filters, **{relax: None})  # type: ignore[arg-type]
            nearest = self.select(filters, conditions)
            if nearest:
                budget = plans.SHORT_BUDGET - 120
                return plans.join([none, self.counted(nearest, filters, conditions) if counting
                                   else self.listed(nearest, filters, conditions, budget)])
        return none

    def _says(self, condition: str, phrase: str) -> bool:
        """Whether `phrase` (lower case) holds one of the condition's spellings."""
        return any(f" {a} " in f" {phrase} " for a in self.spellings.get(condition, (condition,)))

    def listed(self, found: list[Study], filters: Filters, conditions: list[str],
               budget: int = plans.SHORT_BUDGET) -> Plan:
        """The studies found, strongest first: the first few with their finding, the rest by name, design and size,
        within `budget` characters."""
        trials = len(by_trial(found))  # a trial reported in several papers counts once, as tallies count it
        papers = f" (reported in {len(found)} papers)" if trials < len(found) else ""
        headline = FOUND.format(what=self.describe(filters, conditions), count=trials, papers=papers)
        budget -= len(headline)
        points: list[KeyPoint] = []
        shown: list[Study] = []
        for s in found[:SHOWN_WITH_FINDING]:
            point = KeyPoint(plans.finding(s), s.label, plans.head(s))
            cost = len(point.text) + len(point.head or "") + 10
            if cost > budget - (120 if len(found) > len(shown) + 1 else 0):
                break
            points.append(point)
            shown.append(s)
            budget -= cost
        rest = []
        for s in found[len(shown):]:
            if len(compact(s)) + 2 > budget - 40:
                break
            rest.append(s)
            budget -= len(compact(s)) + 2
        if rest:
            more = len(found) - len(shown) - len(rest)
            names = "; ".join(compact(s) for s in rest) + (f"; and {more} more" if more else "")
            points.append(KeyPoint(THE_OTHERS.format(studies=names), rest[0].label, names=tuple(s.label for s in rest)))
        return Plan("records", headline, points, [*shown, *rest])

    def counted(self, found: list[Study], filters: Filters, conditions: list[str]) -> Plan:
        """How many studies, and how many people took part in all: a trial reported in several papers once (its
        largest n), reviews' pooled numbers left out."""
        what = self.describe(filters, conditions)
        if not found:
            return Plan("records", NONE_FOUND.format(what=what[:1].lower() + what[1:]), [], [])
        primary = [s for s in found if s.evidence_level not in (plans.REVIEW, "narrative review")]
        trials: dict[str, list[Study]] = {}
        for s in primary:
            trials.setdefault(s.trial or s.label, []).append(s)
        sizes = [max((s.n for s in group if s.n is not None), default=None) for group in trials.values()]
        people = sum(n for n in sizes if n is not None)
        unknown = sum(n is None for n in sizes)
        papers = len(found) - len(trials) - (len(found) - len(primary))
        headline = COUNTED.format(  # the count counts a trial reported in several papers once, as tallies do
            what=what, count=len(found) - papers,
            papers=f" ({_plural(len(trials), 'trial', 'trials')} reported in {len(primary)} papers)" if papers else "",
            people=_plural(people, "person", "people") if filters.species != "animal" else f"{people} animals",
            missing=f"; {_plural(unknown, 'study gives', 'studies give')} no size" if unknown else "")
        names = "; ".join(compact(s) for s in found[:8]) + (f"; and {len(found) - 8} more" if len(found) > 8 else "")
        named = tuple(s.label for s in found[:8])
        return Plan("records", headline, [KeyPoint(names + ".", found[0].label, names=named)], found[:8])
