"""A condition's tally as data: what a does-it-work answer counts, group by group, and the trials themselves.

One place decides what a tally counts, so the headline of `ldn-bot ask` ("Fibromyalgia: 5 controlled trials in
people (…); …") and the harvest plot of `ldn-bot chart` can never disagree: `efficacy.tally` writes its text from
`tally_groups`, and a chart draws `Tally.bars`, which are the same trials. Record-level rules (which studies count
as LDN, two papers on one trial counting once) are `ldn_bot.corpus.evidence`'s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ldn_bot.corpus.evidence import (
    by_trial,
    only_other_use,
    other_uses_line,
    shared_trials_note,
    split_uses,
    trial_direction,
    use_phrase,
)
from ldn_bot.corpus.models import EVIDENCE_LEVELS, Study
from ldn_bot.engine.plans.base import CONTROLLED, DIRECTION_WORDS, PLURALS, REVIEW, SINGULARS, is_human, plural

TRIALS = "controlled trial"  # the tally's group kinds besides an evidence level
REVIEWS = "systematic review"
ANIMAL = "animal or lab study"


@dataclass(frozen=True)
class Bar:
    """One trial as a tally counts it and a chart draws it: the papers reporting it (`reports`, earliest first;
    one bar however many there are), its tally group, evidence level, direction (a DIRECTION_WORDS key), species
    ("human", "mouse", ...), the largest n any report gives, and its first report's year."""

    label: str
    reports: tuple[str, ...]
    trial: str | None
    group: str
    evidence_level: str
    direction: str
    species: str
    n: int | None
    year: int | None

    @property
    def caption(self) -> str:
        """ "Bruun 2024 (2 papers), n=99": what a chart writes beside the bar."""
        papers = f" ({len(self.reports)} papers)" if len(self.reports) > 1 else ""
        size = f"n={self.n}" if self.n is not None else "n not reported"
        return f"{self.label}{papers}, {size}"

    @property
    def human(self) -> bool:
        return self.species in ("human", "")

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "caption": self.caption, "reports": list(self.reports), "trial": self.trial,
                "group": self.group, "evidence_level": self.evidence_level, "direction": self.direction,
                "species": self.species or "human", "n": self.n, "year": self.year}


@dataclass(frozen=True)
class TallyGroup:
    """One part of a tally: its kind (TRIALS, REVIEWS, an evidence level such as "pilot study", or ANIMAL), how
    many trials (not papers) it holds, and how many found each direction (DIRECTION_WORDS keys, "unclear" for
    none), and those trials as bars, strongest design first."""

    kind: str
    bars: tuple[Bar, ...]

    @property
    def count(self) -> int:
        return len(self.bars)

    @property
    def directions(self) -> Counter[str]:
        return Counter(b.direction for b in self.bars)


@dataclass
class Tally:
    """What a does-it-work answer counts for `topic`: `groups` in the order the headline names them, `text` (the
    headline itself), and the condition's studies left out because they are another use of naltrexone
    (`left_out`, named on the fixed line `other_uses`). `heading` is what the headline names: the topic, or the
    other use when only that was studied."""

    topic: str
    heading: str
    groups: list[TallyGroup]
    text: str = ""
    left_out: list[str] = field(default_factory=list)
    other_uses: str | None = None
    brief: str = ""  # the headline with the weaker designs counted but not broken down: for a short answer's room

    @property
    def bars(self) -> list[Bar]:
        return [b for g in self.groups for b in g.bars]

    def as_dict(self) -> dict[str, Any]:
        """The tally as `ask --json` and `chart --json` print it (the same object in both)."""
        return {
            "topic": self.topic, "heading": self.heading, "headline": self.text, "brief_headline": self.brief,
            "groups": [{"kind": g.kind, "count": g.count, "directions": dict(sorted(g.directions.items()))}
                       for g in self.groups],
            "bars": [b.as_dict() for b in self.bars],
            "left_out": list(self.left_out), "other_uses": self.other_uses,
        }


def counted(studies: list[Study], topic: str, use: str | None = None) -> tuple[list[Study], str | None, str | None]:
    """Which of a condition's `studies` a does-it-work answer counts: (those studies, the heading when they are a
    use other than LDN, else None, the fixed line naming the studies of other uses left out, else None). Only
    LDN counts, unless `use` (a dose class) is asked or the condition was studied only in another use."""
    use = use or only_other_use(studies)
    if use:
        chosen = [s for s in studies if s.dose_class == use]
        return chosen, f"{topic + ', ' if topic else ''}{use_phrase(use, chosen)} (a different use from LDN)", None
    return split_uses(studies)[0], None, other_uses_line(studies)


