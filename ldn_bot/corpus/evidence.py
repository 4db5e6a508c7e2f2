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
    "several": "naltrexone across several dose ranges, not LDN alone",
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
    """ "1 trial, reported in 2 papers (FINAL)" for the trials among `studies` that more than one paper reports (each
    named by its `trial` up to the registry number); None when there are none."""
    shared = [g for g in by_trial(studies) if len(g) > 1]
    if not shared:
        return None
    papers = sum(len(g) for g in shared)
    names = ", ".join((g[0].trial or "").split(" (")[0] for g in shared)
    trials = "1 trial" if len(shared) == 1 else f"{len(shared)} trials"
    return f"{trials}, reported in {papers} papers ({names})"


NOTED_IN_TALLIES = ("conference_abstract", "repository_abstract", "preprint")
"""The kinds of publication a tally counts aloud: abstracts and preprints, short of a full paper. (Every kind other
than a journal article says what it is in its study's design line.)"""


def publication_note(studies: Iterable[Study]) -> str | None:
    """ "Of these studies, 1 is a conference abstract and 2 are preprints." for the abstracts and preprints among
    `studies` (NOTED_IN_TALLIES, in that order); None when there are none."""
    counts = Counter(s.publication_type for s in studies if s.publication_type in NOTED_IN_TALLIES)
    parts = []
    for kind in NOTED_IN_TALLIES:
        if counts[kind]:
            words = PUBLICATION_WORDS[kind]
            n = counts[kind]
            parts.append(f"{n} {'is a' if n == 1 else 'are'} {words if n == 1 else _PLURAL_PUBLICATIONS[words]}")
    if not parts:
        return None
    joined = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Of these studies, {joined}."


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
    """The one fixed line an answer about LDN for a condition gives the condition's studies of other uses
    (narrative reviews aside): "Also 1 trial of ultra-low-dose naltrexone combined with oxycodone, a different
    use: Webster 2006." None when there are none."""
    # narrative reviews: tallies never count them, so there is nothing to set apart
    other = [s for s in split_uses(studies)[1] if s.evidence_level != "narrative review"]
    if not other:
        return None
    classes = list(dict.fromkeys(s.dose_class for s in other))
    parts = []
    for dose_class in classes:
        members = [s for s in other if s.dose_class == dose_class]
        labels = ", ".join(s.label for s in members)
        what = "a different use" if dose_class != "several" else "not LDN alone"
        words = use_phrase(dose_class, members).removesuffix(", not LDN alone")
        parts.append(f"{_count(members)} of {words}, {what}: {labels}")
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
_COMBINED = re.compile(r"\b(?:with|plus|and|combined|combination|combos?|together|alongside|added to|in one pill|"
                       r"in the same pill|mixed|mixing|mix|into|inside|blended|paired)\b|\+", re.I)
_WORKS = re.compile(r"\b(?:work|works|worked|working|help|helps|helped|effective|effects?|evidence|stud(?:y|ies)|"
                    r"trials?|research|data|results?|findings?|benefits?|anything (?:on|about)|tested|tried|"
                    r"info|information)\b", re.I)
# What a question sets aside, up to the end of its phrase: "not the oxycodone combo", "other than detox".
_SET_ASIDE = re.compile(r"\b(?:not|except|excluding|besides|other than|apart from|aside from|rather than|instead of|"
                        r"leaving out|leaving aside)\s+(?:the |a |an |any )?(?:[\w'+-]+ ?){1,5}", re.I)
_OPIOID_WORDS = re.compile(_OPIOIDS.pattern[:-3] + r"|opioids?|opiates?|percocet|oxycontin|vicodin|norco)\b",
                           re.I)


def asked_use(text: str, asks_what_works: bool = False) -> str | None:
    """The use other than LDN a question asks about, as a dose class: "ultra_low" (ultra-low dose, micrograms,
    Oxytrex; or naltrexone combined with an opioid when the question asks what that does: "does naltrexone with
    oxycodone work?"), "very_low" (very low dose, detox); else None. "Can I take LDN with my oxycodone?" asks
    whether to combine drugs, not what the studies found. `asks_what_works`: the caller already knows the question
    asks about effects (its intent); else words such as "work", "help", "studies" say so. A question naming both
    other dose levels compares the levels: None."""
    text = _SET_ASIDE.sub(" ", text)  # "the biggest LDN trial (not the oxycodone combo)": that use is set aside
    ultra, very = _ULTRA.search(text), _VERY.search(text)
    if ultra and very:  # "LDN vs VLDN vs ULDN?": what the dose levels are, not one use's studies
        return None
    if ultra:
        return "ultra_low"
    if very:
        return "very_low"
    if ((asks_what_works or _WORKS.search(text)) and _NALTREXONE.search(text) and _OPIOID_WORDS.search(text)
            and _COMBINED.search(text)):
        return "ultra_low"
    return None
