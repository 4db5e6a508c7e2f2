"""Loading the safety rules (corpus/safety.yaml) and their concept lexicons (corpus/safety/*.yaml), as a contract.

The rules the bot cannot run without (REQUIRED: crisis, distress, opioid_interaction, pregnancy, dosing) must each
be present, enabled and non-empty, with their action, and a fixed text that says what it must (the crisis text
names an emergency number and a helpline, ...). Anything else is a CorpusError naming the file, the line and the
rule, so `ask` and the bot refuse to start, `corpus validate` reports it and `/reload` keeps the rules in service.

A lexicon file maps concept names to phrases, either as one list or grouped (by language, by country):

    concepts:
      wish_dead: [want to die, wish i was dead]
      opioid:
        US: [oxycontin, norco]
        UK: [co-codamol]

Every file adds to the same concepts: one file per language (en.yaml, es.yaml, ...) and one per class of drugs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import RawYaml, listing, read_required_yaml
from ldn_bot.engine.safety import lexicon_cache
from ldn_bot.engine.safety.learned import CACHE_FILE, Layer, Spec, Threshold, load_model
from ldn_bot.engine.safety.phrases import Phrase, parse_phrase
from ldn_bot.engine.safety.rules import UNLESS_SUFFIX, Combo, Rule, SafetyRules
from ldn_bot.errors import CorpusError

SAFETY_FILE = "safety.yaml"
LEXICON_DIR = "safety"  # corpus/safety/*.yaml: the concept lexicons
ACTIONS = ("reply", "warn", "dose", "care")
FIELDS = {"id", "action", "patterns", "also_needs", "unless", "yields_to", "keep", "text", "concepts",
          "unless_concepts", "negated_by", "remember_for", "enabled", "carry", "forget_when"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Contract:
    """What a required rule must be: its action, and words its fixed text must contain (any case)."""

    action: str
    text_must_say: tuple[str, ...]


REQUIRED = {
    "crisis": Contract("reply", ("988", "112", "findahelpline.com", "emergency")),
    "distress": Contract("care", ("findahelpline.com",)),
    "opioid_interaction": Contract("warn", ("opioid", "withdrawal")),
    "pregnancy": Contract("warn", ("pregnan", "breastfeed")),
    "dosing": Contract("dose", ("clinician",)),
}


def _phrases(path: Path, rid: str, entry: dict, key: str) -> tuple[Phrase, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise CorpusError(str(path), f"rule '{rid}': '{key}' must be a list of text")
    phrases = []
    for p in value:
        phrase = parse_phrase(p)
        if not phrase.segments:
            raise CorpusError(str(path), f"rule '{rid}': '{key}' phrase {p!r} has no words")
        phrases.append(phrase)
    return tuple(phrases)


def _names(path: Path, rid: str, entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise CorpusError(str(path), f"rule '{rid}': '{key}' must be a list of text")
    return tuple(x.strip() for x in value)


def _rule(path: Path, entry: Any, where: str, seen: set[str]) -> Rule:
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
    unknown = set(entry) - FIELDS
    if unknown:
        raise CorpusError(str(path), f"rule '{rid}': unknown field(s) {', '.join(sorted(unknown))}")
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(str(path), f"rule '{rid}': 'text' must be non-empty text")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise CorpusError(str(path), f"rule '{rid}': 'enabled' must be true or false")
    patterns = _phrases(path, rid, entry, "patterns")
    combos = tuple(Combo.parse(c) for c in _names(path, rid, entry, "concepts"))
    if not patterns and not combos:
        raise CorpusError(str(path), f"rule '{rid}': 'patterns' or 'concepts' must be a non-empty list of text")
    return Rule(rid, entry["action"], patterns, _phrases(path, rid, entry, "also_needs"), " ".join(text.split()),
                _phrases(path, rid, entry, "unless"), _names(path, rid, entry, "yields_to"),
                _phrases(path, rid, entry, "keep"), combos, _names(path, rid, entry, "unless_concepts"),
                tuple(Combo.parse(c) for c in _names(path, rid, entry, "negated_by")),
                _names(path, rid, entry, "remember_for"), enabled,
                tuple(Combo.parse(c) for c in _names(path, rid, entry, "carry")),
                tuple(Combo.parse(c) for c in _names(path, rid, entry, "forget_when")))


def _check_contract(path: Path, raw: RawYaml, rules: list[Rule]) -> None:
    """The required rules are there, enabled, not empty, with their action and what their text must say."""
    by_id = {r.id: (i, r) for i, r in enumerate(rules)}
    for rid, contract in REQUIRED.items():
        if rid not in by_id:
            raise CorpusError(str(path), f"required safety rule '{rid}' is missing: ldn-bot does not answer "
                                         f"without it", raw.line("rules"))
        i, rule = by_id[rid]
        line = raw.item_line("rules", i)
        if not rule.enabled:
            raise CorpusError(str(path), f"required safety rule '{rid}' is disabled: it must stay enabled", line)
        if rule.action != contract.action:
            raise CorpusError(str(path), f"required safety rule '{rid}' must have action '{contract.action}'", line)
        said = rule.text.casefold()
        missing = [w for w in contract.text_must_say if w.casefold() not in said]
        if missing:
            raise CorpusError(str(path), f"required safety rule '{rid}': its text must mention "
                                         f"{', '.join(repr(w) for w in missing)}", line)


def load_lexicon(folder: Path, cache: Path | None = None) -> dict[str, tuple[Phrase, ...]]:
    """Concept name -> phrases, from every *.yaml file in `folder` (editor and hidden files ignored). With a
    `cache` file, a parsed copy of exactly these files is read from it when there is one, and kept there after
    the files are read (lexicon_cache.py)."""
    problems: list[Problem] = []
    files = listing(folder, "*.yaml", problems) if folder.is_dir() else []
    if problems:
        raise CorpusError(problems[0].path, problems[0].message, problems[0].line)
    if not files:
        raise CorpusError(str(folder), "the safety concept lexicons are missing; ldn-bot does not answer "
                                       "without them")
    key = lexicon_cache.key(files) if cache is not None else None
    if cache is not None and key is not None:
        kept = lexicon_cache.load(cache, key)
        if kept is not None:
            return kept
    lexicon = _read_lexicon(files)
    if cache is not None and key is not None:
        lexicon_cache.save(cache, key, lexicon)
    return lexicon


def _read_lexicon(files: list[Path]) -> dict[str, tuple[Phrase, ...]]:
    out: dict[str, list[Phrase]] = {}
    for path in files:
        raw = read_required_yaml(path, "the lexicon file is missing")
        data = raw.data
        if not isinstance(data, dict) or not isinstance(data.get("concepts"), dict):
            raise CorpusError(str(path), "expected a mapping with a 'concepts' mapping", raw.line("concepts"))
        unknown = set(data) - {"concepts", "language", "countries"}
        if unknown:
            raise CorpusError(str(path), f"unknown top-level field(s) {', '.join(sorted(unknown))}")
        for name, value in data["concepts"].items():
            groups = value if isinstance(value, dict) else {"": value}
            for group, phrases in groups.items():
                where = f"concept '{name}'" + (f" ({group})" if group else "")
                if not isinstance(name, str) or not _NAME.match(name):
                    raise CorpusError(str(path), f"{where}: a concept name is lower-case letters, digits and _",
                                      raw.line("concepts"))
                if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                    raise CorpusError(str(path), f"{where} must be a list of text", raw.line("concepts"))
                for p in phrases:
                    phrase = parse_phrase(p)
                    if not phrase.segments:
                        raise CorpusError(str(path), f"{where}: phrase {p!r} has no words", raw.line("concepts"))
                    out.setdefault(name, []).append(phrase)
    return {k: tuple(v) for k, v in out.items()}


def load_rules(corpus_root: str | Path) -> SafetyRules:
    """The safety rules of a corpus folder, with their concept lexicons. They are required: a missing, unreadable
    or empty rules file, a rule without its text, a required rule missing, disabled or emptied, or a concept no
    lexicon defines, is a CorpusError naming the file (and the rule's line), so no bot ever answers without them."""
    path = Path(corpus_root) / SAFETY_FILE
    raw = read_required_yaml(path, "the safety rules file is missing; ldn-bot does not answer without it")
    data = raw.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise CorpusError(str(path), "expected a mapping with a 'rules' list", raw.key_line("rules") or 1)
    if not data["rules"]:
        raise CorpusError(str(path), "no safety rules: the 'rules' list is empty", raw.line("rules"))
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["rules"]):
        try:
            rules.append(_rule(path, entry, f"rules[{i}]", seen))
        except CorpusError as e:  # at the rule's line
            raise CorpusError(e.path, e.detail, raw.item_line("rules", i)) from None
    ids = {r.id for r in rules}
    for i, r in enumerate(rules):
        missing = [x for x in r.yields_to if x not in ids]
        if any(x in REQUIRED for x in missing):
            _check_contract(path, raw, rules)  # names the required rule that is gone
        if missing:
            raise CorpusError(str(path), f"rule '{r.id}': 'yields_to' names unknown rule(s) {', '.join(missing)}",
                              raw.item_line("rules", i))
    fillers = data.get("fillers", [])
    if not isinstance(fillers, list) or not all(isinstance(f, str) for f in fillers):
        raise CorpusError(str(path), "'fillers' must be a list of words", raw.key_line("fillers"))
    known_from = data.get("known_words", [])
    if not isinstance(known_from, list) or not all(isinstance(f, str) for f in known_from):
        raise CorpusError(str(path), "'known_words' must be a list of concept names", raw.key_line("known_words"))
    unknown = set(data) - {"rules", "fillers", "known_words", "learned"}
    if unknown:
        raise CorpusError(str(path), f"unknown top-level field(s) {', '.join(sorted(unknown))}")
    _check_contract(path, raw, rules)
    from ldn_bot.config import corpus_cache

    concepts = load_lexicon(Path(corpus_root) / LEXICON_DIR, corpus_cache(corpus_root, lexicon_cache.CACHE_FILE))
    orphans = sorted(c for c in concepts if c.endswith(UNLESS_SUFFIX) and c.removesuffix(UNLESS_SUFFIX) not in concepts)
    if orphans:  # a misspelt name would silently cancel nothing
        raise CorpusError(str(Path(corpus_root) / LEXICON_DIR), f"{', '.join(orphans)}: no lexicon defines the "
                                                                 f"concept this cancels")
    for i, r in enumerate(rules):
        named = [c for combo in (*r.concepts, *r.negated_by, *r.carry, *r.forget_when) for c in combo.names]
        undefined = [c for c in (*named, *r.unless_concepts, *r.remember_for) if c not in concepts]
        if undefined:
            raise CorpusError(str(path), f"rule '{r.id}': no lexicon in {LEXICON_DIR}/ defines concept(s) "
                                         f"{', '.join(sorted(set(undefined)))}", raw.item_line("rules", i))
    spec = learned_spec(path, raw, data.get("learned"), rules)
    undefined = [c for th in (spec.rules.values() if spec else ()) for c in th.needs if c not in concepts]
    undefined += [c for th in (spec.rules.values() if spec else ()) for k in th.kept_by
                  for c in Combo.parse(k).names if c not in concepts]
    if undefined:
        raise CorpusError(str(path), f"'learned': no lexicon defines {', '.join(sorted(set(undefined)))}",
                          raw.key_line("learned"))
    layer = _layer(path, spec) if spec else None
    undefined = [c for c in known_from if c not in concepts]
    if undefined:
        raise CorpusError(str(path), f"'known_words': no lexicon defines {', '.join(undefined)}",
                          raw.key_line("known_words"))
    known = frozenset(w.options[0] for c in known_from for p in concepts[c] for seg in p.segments for w in seg
                      if len(p.segments) == 1 and len(seg) == 1 and w.plain())
    return SafetyRules(rules, concepts, tuple(fillers), known, layer)


