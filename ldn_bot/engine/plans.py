"""Answer plans: the short, direct answer a question gets before its sources.

Every line is a corpus sentence (a study's curated `result` or `adverse_events`) or one of the fixed
templates below filled with curated study fields (counts, designs, doses). Nothing here writes free
text about medicine: change a template only with the same review as the disclaimer.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ldn_bot.corpus.models import Study
from ldn_bot.engine.understand import Intent

CONTROLLED = ("randomized trial", "crossover trial")
REVIEW = "systematic review"
NULLISH = ("no_difference", "harm", "mixed")

# Fixed templates (reviewed text).
DIRECTION_WORDS = {
    "benefit": "benefit",
    "no_difference": "no difference",
    "mixed": "mixed",
    "harm": "harm",
    "unclear": "unclear",
    "not_applicable": "no efficacy result",
}
PLURALS = {
    "pilot study": "pilot studies",
    "observational": "observational studies",
    "case series": "case series",
    "case report": "case reports",
    "randomized trial": "randomized trials",
    "crossover trial": "crossover trials",
    "in vitro": "lab studies",
    "animal study": "animal studies",
}
SINGULARS = {"observational": "observational study", "in vitro": "lab study"}
# A finding that reports an effect as a harm ("a larger rise in sleepiness on LDN"), not as a benefit measured as
# an outcome ("less nausea than on placebo"): only such a finding stands in for a study's adverse events.
HARM = re.compile(r"adverse|side effect|tolerat|more common|rise in|increase|larger|higher|worse|stopped|"
                  r"withdr|discontinu|complain", re.I)
DOSE_FINDING = re.compile(r"dose[- ]finding|dose[- ]response|\bed50\b", re.I)
SHORT_BUDGET = 860  # characters for the tally and key lines: the direct answer stays in the first 900
NO_TIMING_TRIAL = "No study in the corpus compared taking LDN in the morning with taking it at night."
NO_ONSET_MEASURE = "No study in the corpus measured how soon LDN starts to work; these are how long the studies ran."
NO_TITRATION = "No study in the corpus reports how it worked the dose up."
NO_ACCESS = (
    "The studies in my corpus don't cover how to get LDN; a doctor or pharmacist can tell you what "
    "applies where you live."
)
MECHANISM_PROPOSED = "These mechanisms are proposed; none has been proven in people:"
NONE_IN_POPULATION = "None of the {scope}studies in the corpus was in {population}."
NOT_REPORTED = "None of the study records in the corpus reports {effect} as an adverse event."
SPECIES_SPLIT = "Of these {total} studies, {human} {human_verb} in people{human_list}{animal_part}."


@dataclass(frozen=True)
class KeyPoint:
    """One line of the short answer: a template line (label None) or a study's line."""

    text: str
    label: str | None = None  # the study the line speaks for
    head: str | None = None  # "Bruun 2024 (randomized controlled trial, n=99, 6 mg once daily)"
    subhead: bool = False  # a heading line inside the key lines ("Doses used in the fibromyalgia studies:")


@dataclass
class Plan:
    """The short answer: an optional headline (template) and key points; `studies` are cited first, in order."""

    kind: str
    headline: str | None
    points: list[KeyPoint]
    studies: list[Study]
    topic: str | None = None  # the condition a does-it-work plan is about


def strength_order(studies: Iterable[Study]) -> list[Study]:
    """Strongest design first, then larger, then newer."""
    return sorted(studies, key=lambda s: (s.rank, -(s.n or 0), -(s.year or 0), s.label))


def is_human(study: Study) -> bool:
    return study.species in ("human", "")


def finding(study: Study) -> str:
    """What a study found, as its record states it: `result`, else its first result-like key finding."""
    if study.result:
        return study.result
    for sentence in study.key_findings:
        if re.search(r"placebo|improv|reduc|fell|remission|significant|differ|benefit|better|did not|%", sentence):
            return sentence
    return study.key_findings[0] if study.key_findings else study.summary


