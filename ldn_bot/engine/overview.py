"""Evidence overviews: every study on a condition, strongest design first, with a verdict from a fixed scale.

Used by "Does LDN help X?" answers, `:sources [condition]` in the REPL and `/sources` in Discord.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from ldn_bot.corpus.evidence import by_trial, split_uses
from ldn_bot.corpus.models import Study
from ldn_bot.engine.answer import Answer, Citation, OverviewLine
from ldn_bot.retrieval.analyzer import normalize
from ldn_bot.retrieval.query import QueryParser

_RESULT_WORDS = re.compile(
    r"placebo|improv|reduc|fell|fall|lower|remission|respon|significant|differ|benefit|better|worse|no effect|"
    r"did not|resolved|stable|surviv|progress|%", re.I)

# The fixed verdict scale, keyed by the strongest evidence level on a condition.
VERDICTS = {
    "systematic review": "a systematic review of a few small randomized trials; still limited evidence",
    "randomized trial": "{trials}",
    "crossover trial": "{trials}",
    "pilot study": "small uncontrolled pilot studies only",
    "observational": "observational studies only, no randomized trials",
    "case series": "case reports and case series only",
    "case report": "case reports only",
    "animal study": "animal studies only, not tested in people",
    "in vitro": "laboratory studies only, not tested in people",
    "narrative review": "expert reviews only, no primary studies in the corpus",
}


def studies_on(studies: dict[str, Study], condition: str | None) -> list[Study]:
    """The reviewed studies on `condition` (all of them for None), strongest design first, a journal article
    before an abstract or preprint of the same design."""
    chosen = [s for s in studies.values() if s.reviewed and (condition is None or condition in s.conditions)]
    return sorted(chosen, key=lambda s: (s.rank, s.publication_type != "journal_article", -(s.n or 0),
                                         -(s.year or 0), s.label))


class StudiesOn:
    """`studies_on` for one corpus, each condition's list made once: a question then costs what its condition's
    studies cost, not a pass over every record (100k studies: ~50 ms a pass)."""

    def __init__(self, studies: dict[str, Study]) -> None:
        self._studies = studies
        self._memo: dict[str | None, list[Study]] = {}

    def __call__(self, condition: str | None) -> list[Study]:
        found = self._memo.get(condition)
        if found is None:
            if len(self._memo) > 10_000:  # conditions asked are bounded by synonyms.yaml; this only guards it
                self._memo.clear()
            found = self._memo[condition] = studies_on(self._studies, condition)
        return list(found)


def key_finding(study: Study) -> str:
    """What a study found: its curated `result`, else the first key finding that reads like a result."""
    if study.result:
        return study.result
    candidates = list(study.key_findings) or [study.summary]
    for sentence in candidates:
        if _RESULT_WORDS.search(sentence):
            return sentence
    return candidates[0]


def verdict(studies: list[Study]) -> str | None:
    """The fixed verdict for the LDN studies among `studies` (all of them when none counts as LDN), a trial
    reported in two papers counted once."""
    studies = split_uses(studies)[0] or studies
    if not studies:
        return None
    best = min(studies, key=lambda s: s.rank).evidence_level
    text = VERDICTS[best]
    if "{trials}" in text:
        trials = [s for s in studies if s.evidence_level in ("randomized trial", "crossover trial")]
        size = "small " if max((s.n or 0) for s in trials) < 100 else ""
        text = (f"several {size}randomized trials" if len(by_trial(trials)) > 1
                else f"a single {size}randomized trial")
        text += "; no systematic review yet"
    return text


def resolve_condition(parser: QueryParser, studies: dict[str, Study], text: str) -> str | None:
    """A condition name from free text: synonyms and spelling first (the query parser), then fuzzy on the
    studies' condition names; None when nothing is close."""
    query = parser.parse(text)
    if query.conditions:
        return query.conditions[0]
    names = sorted({c for s in studies.values() for c in s.conditions})
    match = process.extractOne(normalize(text), names, scorer=fuzz.WRatio, score_cutoff=85)
    return match[0] if match else None


def overview_citations(studies: list[Study], start: int = 1) -> tuple[list[OverviewLine], list[Citation]]:
    """Overview lines and citations for `studies`, numbered from `start`; studies of uses other than LDN
    (ultra-low doses with an opioid, detox) after the LDN ones, each group in the order given."""
    lines, citations = [], []
    ldn, other = split_uses(studies)
    for i, study in enumerate([*ldn, *other], start=start):
        finding = key_finding(study)
        lines.append(OverviewLine(study.label, study.design_line, finding, i))
        citations.append(study_citation(study, i, finding, score=0.0))
    return lines, citations


def study_citation(study: Study, number: int, passage: str, score: float, via: str | None = None) -> Citation:
    return Citation(
        number=number, label=study.label, title=study.title, design=study.design, n=study.n, url=study.url,
        passage=passage, score=round(score, 4), kind="study", evidence_level=study.evidence_level,
        year=study.year, verified=study.verified, species=study.species,
        publication_type=study.publication_type, dose_class=study.dose_class,
        note=study.article_note if via else None, via=via,
    )


def sources_answer(parser: QueryParser, studies: dict[str, Study], condition: str | None, disclaimer: str) -> Answer:
    """The studies in the corpus on `condition` (free text; None: all), strongest design first; "no_evidence"
    naming the covered conditions when the condition is unknown."""
    topic = None
    if condition:
        topic = resolve_condition(parser, studies, condition)
        if topic is None:
            known = sorted({c for s in studies.values() if s.reviewed for c in s.conditions})
            return Answer(question=f":sources {condition}", status="no_evidence", disclaimer=disclaimer,
                          message=f"No studies on '{condition}' in my corpus. Conditions covered: {', '.join(known)}.")
    chosen = studies_on(studies, topic)
    lines, citations = overview_citations(chosen)
    return Answer(question=f":sources {condition or ''}".strip(), status="answered", disclaimer=disclaimer,
                  overview=lines, overview_topic=topic or "all conditions", citations=citations,
                  verdict=verdict(chosen) if topic else None)
