"""The asked outcome: within the studies a plan has chosen, each record's sentences (its result, key findings,
adverse events and summary) ranked by the question's own words, so that a question about one outcome ("did the
itch get better?", "what about relapses?") leads with the sentence that reports it, not with the tally.

The words come from the query parser (stemmed with PyStemmer, synonyms as alternatives, each weighted by its
index IDF and rarity in English); a sentence scores as BM25 scores a document, with sentence length normalised.
No phrase lists: any outcome a record reports can be found by the words a member uses for it.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ldn_bot.corpus.models import DESIGNS, EVIDENCE_LEVELS, Corpus, Study
from ldn_bot.engine import plans
from ldn_bot.engine.outcome_lexicon import OutcomeLexicon, load_lexicon, merge
from ldn_bot.engine.passages import restates
from ldn_bot.engine.plans import KeyPoint, Plan
from ldn_bot.engine.plans.base import add_lines, line_cost_of
from ldn_bot.retrieval.analyzer import STOPWORDS, Analyzer, normalize, words
from ldn_bot.retrieval.chunker import split_sentences
from ldn_bot.retrieval.query import Concept

K1, B = 1.2, 0.75  # BM25's term saturation and length normalisation, over sentences
# Which field a sentence comes from breaks near ties: the curated result first, a summary sentence last.
FIELD_PRIOR = {"result": 1.0, "key_findings": 0.97, "adverse_events": 0.95, "summary": 0.9}
REPORTS_SHARE = 0.6  # a sentence holding this share of the outcome words' weight reports the asked outcome
MIN_VARIANT = 7  # letters a stem has before its forms differing in the last letter count as one word
CACHE_STUDIES = 4096  # records whose sentence tokens are kept
OUTCOME_WEIGHT = 0.8  # the outcome words weigh at least this to ask about one outcome (as reading.SPECIFIC_WEIGHT)
OUTCOME_LINES = 2  # studies whose sentence on the asked outcome leads the short answer
DESCRIBES = 0.34  # a plain word in more than this share of one study's sentences describes the study
HARM_LINES = 3  # ... of a side-effect answer, whose lines are each a study's adverse events
# Fixed template (reviewed text): the asked outcome, in the member's own words, measured by none of the studies.
NOT_MEASURED = "None of the {scope}studies in the corpus reports on {outcome}; what they found:"


@dataclass(frozen=True)
class OutcomeSentence:
    """A record's sentence on the asked outcome: `field` it comes from, its BM25-like `score`, and the `share` of
    the outcome words' weight it holds (1.0: every word asked)."""

    study: Study
    text: str
    field: str
    score: float
    share: float

    @property
    def reports(self) -> bool:
        """Whether the sentence reports the asked outcome (holds most of what was asked)."""
        return self.share >= REPORTS_SHARE


def is_harm(sentence: OutcomeSentence) -> bool:
    """Whether a record's sentence is on harms: its adverse events, or a finding on side effects or stopping."""
    return sentence.field == "adverse_events" or plans.reads_as_harm(sentence.text)


def record_sentences(study: Study) -> list[tuple[str, str]]:
    """(field, sentence) for every sentence of a record that could report an outcome, each once."""
    out: list[tuple[str, str]] = []
    if study.result:
        out.append(("result", study.result))
    out += [("key_findings", k) for k in study.key_findings]
    if study.adverse_events:
        out += [("adverse_events", s) for s in split_sentences(study.adverse_events)]
    out += [("summary", s) for s in split_sentences(study.summary)]
    seen: set[str] = set()
    return [(f, s) for f, s in out if not (s in seen or seen.add(s))]  # type: ignore[func-returns-value]


def variants(stem: str, vocabulary: Iterable[str]) -> set[str]:
    """The stems in `vocabulary` that are `stem` in another form: itself, and for a stem of MIN_VARIANT letters or
    more, those sharing all but its last letter with it ("respond" and "respons", which the Snowball stemmer keeps
    apart for "responded" and "response")."""
    out = {stem}
    if len(stem) >= MIN_VARIANT:
        root = stem[:-1]
        out |= {v for v in vocabulary if v.startswith(root) and abs(len(v) - len(stem)) <= 1}
    return out