def head(study: Study, dose: bool = True, population: bool = False) -> str:
    """A study line's head: "Smith 2013 (randomized controlled trial, n=14, 4.5 mg)"; with `population`, who took
    part as the record says ("...; children aged 8-17")."""
    bits = [study.design_line]
    if dose and study.dose and is_human(study):
        bits.append(_dose_key(study.dose))
    who = f"; {study.population}" if population and study.population else ""
    return f"{study.label} ({', '.join(bits)}{who})"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _tally_part(studies: list[Study]) -> str:
    counts = Counter(s.direction or "unclear" for s in studies)
    return ", ".join(f"{counts[d]} {w}" for d, w in DIRECTION_WORDS.items() if counts[d])


def _kinds(studies: list[Study]) -> str:
    """ "2 observational studies (2 no difference), 1 pilot study (1 benefit)"."""
    kinds = Counter(s.evidence_level for s in studies)
    parts = []
    for kind, n in kinds.most_common():
        name = SINGULARS.get(kind, kind) if n == 1 else PLURALS.get(kind, kind + "s")
        parts.append(f"{n} {name} ({_tally_part([s for s in studies if s.evidence_level == kind])})")
    return ", ".join(parts)


def tally(studies: list[Study], topic: str) -> str:
    """ "Fibromyalgia: 4 controlled trials (1 benefit, 3 no difference); 2 systematic reviews (…); also …"."""
    human = [s for s in studies if is_human(s)]
    trials = [s for s in human if s.evidence_level in CONTROLLED]
    reviews = [s for s in human if s.evidence_level == REVIEW]
    other = [s for s in human if s not in trials and s not in reviews and s.evidence_level != "narrative review"]
    animal = [s for s in studies if not is_human(s)]
    parts = [
        f"{_plural(len(trials), 'controlled trial')} in people ({_tally_part(trials)})"
        if trials
        else "no controlled trial in people"
    ]
    if reviews:
        parts.append(f"{_plural(len(reviews), 'systematic review')} ({_tally_part(reviews)})")
    extra = [_kinds(other)] if other else []
    if animal:
        extra.append(_plural(len(animal), "animal or lab study", "animal or lab studies"))
    text = f"{topic[:1].upper()}{topic[1:]}: " + "; ".join(parts)
    if extra:
        text += "; also " + " and ".join(extra)
    return text + "."


def _line_cost(study: Study) -> int:
    return len(head(study)) + len(finding(study)) + 10


def efficacy(
    studies: list[Study],
    topic: str,
    population: str | None = None,
    species: str | None = None,
    design: str | None = None,
) -> Plan:
    """ "Does LDN work for X?": the tally, then up to 3 key studies: the strongest null or negative controlled
    study first (never dropped for space), then the strongest positive one, then the next strongest."""
    ranked = strength_order(s for s in studies if s.evidence_level != "narrative review")
    if population:
        ranked = [s for s in ranked if _in_population(s, population)] or ranked
    if species == "animal":  # "any animal studies on LDN and cancer?"
        animal = [s for s in ranked if not is_human(s)]
        if animal:
            return Plan("efficacy", tally(studies, topic),
                        [KeyPoint(finding(s), s.label, head(s)) for s in animal[:3]], animal[:3], topic)
        # None in animals: say so, then what the studies in people found (never a tally with nothing under it)
        plan = efficacy(studies, topic, population, None, design)
        plan.points.insert(0, KeyPoint(NONE_IN_POPULATION.format(scope=f"{topic} ", population="animals")))
        return plan
    human = [s for s in ranked if is_human(s)]
    strong = [s for s in human if s.evidence_level in (*CONTROLLED, REVIEW)]
    trials_first = sorted(strong, key=lambda s: (s.evidence_level == REVIEW, s.rank, -(s.n or 0)))
    nulls = [s for s in trials_first if s.direction in NULLISH]
    positive = [s for s in strong if s.direction == "benefit"] or [s for s in human if s.direction == "benefit"]
    headline = tally(studies, topic)
    budget = SHORT_BUDGET - len(headline)
    asked = [s for s in strong if design and (s.evidence_level == REVIEW) == (design == "review")]
    chosen: list[Study] = []
    for s in [*asked[:1], *nulls[:1], *positive[:1], *nulls[1:2], *asked, *strong, *human, *ranked]:
        if len(chosen) >= 3:
            break
        if s not in chosen and (not chosen or _line_cost(s) <= budget):
            chosen.append(s)
            budget -= _line_cost(s)
    points = [KeyPoint(finding(s), s.label, head(s)) for s in chosen]
    return Plan("efficacy", headline, points, chosen, topic)


