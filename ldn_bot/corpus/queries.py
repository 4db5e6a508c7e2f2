"""Questions about the corpus itself, for the front ends: which study a member means, which conditions are
covered, what the corpus holds. Only reviewed records count: an unreviewed stub is never shown to members.

Front ends reach it as ``engine.queries``; it answers from the corpus alone (no retrieval, no answer engine).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from ldn_bot.corpus.models import EVIDENCE_LEVELS, Corpus, Study

FIND_CUTOFF = 70.0  # the best fuzzy match must score at least this for find_study to take it
TITLE_WEIGHT = 0.9  # a title match counts a little less than a label or alias match
QUERY_CHARS = 100  # text compared is cut to this (autocomplete sends whatever is typed)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def strongest_first(studies: list[Study]) -> list[Study]:
    """Studies ordered by evidence level (EVIDENCE_LEVELS order), then larger, newer, then by label."""
    return sorted(studies, key=lambda s: (s.rank, -(s.n or 0), -(s.year or 0), s.label))


@dataclass(frozen=True)
class CorpusSummary:
    """What the corpus holds, as /about shows it."""

    studies: int
    conditions: int
    documents: int
    levels: tuple[tuple[str, int], ...]  # (evidence level, studies), in EVIDENCE_LEVELS order, none empty


class CorpusQueries:
    """Lookups over one loaded corpus's reviewed study records.

    Built once per corpus (``CorpusQueries(corpus)``); cheap, and never changes after it is built.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.studies: dict[str, Study] = {label: s for label, s in corpus.studies.items() if s.reviewed}
        self._groups = {g.name: g.condition_group for g in corpus.synonyms
                        if g.kind == "condition" and g.condition_group}
        self._exact: dict[str, Study] = {}
        for study in self.studies.values():  # a label wins over another study's alias
            for alias in study.aliases:
                self._exact.setdefault(_folded(alias), study)
        for label, study in self.studies.items():
            self._exact[_folded(label)] = study

    def find_study(self, text: str) -> Study | None:
        """The study `text` names: its label or one of its aliases (any case or spacing), else the best fuzzy
        match on labels, aliases and titles if it is close enough; None when nothing is."""
        exact = self._exact.get(_folded(text))
        if exact is not None:
            return exact
        ranked = self.rank_studies(text, 1)
        return ranked[0][0] if ranked and ranked[0][1] >= FIND_CUTOFF else None

    def rank_studies(self, text: str, limit: int) -> list[tuple[Study, float]]:
        """Up to `limit` (study, score 0-100) pairs, most similar to `text` first (ties by label). A label or
        alias counts fully, the title a little less. Empty text: the first `limit` studies by label."""
        if not text.strip():
            return [(self.studies[label], 0.0) for label in sorted(self.studies)[:limit]]
        query = text[:QUERY_CHARS]
        scored = []
        for label, study in self.studies.items():
            score = max(fuzz.WRatio(query, name, processor=utils.default_process) for name in (label, *study.aliases))
            if study.title:
                score = max(score, TITLE_WEIGHT * fuzz.WRatio(query, study.title, processor=utils.default_process))
            scored.append((study, score))
        scored.sort(key=lambda x: (-x[1], x[0].label))
        return scored[:limit]

    def conditions(self) -> list[str]:
        """Every condition a reviewed study is on, sorted."""
        return sorted({c for s in self.studies.values() for c in s.conditions})

    def rank_conditions(self, text: str, limit: int) -> list[str]:
        """Up to `limit` condition names, most similar to `text` first; all of them in order for empty text."""
        names = self.conditions()
        if not text.strip():
            return names[:limit]
        return [m[0] for m in process.extract(text[:QUERY_CHARS], names, scorer=fuzz.WRatio, limit=limit)]

    def group_of(self, condition: str) -> str | None:
        """The group (skin, gut, pain, ...) a canonical condition belongs to, from synonyms.yaml."""
        return self._groups.get(condition)

    def conditions_in_group(self, group: str) -> list[str]:
        """The conditions of a group that reviewed studies are on, sorted."""
        return [c for c in self.conditions() if self._groups.get(c) == group]

    def studies_in_group(self, group: str) -> list[Study]:
        """The reviewed studies on any condition of `group`, each once, strongest first: a question about "any skin
        condition" answered across its conditions."""
        return strongest_first([s for s in self.studies.values() if any(self._groups.get(c) == group
                                                                         for c in s.conditions)])

    def studies_on(self, condition: str | None) -> list[Study]:
        """The reviewed studies on `condition` (a canonical condition name; None: all), strongest first."""
        return strongest_first([s for s in self.studies.values() if condition is None or condition in s.conditions])

    def summary(self) -> CorpusSummary:
        """Counts of studies, conditions and documents, and studies per evidence level."""
        levels = Counter(s.evidence_level for s in self.studies.values())
        return CorpusSummary(
            studies=len(self.studies), conditions=len(self.conditions()), documents=len(self.corpus.documents),
            levels=tuple((level, levels[level]) for level in EVIDENCE_LEVELS if levels[level]))