class OutcomeRanker:
    """Ranks records' sentences by a question's outcome words. Build it with the index's analyzer (the same
    stemming as the query parser's concepts) and the spellings of the corpus's conditions, whose words in a
    sentence name what was studied, not what was measured ("relapses" is not found in "relapsing-remitting");
    `rank()` per question."""

    def __init__(self, analyzer: Analyzer, conditions: Iterable[str] = (), lexicon: OutcomeLexicon | None = None,
                 idf: Callable[[str], float] = lambda t: 1.0) -> None:
        self.analyzer = analyzer
        self.lexicon = lexicon or OutcomeLexicon((), analyzer)  # outcomes in people's words (outcome_words.yaml)
        self.idf = idf
        self._tokens: dict[str, list[tuple[str, str, Counter[str], int]]] = {}
        # Kept for every record ever ranked (small, unlike its sentences' tokens): its sentences' token counts, and
        # which sentences hold each token how often, so a rank over thousands of records (a side-effect question
        # on no condition ranks them all) is scored from them, without reading the records again.
        self._spans: dict[str, tuple[int, tuple[int, ...]]] = {}  # label -> (its first sentence's number, lengths)
        self._postings: dict[str, tuple[array[int], array[int]]] = {}  # token -> (sentence numbers, counts)
        self._sentence_count = 0
        self._by_root: dict[str, list[str]] = {}  # a token's first MIN_VARIANT - 1 letters -> the tokens seen
        self._names: dict[str, list[tuple[str, ...]]] = {}  # first stem -> condition spellings as stems
        for spelling in conditions:
            stems = tuple(analyzer.tokens(spelling))
            if stems:
                self._names.setdefault(stems[0], []).append(stems)
        self._spellings = frozenset(n for found in self._names.values() for n in found)
        self._name_stems = frozenset(t for n in self._spellings for t in n)
        for found in self._names.values():
            found.sort(key=len, reverse=True)

    @classmethod
    def for_corpus(cls, corpus: Corpus, analyzer: Analyzer, idf: Callable[[str], float]) -> OutcomeRanker:
        """A ranker for a loaded corpus (`idf`: its index's): its conditions' names and aliases are never an
        outcome; its outcome lexicon gives people's words for outcomes."""
        return cls(analyzer, (a for g in corpus.synonyms if g.kind == "condition" for a in (g.name, *g.aliases)),
                   load_lexicon(corpus.root, analyzer), idf)

    def asked(self, plan: Plan, content: Sequence[Concept], question: str, df: Mapping[str, int],
              change: Collection[str] = (), story: str = "", corrections: Mapping[str, str] | None = None
              ) -> list[Concept]:
        """The outcome words of a question for `plan` (see `outcome_words`), without the words naming its studies
        ("cree", "2010": they are in most of a study's sentences, and not what is asked). Outcomes in people's
        words (the lexicon) count anywhere in the question clauses ("the nightmares are intense. did the trials
        report that?"); when the question names none, the member's `story` fills it ("long covid brain fog is
        killing me, ldn?"). `corrections`: the parser's spelling corrections (typed -> corrected)."""
        names = {t for s in plan.studies for a in (s.label, *s.aliases) for t in self.analyzer.tokens(a)}
        own = [c for c in content if not any(set(alt) <= names for alt in c.alternatives)]
        found, covered = self._lexicon_words(question, df, change)
        words = merge(found, covered, outcome_words(own, question_part(question), df, change, corrections))
        return words or self._lexicon_words(story, df, change)[0]

    def _lexicon_words(self, text: str, df: Mapping[str, int] | None,
                       change: Collection[str]) -> tuple[list[Concept], set[str]]:
        # a condition's name ("depression", "covid fatigue") is the subject, not an outcome, whatever group it is in
        return self.lexicon.concepts(self._without_conditions(text), self.idf, df, change)

    def distinctive(self, study: Study, words: Sequence[Concept]) -> list[Concept]:
        """`words` without the plain ones found in more than DESCRIBES of the study's sentences: they describe the
        study ("the mayo clinic chart review"), not what was measured in it. All of `words` when none is left."""
        rows = self._sentences(study)
        forms = {t: variants(t, {w for row in rows for w in row[2]}) for c in words for alt in c.alternatives
                 for t in alt}

        def share(c: Concept) -> float:
            held = sum(any(alt and all(any(row[2][v] for v in forms[t]) for t in alt) for alt in c.alternatives)
                       for row in rows)
            return held / len(rows) if rows else 0.0

        kept = [c for c in words if not (c.plain and share(c) > DESCRIBES)]
        return kept if sum(c.weight for c in kept) >= OUTCOME_WEIGHT else list(words)

    def reported(self, line: str, studies: Sequence[Study]) -> bool:
        """Whether a fixed line saying an effect is not reported (plans.NOT_REPORTED) names an effect whose outcome
        group `studies` do report in their harms."""
        effect = _NOT_REPORTED.match(line)
        asked = self._lexicon_words(effect.group(1), None, ())[0] if effect else []
        return bool(asked) and bool(self.best_per_study(studies, asked, harms=True))

    def _without_conditions(self, text: str) -> str:
        """`text`'s words with every condition's name taken out (a "|" where one was, so no phrase spans it)."""
        ws = words(normalize(text))
        kept = [(i, self.analyzer.stem(w)) for i, w in enumerate(ws) if w not in STOPWORDS]
        out = list(ws)
        j = 0
        while j < len(kept):
            stems = tuple(s for _, s in kept)
            name = next((n for n in self._names.get(kept[j][1], ()) if stems[j:j + len(n)] == n), None)
            if name:
                for i, _ in kept[j:j + len(name)]:
                    out[i] = "|"
                j += len(name)
            else:
                j += 1
        return " ".join(out)

    def _measured(self, tokens: list[str]) -> list[str]:
        """`tokens` without the words of condition names."""
        if self._names.keys().isdisjoint(tokens):  # most sentences name none: no step per word for them
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            name = next((n for n in self._names.get(tokens[i], ()) if tuple(tokens[i:i + len(n)]) == n), None)
            if name:
                i += len(name)
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _sentences(self, study: Study) -> list[tuple[str, str, Counter[str], int]]:
        cached = self._tokens.get(study.label)
        if cached is None:
            if len(self._tokens) > CACHE_STUDIES:
                self._tokens.clear()
            cached = []
            for field, text in record_sentences(study):
                tokens = self._measured(self.analyzer.tokens(text))
                cached.append((field, text, Counter(tokens), len(tokens)))
            self._tokens[study.label] = cached
        return cached

    def _span(self, study: Study) -> tuple[int, tuple[int, ...]]:
        """The number of `study`'s first sentence and its sentences' token counts; its sentences' tokens are
        filed in the postings the first time."""
        found = self._spans.get(study.label)
        if found is None:
            rows = self._sentences(study)
            first = self._sentence_count
            for j, row in enumerate(rows):
                for t, k in row[2].items():
                    held = self._postings.get(t)
                    if held is None:
                        held = self._postings[t] = (array("I"), array("I"))
                        self._by_root.setdefault(t[:MIN_VARIANT - 1], []).append(t)
                    held[0].append(first + j)
                    held[1].append(k)
            self._sentence_count += len(rows)
            found = self._spans[study.label] = (first, tuple(row[3] for row in rows))
        return found

    def rank(self, studies: Iterable[Study], words: Sequence[Concept]) -> list[OutcomeSentence]:
        """Every sentence of `studies` holding any of `words`, best first (score, then share, then the order the
        studies were given in). Empty when `words` weigh nothing."""
        ordered = list(studies)
        spans = [self._span(s) for s in ordered]
        count = sum(len(lengths) for _, lengths in spans)
        if not count:
            return []
        avg = sum(sum(lengths) for _, lengths in spans) / count or 1.0
        # the forms among every token seen, not only these records': a form none of them holds counts nothing
        forms = {t: variants(t, self._by_root.get(t[:MIN_VARIANT - 1], ())) for c in words for alt in c.alternatives
                 for t in alt}
        # A plain word of a condition's name names a condition, not an outcome ("progressive ms", "the neuropathy
        # trial"); outcomes that are also in such names ("fatigue", "pain") come from the outcome lexicon.
        words = [c for c in words if not (c.plain and any(set(alt) <= self._name_stems for alt in c.alternatives))]
        total = sum(c.weight for c in words)
        if total <= 0:
            return []
        asked = {t for c in words for alt in c.alternatives for t in alt}
        held_by: dict[str, dict[int, int]] = {t: {} for t in asked}  # stem -> sentence number -> its forms held
        if count <= sum(len(self._postings[v][0]) for t in asked for v in forms[t] if v in self._postings):
            for study, (first, _) in zip(ordered, spans, strict=True):  # fewer sentences here than postings
                for j, (_, _, counts, _) in enumerate(self._sentences(study)):
                    for t in asked:
                        k = sum(counts[v] for v in forms[t])
                        if k:
                            held_by[t][first + j] = k
        else:
            for t in asked:
                tally = held_by[t]
                for v in forms[t]:
                    numbers, found_in = self._postings.get(v, ((), ()))
                    for n, k in zip(numbers, found_in, strict=True):
                        tally[n] = tally.get(n, 0) + k
        holding = {n for tally in held_by.values() for n in tally}
        found: list[tuple[float, float, int, OutcomeSentence]] = []
        for order, (study, (first, lengths)) in enumerate(zip(ordered, spans, strict=True)):
            if not any(first + j in holding for j in range(len(lengths))):
                continue
            for j, (field, text) in enumerate(record_sentences(study)):
                n, length = first + j, lengths[j]
                norm = K1 * (1 - B + B * length / avg)
                score = held = 0.0
                for c in words:
                    # each spelling held counts: "inflammatory cytokines" says more of the asked group than one word
                    tf = sum(min(held_by[t].get(n, 0) for t in alt) for alt in set(c.alternatives) if alt)
                    if tf:
                        score += c.weight * tf * (K1 + 1) / (tf + norm)
                        held += c.weight
                if held:
                    score *= FIELD_PRIOR.get(field, 0.9)
                    share = held / total
                    found.append((-score, -share, order, OutcomeSentence(study, text, field, round(score, 4), share)))
        found.sort(key=lambda x: x[:3])
        return [x[3] for x in found]

    def best_per_study(self, studies: Iterable[Study], words: Sequence[Concept], harms: bool = False,
                       skip: Collection[str] = (), prefer: str | None = None) -> list[OutcomeSentence]:
        """Each study's best sentence that reports the asked outcome: those holding more of what was asked first,
        then in the order `studies` are given (pass them strongest first, or as the plan chose them). `harms`:
        only sentences on harms (the adverse events, or a finding on side effects or stopping), its adverse events
        first; `prefer`: a field whose sentence comes first among a study's holding as much ("result": "41 fewer
        doses of opioids", not a side remark naming them twice); `skip`: sentences already shown."""
        best: dict[str, OutcomeSentence] = {}
        ordered = list(studies)
        first = "adverse_events" if harms else prefer
        ranked = self.rank(ordered, words)
        if first:
            ranked.sort(key=lambda h: (-round(h.share, 2), h.field != first))
        for hit in ranked:
            if hit.text in skip or (harms and not is_harm(hit)):
                continue
            if hit.reports and hit.study.label not in best:
                best[hit.study.label] = hit
        kept = [best[s.label] for s in ordered if s.label in best]
        return sorted(kept, key=lambda h: -round(h.share, 2))  # stable: the given order within one share


