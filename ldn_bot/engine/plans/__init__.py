"""Answer plans: the short, direct answer a question gets before its sources. One module per concern:
`base` (the Plan and KeyPoint values, fixed templates, study lines, joining plans within the budget), `efficacy`
(a condition's studies as a whole), `aspects` (doses, side effects, how long; one named study). Callers use
`plans.<name>` from here."""

from ldn_bot.engine.plans.aspects import comparator_line, comparators, dosing, mechanism, onset, record, side_effects
from ldn_bot.engine.plans.base import (
    CONTROLLED,
    DIRECTION_WORDS,
    DOSE_FINDING,
    HARM,
    MECHANISM_PROPOSED,
    NO_ACCESS,
    NO_ONSET_MEASURE,
    NO_TIMING_TRIAL,
    NO_TITRATION,
    NONE_IN_POPULATION,
    NOT_REPORTED,
    NULLISH,
    REVIEW,
    SHORT_BUDGET,
    SPECIES_SPLIT,
    KeyPoint,
    Plan,
    combine,
    finding,
    head,
    in_population,
    is_human,
    join,
    strength_order,
    unique,
)
from ldn_bot.engine.plans.efficacy import by_species, efficacy, for_population, pick, strongest, tally

__all__ = [
    "CONTROLLED", "DIRECTION_WORDS", "DOSE_FINDING", "HARM", "MECHANISM_PROPOSED", "NONE_IN_POPULATION", "NOT_REPORTED",
    "NO_ACCESS", "NO_ONSET_MEASURE", "NO_TIMING_TRIAL", "NO_TITRATION", "NULLISH", "REVIEW", "SHORT_BUDGET",
    "SPECIES_SPLIT", "KeyPoint", "Plan", "by_species", "combine", "comparator_line", "comparators", "dosing",
    "efficacy", "finding", "for_population", "head", "in_population", "is_human", "join", "mechanism", "onset",
    "pick", "record", "side_effects", "strength_order", "strongest", "tally", "unique",
]
