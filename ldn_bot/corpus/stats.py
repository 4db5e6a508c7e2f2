"""What the corpus holds, per condition: how many studies of each kind, and what they found.

`direction_summary` is the line `ldn-bot corpus stats` prints for each condition and Discord's /about
can show: "fibromyalgia: 4 controlled trials — 1 benefit, 2 no difference, 1 mixed; 2 systematic
reviews — 2 benefit". Only reviewed studies count (the ones members can be shown).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from ldn_bot.corpus.evidence import by_trial, counts_as_ldn, trial_direction
from ldn_bot.corpus.models import PUBLICATION_WORDS, Corpus
from ldn_bot.corpus.schema import CONDITION_GROUPS, DIRECTIONS, DOSE_CLASSES, PUBLICATION_TYPES

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
    studies of LDN (`evidence.counts_as_ldn`: not other uses such as ultra-low doses with an opioid), papers
    reporting one trial counted once. Conditions with the most studies first, then by name; directions are
    `DIRECTIONS` values in `DIRECTION_WORDS` order, then "direction not given" for records without one."""
    counts: dict[str, dict[str, Counter[str]]] = {}
    group_order = list(dict.fromkeys(plural for _, plural in GROUPS.values()))
    ldn = [s for s in corpus.studies.values() if s.reviewed and counts_as_ldn(s)]
    for reports in by_trial(ldn):
        study = reports[0]
        group = GROUPS.get(study.evidence_level, (study.evidence_level, study.evidence_level))[1]
        found = trial_direction(reports)
        direction = found if found in DIRECTIONS else NO_DIRECTION
        for condition in dict.fromkeys(c for s in reports for c in s.conditions):
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


DOSE_CLASS_WORDS: dict[str, str] = {
    "low": "LDN (about 0.5-6 mg a day)",
    "very_low": "very low dose (opioid detox)",
    "ultra_low": "ultra-low dose with an opioid",
    "not_low": "above the LDN range",
    "several": "several dose ranges",
    "animal": "animal dosing",
}
"""How `corpus stats` and /about name each dose class."""

PUBLICATION_TYPE_WORDS: dict[str, str] = {"journal_article": "journal article", **PUBLICATION_WORDS}


def condition_groups(corpus: Corpus) -> dict[str, str]:
    """Canonical condition name -> its group (skin, gut, pain, ...), from synonyms.yaml."""
    return {g.name: g.condition_group for g in corpus.synonyms if g.kind == "condition" and g.condition_group}


def breakdown(corpus: Corpus) -> dict[str, dict[str, int]]:
    """The reviewed studies counted three ways: "by_condition_group" (a study counts once in each group its
    conditions fall in; a condition without a group counts under "other"), "by_dose_class" and
    "by_publication_type" (each study once). Each in its declared order (schema), empty counts left out."""
    groups = condition_groups(corpus)
    by_group: Counter[str] = Counter()
    by_dose: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    for study in corpus.studies.values():
        if not study.reviewed:
            continue
        by_group.update({groups.get(c, "other") for c in study.conditions})
        by_dose[study.dose_class] += 1
        by_type[study.publication_type] += 1
    return {
        "by_condition_group": {g: by_group[g] for g in CONDITION_GROUPS if by_group[g]},
        "by_dose_class": {d: by_dose[d] for d in DOSE_CLASSES if by_dose[d]},
        "by_publication_type": {p: by_type[p] for p in PUBLICATION_TYPES if by_type[p]},
    }


def breakdown_lines(corpus: Corpus) -> dict[str, str]:
    """`breakdown` as one readable line each, for /about: "pain 40 · neurological 18 · …"."""
    counts = breakdown(corpus)
    words = {"by_dose_class": DOSE_CLASS_WORDS, "by_publication_type": PUBLICATION_TYPE_WORDS}
    return {key: " · ".join(f"{words.get(key, {}).get(k, k)} {v}" for k, v in found.items())
            for key, found in counts.items()}


def corpus_updated(root: Path) -> datetime | None:
    """When the newest corpus file under `root` was changed (the corpus's "last updated"); None if none."""
    newest = 0.0
    for pattern in ("studies/*.yaml", "documents/*.md", "*.yaml"):
        for p in root.glob(pattern):
            try:
                newest = max(newest, p.stat().st_mtime)
            except OSError:
                continue
    return datetime.fromtimestamp(newest, UTC) if newest else None