def _dose_key(dose: str) -> str:
    """The amount in a dose text, a range kept whole: "0.8 to 9.0 mg", "4.5 mg", "0.1 mg/kg"."""
    m = re.search(r"(\d+(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?)\s*(mg/kg|µg/kg|mg|µg|ug|mcg)", dose.lower())
    return f"{m.group(1)} {m.group(2)}" if m else _short(dose, 30)


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
                    "Timing reported: " + "; ".join(f"{s.label}: {s.dose_timing}" for s in timed) + ".", timed[0].label
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
        groups.setdefault(_dose_key(s.dose or ""), []).append(s)
    for key, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:4]:
        labels = ", ".join(m.label for m in members[:4]) + (" and others" if len(members) > 4 else "")
        example = members[0]
        points.append(
            KeyPoint(
                f"{key} in {_plural(len(members), 'study', 'studies')} ({labels}); e.g. "
                f"{_short(example.dose or '', 80)}.",
                example.label,
                head(example, dose=False),
            )
        )
    found = [KeyPoint(s.result or "", s.label, head(s, dose=False)) for s in finding_dose]
    points = found + points if intent.has("dose_finding") else points + found
    scope = f"the {topic} studies" if topic else "the studies in people"
    headline = f"Doses used in {scope}:" if with_dose else None
    cited = _unique([*finding_dose, *timed, *titrated, *(g[0] for g in groups.values())])
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
        found = next(((k, p) for k in (*s.key_findings, s.result or "") if k and HARM.search(k) for p in asked
                      if in_finding[p].search(k)), None)
        if found:
            lines[s.label] = found
        elif events:
            lines[s.label] = (events, None)
    reported = [s for s in ranked if s.label in lines]
    reported.sort(key=lambda s: lines[s.label][1] is None)
    chosen = reported[:3]
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


def strongest(studies: list[Study]) -> Plan:
    """Randomized trials and systematic reviews in people, across conditions, with their results."""
    strong = strength_order(s for s in studies if is_human(s) and s.evidence_level in (*CONTROLLED, REVIEW))
    nulls = [s for s in strong if s.direction in NULLISH][:2]
    chosen = strength_order(_unique([*strong[:2], *nulls, *strong[2:]])[:4])
    headline = f"The strongest evidence in the corpus: {tally(strong, 'randomized trials and systematic reviews')}"
    points = [KeyPoint(finding(s), s.label, head(s)) for s in chosen]
    return Plan("evidence", headline, points, chosen)


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


def mechanism(mentions: list[tuple[Study, str, int]]) -> Plan:
    """ "How does LDN work?": from `mentions` (a study, its sentence naming the most proposed mechanisms, how many
    it names), up to 3 studies: reviews first (where mechanisms are proposed), then studies in people, then those
    naming the most mechanisms, then by design."""
    ranked = heapq.nsmallest(3, mentions, key=lambda m: ("review" not in m[0].evidence_level, not is_human(m[0]),
                                                        -m[2], m[0].rank))
    points = [KeyPoint(sentence, study.label, head(study, dose=False)) for study, sentence, _ in ranked]
    return Plan("mechanism", MECHANISM_PROPOSED, points, [study for study, _, _ in ranked])


def by_species(studies: list[Study]) -> Plan:
    human = [s for s in studies if is_human(s)]
    animal = [s for s in studies if not is_human(s)]
    text = SPECIES_SPLIT.format(
        total=len(studies),
        human=len(human),
        human_verb="was" if len(human) == 1 else "were",
        human_list=f" ({', '.join(s.label for s in human[:6])})" if human else "",
        animal_part=(
            f" and {len(animal)} in animals or the lab ({', '.join(s.label for s in animal[:6])})" if animal else ""
        ),
    )
    chosen = strength_order(human)[:3]
    return Plan("species", text, [KeyPoint(finding(s), s.label, head(s)) for s in chosen], chosen)


