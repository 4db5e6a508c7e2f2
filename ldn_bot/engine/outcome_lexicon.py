"""Outcomes in people's words (corpus/outcome_words.yaml): "quit" is "stopped" or "discontinued" in a record,
"the stiffness" is "spasticity", "crashes" are post-exertional malaise. A question's phrase from one group becomes
one outcome word whose alternatives are every member of the group, as the index stems them, so the outcome ranker
(engine/outcomes.py) finds the record sentence that reports it in the record's own words."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from ldn_bot.corpus.rawyaml import read_optional_mapping
from ldn_bot.retrieval.analyzer import Analyzer, normalize, words
from ldn_bot.retrieval.query import Concept

OUTCOME_FILE = "outcome_words.yaml"
# After a word that may only say a change ("stop", "quit"), these leave it naming the outcome itself ("people
# stopped it", "stop ldn bc ..."); any other word after it is what changed ("stop the relapses").
_DETERMINERS = frozenset({"the", "my", "your", "ur", "their", "his", "her", "its", "a", "an", "our", "all"})
_TREATMENT = frozenset({"it", "ldn", "naltrexone", "taking", "treatment", "using", "them", "this", "that", "because",
                        "bc", "cos", "cause", "due", "from", "after", "before", "and", "or", "early", "within",
                        "drug", "med", "meds", "medication", "pill", "pills", "therapy", "on", "at", "in", "by"})


class OutcomeLexicon:
    """Groups of phrases naming one outcome. Build it with the groups and the index's analyzer; `concepts()` per
    question."""

    def __init__(self, groups: Iterable[Iterable[str]], analyzer: Analyzer) -> None:
        self._alternatives: list[tuple[tuple[str, ...], ...]] = []
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}  # first word -> (words, group)
        for i, group in enumerate(groups):
            alts: list[tuple[str, ...]] = []
            for phrase in group:
                typed = tuple(words(normalize(str(phrase))))
                if not typed:
                    continue
                self._phrases.setdefault(typed[0], []).append((typed, i))
                stems = tuple(analyzer.tokens(" ".join(typed)))
                if stems and len(stems) == len(typed):  # "came off" loses "off": too loose to find in a record
                    alts.append(stems)
            self._alternatives.append(tuple(dict.fromkeys(alts)))
        for found in self._phrases.values():
            found.sort(key=lambda x: len(x[0]), reverse=True)

    def find(self, text: str) -> list[tuple[tuple[str, ...], int, str | None, str | None]]:
        """The group phrases in `text`, in order, longest first where they overlap: (the phrase's words, group,
        the word after it and the word before it, past "the", "my" and the like)."""
        ws = words(normalize(text))
        out: list[tuple[tuple[str, ...], int, str | None, str | None]] = []
        i = 0
        while i < len(ws):
            hit = next(((p, g) for p, g in self._phrases.get(ws[i], ()) if tuple(ws[i:i + len(p)]) == p), None)
            if hit:
                out.append((*hit, *_around(ws, i, i + len(hit[0]))))
                i += len(hit[0])
            else:
                i += 1
        return out

    def concepts(self, text: str, idf: Callable[[str], float], df: Collection[str] | None,
                 change: Collection[str] = ()) -> tuple[list[Concept], set[str]]:
        """The outcome words `text` names from the lexicon, one concept per group (weighing its best member's IDF,
        among those `df` knows; None: all), and every word those phrases cover. A phrase of change words only
        ("stop") names the outcome (stopping treatment) only when nothing but the treatment follows it ("people
        stopped", "stop ldn bc"), not in "stop the relapses"."""
        concepts: list[Concept] = []
        covered: set[str] = set()
        seen: set[int] = set()
        for phrase, group, after, _ in self.find(text):
            if set(phrase) <= set(change) and after is not None and after not in _TREATMENT:
                continue
            covered |= set(phrase)
            alts = self._alternatives[group]
            known = [a for a in alts if df is None or all(t in df for t in a)]
            if group in seen or not known:
                continue
            seen.add(group)
            weight = max(sum(idf(t) for t in a) / len(a) for a in known)
            # a curated word: no rarity discount
            concepts.append(Concept(" ".join(phrase), tuple(known), weight, plain=False))
        return concepts, covered



def _around(ws: Sequence[str], start: int, end: int) -> tuple[str | None, str | None]:
    """The word after `ws[start:end]` and the word before it, past "the", "my" and the like (three words at most)."""
    after = next((w for w in ws[end:end + 3] if w not in _DETERMINERS), None)
    before = next((w for w in reversed(ws[max(0, start - 3):start]) if w not in _DETERMINERS), None)
    return after, before


class AskedChange:
    """A medicine's use, or another outcome, asked as what changed ("did people on ldn end up using fewer
    opioids?", "opioid consumption after starting", "will ldn help the fatigue"): its name with a word for a change
    just before it or a word for its use just after it. Serves both the words a safety rule took out of a question
    (the drug is then what was measured, not what the member takes: the engine keeps it and answers) and the outcome
    lexicon's phrases (the outcome ranker leads with the sentences saying what changed). Build it with the outcome
    lexicon and corpus/record_queries.yaml's word lists: `change` (any change, "help", "reduce"), `amounts` (how
    much, "fewer", "cut") and `uses` ("use", "consumption")."""

    def __init__(self, lexicon: OutcomeLexicon, change: Collection[str], amounts: Collection[str],
                 uses: Collection[str]) -> None:
        self.lexicon, self.change, self.amounts, self.uses = lexicon, change, amounts, uses

    def asked(self, text: str, taken: Collection[str] | None = None) -> bool:
        """Whether `text` asks how one of `taken` (words, lower case) changed, after a word for how much; with
        `taken` None, how an outcome the lexicon names changed, after any change word. A word the safety rule took
        needs a word for an amount ("fewer opioids"), since "on opioids" is the member's own medicine."""
        if taken is None:
            found = [(after, before) for _, _, after, before in self.lexicon.find(text)]
            change = self.change
        else:
            ws = words(normalize(text))
            found = [_around(ws, i, i + 1) for i, w in enumerate(ws) if w in taken]
            change = self.amounts
        return any(before in change or after in self.uses for after, before in found)


def merge(found: Sequence[Concept], covered: set[str], own: Sequence[Concept]) -> list[Concept]:
    """A question's outcome words: its own (`own`) not covered by a lexicon phrase, then the lexicon's (`found`)."""
    return [c for c in own if not set(c.text.split()) & covered] + list(found)


def load_lexicon(root: str | Path, analyzer: Analyzer) -> OutcomeLexicon:
    """The outcome lexicon of a corpus folder (root/outcome_words.yaml); empty when the file is absent. A file
    that is not a mapping with a `groups` list of phrase lists is a CorpusError naming it."""
    path = Path(root) / OUTCOME_FILE
    data = read_optional_mapping(path, "outcome words must be a mapping with `groups`, a list of phrase lists",
                                 lambda d: isinstance(d.get("groups"), list)
                                 and all(isinstance(g, list) for g in d["groups"]))
    return OutcomeLexicon(data["groups"] if data is not None else (), analyzer)
