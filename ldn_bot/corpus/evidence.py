"""What a set of study records amounts to as evidence about LDN: which of them count as LDN (their dose class),
how many trials they are (two papers on one trial count once), what kinds of publication they are, and the
fixed lines answers show about that (issue 19).

Record-level logic only, for the answer plans and `corpus stats` to call: every line here is a fixed, reviewed
template filled with curated record fields (labels, counts, dose classes, publication types).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ldn_bot.corpus.models import PUBLICATION_WORDS, Study

LDN_CLASSES = ("low", "animal")
"""Dose classes an answer about LDN counts: LDN as members take it, and animal studies of it (which tallies
already keep apart as "animal or lab studies"). The others are different uses of naltrexone."""

USE_WORDS: dict[str, str] = {
    "very_low": "very-low-dose naltrexone in opioid detoxification",
    "ultra_low": "ultra-low-dose naltrexone combined with an opioid",
    "not_low": "naltrexone at doses above the LDN range",
    "several": "naltrexone across several dose ranges",
}
"""How each use other than LDN reads in answers (fixed text)."""

_PLURAL_PUBLICATIONS = {"conference abstract": "conference abstracts", "repository abstract": "repository abstracts",
                        "preprint": "preprints", "report": "reports", "letter": "letters",
                        "publication not confirmed": "publications not confirmed"}

CONTROLLED = ("randomized trial", "crossover trial")
REVIEWS = ("systematic review", "narrative review")
FIELD_REVIEW_GROUPS = 4  # a review on conditions of this many condition groups judges the field as a whole

# The opioid a study combined naltrexone with, where its record names one: the fixed line then names it.
_OPIOIDS = re.compile(r"\b(oxycodone|methadone|morphine|buprenorphine|hydrocodone|tramadol|fentanyl|codeine|"
                      r"heroin|clonidine)\b", re.I)


def counts_as_ldn(study: Study) -> bool:
    """True for a study an answer about LDN for a condition may count and lead with (`LDN_CLASSES`)."""
    return study.dose_class in LDN_CLASSES


def split_uses(studies: Iterable[Study]) -> tuple[list[Study], list[Study]]:
    """(the studies counting as LDN, the others), each in the order given."""
    ldn: list[Study] = []
    other: list[Study] = []
    for s in studies:
        (ldn if counts_as_ldn(s) else other).append(s)
    return ldn, other


def trial_key(study: Study) -> str:
    """What identifies the trial a study reports: its `trial` field, else the study itself."""
    return study.trial or f"label:{study.label}"


def by_trial(studies: Iterable[Study]) -> list[list[Study]]:
    """The studies grouped by the trial they report (reports sharing `trial` together), first-seen order."""
    groups: dict[str, list[Study]] = {}
    for s in studies:
        groups.setdefault(trial_key(s), []).append(s)
    return list(groups.values())


def trial_direction(reports: list[Study]) -> str | None:
    """One trial's direction from its reports: the one most of them give, ties to the earliest report's (None
    if that report gives none)."""
    ordered = sorted(reports, key=lambda s: (s.year or 9999, s.label))
    counts = Counter(s.direction for s in ordered)
    best = max(counts.values())
    return next(s.direction for s in ordered if counts[s.direction] == best)


def directions_by_trial(studies: Iterable[Study]) -> Counter[str]:
    """direction -> how many trials (not papers) found it; a study without `trial` is a trial of its own."""
    return Counter(trial_direction(group) or "unclear" for group in by_trial(studies))


def shared_trials_note(studies: Iterable[Study]) -> str | None:
    """ "1 trial reported in 2 papers (Bruun 2024, Bruun 2025)" for the trials among `studies` that more than one
    paper reports; None when there are none."""
    shared = [g for g in by_trial(studies) if len(g) > 1]
    if not shared:
        return None
    papers = sum(len(g) for g in shared)
    labels = "; ".join(", ".join(s.label for s in g) for g in shared)
    trials = "1 trial" if len(shared) == 1 else f"{len(shared)} trials"
    return f"{trials} reported in {papers} papers ({labels})"


def publication_words(study: Study) -> str | None:
    """"conference abstract", "preprint", ... for a study not reported as a journal article; None if it is."""
    return PUBLICATION_WORDS.get(study.publication_type)


def publication_note(studies: Iterable[Study]) -> str | None:
    """ "Not full journal articles: 1 conference abstract, 2 preprints." for the studies that are not journal
    articles (each kind counted, in PUBLICATION_WORDS order); None when all are."""
    counts = Counter(w for w in (publication_words(s) for s in studies) if w)
    if not counts:
        return None
    parts = [f"{counts[w]} {w if counts[w] == 1 else _PLURAL_PUBLICATIONS[w]}"
             for w in PUBLICATION_WORDS.values() if counts[w]]
    return f"Not full journal articles: {', '.join(parts)}."


def _opioid(studies: list[Study]) -> str | None:
    text = " ".join(f"{s.dose or ''} {s.comparator or ''} {s.title or ''}" for s in studies)
    found = {m.lower() for m in _OPIOIDS.findall(text)}
    return found.pop() if len(found) == 1 else None


def use_phrase(dose_class: str, studies: list[Study] | None = None) -> str:
    """How a use other than LDN reads: "ultra-low-dose naltrexone combined with oxycodone" when every study of it
    among `studies` names the same opioid, else the class's words from USE_WORDS."""
    words = USE_WORDS.get(dose_class, dose_class)
    opioid = _opioid(studies or [])
    if dose_class == "ultra_low" and opioid:
        return words.replace("an opioid", opioid)
    return words


