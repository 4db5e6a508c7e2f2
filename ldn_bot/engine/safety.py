"""Safety rules (corpus/safety.yaml), checked on every question before retrieval.

Patterns match whole words fuzzily (rapidfuzz), so "oxycodon" or "suicidel" still trigger a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from ldn_bot.errors import CorpusError
from ldn_bot.retrieval.analyzer import normalize, words

SAFETY_FILE = "safety.yaml"
ACTIONS = ("reply", "warn", "dose")
FUZZY_CUTOFF = 86.0
MIN_FUZZY_LEN = 6  # shorter patterns must match exactly ("ldn", "ivf")


@dataclass(frozen=True)
class Rule:
    id: str
    action: str
    patterns: tuple[tuple[str, ...], ...]
    also_needs: tuple[tuple[str, ...], ...]
    text: str


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(words(normalize(text)))


class _PhraseSet:
    """Phrases matched against every same-length run of words: exactly, or fuzzily for long ones."""

    def __init__(self, phrases: tuple[tuple[str, ...], ...]) -> None:
        self.exact = {" ".join(p) for p in phrases} | {"".join(p) for p in phrases if len(p) > 1}
        by_len: dict[int, list[str]] = {}
        for p in phrases:
            joined = " ".join(p)
            if len(joined) >= MIN_FUZZY_LEN:
                by_len.setdefault(len(p), []).append(joined)
        self.fuzzy = by_len

    def search(self, ws: list[str], windows: dict[int, list[str]]) -> bool:
        if any(w in self.exact for run in windows.values() for w in run):
            return True
        for n, patterns in self.fuzzy.items():
            run = windows.get(n)
            if run and process.cdist(run, patterns, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF).any():
                return True
        return False


class SafetyRules:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self._sets = [(_PhraseSet(r.patterns), _PhraseSet(r.also_needs) if r.also_needs else None) for r in rules]
        self._lengths = sorted({len(p) for r in rules for p in (*r.patterns, *r.also_needs)})

    def strip(self, question: str, rules: list[Rule]) -> str:
        """The question without the words that fired these rules: "tramadol" is the rule's business,
        and as an unknown drug name it must not make the rest of the question look off-topic."""
        singles = _PhraseSet(tuple(p for r in rules for p in r.patterns if len(p) == 1))
        return " ".join(w for w in words(normalize(question)) if not singles.search([w], {1: [w]}))

    def check(self, question: str) -> list[Rule]:
        ws = words(normalize(question))
        windows = {n: [" ".join(ws[i:i + n]) for i in range(len(ws) - n + 1)] for n in self._lengths}
        fired = []
        for rule, (patterns, needs) in zip(self.rules, self._sets):
            if patterns.search(ws, windows) and (needs is None or needs.search(ws, windows)):
                fired.append(rule)
        return fired


def load_rules(corpus_root: str | Path) -> SafetyRules:
    path = Path(corpus_root) / SAFETY_FILE
    if not path.exists():
        return SafetyRules([])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise CorpusError(str(path), f"malformed YAML: {getattr(e, 'problem', e)}", mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise CorpusError(str(path), "expected a mapping with a 'rules' list", 1)
    rules = []
    seen = set()
    for i, entry in enumerate(data["rules"]):
        where = f"rules[{i}]"
        if not isinstance(entry, dict):
            raise CorpusError(str(path), f"{where} must be a mapping")
        rid = entry.get("id")
        if not isinstance(rid, str) or not rid:
            raise CorpusError(str(path), f"{where} needs an 'id'")
        if rid in seen:
            raise CorpusError(str(path), f"duplicate rule id '{rid}'")
        seen.add(rid)
        if entry.get("action") not in ACTIONS:
            raise CorpusError(str(path), f"rule '{rid}': action must be one of {', '.join(ACTIONS)}")
        unknown = set(entry) - {"id", "action", "patterns", "also_needs", "text"}
        if unknown:
            raise CorpusError(str(path), f"rule '{rid}': unknown field(s) {', '.join(sorted(unknown))}")
        patterns = entry.get("patterns")
        needs = entry.get("also_needs", [])
        text = entry.get("text")
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
            raise CorpusError(str(path), f"rule '{rid}': 'patterns' must be a non-empty list of text")
        if not isinstance(needs, list) or not all(isinstance(p, str) for p in needs):
            raise CorpusError(str(path), f"rule '{rid}': 'also_needs' must be a list of text")
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(str(path), f"rule '{rid}': 'text' must be non-empty text")
        rules.append(Rule(rid, entry["action"], tuple(_phrase(p) for p in patterns),
                          tuple(_phrase(p) for p in needs), " ".join(text.split())))
    return SafetyRules(rules)
