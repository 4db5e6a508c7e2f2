"""Plans for one aspect of taking LDN (doses, side effects, how long) and for one named study."""

from __future__ import annotations

import heapq
import re

from ldn_bot.corpus.models import Study
from ldn_bot.engine.plans.base import (
    DOSE_FINDING,
    MECHANISM_PROPOSED,
    NO_ONSET_MEASURE,
    NO_TIMING_TRIAL,
    NO_TITRATION,
    NOT_REPORTED,
    KeyPoint,
    Plan,
    dose_key,
    finding,
    head,
    is_human,
    plural,
    reads_as_harm,
    short,
    strength_order,
    unique,
)
from ldn_bot.engine.understand import Intent

# A dose text that says what most people took, not only the range tried.
TYPICAL_DOSE = re.compile(r"\b(?:(?:median|most common|most often|typical|average|mean) (?:daily |final )?dose|"
                          r"most common \d|typically \d)", re.I)


def dosing(studies: list[Study], intent: Intent, topic: str | None) -> Plan:
    """Doses, timings and titrations the human studies used, grouped; what was asked (timing, titration) first,
    with a fixed line where no study compared it."""
    # Only studies reporting a dose, timing or titration matter: filtered before sorting, so a question on no
    # condition costs a pass over the records, not a sort of them all.
    dosed = [s for s in studies if s.dose or s.dose_timing or s.titration]
    human = strength_order(s for s in dosed if is_human(s) and s.evidence_level != "narrative review")
    if not human:  # a question about the animal studies: their doses
        human = strength_order(dosed)
    with_dose = [s for s in human if s.dose]
    points: list[KeyPoint] = []
    timed = [s for s in with_dose if s.dose_timing][:4]
    if intent.has("timing"):
        if timed:
            points.append(
                KeyPoint(
                    "Timing reported: " + "; ".join(f"{s.label}: {s.dose_timing}" for s in timed) + ".", timed[0].label,
                    names=tuple(s.label for s in timed),
                )
            )
        points.append(KeyPoint(NO_TIMING_TRIAL))
    titrated = [s for s in human if s.titration][:3]
    if intent.has("titration"):
        points.extend(KeyPoint(f"{s.label}: {s.titration}.", s.label) for s in titrated)
        if not titrated:
            points.append(KeyPoint(NO_TITRATION))
    # The strongest dose-finding study (it has doses of its own): a first match, not a pass over every summary.
    finding_dose = [s for s in with_dose if DOSE_FINDING.search(f"{s.title} {s.summary} {s.result}")][:1]
    groups: dict[str, list[Study]] = {}
    for s in with_dose:
        groups.setdefault(dose_key(s.dose or ""), []).append(s)
    shown = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:4]  # the four most used doses
    examples = [next((m for m in members if m.publication_type == "journal_article"), members[0])
                for _, members in shown]
    for (key, members), example in zip(shown, examples, strict=True):
        # The line names only its example (its head, with its citation): every study an answer names is cited,
        # and a dose answer cites a handful, not each study that used a dose.
        points.append(
            KeyPoint(
                f"{key} in {plural(len(members), 'study', 'studies')}; e.g. {short(example.dose or '', 80)}.",
                example.label,
                head(example, dose=False),
            )
        )
    found = [KeyPoint(s.result or "", s.label, head(s, dose=False)) for s in finding_dose]
    points = found + points if intent.has("dose_finding") else points + found
    # "what dose do most people end up on?": the studies reporting the dose most took (a median, the most common)
    typical = [s for s in with_dose if TYPICAL_DOSE.search(s.dose or "")][:2] if intent.has("dose_typical") else []
    lines = [KeyPoint(f"{(s.dose or '')[:1].upper()}{(s.dose or '')[1:]}.", s.label, head(s, dose=False))
             for s in typical]
    at = next((i + 1 for i, p in enumerate(points) if p.label), 0)  # after the most used dose's line
    points = points[:at] + lines + points[at:]
    scope = f"the {topic} studies" if topic else "the studies in people"
    headline = f"Doses used in {scope}:" if with_dose else None
    # Cited: the studies whose lines are shown, not one per dose ever used (a dose answer cites a handful)
    cited = unique([*typical, *finding_dose, *(timed if intent.has("timing") else ()),
                    *(titrated if intent.has("titration") else ()), *examples])
    return Plan("dose", headline, points, cited)