_NOT_REPORTED = re.compile(re.escape(plans.NOT_REPORTED).replace(re.escape("{effect}"), "(.+)"))
# How a study was done ("crossover", "randomized", "pilot"), from the schema's designs: never an outcome.
DESIGN_WORDS = frozenset(w for d in (*DESIGNS, *EVIDENCE_LEVELS) for w in words(d))
_QUESTION = re.compile(r"[^.!?]*\?")
# A result's figures: shares, decimals, p values (not a dose: "4.5 mg" says how, not what was found).
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*%|\b\d*\.\d+\b(?!\s*(?:mg|µg|mcg|g\b))")


def says_again(sentence: str, shown: str) -> bool:
    """Whether `sentence` adds nothing to `shown`: nearly the same words, or every figure it reports (89%, 0.27)
    already shown."""
    figures = set(_FIGURE.findall(sentence))
    return restates(sentence, shown) or (bool(figures) and figures <= set(_FIGURE.findall(shown)))


def question_part(text: str) -> str:
    """The interrogative sentences of a message (those ending in "?"), or all of it when none does."""
    asked = " ".join(m.group(0) for m in _QUESTION.finditer(text))
    return asked if asked.strip() else text


def outcome_words(content: Sequence[Concept], question: str, df: Mapping[str, int],
                  change: Collection[str] = (), corrections: Mapping[str, str] | None = None) -> list[Concept]:
    """The outcome a question asks about: its own content words (`content`: not its condition, plan or method
    words) that are in its interrogative part (`question`; a word as the parser corrected it, `corrections`,
    counts as typed), known to the corpus (`df`), and neither a number nor a word that only says a change
    (`change`: "reduce", "help")."""
    own = set(words(normalize(question)))
    own |= {corrections[w] for w in own if w in corrections} if corrections else set()
    return [c for c in content if not c.text[:1].isdigit() and set(c.text.split()) <= own
            and c.text not in change and not set(c.text.split()) <= DESIGN_WORDS
            and any(alt and all(t in df for t in alt) for alt in c.alternatives)]


