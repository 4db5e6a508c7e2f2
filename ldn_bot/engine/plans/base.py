"""Answer plans, shared parts: the Plan and KeyPoint values, the fixed templates, study lines, joining plans.

Every line is a corpus sentence (a study's curated `result` or `adverse_events`) or one of the fixed
templates below filled with curated study fields (counts, designs, doses). Nothing here writes free
text about medicine: change a template only with the same review as the disclaimer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ldn_bot.corpus.doses import dose_amount
from ldn_bot.corpus.models import Study
from ldn_bot.engine.answer import KeyLine

if TYPE_CHECKING:
    from ldn_bot.engine.plans.tally import Tally

CONTROLLED = ("randomized trial", "crossover trial")
REVIEW = "systematic review"
# A kind of study a question asks for (intents.yaml `designs`) -> the evidence levels of the records that are one.
DESIGN_FAMILIES = {"trial": CONTROLLED, "review": (REVIEW,), "observational": ("observational", "case series"),
                   "primary": (*CONTROLLED, "pilot study", "observational", "case series", "case report")}
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


@functools.lru_cache(maxsize=16384)
def reads_as_harm(text: str) -> bool:
    """Whether a record's finding reads as a harm (HARM): the same few hundred findings, for every question."""
    return bool(HARM.search(text))


DOSE_FINDING = re.compile(r"dose[- ]finding|dose[- ]response|\bed50\b", re.I)
SHORT_BUDGET = 860  # characters for the tally and key lines: the direct answer stays in the first 900
NO_TIMING_TRIAL = "No study in the corpus compared taking LDN in the morning with taking it at night."
NO_ONSET_MEASURE = "No study in the corpus measured how soon LDN starts to work; these are how long the studies ran."
NO_TITRATION = "No study in the corpus reports how it worked the dose up."
NO_ACCESS = (
    "The studies in my corpus don't cover how to get LDN; a doctor or pharmacist can tell you what "
    "applies where you live."
)
NOT_LOW_DOSE = (
    "The studies in my corpus are about low-dose naltrexone (LDN, usually 0.5 to 4.5 mg a day). Naltrexone at its "
    "full dose (50 mg and up, as used for alcohol or opioid dependence) is a different use that my corpus doesn't "
    "cover; a doctor or pharmacist can tell you about it."
)
MECHANISM_PROPOSED = "These mechanisms are proposed; none has been proven in people:"
NONE_IN_POPULATION = "None of the {scope}studies in the corpus was in {population}."
IN_POPULATION_ELSEWHERE = "Studies on other conditions that included {population}:"
NOT_REPORTED = "None of the study records in the corpus reports {effect} as an adverse event."
SPECIES_SPLIT = "Of {studies}, {human} {human_verb} in people{human_list}{animal_part}."


@dataclass(frozen=True)
class KeyPoint:
    """One line of the short answer: a template line (label None) or a study's line."""

    text: str
    label: str | None = None  # the study the line speaks for
    head: str | None = None  # "Bruun 2024 (randomized controlled trial, n=99, 6 mg once daily)"
    subhead: bool = False  # a heading line inside the key lines ("Doses used in the fibromyalgia studies:")
    names: tuple[str, ...] = ()  # the studies a fixed line names by label: each is cited and gets its number
    optional: bool = False  # an aside about the set (how many are abstracts): the first line to go for space
    leads: bool = False  # the first line of a second answer in one message ("..., and what side effects?")


@dataclass
class Plan:
    """The short answer: an optional headline (template) and key points; `studies` are cited first, in order."""

    kind: str
    headline: str | None
    points: list[KeyPoint]
    studies: list[Study]
    topic: str | None = None  # the condition a does-it-work plan is about
    tally: Tally | None = None  # what its headline counts, as data (a does-it-work plan's; `plans.tally`)


def key_line(point: KeyPoint, numbers: dict[str, int], study: Study | None = None) -> KeyLine:
    """The line a member reads for `point`, `numbers` mapping labels to citation numbers: a study's line points at
    its citation; a fixed line naming studies (`names`) carries each one's number after its name ("a different use:
    Webster 2006 [19]."), as every other study line does. `study`, the point's own record, gives what the short
    answer's budget may show instead when room is short (a shorter sentence of it, its head without the dose)."""
    text, cites = point.text, []
    for name in point.names:
        number = numbers.get(name)
        # the name as the template wrote it, whole: "Raknes 2017" is neither "Raknes 2017 opioid consumption" nor a
        # name already numbered ("Raknes 2017 [4]")
        where = _name_pattern(name).search(text) if number is not None else None
        if where is not None and number is not None:
            end = _after_design(text, where.end())
            text = f"{text[:end]} [{number}]{text[end:]}"
            cites.append(number)
    # a line whose own study is among the names it numbers shows that number there, not again at its end
    own = numbers.get(point.label) if point.label else None
    return KeyLine(text, None if own in cites else own, point.head, point.subhead, tuple(cites), point.optional,
                   point.leads, shorter(study, point.text) if not cites else (), brief_head(study, point.head))


