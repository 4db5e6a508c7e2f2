"""What the corpus holds, per condition: how many studies of each kind, and what they found.

`direction_summary` is the line `ldn-bot corpus stats` prints for each condition and Discord's /about
can show: "fibromyalgia: 4 controlled trials — 1 benefit, 2 no difference, 1 mixed; 2 systematic
reviews — 2 benefit". Only reviewed studies count (the ones members can be shown).
"""

from __future__ import annotations

from collections import Counter

from ldn_bot.corpus.models import Corpus
from ldn_bot.corpus.schema import DIRECTIONS

# Evidence levels grouped as a member reads them (strongest first): (singular, plural) per group.
GROUPS: dict[str, tuple[str, str]] = {
    "systematic review": ("systematic review", "systematic reviews"),
    "randomized trial": ("controlled trial", "controlled trials"),
    "crossover trial": ("controlled trial", "controlled trials"),
    "pilot study": ("pilot study", "pilot studies"),
    "observational": ("observational study", "observational studies"),
    "case series": ("case series", "case series"),
    "case report": ("case report", "case reports"),
    "animal study": ("animal study", "animal studies"),
    "in vitro": ("in vitro study", "in vitro studies"),
    "narrative review": ("narrative review", "narrative reviews"),
}

DIRECTION_WORDS: dict[str, str] = {
    "benefit": "benefit",
    "no_difference": "no difference",
    "mixed": "mixed",
    "harm": "harm",
    "unclear": "unclear",
    "not_applicable": "not applicable",
}
"""How each direction reads in a summary, in the order summaries list them."""

NO_DIRECTION = "direction not given"


def direction_counts(corpus: Corpus) -> dict[str, dict[str, dict[str, int]]]:
    """condition -> group of studies (plural name, strongest first) -> direction -> number of reviewed
    studies. Conditions with the most studies first, then by name; directions are `DIRECTIONS` values in
    `DIRECTION_WORDS` order, then "direction not given" for records without one."""
    counts: dict[str, dict[str, Counter[str]]] = {}
    group_order = list(dict.fromkeys(plural for _, plural in GROUPS.values()))
    for study in corpus.studies.values():
        if not study.reviewed:
            continue
        group = GROUPS.get(study.evidence_level, (study.evidence_level, study.evidence_level))[1]
        direction = study.direction if study.direction in DIRECTIONS else NO_DIRECTION
        for condition in study.conditions:
            counts.setdefault(condition, {}).setdefault(group, Counter())[direction] += 1
    order = [*DIRECTION_WORDS, NO_DIRECTION]

    def size(condition: str) -> int:
        return sum(sum(c.values()) for c in counts[condition].values())

    return {
        condition: {
            group: {d: counts[condition][group][d] for d in order if counts[condition][group][d]}
            for group in sorted(counts[condition], key=lambda g: (group_order.index(g) if g in group_order
                                                                  else len(group_order), g))
        }
        for condition in sorted(counts, key=lambda c: (-size(c), c))
    }


def direction_summary(corpus: Corpus) -> dict[str, str]:
    """condition -> one line of what its reviewed studies found, by group, strongest first:
    "4 controlled trials — 1 benefit, 2 no difference, 1 mixed; 2 systematic reviews — 2 benefit".
    Conditions in `direction_counts`' order (most studies first)."""
    out = {}
    singular = {plural: one for one, plural in GROUPS.values()}
    for condition, groups in direction_counts(corpus).items():
        parts = []
        for group, found in groups.items():
            n = sum(found.values())
            head = f"{n} {group if n != 1 else singular.get(group, group)}"
            words = [f"{k} {DIRECTION_WORDS.get(d, d)}" for d, k in found.items()]
            parts.append(f"{head} — {', '.join(words)}")
        out[condition] = "; ".join(parts)
    return out