def lead(plan: Plan, ranker: OutcomeRanker, asked: Sequence[Concept], scope: Sequence[Study] = (),
         harms: bool = False) -> Plan:
    """`plan` led by the sentences of its studies, then of `scope` (its condition's studies), that report the asked
    outcome (`asked`, see `outcome_words`); when none does, the fixed line saying so before the plan (not for a
    single study's plan, whose own sentences on what was asked follow its result). `plan` itself when nothing
    weighty is asked. `harms`: a question about side effects, answered from sentences on harms only."""
    if sum(c.weight for c in asked) < OUTCOME_WEIGHT:
        return plan
    if plan.kind == "study":  # one study: its sentences on the asked outcome, each saying something new
        found: list[OutcomeSentence] = []
        for hit in ranker.rank(plan.studies[:1], ranker.distinctive(plan.studies[0], asked)):
            if hit.reports and not (harms and not is_harm(hit)) and not (
                    found and says_again(hit.text, " ".join(f.text for f in found))):
                found.append(hit)
    else:  # the plan's own studies first; its condition's others when none of them reports it
        found = ranker.best_per_study(plan.studies, asked, harms) or ranker.best_per_study(scope, asked, harms)
    if found:
        return led_by_outcome(plan, found)
    if plan.kind == "study":
        return plan
    return not_measured(plan, " ".join(c.text for c in asked), plan.topic)