def _after_design(text: str, end: int) -> int:
    """Where a name's number goes: after the design and size that follow it in brackets ("Smith 2011 (randomized
    controlled trial, n=40) [3]"), else right after the name."""
    if not text.startswith(" (", end):
        return end
    depth = 0
    for i in range(end + 1, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return end


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """A study's name as a template writes it: followed by what ends a name there, never by more of a longer label."""
    return re.compile(rf"{re.escape(name)}(?=[,;.:)]| \(| and\b|$)")


def strength_order(studies: Iterable[Study]) -> list[Study]:
    """Strongest design first, a journal article before an abstract or preprint of the same design, then larger,
    then newer."""
    return sorted(studies, key=lambda s: (s.rank, s.publication_type != "journal_article", -(s.n or 0),
                                          -(s.year or 0), s.label))


def of_design(studies: list[Study], design: str | None) -> list[Study]:
    """The studies of the kind asked (`DESIGN_FAMILIES`), or all of them when none is (or no kind is asked)."""
    family = DESIGN_FAMILIES.get(design or "")
    return [s for s in studies if s.evidence_level in family] or studies if family else studies


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
    # a review across dose ranges says so in its design line; its dose text is no dose of one study
    amount = dose_amount(study.dose, bool(study.titration)) if study.dose and study.dose_class != "several" else None
    if dose and amount and is_human(study):
        bits.append(amount)
    who = f"; {study.population}" if population and study.population else ""
    return f"{study.label} ({', '.join(bits)}{who})"


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def dose_key(dose: str) -> str:
    """The amount a dose text states, as `corpus.doses.dose_amount` reads it ("0.8 to 9.0 mg", "median 3.7 mg",
    "0.125 or 0.250 mg"), else the text's start."""
    return dose_amount(dose) or short(dose, 30)


# Who took part, as a record's population or title says it (whole words: "female" is no "male").
POPULATION_WORDS = {
    "children": re.compile(r"child|pediatric|paediatric|adolescent|aged 6|years old", re.I),
    "women": re.compile(r"\b(?:women|woman|females?)\b", re.I),
    "men": re.compile(r"\b(?:men|man|males?)\b", re.I),
    "older adults": re.compile(r"\b(?:elderly|older (?:adults|people|patients)|geriatric|aged (?:6[5-9]|[7-9]\d))",
                               re.I),
    "veterans": re.compile(r"\b(?:veterans?|military|gulf war)\b", re.I),
}


def in_population(study: Study, population: str) -> bool:
    pattern = POPULATION_WORDS.get(population) or re.compile(re.escape(population), re.I)
    return bool(pattern.search(f" {(study.population or '')} {study.title or ''} "))


def unique(studies: Iterable[Study]) -> list[Study]:
    seen: dict[str, Study] = {}
    for s in studies:
        seen.setdefault(s.label, s)
    return list(seen.values())


def shorter(study: Study | None, text: str) -> tuple[str, ...]:
    """The record's other sentences on what it found (its result's sentences, its key findings) shorter than
    `text`, longest first: what a study's line can say instead when safety texts leave too little room. Only a
    line that is itself one of those sentences has any ("4.5 mg in 19 studies ..." is no finding of its study)."""
    if study is None:
        return ()
    said = re.split(r"(?<=[.!?])\s+(?=[A-Z])", study.result or "") + list(study.key_findings)
    if text.strip() not in {s.strip() for s in said} and text.strip() != (study.result or "").strip():
        return ()
    return tuple(sorted({s.strip() for s in said if s.strip() and len(s.strip()) < len(text)}, key=len,
                        reverse=True))


def brief_head(study: Study | None, head_text: str | None) -> str | None:
    """A study line's head without its dose, when the line has the usual head with one: design and size stay."""
    if study is None or head_text is None or head_text != head(study):
        return None
    brief = head(study, dose=False)
    return brief if brief != head_text else None


def line_cost_of(point: KeyPoint) -> int:
    return len(point.text) + len(point.head or "") + 10


def add_lines(points: list[KeyPoint], plan: Plan, budget: int) -> int:
    """Append `plan`'s lines (its headline as a subheading) to `points` while they fit `budget` characters;
    return what is left of it."""
    for point in ([KeyPoint(plan.headline, subhead=True)] if plan.headline else []) + plan.points:
        if line_cost_of(point) > budget:
            break
        points.append(point)
        budget -= line_cost_of(point)
    return budget


def join(asked: list[Plan], budget: int = SHORT_BUDGET) -> Plan:
    """Several aspects asked in one message: the first plan whole, then each other plan's lines (its headline as a
    subheading) while they fit `budget` characters (the short answer's). The first plan's kind."""
    first, points = asked[0], list(asked[0].points)
    budget -= len(first.headline or "") + sum(line_cost_of(p) for p in points)
    for plan in asked[1:]:
        budget = add_lines(points, plan, budget)
    return Plan(first.kind, first.headline, points, unique([s for plan in asked for s in plan.studies]), first.topic,
                first.tally)


def combine(first: Plan, second: Plan) -> Plan:
    """Two questions in one message ("does it help fibro, and what dose?"): the first plan's headline and lead
    line, then the second plan's lines, within the short answer's budget."""
    points = first.points[:1]
    add_lines(points, second, SHORT_BUDGET - len(first.headline or "") - sum(len(p.text) + len(p.head or "")
                                                                              for p in points))
    if len(points) > 1 and not points[1].subhead:  # the second answer's first line stays like the first's
        points[1] = replace(points[1], leads=True)
    return Plan(second.kind, first.headline, points, unique([*first.studies[:1], *second.studies]), first.topic,
                first.tally)