def _bars(studies: list[Study], group: str) -> tuple[Bar, ...]:
    bars = []
    for reports in by_trial(studies):
        ordered = sorted(reports, key=lambda s: (s.year or 9999, s.label))
        first = ordered[0]
        sizes = [s.n for s in reports if s.n is not None]
        bars.append(Bar(first.label, tuple(s.label for s in ordered), first.trial, group,
                        min(reports, key=lambda s: s.rank).evidence_level, trial_direction(reports) or "unclear",
                        first.species or "human", max(sizes) if sizes else None, first.year))
    return tuple(sorted(bars, key=lambda b: (_rank(b.evidence_level), -(b.n or 0), -(b.year or 0), b.label)))


def _rank(level: str) -> int:
    return EVIDENCE_LEVELS.index(level) if level in EVIDENCE_LEVELS else len(EVIDENCE_LEVELS)


def tally_groups(studies: list[Study]) -> list[TallyGroup]:
    """The groups a tally of `studies` (as given: the caller picks which count) names, in its order: controlled
    trials in people (always, even empty), systematic reviews, each other design in people (most trials first),
    animal or lab studies. Narrative reviews are never counted."""
    human = [s for s in studies if is_human(s)]
    trials = [s for s in human if s.evidence_level in CONTROLLED]
    reviews = [s for s in human if s.evidence_level == REVIEW]
    other = [s for s in human if s not in trials and s not in reviews and s.evidence_level != "narrative review"]
    animal = [s for s in studies if not is_human(s)]
    groups = [TallyGroup(TRIALS, _bars(trials, TRIALS))]
    if reviews:
        groups.append(TallyGroup(REVIEWS, _bars(reviews, REVIEWS)))
    kinds = Counter(s.evidence_level for s in other)
    for kind, _ in kinds.most_common():
        groups.append(TallyGroup(kind, _bars([s for s in other if s.evidence_level == kind], kind)))
    if animal:
        groups.append(TallyGroup(ANIMAL, _bars(animal, ANIMAL)))
    return groups



def _directions(group: TallyGroup) -> str:
    counts = group.directions
    return ", ".join(f"{counts[d]} {w}" for d, w in DIRECTION_WORDS.items() if counts[d])


def _kind_name(group: TallyGroup) -> str:
    return SINGULARS.get(group.kind, group.kind) if group.count == 1 else PLURALS.get(group.kind, group.kind + "s")


def headline(groups: list[TallyGroup], topic: str, studies: list[Study], brief: bool = False) -> str:
    """ "Fibromyalgia: 5 controlled trials in people (1 benefit, …; 1 trial reported in 2 papers (…)); 6 systematic
    reviews (…); also 4 pilot studies (…) and 2 animal or lab studies." from `tally_groups(studies)`. `brief`: the
    designs after "also" counted without what each found ("also 4 pilot studies, 2 case series")."""
    by_kind = {g.kind: g for g in groups}
    trials = by_kind[TRIALS]
    shared = shared_trials_note(s for s in studies if s.label in {r for b in trials.bars for r in b.reports})
    parts = [
        f"{plural(trials.count, TRIALS)} in people ({_directions(trials)}{f'; {shared}' if shared else ''})"
        if trials.count
        else "no controlled trial in people"
    ]
    if REVIEWS in by_kind:
        parts.append(f"{plural(by_kind[REVIEWS].count, REVIEWS)} ({_directions(by_kind[REVIEWS])})")
    kinds = [g for g in groups if g.kind not in (TRIALS, REVIEWS, ANIMAL)]
    extra = [", ".join(f"{g.count} {_kind_name(g)}" + ("" if brief else f" ({_directions(g)})") for g in kinds)
             ] if kinds else []
    if ANIMAL in by_kind:
        extra.append(plural(by_kind[ANIMAL].count, ANIMAL, "animal or lab studies"))
    text = f"{topic[:1].upper()}{topic[1:]}: " + "; ".join(parts)
    if extra:
        text += "; also " + " and ".join(extra)
    return text + "."


def tally_of(studies: list[Study], topic: str, use: str | None = None) -> Tally:
    """The tally a does-it-work answer about `topic` gives for its `studies` (every reviewed study on it; `use`
    as `counted` takes it): the same groups, the same headline."""
    chosen, heading, also = counted(studies, topic, use)
    groups = tally_groups(chosen)
    # the studies the fixed line `also` names (narrative reviews are never counted, so never set apart)
    left = [] if heading else [s.label for s in split_uses(studies)[1] if s.evidence_level != "narrative review"]
    return Tally(topic, heading or topic, groups, headline(groups, heading or topic, chosen), left, also,
                 headline(groups, heading or topic, chosen, brief=True))
