"""What a harvest plot shows (issue 24): the subject a member named (a condition, a condition group, or "all"),
resolved as questions are, and its tally as data (`plans.tally`, the very tally `ask` gives), with the date of
the corpus and the fixed disclaimer. Drawing is `ldn_bot.render.chart`'s; this module never imports a plotting
library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from ldn_bot.corpus.stats import corpus_updated
from ldn_bot.engine.overview import resolve_condition, studies_on
from ldn_bot.engine.plans.base import strength_order
from ldn_bot.engine.plans.tally import Tally, tally_of
from ldn_bot.errors import UsageError
from ldn_bot.retrieval.analyzer import normalize

if TYPE_CHECKING:
    from ldn_bot.corpus.models import Study
    from ldn_bot.engine.engine import Engine

ALL = "all"
ALL_WORDS = frozenset({"all", "everything", "all conditions", "every condition", "whole corpus", "the corpus"})
# Words members put after a group's name ("skin conditions", "gut problems"): general words, not phrasings.
_GROUP_TAIL = re.compile(r"\s+(?:conditions?|problems?|issues?|stuff|disorders?|diseases?|things?)$")
SUGGEST_CUTOFF = 75  # rapidfuzz edit similarity (0-100) for a "did you mean": close spellings only


@dataclass(frozen=True)
class Subject:
    """What a chart is of: `kind` "condition", "group" or "all", and its canonical `name` ("fibromyalgia",
    "skin", "all")."""

    kind: str
    name: str

    @property
    def topic(self) -> str:
        return f"{self.name} conditions" if self.kind == "group" else self.name


@dataclass
class ChartData:
    """Everything a harvest plot draws: the subject, its tally (one panel) or each condition group's (`panels`,
    for "all"), the corpus date (YYYY-MM-DD, or None) and the disclaimer."""

    subject: Subject
    panels: list[Tally]
    corpus_date: str | None
    disclaimer: str
    whole: Tally | None = None  # for "all": the whole corpus counted once, for the title
    notes: list[str] = field(default_factory=list)

    @property
    def tally(self) -> Tally:
        """The tally of a condition or group chart; for "all", the whole corpus's."""
        return self.whole if self.whole is not None else self.panels[0]

    @property
    def title(self) -> str:
        return "All conditions" if self.subject.kind == "all" else self.subject.topic[:1].upper() + \
            self.subject.topic[1:]

    def as_dict(self) -> dict[str, Any]:
        """What `chart --json` prints: for a condition or group, `tally` is the object `ask --json` gives."""
        data: dict[str, Any] = {"subject": self.subject.name, "kind": self.subject.kind, "title": self.title,
                                "tally": self.tally.as_dict(), "corpus_date": self.corpus_date,
                                "disclaimer": self.disclaimer}
        if self.subject.kind == "all":
            data["panels"] = [p.as_dict() for p in self.panels]
        return data


def subjects(engine: Engine) -> list[Subject]:
    """Every subject a chart can be drawn for, conditions (with at least one reviewed study) first, then the
    groups, then "all": for autocomplete and tests."""
    conditions = engine.queries.conditions()
    groups = sorted({engine.condition_groups.get(c, "other") for c in conditions})
    return [Subject("condition", c) for c in conditions] + [Subject("group", g) for g in groups] + \
        [Subject("all", ALL)]


def resolve(engine: Engine, text: str) -> Subject:
    """The subject `text` names, as a member types it ("fibro", "Crohns", "skin", "gut problems", "all"): a
    condition through its synonyms and spelling (as questions are read), a group by name, or "all". Raises
    UsageError (one line, with a "did you mean") when it names none, or a condition no study is on yet."""
    folded = normalize(text)
    if not folded:
        raise UsageError("chart needs a condition, for example: ldn-bot chart fibromyalgia")
    if folded in ALL_WORDS:
        return Subject("all", ALL)
    covered = set(engine.queries.conditions())
    if folded in covered:  # "cancer" is a condition and a group: the condition, as `ask` reads it
        return Subject("condition", folded)
    bare = _GROUP_TAIL.sub("", folded)
    if bare in set(engine.condition_groups.values()):
        return Subject("group", bare)
    found = resolve_condition(engine.searcher.parser, engine.studies, text)
    if found in covered:
        return Subject("condition", found)
    if found is not None:
        raise UsageError(f"no reviewed study on {found} in the corpus yet, so there is nothing to chart")
    raise UsageError(f"no condition '{text.strip()[:60]}' in the corpus{_suggestion(engine, folded, covered)}")


def _suggestion(engine: Engine, folded: str, covered: set[str]) -> str:
    names: dict[str, str] = {c: c for c in covered}
    for group in engine.corpus.synonyms:
        if group.kind == "condition" and group.name in covered:
            for alias in group.aliases:
                names.setdefault(normalize(alias), group.name)
    names.update({g: g for g in set(engine.condition_groups.values())})
    match = process.extractOne(folded, list(names), scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF)
    if match is None:
        return "; try a condition such as fibromyalgia, a group such as skin, or all"
    return f"; did you mean '{names[match[0]]}'?"


def chart_data(engine: Engine, subject: Subject, corpus_date: datetime | None = None) -> ChartData:
    """The tally of `subject` (from `resolve`) as a chart draws it. A condition's is the tally `ask` gives for
    it (same function, same studies); a group's counts each study on any of its conditions once; "all" has one
    panel per condition group that has studies. `corpus_date` defaults to the corpus files' newest change."""
    date = corpus_date or corpus_updated(engine.config.corpus_path)
    stamp = date.strftime("%Y-%m-%d") if date else None
    disclaimer = engine.config.disclaimer
    if subject.kind == "condition":
        return ChartData(subject, [tally_of(engine.studies_on(subject.name), subject.name)], stamp, disclaimer)
    if subject.kind == "group":
        return ChartData(subject, [tally_of(_group_studies(engine, subject.name), subject.topic)], stamp, disclaimer)
    every = studies_on(engine.studies, None)
    panels = [tally_of(_group_studies(engine, g), g)
              for g in sorted({engine.condition_groups.get(c, "other") for s in every for c in s.conditions})]
    panels.sort(key=lambda t: -len(t.bars))  # the most studied groups first
    return ChartData(subject, panels, stamp, disclaimer, whole=tally_of(every, "all conditions"))


def _group_studies(engine: Engine, group: str) -> list[Study]:
    chosen = [s for s in studies_on(engine.studies, None)
              if any(engine.condition_groups.get(c, "other") == group for c in s.conditions)]
    return strength_order(chosen)