def _count(studies: list[Study]) -> str:
    n = len(by_trial(studies))
    if all(s.evidence_level in CONTROLLED for s in studies):
        return "1 trial" if n == 1 else f"{n} trials"
    if all(s.evidence_level in REVIEWS for s in studies):
        return "1 review" if n == 1 else f"{n} reviews"
    return "1 study" if n == 1 else f"{n} studies"


def other_uses_line(studies: Iterable[Study]) -> str | None:
    """The one fixed line an answer about LDN for a condition gives the condition's studies of other uses:
    "Also 1 trial of ultra-low-dose naltrexone combined with oxycodone, a different use: Webster 2006."
    None when every study counts as LDN."""
    _, other = split_uses(studies)
    if not other:
        return None
    classes = list(dict.fromkeys(s.dose_class for s in other))
    parts = []
    for dose_class in classes:
        members = [s for s in other if s.dose_class == dose_class]
        labels = ", ".join(s.label for s in members)
        parts.append(f"{_count(members)} of {use_phrase(dose_class, members)}, a different use: {labels}")
    return "Also " + "; ".join(parts) + "."


def only_other_use(studies: Iterable[Study]) -> str | None:
    """The dose class of a set of human studies none of which counts as LDN and all of which share one use
    (a condition studied only in detox, say), so that answering about it means answering about that use;
    else None."""
    human = [s for s in studies if s.species in ("human", "")]
    classes = {s.dose_class for s in human}
    if human and len(classes) == 1 and not counts_as_ldn(human[0]):
        return human[0].dose_class
    return None


def field_reviews(studies: Iterable[Study], groups: dict[str, str]) -> list[Study]:
    """Reviews that judge the LDN evidence as a whole: reviews on conditions of at least FIELD_REVIEW_GROUPS
    condition groups (`groups`: condition -> group), newest first, then the wider."""
    found = []
    for s in studies:
        spread = {groups.get(c, c) for c in s.conditions}
        if s.evidence_level in REVIEWS and s.species in ("human", "") and len(spread) >= FIELD_REVIEW_GROUPS:
            found.append((s, len(spread)))
    return [s for s, _ in sorted(found, key=lambda x: (-(x[0].year or 0), -x[1], x[0].label))]


# --- the use a question asks about -----------------------------------------------------------------------------

_ULTRA = re.compile(r"\bultra[- ]?low|\buldn\b|micro ?grams?|\bmcg\b|µg|oxytrex", re.I)
_VERY = re.compile(r"\bvery[- ]?low|\bvldn\b|\bdetox|methadone (?:taper|detox)|(?:opioid|opiate|heroin|methadone) "
                   r"withdrawal|(?:coming|getting) off (?:opioids|opiates|methadone|heroin)", re.I)
_NALTREXONE = re.compile(r"naltrex|\bldn\b|\bnal\b", re.I)
_COMBINED = re.compile(r"\b(?:with|plus|and|combined|combination|together|alongside|added to|in one pill|"
                       r"in the same pill)\b|\+", re.I)
_OPIOID_WORDS = re.compile(_OPIOIDS.pattern[:-3] + r"|opioids?|opiates?|percocet|oxycontin|vicodin|norco)\b",
                           re.I)


def asked_use(text: str) -> str | None:
    """The use other than LDN a question asks about, as a dose class: "ultra_low" (micrograms; naltrexone
    combined with an opioid: "does naltrexone with oxycodone work?"), "very_low" (detox, withdrawal); else None.
    The caller decides whether the question asks what the studies found (not whether to combine drugs)."""
    if _ULTRA.search(text):
        return "ultra_low"
    if _VERY.search(text):
        return "very_low"
    if _NALTREXONE.search(text) and _OPIOID_WORDS.search(text) and _COMBINED.search(text):
        return "ultra_low"
    return None