def side_effects(studies: list[Study], intent: Intent, also: tuple[str, ...] = ()) -> Plan:
    """Adverse events as the studies report them, the asked effect first: in a study's adverse events or, failing
    that, in a finding naming it as a whole word ("a larger rise in sleepiness on LDN"). `also`: other names of
    the question's words, from synonyms.yaml ("sleepy" -> "somnolence")."""
    asked = [p for p in intent.matched.get("side_effects", ()) if "side" not in p and "adverse" not in p]
    names = {a for a in also if len(a) >= 4}

    def synonyms(phrase: str) -> set[str]:  # the phrase's other names, if it is one of them
        return names if phrase in names or any(w in names for w in phrase.split()) else set()

    def words(found: set[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(found, key=len, reverse=True))

    # Per asked phrase, compiled once: in adverse events by its first letters ("dreams" finds "vivid dreaming";
    # a word with synonyms goes by them), in findings by whole words only ("nightly" is no nightmare).
    in_events, in_finding = {}, {}
    for p in asked:
        stems = {w[: max(5, len(w) - 3)] for w in re.findall(r"[a-z]{4,}", p) if w not in names}
        others = synonyms(p)
        in_events[p] = re.compile("|".join(x for x in (words(stems), rf"\b(?:{words(others)})\b" if others else "")
                                           if x) or r"(?!)", re.I)
        in_finding[p] = re.compile(rf"\b(?:{words({p, *others})})\b", re.I)

    lines: dict[str, tuple[str, str | None]] = {}  # label -> (the line shown, the asked effect it names)
    ranked = strength_order(s for s in studies if s.adverse_events or s.key_findings or s.result)
    for s in ranked:
        if not is_human(s):
            continue
        events = s.adverse_events or ""
        named = next((p for p in asked if events and in_events[p].search(events)), None)
        if named:
            lines[s.label] = (events, named)
            continue
        found = next(((k, p) for k in (*s.key_findings, s.result or "") if k and reads_as_harm(k) for p in asked
                      if in_finding[p].search(k)), None)
        if found:
            lines[s.label] = found
        elif events:
            lines[s.label] = (events, None)
    reported = [s for s in ranked if s.label in lines]
    reported.sort(key=lambda s: lines[s.label][1] is None)
    # each asked effect's strongest report first ("drowsiness or nightmares?": one of each), then the rest
    each = [next(s for s in reported if lines[s.label][1] == p) for p in asked
            if any(lines[s.label][1] == p for s in reported)]
    chosen = unique([*each, *reported])[:3]
    points = [KeyPoint(lines[s.label][0], s.label, head(s)) for s in chosen]
    shown = {lines[s.label][0] for s in reported if lines[s.label][1]}
    missing = [p for p in asked if not any(in_events[p].search(t) or in_finding[p].search(t) for t in shown)]
    points[:0] = [KeyPoint(NOT_REPORTED.format(effect=p)) for p in missing[:2]]
    return Plan("side_effects", None, points, chosen)


def onset(studies: list[Study], asked_onset: bool = True) -> Plan:
    """How long the studies in people ran, strongest first; asked how soon LDN works (`asked_onset`), first the
    fixed line that no study measured that."""
    human = strength_order(s for s in studies if s.duration and is_human(s))
    chosen = human[:4]
    points = [KeyPoint(NO_ONSET_MEASURE)] if asked_onset else []
    points += [KeyPoint(f"ran for {s.duration}.", s.label, head(s, False)) for s in chosen]
    return Plan("onset" if asked_onset else "duration", None, points, chosen)


def comparator_line(study: Study) -> str:
    """What a study compared LDN with, from its `comparator` field: "none (pre-post)" reads "had no control
    group (pre-post)", never "compared LDN with none"."""
    comparator = study.comparator or ""
    if re.match(r"none\b", comparator, re.I):
        rest = comparator[4:].strip()
        return f"{study.label} had no control or placebo group{f' {rest}' if rest else ''}."
    if re.match(r"not (described|reported)", comparator, re.I):
        return f"What {study.label} compared LDN with is {comparator}."
    return f"{study.label} compared LDN with {comparator}."


def record(study: Study, intent: Intent) -> Plan:
    """A named study: its design, size, dose and result; the asked field first."""
    points = [KeyPoint(finding(study), study.label, head(study))]
    if intent.has("side_effects") and study.adverse_events:
        points.insert(0, KeyPoint(study.adverse_events, study.label, head(study)))
    if intent.has("dose", "timing", "titration") and study.dose:
        extra = "; ".join(x for x in (study.dose, study.dose_timing, study.titration) if x)
        points.insert(0, KeyPoint(f"Dose in {study.label}: {extra}.", study.label))
    if intent.has("comparator") and study.comparator:
        points.insert(0, KeyPoint(comparator_line(study), study.label))
    if intent.has("onset", "duration") and study.duration:
        points.insert(0, KeyPoint(f"{study.label} ran for {study.duration}.", study.label))
    return Plan("study", None, points, [study])


def comparators(studies: list[Study]) -> Plan:
    # "was there a placebo one?": the studies that had a comparison group lead (the one a follow-up then means by
    # "it"), those without one follow
    chosen = sorted((s for s in strength_order(studies) if s.comparator),
                    key=lambda s: bool(re.match(r"none\b|not (described|reported)", s.comparator or "", re.I)))[:4]
    points = [KeyPoint(comparator_line(s), s.label) for s in chosen]
    return Plan("comparator", None, points, chosen)


def mechanism(mentions: list[tuple[Study, str, int]]) -> Plan:
    """ "How does LDN work?": from `mentions` (a study, its sentence naming the most proposed mechanisms, how many
    it names), up to 3 studies: reviews first (where mechanisms are proposed), then studies in people, then those
    naming the most mechanisms, then by design."""
    ranked = heapq.nsmallest(3, mentions, key=lambda m: ("review" not in m[0].evidence_level, not is_human(m[0]),
                                                        -m[2], m[0].rank))
    points = [KeyPoint(sentence, study.label, head(study, dose=False)) for study, sentence, _ in ranked]
    return Plan("mechanism", MECHANISM_PROPOSED, points, [study for study, _, _ in ranked])
