"""The safety rules at work: which rules a message fires, by phrase and by concept, with negation and memory.

A rule fires on one of its `patterns` (phrases), or on one of its `concepts`: a combination of lexicon concepts
("quantity + lethal": a phrase of each in one clause; "goodbye & finality": anywhere in the message; see Combo). A
match is dropped when one of the rule's `unless` phrases or `unless_concepts` overlaps it (a figure of speech, a
research term), or when a `negated_by` combination stands just before it ("not on any opioids"; a concept named
`..._after` just after it: "tramadol kullanmıyorum"). A rule with `remember_for` that fired in a conversation fires
again on every later message matching one of those concepts (an opioid named once keeps its warning on later
questions about starting, dosing or combining) until a later message matches one of its `forget_when` combinations
without firing it ("that was 6 years ago, nothing since"). A rule's `carry` concepts ("plan - ~treatment": a
decision not about a treatment), once matched in a conversation, count for its "a & b" combinations in every later
message of it ("i've decided", then "tuesday, once the house is empty"); a later message must still match one
concept of the combination itself. A concept's matches that its `..._unless` concept overlaps do not count
("not a mistake" is no accident).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ldn_bot.engine.safety.learned import Layer
from ldn_bot.engine.safety.phrases import Matcher, Phrase, Reading, Span
from ldn_bot.engine.safety.text import UNITS

NEGATION_WINDOW = 2  # words between a negation and what it negates ("not on any opioids": "on any")
CARRIED = "~"  # a concept carried in a conversation's memory ("~plan"), apart from the rule ids kept there
NEAR_WINDOW = 6  # words around a match where a "- ~c" concept vetoes it
UNLESS_SUFFIX = "_unless"  # concept "x_unless" cancels the matches of concept "x" it overlaps ("not a mistake")
GAP_CONCEPT = "negation_gap"  # its words between a negation and a match keep the match ("wouldn't give me more oxy")
SEQUENCE_WINDOW = 4  # words between the concepts of "a > b" ("want to ... die", "wish i could ... not wake up")


@dataclass(frozen=True)
class Combo:
    """Concepts that must all be present: "a + b" in one clause, "a & b" anywhere in the message, "a > b" in that
    order in one clause, at most SEQUENCE_WINDOW words apart; "... - c": and c is nowhere in the message;
    "... - ~c": and c is not within NEAR_WINDOW words of the match (a long message may name ldn far from a crisis).
    A concept may be "a|b": either; "a*2": two matches of it in the message."""

    concepts: tuple[str, ...]
    mode: str = "+"
    absent: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Combo:
        parts = [x.strip() for x in text.split(" - ")]
        mode = next((m for m in (">", "&", "+") if m in parts[0]), "+")
        return cls(tuple(c.strip() for c in parts[0].split(mode) if c.strip()), mode,
                   tuple(x for x in parts[1:] if x))

    @property
    def names(self) -> tuple[str, ...]:
        """Every concept named, alternatives ("a|b") apart."""
        return tuple(n.removesuffix("*2").lstrip("~") for c in self.concepts + self.absent for n in c.split("|"))

    def __str__(self) -> str:
        return f" {self.mode} ".join(self.concepts) + "".join(f" - {a}" for a in self.absent)


@cache
def combo(text: str) -> Combo:
    """`Combo.parse`, once per text (the learned layer's `kept_by` are read on every message)."""
    return Combo.parse(text)


@dataclass(frozen=True)
class Rule:
    """One rule of corpus/safety.yaml: what fires it and the fixed text it shows (see the module docstring)."""

    id: str
    action: str
    patterns: tuple[Phrase, ...]
    also_needs: tuple[Phrase, ...]
    text: str
    unless: tuple[Phrase, ...] = ()
    yields_to: tuple[str, ...] = ()
    keep: tuple[Phrase, ...] = ()
    concepts: tuple[Combo, ...] = ()
    unless_concepts: tuple[str, ...] = ()
    negated_by: tuple[Combo, ...] = ()
    remember_for: tuple[str, ...] = ()
    enabled: bool = True
    carry: tuple[Combo, ...] = ()
    forget_when: tuple[Combo, ...] = ()


@dataclass
class _Pass:
    """One message under check: its reading, and the concept matches found so far (each looked up once)."""

    reading: Reading
    concept_spans: dict[str, list[Span]] = field(default_factory=dict)
    carried: frozenset[str] = frozenset()  # concepts met in earlier messages of the conversation


class SafetyRules:
    """The rules of a corpus, with the concept lexicon (concept -> phrases) they refer to. `check` says which
    rules a message fires; `strip` takes the words that fired them out of the question."""

    def __init__(self, rules: list[Rule], concepts: dict[str, tuple[Phrase, ...]] | None = None,
                 fillers: tuple[str, ...] = (), known: frozenset[str] = frozenset(),
                 learned: Layer | None = None) -> None:
        self.rules = [r for r in rules if r.enabled]
        self.learned = learned
        self.all_rules = rules
        self.concepts = concepts or {}
        groups = [g for r in rules for g in (r.patterns, r.also_needs, r.unless, r.keep)]
        self.matcher = Matcher(groups + list(self.concepts.values()), fillers, known)

    # -- matching ------------------------------------------------------------------------------

    def _concept(self, p: _Pass, name: str) -> list[Span]:
        spans = p.concept_spans.get(name)
        if spans is None:
            if "|" in name:  # "opioid|non_opioid": either
                spans = [s for n in name.split("|") for s in self._concept(p, n)]
            elif name.endswith("*2"):  # "preparatory*2": two of them, apart, anywhere in the message
                spans = self._concept(p, name[:-2])
                if not any(not _overlaps(a, [b]) for a in spans for b in spans):
                    spans = []
            else:
                spans = list(dict.fromkeys(self.matcher.matches(self.concepts.get(name, ()), p.reading)))
                unless = self.concepts.get(name + UNLESS_SUFFIX)
                if spans and unless:  # "not a mistake" is no accident: a match its `..._unless` concept overlaps
                    vetoes = self.matcher.matches(unless, p.reading)
                    spans = [s for s in spans if not _overlaps(s, vetoes)]
            p.concept_spans[name] = spans
        return spans

    def _combo_spans(self, p: _Pass, combo: Combo, vetoes: list[Span]) -> list[list[Span]]:
        """The matches of a combination, each the spans of its concepts where all of them are present (in one
        clause, if it asks), each by words of its own (one word never counts for two concepts), and none of its
        absent concepts is."""
        found: list[list[Span]] = []
        lacks_ok = combo.mode == "&" and bool(p.carried)  # earlier messages may supply a missing concept
        for c in combo.concepts:
            spans = self._concept(p, c)
            if spans and vetoes:
                spans = [s for s in spans if not _overlaps(s, vetoes)]
            if not spans and not lacks_ok:  # one missing: no match (the rest unread)
                return []
            found.append(spans)
        if combo.mode == "&" and p.carried and any(found) and not (all(found) and _apart(found)):
            # earlier messages of the conversation supply what this one lacks; it must match one concept itself
            carried = [any(n.removesuffix("*2") in p.carried for n in c.split("|")) for c in combo.concepts]
            found = [f for f, was in zip(found, carried, strict=True) if not was] or [f for f in found if f][:1]
        if not all(found) or any(self._concept(p, c) for c in combo.absent if not c.startswith("~")):
            return []
        near = [s for c in combo.absent if c.startswith("~") for s in self._concept(p, c[1:])]
        return [m for m in self._combo_matches(p, combo, found)
                if not any(_overlaps((a[0] - NEAR_WINDOW, a[1] + NEAR_WINDOW, ()), near) for a in m)]

    @staticmethod
    def _combo_matches(p: _Pass, combo: Combo, found: list[list[Span]]) -> list[list[Span]]:
        if len(found) == 1:  # one concept: each of its matches stands alone
            return [[s] for s in found[0]]
        if combo.mode == "&":
            return [[s for spans in found for s in spans]] if _apart(found) else []
        clause = p.reading.clause
        out: list[list[Span]] = []
        for k in set.intersection(*({clause[s[0]] for s in spans} for spans in found)):
            here = [[s for s in spans if clause[s[0]] == k] for spans in found]
            if combo.mode == ">":
                here = _in_order(here)
            if here and _apart(here):
                out.append([s for spans in here for s in spans])
        return out

    def _negated(self, p: _Pass, rule: Rule, span: Span) -> bool:
        """Whether a negation combination stands by the match: its first concept just before it (it may end on
        the match's first word: "i dont take" before "take subs"), or just after it for a concept named
        `..._after`, with no `negation_gap` word between them when it stands alone ("not taking my oxycodone
        today"); its other concepts in the match's clause ("+") or anywhere in the message ("&"); and none of
        its absent concepts there ("no longer on oxy as of this morning": recent)."""
        clause = p.reading.clause
        gap_words = {s[0] for s in self._concept(p, GAP_CONCEPT)}

        def near(n: Span, after: bool, gap: bool) -> bool:
            if clause[n[0]] != clause[span[0]]:
                return False
            if after:  # a negation that follows ("tramadol kullanmıyorum")
                return span[0] < n[0] and n[0] - span[1] <= NEGATION_WINDOW
            return n[0] < span[0] and span[0] - n[1] <= NEGATION_WINDOW and not (
                gap and gap_words & set(range(n[1], span[0])))

        def present(c: str, anywhere: bool) -> bool:
            return any(anywhere or clause[s[0]] == clause[span[0]] for s in self._concept(p, c))

        for combo in rule.negated_by:
            first, rest = combo.concepts[0], combo.concepts[1:]
            anywhere = combo.mode == "&"
            # a lone negation is local: "not taking my oxycodone today" keeps it; "stopped my X years ago" does not
            if any(near(n, first.endswith("_after"), not rest) for n in self._concept(p, first)) \
                    and all(present(c, anywhere) for c in rest) \
                    and not any(present(c, anywhere) for c in combo.absent):
                return True
        return False

    def _rule_spans(self, rule: Rule, p: _Pass) -> list[Span]:
        spans = self.matcher.matches(rule.patterns, p.reading)
        vetoes = self._vetoes(p, rule)
        spans = [s for s in spans if not _overlaps(s, vetoes)]
        if rule.negated_by:
            spans = [s for s in spans if not self._negated(p, rule, s)]
        negated: list[Span] = []
        for combo in rule.concepts:
            for match in self._combo_spans(p, combo, vetoes):
                if not rule.negated_by:
                    spans += match
                elif combo.mode == ">":  # a sequence reads as one phrase: a negation of any part negates it all
                    if not any(self._negated(p, rule, s) for s in match):  # ("my brother uses subs but not me")
                        spans += match
                    else:
                        negated += match
                else:
                    for s in match:
                        (negated if self._negated(p, rule, s) else spans).append(s)
        if negated:  # a match inside a negated one goes with it ("pregnant" of "my wife is 30 weeks pregnant")
            spans = [s for s in spans if not _overlaps(s, negated)]
        if spans and rule.also_needs and not self.matcher.matches(rule.also_needs, p.reading):
            return []
        return spans

    def _fired(self, p: _Pass, memory: set[str] | None) -> list[tuple[Rule, list[Span]]]:
        out = []
        if memory:
            p.carried = frozenset(m[1:] for m in memory if m.startswith(CARRIED))
        for rule in self.rules:
            spans = self._rule_spans(rule, p)
            if spans:
                out.append((rule, spans))
                if memory is not None and rule.remember_for:
                    memory.add(rule.id)
            elif memory and rule.id in memory and any(self._combo_spans(p, c, []) for c in rule.forget_when):
                memory.discard(rule.id)  # "that was 6 years ago, nothing since": what was remembered is past
            elif memory and rule.id in memory and any(self._concept(p, c) for c in rule.remember_for):
                out.append((rule, []))  # named earlier in the conversation: the warning stays
        if memory is not None:
            vetoes = {r.id: [v for c in r.unless_concepts for v in self._concept(p, c)] for r in self.rules if r.carry}
            memory.update(CARRIED + n for r in self.rules for combo in r.carry
                          if self._combo_spans(p, combo, vetoes[r.id]) for n in combo.concepts)
        return out

    def matches(self, question: str) -> dict[str, list[Span]]:
        """Rule id -> the spans that fired it (before `yields_to`): (start, end, positions of its own words)."""
        return {rule.id: spans for rule, spans in self._fired(_Pass(self.matcher.read(question)), None)}

    def check(self, question: str, memory: set[str] | None = None, earlier: tuple[str, ...] = ()) -> list[Rule]:
        """The rules the message fires, in the file's order. Pass a conversation's `memory` (a set, updated in
        place) to let a rule named earlier in it keep firing (see `remember_for`), and the member's `earlier`
        messages in it, which the learned layer reads with this one."""
        p = _Pass(self.matcher.read(question))
        before = frozenset(memory or ())
        fired = self._fired(p, memory)
        if self.learned is not None:
            fired = self._learned(p, fired, question, memory, earlier, before)
        ids = {r.id for r, _ in fired}
        if memory is not None:  # a match the learned layer dropped (someone else's, long past) is not remembered
            memory.difference_update(r.id for r in self.rules if r.remember_for and r.id not in before | ids)
        return [r for r, _ in fired
                if not (set(r.yields_to) & ids) or self.matcher.matches(r.keep, p.reading)]

    def _learned(self, p: _Pass, fired: list[tuple[Rule, list[Span]]], question: str, memory: set[str] | None,
                 earlier: tuple[str, ...], remembered: frozenset[str] = frozenset()
                 ) -> list[tuple[Rule, list[Span]]]:
        """What the lexicon fired, with the rules the learned layer adds and drops (learned.py); `remembered`: the
        rules the conversation's memory held before this message."""
        assert self.learned is not None
        by_id = {r.id: r for r in self.rules}
        anchored: set[str] = set()
        unvetoed: set[str] = set()
        for rid, th in self.learned.thresholds.items():
            if rid not in by_id:
                continue
            vetoes = self._vetoes(p, by_id[rid])  # once per rule: its `unless` phrases are matched afresh
            unvetoed.update([rid] if not vetoes else [])
            # a rule the score never fires (it only drops) reads its `needs` whole: an animal study is a veto of
            # the pregnancy rule where it overlaps, and elsewhere in the message what lets the score drop it
            around = vetoes if th.fire_at is not None else []
            kept = any(self._combo_spans(p, combo(k), around) for k in th.kept_by)
            if self._names_one(p, around, th.needs) and not kept:
                anchored.add(rid)
        add, drop = self.learned.decide({r.id for r, _ in fired}, self.learned.scores(question, earlier), anchored,
                                        frozenset(unvetoed), len(p.reading.surface), remembered)
        if not add and not drop:
            return fired
        order = {r.id: i for i, r in enumerate(self.rules)}
        out = [f for f in fired if f[0].id not in drop or f[0].action == "reply"]  # a crisis match always stands
        out += [(r, []) for r in self.rules if r.id in add]
        if memory is not None:
            memory.update(r.id for r in self.rules if r.id in add and r.remember_for)
        return sorted(out, key=lambda f: order[f[0].id])

    def _vetoes(self, p: _Pass, rule: Rule) -> list[Span]:
        """Where the rule's own vetoes (a figure of speech, a research term, "5 kms" as a distance) match."""
        vetoes = [v for c in rule.unless_concepts for v in self._concept(p, c)]
        if rule.unless:
            vetoes += self.matcher.matches(rule.unless, p.reading)
        return vetoes

    def _names_one(self, p: _Pass, vetoes: list[Span], concepts: tuple[str, ...]) -> bool:
        """Whether the message names one of these concepts where a rule's vetoes (`_vetoes`) leave it standing."""
        return any(not _overlaps(s, vetoes) for c in concepts for s in self._concept(p, c))

    def strip(self, question: str, rules: list[Rule]) -> str:
        """The question without the words that fired these rules: "tramadol" is the rule's business,
        and as an unknown drug name it must not make the rest of the question look off-topic."""
        p = _Pass(self.matcher.read(question))
        surface = p.reading.surface
        drop: set[int] = set()
        for rule in rules:
            if rule.action == "dose":  # a dose is the question's topic, not a word to hide
                continue
            for _, _, own in self._rule_spans(rule, p):
                drop.update(own)
                k = max(own) + 1  # the drug's own strength goes with it: "oxycontin 20mg", "norco 10/325"
                while k < len(surface) and (surface[k][:1].isdigit() or surface[k] in UNITS):
                    drop.add(k)
                    k += 1
        return " ".join(w for i, w in enumerate(surface) if i not in drop)


def _in_order(found: list[list[Span]]) -> list[list[Span]]:
    """One span of each concept, each starting after the one before it ends, at most SEQUENCE_WINDOW words later;
    [] when there is no such chain."""
    chains: list[list[Span]] = [[s] for s in found[0]]
    for spans in found[1:]:
        chains = [[*c, s] for c in chains for s in spans if 0 <= s[0] - c[-1][1] <= SEQUENCE_WINDOW]
        if not chains:
            return []
    return [[s] for s in chains[0]]


def _apart(found: list[list[Span]]) -> bool:
    """Whether one span of each list can be chosen with no two overlapping."""
    def pick(i: int, chosen: list[Span]) -> bool:
        return i == len(found) or any(not _overlaps(s, chosen) and pick(i + 1, [*chosen, s]) for s in found[i][:8])
    return pick(0, [])


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < v[1] and v[0] < span[1] for v in others)
