"""Plans over a condition's studies as a whole: the tally, does-it-work, the strongest evidence, species and
population splits, superlatives."""

from __future__ import annotations

import re
from collections import Counter

from ldn_bot.corpus.evidence import (
    field_reviews,
    publication_note,
    split_uses,
)
from ldn_bot.corpus.models import Study
from ldn_bot.engine.plans.base import (
    CONTROLLED,
    DESIGN_FAMILIES,
    DIRECTION_WORDS,
    IN_POPULATION_ELSEWHERE,
    NONE_IN_POPULATION,
    NULLISH,
    REVIEW,
    SHORT_BUDGET,
    SPECIES_SPLIT,
    KeyPoint,
    Plan,
    finding,
    head,
    in_population,
    is_human,
    plural,
    strength_order,
    unique,
)
from ldn_bot.engine.plans.tally import counted, tally_groups, tally_of
from ldn_bot.engine.plans.tally import headline as tally_headline


def tally(studies: list[Study], topic: str) -> str:
    """ "Fibromyalgia: 5 controlled trials in people (1 benefit, …; 1 trial, reported in 2 papers: …); 2 systematic
    reviews (…); also …." of `studies` as given (the caller picks which count); `plans.tally` has the data."""
    return tally_headline(tally_groups(studies), topic, studies)


def _line_cost(study: Study) -> int:
    return len(head(study)) + len(finding(study)) + 10


def efficacy(
    studies: list[Study],
    topic: str,
    population: str | None = None,
    species: str | None = None,
    design: str | None = None,
    use: str | None = None,
) -> Plan:
    """ "Does LDN work for X?": the tally, then up to 3 key studies: the strongest null or negative controlled
    study first (never dropped for space), then the strongest positive one, then the next strongest.
    Only LDN studies count and lead (`evidence.counts_as_ldn`); the others are named on one fixed line after the
    tally. `use` (a dose class such as "ultra_low"), or a condition studied only in another use (detox), answers
    about that use's studies instead, saying it is a different use from LDN."""
    counts = tally_of(studies, topic, use)
    studies, heading, also = counted(studies, topic, use)
    # Fixed lines after the key studies: how many of the counted studies are abstracts or preprints, and the
    # condition's studies of other uses.
    notes = [KeyPoint(n, optional=True) for n in (
        publication_note(s for s in studies if s.evidence_level != "narrative review"),) if n] + (
        [KeyPoint(also, names=tuple(counts.left_out))] if also else [])
    plan = _efficacy(studies, topic, population, species, design, heading)
    if use:  # few studies: every one of them cited, beyond those given a line
        plan.studies = unique([*plan.studies, *strength_order(studies)])[:4]
    plan.points += notes
    plan.tally = counts
    return plan


def _efficacy(studies: list[Study], topic: str, population: str | None, species: str | None,
              design: str | None, heading: str | None = None) -> Plan:
    ranked = strength_order(s for s in studies if s.evidence_level != "narrative review")
    if population:
        ranked = [s for s in ranked if in_population(s, population)] or ranked
    if species == "animal":  # "any animal studies on LDN and cancer?"
        animal = [s for s in ranked if not is_human(s)]
        if animal:
            return Plan("efficacy", tally(studies, heading or topic),
                        [KeyPoint(finding(s), s.label, head(s)) for s in animal[:3]], animal[:3], topic)
        # None in animals: say so, then what the studies in people found (never a tally with nothing under it)
        plan = _efficacy(studies, topic, population, None, design, heading)
        plan.points.insert(0, KeyPoint(NONE_IN_POPULATION.format(scope=f"{topic} ", population="animals")))
        return plan
    human = [s for s in ranked if is_human(s)]
    strong = [s for s in human if s.evidence_level in (*CONTROLLED, REVIEW)]
    trials_first = sorted(strong, key=lambda s: (s.evidence_level == REVIEW, s.rank,
                                                 s.publication_type != "journal_article", -(s.n or 0)))
    nulls = [s for s in trials_first if s.direction in NULLISH]
    positive = [s for s in strong if s.direction == "benefit"] or [s for s in human if s.direction == "benefit"]
    headline = tally(studies, heading or topic)
    budget = SHORT_BUDGET - len(headline)
    family = DESIGN_FAMILIES.get(design or "", ())
    asked = [s for s in (human if design in ("observational", "primary") else strong) if s.evidence_level in family]
    chosen: list[Study] = []
    for s in [*asked[:1], *nulls[:1], *positive[:1], *nulls[1:2], *asked, *strong, *human, *ranked]:
        if len(chosen) >= 3:
            break
        if s not in chosen and (not chosen or _line_cost(s) <= budget):
            chosen.append(s)
            budget -= _line_cost(s)
    points = [KeyPoint(finding(s), s.label, head(s, population=population is not None)) for s in chosen]
    return Plan("efficacy", headline, points, chosen, topic or None)