def for_population(studies: list[Study], population: str, scope: str) -> Plan:
    match = strength_order(s for s in studies if _in_population(s, population))
    if not match:
        scope = f"{scope} " if scope else ""
        return Plan("population", NONE_IN_POPULATION.format(scope=scope, population=population), [], [])
    chosen = match[:3]
    points = [KeyPoint(finding(s), s.label, head(s, population=True)) for s in chosen]
    return Plan("population", None, points, chosen)


def comparators(studies: list[Study]) -> Plan:
    chosen = [s for s in strength_order(studies) if s.comparator][:4]
    points = [KeyPoint(comparator_line(s), s.label) for s in chosen]
    return Plan("comparator", None, points, chosen)


def pick(studies: list[Study], superlative: str) -> Study | None:
    """The largest (by n), newest or oldest (by year), or strongest (by design) of some studies."""
    if not studies:
        return None
    if superlative == "largest":  # a review's n is pooled, not a study's size: primary studies, trials first
        primary = [s for s in studies if s.evidence_level not in (REVIEW, "narrative review")] or studies
        primary = [s for s in primary if s.evidence_level in CONTROLLED] or primary
        return max(primary, key=lambda s: (s.n or -1, -s.rank))
    if superlative == "newest":
        return max(studies, key=lambda s: (s.year or 0, -s.rank))
    if superlative == "oldest":
        return min(studies, key=lambda s: (s.year or 9999, s.rank))
    return strength_order(studies)[0]


POPULATION_WORDS = {
    "children": ("child", "pediatric", "paediatric", "adolescent", "aged 6", "years old"),
    "women": ("women", "woman", "female"),
    "men": (" men", "male"),
}


def _in_population(study: Study, population: str) -> bool:
    text = f" {(study.population or '')} {study.title or ''} ".lower()
    return any(w in text for w in POPULATION_WORDS.get(population, (population,)))


def _unique(studies: Iterable[Study]) -> list[Study]:
    seen: dict[str, Study] = {}
    for s in studies:
        seen.setdefault(s.label, s)
    return list(seen.values())


def _line_cost_of(point: KeyPoint) -> int:
    return len(point.text) + len(point.head or "") + 10


def _add_lines(points: list[KeyPoint], plan: Plan, budget: int) -> int:
    """Append `plan`'s lines (its headline as a subheading) to `points` while they fit `budget` characters;
    return what is left of it."""
    for point in ([KeyPoint(plan.headline, subhead=True)] if plan.headline else []) + plan.points:
        if _line_cost_of(point) > budget:
            break
        points.append(point)
        budget -= _line_cost_of(point)
    return budget


def join(asked: list[Plan], budget: int = SHORT_BUDGET) -> Plan:
    """Several aspects asked in one message: the first plan whole, then each other plan's lines (its headline as a
    subheading) while they fit `budget` characters (the short answer's). The first plan's kind."""
    first, points = asked[0], list(asked[0].points)
    budget -= len(first.headline or "") + sum(_line_cost_of(p) for p in points)
    for plan in asked[1:]:
        budget = _add_lines(points, plan, budget)
    return Plan(first.kind, first.headline, points, _unique([s for plan in asked for s in plan.studies]), first.topic)


def combine(first: Plan, second: Plan) -> Plan:
    """Two questions in one message ("does it help fibro, and what dose?"): the first plan's headline and lead
    line, then the second plan's lines, within the short answer's budget."""
    points = first.points[:1]
    _add_lines(points, second, SHORT_BUDGET - len(first.headline or "") - sum(len(p.text) + len(p.head or "")
                                                                              for p in points))
    return Plan(second.kind, first.headline, points, _unique([*first.studies[:1], *second.studies]), first.topic)