def harms_asked(plan: Plan, ranker: OutcomeRanker, asked: Sequence[Concept], scope: Sequence[Study]) -> Plan:
    """A side-effect plan led by the harm sentences of `scope` (the studies the question chose, strongest first)
    that report what was asked (`asked`: "dreams", "quit", "amitriptyline"); `plan` itself when nothing weighty is
    asked or no study reports it (its own lines then say which asked effect no study reports)."""
    asked = [c for c in asked if not c.plain] or asked  # the effects and drugs named, when any: not "intense"
    if sum(c.weight for c in asked) < OUTCOME_WEIGHT:
        return plan
    found = ranker.best_per_study([s for s in scope if plans.is_human(s)], asked, harms=True)
    if not found:
        return plan
    # the fixed lines saying an asked effect is not reported come first, unless the effect in people's words is
    # reported after all ("nightmares": "vivid dreams")
    fixed = [p for p in plan.points if p.label is None and not ranker.reported(p.text, [f.study for f in found])]
    plan = replace(plan, points=[p for p in plan.points if p.label is not None])
    # the first study's other sentence on it, when it says more (its adverse events, then its figures), else
    # its adverse events themselves: the side effects asked about, beside how many stopped
    more = next((h for h in ranker.best_per_study([found[0].study], asked, harms=True, skip={found[0].text})
                 if not says_again(h.text, found[0].text)), None)
    events = found[0].study.adverse_events
    if more is None and found[0].field != "adverse_events" and events and not says_again(events, found[0].text):
        more = OutcomeSentence(found[0].study, events, "adverse_events", 0.0, 0.0)
    led = led_by_outcome(plan, [found[0], more, *found[1:]] if more else found,
                         plans.SHORT_BUDGET - sum(line_cost_of(p) for p in fixed), HARM_LINES)
    return replace(led, points=fixed + led.points)


def led_by_outcome(plan: Plan, found: list[OutcomeSentence], budget: int = plans.SHORT_BUDGET,
                   lines: int = OUTCOME_LINES) -> Plan:
    """`plan` with the sentences on the asked outcome first (each with its study's design and size; `lines` of
    them), then its headline (as a subheading) and its own lines while they fit `budget` characters. Its kind is
    kept."""
    points = [KeyPoint(f.text, f.study.label, plans.head(f.study) if i == 0 or f.study != found[i - 1].study else None)
              for i, f in enumerate(found[:lines])]
    budget -= sum(line_cost_of(p) for p in points)
    said, named = " ".join(p.text for p in points), {p.label for p in points}
    # a study already named above keeps its lines without its head again; a line saying it again is left out
    rest = Plan(plan.kind, plan.headline, [replace(p, head=None) if p.label in named else p
                                           for p in plan.points if not says_again(p.text, said)],
                plan.studies, plan.topic)
    add_lines(points, rest, budget)
    cited = plans.unique([*(f.study for f in found[:lines]), *plan.studies])
    return Plan(plan.kind, None, points, cited, plan.topic)


def not_measured(plan: Plan, outcome: str, scope: str | None, budget: int = plans.SHORT_BUDGET) -> Plan:
    """`plan` after the fixed line that none of its studies (on `scope`, a condition, if given) reports `outcome`."""
    first = KeyPoint(NOT_MEASURED.format(scope=f"{scope} " if scope else "", outcome=outcome), subhead=True)
    points = [first]
    add_lines(points, plan, budget - line_cost_of(first))
    return Plan(plan.kind, None, points, plan.studies, plan.topic)