RULE_LISTS = ("not_with",)  # fields of Threshold naming rules, and naming concepts
CONCEPT_LISTS = ("needs", "kept_by")


def learned_spec(path: Path, raw: RawYaml, value: Any, rules: list[Rule]) -> Spec | None:
    """The `learned:` section of safety.yaml as a Spec (None when absent); a CorpusError at its line if malformed."""
    if value is None:
        return None
    line = raw.key_line("learned")

    def fail(message: str) -> CorpusError:
        return CorpusError(str(path), f"'learned': {message}", line)

    if not isinstance(value, dict) or set(value) - {"examples", "questions", "rules"}:
        raise fail("expected a mapping of examples, questions and rules")
    globs = {}
    for key in ("examples", "questions"):
        v = value.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise fail(f"'{key}' must be a list of file patterns")
        globs[key] = tuple(v)
    by_id = {r.id: r for r in rules}
    thresholds: dict[str, Threshold] = {}
    if not isinstance(value.get("rules"), dict) or not value["rules"]:
        raise fail("'rules' must map rule ids to thresholds")
    for rid, th in value["rules"].items():
        if rid not in by_id:
            raise fail(f"no rule '{rid}'")
        known = {f.name: f for f in fields(Threshold)}
        if not isinstance(th, dict) or not th or set(th) - set(known):
            unknown = ", ".join(sorted(set(th) - set(known))) if isinstance(th, dict) else ""
            raise fail(f"rule '{rid}': a mapping of {', '.join(known)}" + (f" (not {unknown})" if unknown else ""))
        if th.get("learn_from", "all") not in ("all", "own"):
            raise fail(f"rule '{rid}': learn_from is all or own")
        if not all(isinstance(th.get(k, []), list) and all(x in by_id for x in th.get(k, [])) for k in RULE_LISTS):
            raise fail(f"rule '{rid}': {' and '.join(RULE_LISTS)} must list rule ids")
        if not all(isinstance(th.get(k, []), list) and all(isinstance(c, str) for c in th.get(k, []))
                   for k in CONCEPT_LISTS):
            raise fail(f"rule '{rid}': {' and '.join(CONCEPT_LISTS)} must be lists of concept names")
        numbers = {k: th[k] for k, f in known.items() if f.type == "float | None" and k in th}
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 1 for x in numbers.values()):
            raise fail(f"rule '{rid}': thresholds are numbers from 0 to 1")
        if "drop_below" in th and by_id[rid].action == "reply":
            raise fail(f"rule '{rid}': a match of a rule that replies alone (a crisis) is never dropped")
        other = th.get("otherwise")
        if (other is None) != ("otherwise_at" not in th) or (other is not None and other not in by_id) \
                or ("with_otherwise_at" in th and other is None):
            raise fail(f"rule '{rid}': 'otherwise' names a rule, with 'otherwise_at'")
        given: dict[str, Any] = {**numbers, **{k: tuple(th.get(k, [])) for k in RULE_LISTS + CONCEPT_LISTS}}
        thresholds[rid] = Threshold(**given, otherwise=other, learn_from=th.get("learn_from", "all"))
    return Spec(globs["examples"], globs["questions"], thresholds)


def _layer(path: Path, spec: Spec) -> Layer | None:
    from ldn_bot.config import corpus_cache

    model = load_model(path.parent, spec, corpus_cache(path.parent, CACHE_FILE))
    return Layer(model, spec.rules, path.parent, spec) if model is not None else None
