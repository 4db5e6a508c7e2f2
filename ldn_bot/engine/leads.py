"""What leads a plan's short answer when the question asks about one outcome or one harm: the question's outcome
words (engine/outcomes.py) over the studies the plan chose. The engine calls `Leads.lead` with the plan chosen:
a plan on a condition or a study is led by the sentences on the asked outcome, a side-effect plan by those on the
asked harm, and a question on no condition that asks an outcome in so many words ("did ldn users need fewer
antidepressants?") gets the studies reporting it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from ldn_bot.corpus.evidence import counts_as_ldn
from ldn_bot.corpus.models import Study
from ldn_bot.engine import plans
from ldn_bot.engine.outcome_lexicon import AskedChange
from ldn_bot.engine.outcomes import OUTCOME_LINES, OutcomeRanker, harms_asked, lead
from ldn_bot.engine.plans import KeyPoint, Plan
from ldn_bot.engine.reading import QuestionReader
from ldn_bot.engine.records_query import RecordSearch
from ldn_bot.engine.safety import Rule
from ldn_bot.engine.understand import Intent
from ldn_bot.retrieval.analyzer import normalize, words
from ldn_bot.retrieval.query import Query
from ldn_bot.retrieval.search import Searcher

OUTCOME_PLANS = ("efficacy", "population", "study")  # their short answer leads with the asked outcome if reported
ACROSS_LINES = OUTCOME_LINES + 1  # studies shown for an outcome asked across the corpus
# Words saying that something changed, as records report it ("fewer", "fell", "rose"): a sentence reporting a change
CHANGED = frozenset({"fewer", "less", "lower", "fell", "fall", "reduced", "reduction", "decreased", "decrease",
                     "dropped", "rose", "rise", "higher", "increased", "increase", "more"})


class Leads:
    """Built once per engine: the question reader (content words), the outcome ranker, `studies_on` (a condition
    -> its reviewed studies, strongest first; None: all), the searcher (its parser and document frequencies)
    and the record search, whose lexicon has the change words ("reduce", "help") that never name an outcome."""

    def __init__(self, reader: QuestionReader, ranker: OutcomeRanker, studies_on: Callable[[str | None], list[Study]],
                 searcher: Searcher, records: RecordSearch) -> None:
        self.reader, self.ranker, self.studies_on = reader, ranker, studies_on
        self.parse = searcher.parser.parse
        self.df: Mapping[str, int] = searcher.stats.df
        lexicon = records.lexicon
        self.change: Collection[str] = lexicon.change_words
        self.asked_change = AskedChange(ranker.lexicon, lexicon.change_words, lexicon.use_amounts, lexicon.use_nouns)

    def lead(self, plan: Plan | None, text: str, query: Query, asked: Intent, condition: str | None,
             story: str = "", anchored: bool = True) -> Plan | None:
        """`plan` led by what the question (`text`, parsed as `query`) asks: see `outcome`, `harms`; with no plan,
        the studies reporting the asked outcome (`across`) unless the question is `anchored` (it names a study or
        condition, or follows the conversation's)."""
        if plan is None:
            return None if anchored else self.across(text, query, asked)
        if plan.kind in OUTCOME_PLANS:
            return self.outcome(plan, text, query, asked, story)
        return self.harms(plan, text, query, asked, condition) if plan.kind == "side_effects" else plan

    def changed(self, text: str, taken: Collection[str] | None = None) -> bool:
        """Whether the question asks how an outcome changed ("fewer opioids"), or one of the words a safety rule
        `taken` out of it: see AskedChange.asked."""
        return self.asked_change.asked(text, taken)

    def across(self, text: str, query: Query, asked: Intent) -> Plan | None:
        """A question on LDN that names no condition but an outcome in people's words or the corpus's terms ("did
        people end up on fewer antidepressants?"): the LDN studies in people whose sentences report it, the
        strongest first among those holding as much of it; None when none does or the question never names LDN
        nor asks whether it helps."""
        if not (self.reader.names_subject(query) or asked.has("efficacy")) or self.reader.unknown_words(
                self.parse(text), asked):
            return None  # not about LDN, or about a subject the corpus never names ("IC bladder pain")
        content, _ = self.reader.content(query, asked)
        chosen = self.ranker.asked(Plan("outcome", None, [], []), content, text, self.df, self.change,
                                   corrections=query.corrections)
        if not any(not c.plain for c in chosen):  # an outcome in so many words, not filler
            return None
        scope = [s for s in self.studies_on(None) if counts_as_ldn(s) and plans.is_human(s)
                 and s.evidence_level != "narrative review"]
        found = self.ranker.best_per_study(scope, chosen, prefer="result")
        if self.changed(text):  # "fewer opioids": the sentences saying what changed first
            found.sort(key=lambda f: not set(words(normalize(f.text))) & CHANGED)
        found = found[:ACROSS_LINES]
        points = [KeyPoint(f.text, f.study.label, plans.head(f.study)) for f in found]
        return Plan("outcome", None, points, [f.study for f in found]) if found else None

    def outcome(self, plan: Plan, text: str, query: Query, asked: Intent, story: str = "") -> Plan:
        """`plan` led by the sentences reporting the outcome the question (`text`, parsed as `query`) asks about,
        the `story` filling it when the question names none (see outcomes.lead)."""
        content, _ = self.reader.content(query, asked)
        chosen = self.ranker.asked(plan, content, text, self.df, self.change, story, query.corrections)
        scope = [s for s in self.studies_on(plan.topic) if s.evidence_level != "narrative review"] if plan.topic else []
        return lead(plan, self.ranker, chosen, scope, harms=asked.has("side_effects"))

    def harms(self, plan: Plan, text: str, query: Query, asked: Intent, condition: str | None) -> Plan:
        """A side-effect plan led by the harm sentences reporting what the question asks (see
        outcomes.harms_asked), among the LDN studies of its `condition`, or all; trials first when it asks about
        trials."""
        content, _ = self.reader.content(query, asked)
        chosen = self.ranker.asked(plan, content, text, self.df, self.change, corrections=query.corrections)
        scope = [s for s in self.studies_on(condition) if counts_as_ldn(s) or s.dose_class == "several"]
        if not any(s.adverse_events for s in scope):  # no study of the condition reports harms: all studies
            scope = [s for s in self.studies_on(None) if counts_as_ldn(s) or s.dose_class == "several"]
        if asked.design == "trial":
            scope.sort(key=lambda s: s.evidence_level not in plans.CONTROLLED)
        return harms_asked(plan, self.ranker, chosen, scope)


def shown_notices(fired: Sequence[Rule], plan: Plan | None) -> list[str]:
    """The safety texts an answer shows: the dosing notice introduces the doses the studies report, so it shows
    only above doses ("on 1.5mg, what side effects?" gets the side effects, not a notice about doses)."""
    doses = plan is None or plan.kind == "dose" or any(p.text.startswith("Dose in ") for p in plan.points)
    return [r.text for r in fired if r.action != "dose" or doses]