def strongest(studies: list[Study], groups: dict[str, str] | None = None) -> Plan:
    """Randomized trials and systematic reviews of LDN in people, across conditions, with their results; first,
    with `groups` (condition -> group), the newest review judging the field as a whole ("is any of this real?")."""
    studies = split_uses(studies)[0]
    strong = strength_order(s for s in studies if is_human(s) and s.evidence_level in (*CONTROLLED, REVIEW))
    nulls = [s for s in strong if s.direction in NULLISH][:2]
    field = field_reviews(studies, groups)[:1] if groups else []
    chosen = field + strength_order(unique([*strong[:2], *nulls, *strong[2:]])[:4 - len(field)])
    headline = f"The strongest evidence in the corpus: {tally(strong, 'randomized trials and systematic reviews')}"
    points = [KeyPoint(finding(s), s.label, head(s)) for s in chosen]
    return Plan("evidence", headline, points, chosen)


def reviews(studies: list[Study], topic: str) -> Plan:
    """ "What do the meta-analyses say?" about a condition: how many systematic reviews of it there are and what
    they found (as its tally counts them), then up to 3 of them with their finding, those reporting a result
    first (a pooled effect before a review that found too little to pool), larger first."""
    found = [s for s in studies if s.evidence_level == REVIEW]
    counts = Counter(s.direction or "unclear" for s in found)
    found_words = ", ".join(f"{counts[d]} {w}" for d, w in DIRECTION_WORDS.items() if counts[d])
    headline = f"{topic[:1].upper()}{topic[1:]}: {plural(len(found), REVIEW)} ({found_words})."
    chosen = sorted(found, key=lambda s: (s.direction in (None, "not_applicable", "unclear"), -(s.n or 0)))[:3]
    return Plan("reviews", headline, [KeyPoint(finding(s), s.label, head(s)) for s in chosen], chosen, topic)


SPECIES_NAMED = 3  # studies the split names on each side, each cited with its number; the others counted


def _named(studies: list[Study]) -> str:
    more = len(studies) - SPECIES_NAMED
    return f" ({', '.join(s.label for s in studies[:SPECIES_NAMED])}{f' and {more} more' if more > 0 else ''})"


def by_species(studies: list[Study]) -> Plan:
    """ "Of these 16 studies, 12 were in people (A [2], B [5], C [6] and 9 more) and 4 in animals or the lab (…)":
    a fixed line naming a few of each, strongest first, every one named cited; then the strongest in people."""
    human = strength_order(s for s in studies if is_human(s))
    animal = strength_order(s for s in studies if not is_human(s))
    text = SPECIES_SPLIT.format(
        studies="this study" if len(studies) == 1 else f"these {len(studies)} studies",
        human=len(human),
        human_verb="was" if len(human) == 1 else "were",
        human_list=_named(human) if human else "",
        animal_part=f" and {len(animal)} in animals or the lab{_named(animal)}" if animal else "",
    )
    chosen = human[:3]
    named = [*human[:SPECIES_NAMED], *animal[:SPECIES_NAMED]]
    points = [KeyPoint(text, names=tuple(s.label for s in named))]
    points += [KeyPoint(finding(s), s.label, head(s)) for s in chosen]
    return Plan("species", None, points, unique([*chosen, *named]))


OTHERS_TOO = re.compile(r"\b(?:adults?|and|or|mixed|both)\b", re.I)  # a population with others in it


def for_population(studies: list[Study], population: str, scope: str, elsewhere: list[Study] | None = None) -> Plan:
    """The studies among `studies` that included `population` (children, women, men), showing who took part. None
    there: a fixed line saying so (`scope` names what was searched), then those among `elsewhere` (studies on other
    conditions) under a heading that says they are."""
    # studies of that population alone before those that also took others in ("children aged 8-17" before
    # "adults and children"): within the short answer's room, the closest answer leads
    match = sorted(strength_order(s for s in studies if in_population(s, population)),
                   key=lambda s: bool(OTHERS_TOO.search(s.population or "")))
    if not match:
        scope = f"{scope} " if scope else ""
        none = NONE_IN_POPULATION.format(scope=scope, population=population)
        others = strength_order(s for s in elsewhere or () if s not in studies and in_population(s, population))
        if not others:
            return Plan("population", none, [], [])
        points = [KeyPoint(IN_POPULATION_ELSEWHERE.format(population=population), subhead=True)]
        points += [KeyPoint(finding(s), s.label, head(s, population=True)) for s in others[:3]]
        return Plan("population", none, points, others[:3])
    chosen = match[:3]
    points = [KeyPoint(finding(s), s.label, head(s, population=True)) for s in chosen]
    return Plan("population", None, points, chosen)


def pick(studies: list[Study], superlative: str, trials_first: bool = True) -> Study | None:
    """The largest (by n), newest or oldest (by year), or strongest (by design) of some studies. `trials_first`:
    the largest controlled trial when there is one ("the biggest fibro trial"); else the largest study of any
    design ("the largest study ever done, by number of people")."""
    if not studies:
        return None
    if superlative == "largest":  # a review's n is pooled, not a study's size: primary studies, trials first
        primary = [s for s in studies if s.evidence_level not in (REVIEW, "narrative review")] or studies
        if trials_first:
            primary = [s for s in primary if s.evidence_level in CONTROLLED] or primary
        return max(primary, key=lambda s: (s.n or -1, -s.rank))
    if superlative == "newest":
        return max(studies, key=lambda s: (s.year or 0, -s.rank))
    if superlative == "oldest":
        return min(studies, key=lambda s: (s.year or 9999, s.rank))
    return strength_order(studies)[0]
