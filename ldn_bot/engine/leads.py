"""What leads a plan's short answer when the question asks about one outcome or one harm: the question's outcome
words (engine/outcomes.py) over the studies the plan chose. The engine calls `Leads.outcome` for a plan on a
condition or a study, and `Leads.harms` for a side-effect plan."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from ldn_bot.corpus.evidence import counts_as_ldn
from ldn_bot.corpus.models import Study
from ldn_bot.engine import plans
from ldn_bot.engine.outcomes import OutcomeRanker, harms_asked, lead
from ldn_bot.engine.plans import Plan
from ldn_bot.engine.reading import QuestionReader
from ldn_bot.engine.records_query import RecordSearch
from ldn_bot.engine.understand import Intent
from ldn_bot.retrieval.query import Query


class Leads:
    """Built once per engine: the question reader (content words), the outcome ranker, `studies_on` (a condition
    -> its reviewed studies, strongest first; None: all), the index's document frequencies and the record
    search, whose lexicon has the change words ("reduce", "help") that never name an outcome."""

    def __init__(self, reader: QuestionReader, ranker: OutcomeRanker, studies_on: Callable[[str | None], list[Study]],
                 df: Mapping[str, int], records: RecordSearch) -> None:
        self.reader, self.ranker, self.studies_on, self.df = reader, ranker, studies_on, df
        self.change: Collection[str] = records.lexicon.change_words

    def outcome(self, plan: Plan, text: str, query: Query, asked: Intent, story: str = "") -> Plan:
        """`plan` led by the sentences reporting the outcome the question (`text`, parsed as `query`) asks about,
        the `story` filling it when the question names none (see outcomes.lead)."""
        content, _ = self.reader.content(query, asked)
        chosen = self.ranker.asked(plan, content, text, self.df, self.change, story)
        scope = [s for s in self.studies_on(plan.topic) if s.evidence_level != "narrative review"] if plan.topic else []
        return lead(plan, self.ranker, chosen, scope, harms=asked.has("side_effects"))

    def harms(self, plan: Plan, text: str, query: Query, asked: Intent, condition: str | None) -> Plan:
        """A side-effect plan led by the harm sentences reporting what the question asks (see
        outcomes.harms_asked), among the LDN studies of its `condition`, or all; trials first when it asks about
        trials."""
        content, _ = self.reader.content(query, asked)
        chosen = self.ranker.asked(plan, content, text, self.df, self.change)
        scope = [s for s in self.studies_on(condition) if counts_as_ldn(s) or s.dose_class == "several"]
        if asked.design == "trial":
            scope.sort(key=lambda s: s.evidence_level not in plans.CONTROLLED)
        return harms_asked(plan, self.ranker, chosen, scope)
