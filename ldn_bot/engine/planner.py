"""Which answer plan a question gets, from its intent, its topic and the conversation so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ldn_bot.corpus.evidence import counts_as_ldn
from ldn_bot.corpus.models import Study
from ldn_bot.engine import plans
from ldn_bot.engine.plans import KeyPoint, Plan
from ldn_bot.engine.understand import Intent


@dataclass
class Topic:
    """What a question is about once the conversation is taken into account."""

    condition: str | None  # the condition in question (its own, or the conversation's for a follow-up)
    own_condition: bool  # named in this question
    named: list[Study] = field(default_factory=list)  # studies the question names
    last: list[Study] = field(default_factory=list)  # studies the previous answer showed (follow-ups only)
    deictic: str | None = None  # "one" ("it", "that study") or "many" ("they", "those trials")
    specific: Study | None = None  # the study the question's own content words point at
    spellings: tuple[str, ...] = ()  # other names of the question's words (synonyms.yaml: "sleepy" -> "somnolence")
    others: list[str] = field(default_factory=list)  # further conditions the question names ("fibro or ms?")
    use: str | None = None  # a use other than LDN the question asks about, as a dose class ("ultra_low")
    groups: dict[str, str] = field(default_factory=dict)  # condition -> its group, for reviews of the whole field
    pointed: bool = False  # the question points at one study, not a review ("the irish study"), named or not


def choose(intent: Intent, topic: Topic, studies_on: Callable[[str | None], list[Study]]) -> Plan | None:
    """The plan for a question, or None when no plan fits (the answer is then passages only).

    `studies_on(condition)` gives the reviewed studies on a condition (all of them for None).
    """
    # The condition's studies: the tally always counts them all ("is it mostly in mice?" must still say there
    # were trials in people); the other plans use only the animal ones when asked about animals.
    every = pool = studies_on(topic.condition) if topic.condition else []
    # "the irish long covid study" no record clearly fits: the condition's own studies lead, not its reviews
    design = intent.design or ("primary" if topic.pointed else None)
    if not topic.use:  # a question about LDN: LDN's own studies (issue 19), other uses only where none are
        pool, studies_on = _on_ldn(pool), _ldn_first(studies_on)
    if intent.species == "animal" and topic.own_condition:  # "... in mice?": the animal studies answer it
        pool = [s for s in pool if not plans.is_human(s)] or pool
    if topic.named:
        chosen = plans.pick(topic.named, intent.superlative) if intent.superlative else topic.named[0]
        return plans.record(chosen, intent) if chosen else None
    if intent.superlative and not topic.last:  # "the biggest fibro trial", "newest LDN research"
        scope = pool or studies_on(None)
        # people's numbers are not animals' ("the largest study"); the oldest or newest research may be a lab study,
        # which its design line then says ("the oldest study in the corpus": a mouse study)
        if intent.species == "human" or (intent.species != "animal" and intent.superlative == "largest"):
            scope = [s for s in scope if plans.is_human(s)] or scope
        if intent.design == "trial":
            scope = [s for s in scope if s.evidence_level in plans.CONTROLLED] or scope
        if pool:  # "the newest on long covid": an expert's overview across conditions is no study of that one
            scope = [s for s in scope if s.evidence_level != "narrative review"] or scope
        # across the whole corpus with no design asked, the largest is by people, whatever the design
        chosen = plans.pick(scope, intent.superlative, trials_first=bool(pool or intent.design))
        trial = plans.pick(scope, "largest") if intent.superlative == "largest" else None
        if chosen and trial and trial is not chosen:  # and the largest controlled trial beside it
            return plans.join([plans.record(chosen, intent), plans.record(trial, intent)])
        return plans.record(chosen, intent) if chosen else None
    if (intent.design == "review" and set(intent.matched["review"]) - {"review"} and topic.condition
            and topic.deictic != "one" and topic.specific is None and not intent.superlative
            and not set(intent.aspects) - {"efficacy", "evidence"} and any(s.evidence_level == plans.REVIEW
                                                                           for s in pool)):
        # "do the meta-analyses say it works for fibro?", "what about the reviews, do they agree?" after a
        # fibromyalgia answer: the condition's systematic reviews and what each found ("a chart review" is none)
        return plans.reviews(pool, topic.condition)
    # A follow-up that narrows what was just shown: "the largest one", "any in kids?", "people or mice?".
    base = topic.last or pool
    if base and not topic.own_condition:
        if intent.superlative:
            # "which one was biggest?": among the current condition's studies, never a study of another one that
            # the previous answer happened to cite
            scope = pool if topic.condition and pool else base
            candidates = [s for s in scope if plans.is_human(s)] if intent.species == "human" else scope
            chosen = plans.pick(candidates or scope, intent.superlative)
            return plans.record(chosen, intent) if chosen else None
        if intent.population:  # "is it safe for kids?": those shown, else the condition's, else other conditions'
            return plans.for_population(plans.unique([*base, *pool]), intent.population, topic.condition or "shown",
                                        elsewhere=studies_on(None))
        if intent.species and not intent.has("size"):  # "how many people were in it" asks a size
            return plans.by_species(base)
        if intent.has("comparator") and topic.last:
            return plans.comparators(base)
        if topic.deictic == "one" or (len(topic.last) == 1 and intent.aspects):
            # "how many were in it", "was that a real trial", "was there a placebo group": the study shown first
            return plans.record(topic.last[0] if topic.last else base[0], intent)
    if topic.deictic == "many" and topic.last and not topic.own_condition:
        pool = topic.last  # "any side effects in them": the studies just shown
    if topic.specific is not None and not intent.has("side_effects"):
        # a side-effect question's words rank every study's harms (engine/outcomes.py): one passage never picks it
        return plans.record(topic.specific, intent)
    if intent.has("definition") and not topic.condition:
        return None  # "what counts as low dose?": the corpus's definitions, as passages
    if topic.use:  # "does naltrexone with oxycodone work?": that use's studies, on the condition if any are
        on_it = [s for s in every if s.dose_class == topic.use]
        scope = on_it or [s for s in studies_on(None) if s.dose_class == topic.use]
        if scope:
            return plans.efficacy(scope, (topic.condition or "") if on_it else "", use=topic.use)
    if intent.has("mechanism") and not topic.condition and not intent.has("side_effects", "onset", "duration"):
        return Plan("mechanism", plans.MECHANISM_PROPOSED, [], [])
    if intent.has("access") and not topic.condition:
        return Plan("access", plans.NO_ACCESS, [], [])
    # Every aspect asked, in this order ("what dose and how long?": the doses, then how long they ran).
    asked: list[Plan] = []
    # "what dose do people end up on in real life?": real-world studies answer, where there are any. A trial named
    # in a yes-no question ("was that even a placebo trial?") is asked about, not a filter.
    scope = plans.of_design(pool or studies_on(None), "observational" if intent.design == "observational" else None)
    if intent.has("dose", "timing", "titration", "dose_finding"):
        asked.append(plans.dosing(scope, intent, topic.condition))
    if intent.has("side_effects"):  # the condition's studies, or all when none of them reports adverse events
        harmed = scope if any(s.adverse_events for s in scope) else studies_on(None)
        asked.append(plans.side_effects(harmed, intent, topic.spellings))
    if intent.has("onset", "duration"):
        # "how long" beside another aspect ("what dose and how long?") asks how long they took it
        onset = intent.has("onset") and not asked
        asked.append(plans.onset(scope, asked_onset=onset))
    aspect = plans.join(asked) if asked else None
    if aspect is not None:
        if intent.has("efficacy") and topic.condition and topic.own_condition and pool:
            return plans.combine(plans.efficacy(every, topic.condition, intent.population, intent.species,
                                                design), aspect)
        return aspect
    if intent.has("mechanism") and not topic.condition:
        return Plan("mechanism", plans.MECHANISM_PROPOSED, [], [])
    if topic.condition and pool and (topic.own_condition or intent.aspects):
        if intent.population and topic.own_condition:
            narrowed = plans.for_population(pool, intent.population, topic.condition)
            if narrowed.points:
                return narrowed
            # "fibro in men?": say none was, then the condition's studies with who took part in each
            first = plans.efficacy(every, topic.condition, intent.population, intent.species, design)
            first.points.insert(0, KeyPoint(narrowed.headline or ""))
            return first
        first = plans.efficacy(every, topic.condition, intent.population, intent.species, design)
        if not topic.others:
            return first
        # "does ldn help fibro or ms?": each condition's tally and its lead study, in the order asked
        each = [first] + [plans.efficacy(studies_on(c), c, intent.population, intent.species, design)
                          for c in topic.others[:2] if studies_on(c)]
        # each condition gets its own tally (the others' brief) and lead line, as the short answer's room allows
        return plans.join([replace(p, points=p.points[:1], headline=p.tally.brief if i and p.tally else p.headline)
                           for i, p in enumerate(each)], plans.SHORT_BUDGET * len(each) // 2 + 300)
    if intent.has("evidence"):
        return plans.strongest(studies_on(None), topic.groups)
    if intent.population:  # "has LDN been studied in kids at all?"
        return plans.for_population(studies_on(None), intent.population, "")
    return None


def _on_ldn(studies: list[Study]) -> list[Study]:
    """The studies of LDN (corpus.evidence) and reviews spanning several dose ranges, or all where none are: a
    dose, side-effect or "largest study" answer about LDN never leads with ultra-low doses combined with an
    opioid or very low doses in detox."""
    return [s for s in studies if counts_as_ldn(s) or s.dose_class == "several"] or studies


def _ldn_first(studies_on: Callable[[str | None], list[Study]]) -> Callable[[str | None], list[Study]]:
    """`studies_on` narrowed by `_on_ldn`."""
    return lambda condition: _on_ldn(studies_on(condition))
