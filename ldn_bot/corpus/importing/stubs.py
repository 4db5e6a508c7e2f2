"""Stub records from export entries: the guesses a curator checks (design, species, conditions, label)
and the stub itself, a schema template filled from the entry and written in the corpus style."""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ldn_bot.corpus.importing.entry import Entry, surname
from ldn_bot.corpus.schema import FIELD, LEVEL_FOR_DESIGN, PLACEHOLDER, slugify, template_record
from ldn_bot.corpus.style import dump_record, wrap_words

_ANIMALS = (("mouse", r"\b(mice|mouse|murine)\b"), ("rat", r"\brats?\b"), ("dog", r"\b(dogs?|canine)\b"))


def guess_design(entry: Entry) -> tuple[str | None, str]:
    """(design, species) from PubMed publication types, MeSH and the title; None if no good guess."""
    title = (entry.title or "").lower()
    text = f"{title} {(entry.abstract or '').lower()}"
    pts = {p.lower() for p in entry.pub_types}
    mesh = {m.lower().rstrip("*") for m in entry.mesh}
    species = "human"
    for name, pattern in _ANIMALS:
        if re.search(pattern, title) or ("animals" in mesh and "humans" not in mesh and re.search(pattern, text)):
            species = name
            break
    if pts & {"meta-analysis", "systematic review"} or re.search(r"systematic review|meta-analy", title):
        return "systematic review", "human"
    if species != "human" or ("animals" in mesh and "humans" not in mesh):
        return "animal study", species if species != "human" else "TODO animal"
    if re.search(r"\bin vitro\b|\bcell lines?\b", title):
        return "in vitro study", "human"
    randomized = "randomized controlled trial" in pts or re.search(r"\brandomi[sz]ed\b", title)
    if randomized:
        return ("randomized crossover trial" if "crossover" in text or "cross-over" in text
                else "randomized controlled trial"), "human"
    if "case reports" in pts or re.search(r"\bcase report\b|\ba case of\b", title):
        return "case report", "human"
    if re.search(r"\bcase series\b", title):
        return "case series", "human"
    if re.search(r"\bregist(er|ry)\b|\bprescription database\b", title):
        return "register-based study", "human"
    if "observational study" in pts or re.search(r"\bretrospective\b|\bcohort\b|\bchart review\b", title):
        return "retrospective cohort", "human"
    if re.search(r"\bpilot\b|\bopen[- ]label\b", title) or pts & {"clinical trial", "clinical trial, phase i",
                                                                   "clinical trial, phase ii"}:
        if "single-blind" in text and "crossover" in text:
            return "single-blind crossover pilot", "human"
        return "open-label pilot", "human"
    if "review" in pts or re.search(r"\breview\b", title):
        return "narrative review", "human"
    return None, species


def guess_conditions(entry: Entry, groups: list[tuple[str, list[str]]]) -> list[str]:
    """Canonical condition names whose name or alias appears in the title (else the abstract)."""
    return ConditionFinder(groups).guess(entry)


class ConditionFinder:
    """`guess_conditions` for many entries: the condition terms filed by their first word once, so an entry's
    text runs only the patterns of the terms whose first word it has (the same answer, at any corpus size)."""

    def __init__(self, groups: list[tuple[str, list[str]]]) -> None:
        self._names = [name for name, _ in groups]
        self._by_word: dict[str, list[tuple[int, re.Pattern[str]]]] = defaultdict(list)
        self._always: list[tuple[int, re.Pattern[str]]] = []  # terms with no plain first word to file them by
        for i, (name, aliases) in enumerate(groups):
            for term in (name, *aliases):
                first, pattern = _term(term)
                (self._by_word[first] if first is not None else self._always).append((i, pattern))

    def guess(self, entry: Entry) -> list[str]:
        """Canonical condition names whose name or alias appears in the title (else the abstract)."""
        for text in (entry.title or "", entry.abstract or ""):
            words = set(_WORD.findall(text.translate(_FOLD).lower()))
            found: set[int] = set()
            for word in words & self._by_word.keys():
                found.update(i for i, pattern in self._by_word[word] if i not in found and pattern.search(text))
            found.update(i for i, pattern in self._always if i not in found and pattern.search(text))
            if found:
                return [self._names[i] for i in sorted(found)]
        return []


_WORD = re.compile(r"\w+")
_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s"}  # match i or s case-insensitively, yet lower-case to other letters


@functools.lru_cache(maxsize=4096)
def _term(term: str) -> tuple[str | None, re.Pattern[str]]:
    """A condition term's pattern (whole words; case-sensitive for a short abbreviation such as "MS") and the
    word a text must have for it to match: its first word, lower-cased (None where that is not a safe test:
    a term that does not start with a plain ASCII word)."""
    flags = 0 if re.search(r"[A-Z]", term) and len(term) <= 5 else re.I
    pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)
    m = re.match(r"[A-Za-z0-9]+(?![\w])", term)
    return (m.group(0).lower() if m else None), pattern


def label_suffixes() -> Iterator[str]:
    """The letters that tell apart studies with one "Author Year": b to z (the first study keeps the plain
    label, as the article cites it), then aa, ab, ... zz, aaa, ... as spreadsheet columns run, never ending."""
    yield from "bcdefghijklmnopqrstuvwxyz"
    for width in itertools.count(2):
        for letters in itertools.product(string.ascii_lowercase, repeat=width):
            yield "".join(letters)


def make_label(entry: Entry, taken: set[str], studies: Path) -> str:
    """"Author Year" from the first author (else the journal, else the title's first words), with the
    next suffix ("Smith 2013b", after z "Smith 2013aa") if the label is in `taken` or its file exists in
    `studies`."""
    if entry.authors:
        base = surname(entry.authors[0])
    elif entry.journal:
        base = entry.journal
    else:
        base = " ".join((entry.title or "Untitled").split()[:3]).rstrip(":,.;")
    base = " ".join(base.split())
    if entry.year:
        base = f"{base} {entry.year}"

    def free(label: str) -> bool:
        return label not in taken and not (studies / f"{slugify(label)}.yaml").exists()

    if free(base) and not any(base + c in taken for c in string.ascii_lowercase):
        return base
    return next(base + suffix for suffix in label_suffixes() if free(base + suffix))


def render_stub(entry: Entry, label: str, source: str, conditions: list[str], design: str | None,
                species: str, cited: bool) -> str:
    """The stub record's YAML for `entry`: `reviewed: false`, the bibliographic fields from the export,
    the guessed `design`, `species` and `conditions` marked TODO, n/dose/duration left null with a note
    quoting what the abstract says about them, every other field as the new-study template has it, and
    the abstract in comments. `source` names the export file in the header."""
    return build_stub(entry, label, source, conditions, design, species, cited)[0]


def build_stub(entry: Entry, label: str, source: str, conditions: list[str], design: str | None,
               species: str, cited: bool, check: bool = True) -> tuple[str, dict[str, Any]]:
    """`render_stub`'s text, and the record it reads back as, for the importer to validate (`check`: read the
    whole text back to make sure, see `dump_record`)."""
    url = (f"https://doi.org/{entry.doi}" if entry.doi
           else f"https://pubmed.ncbi.nlm.nih.gov/{entry.pmid}/" if entry.pmid else None)
    design_value = design or "narrative review"
    record = template_record(
        label=label, title=entry.title, authors=list(entry.authors), year=entry.year, journal=entry.journal,
        pmid=entry.pmid, doi=entry.doi, url=url, design=design_value, evidence_level=LEVEL_FOR_DESIGN[design_value],
        species=species, conditions=conditions or [PLACEHOLDER],
        summary=f"{PLACEHOLDER} write 2-4 sentences in our own words from the abstract below (see corpus/README.md).",
        cited_in_article=cited, verified=bool(entry.abstract), reviewed=False,
    )
    notes = {
        "design": (f"{PLACEHOLDER} guessed from the PubMed record: check, then delete this {PLACEHOLDER}" if design
                   else f"{PLACEHOLDER} could not guess the design: choose one (see corpus/README.md)"),
        "evidence_level": f"{PLACEHOLDER} follows the design: check",
        "species": f"{PLACEHOLDER} check",
        "conditions": (f"{PLACEHOLDER} guessed from the title/abstract: check" if conditions
                       else "names from corpus/synonyms.yaml"),
        "n": f"{PLACEHOLDER} from the abstract, if it says" + _hint(entry.abstract, "n"),
        "dose": _hint(entry.abstract, "dose", todo=True),
        "duration": _hint(entry.abstract, "duration", todo=True),
        "direction": FIELD["direction"].todo or "",
        "verified": "" if entry.abstract else "no abstract in the export: true once you have read it",
    }
    header = [
        f"# Stub imported from {source} on {date.today().isoformat()}: NOT REVIEWED, not shown to members.",
        "# To finish it: check every field against the abstract below, write the summary and key findings",
        "# in our own words, then set reviewed: true and run: ldn-bot corpus validate",
    ]
    footer: list[str] = []
    if entry.abstract:
        footer = ["", "# Abstract from the export, for reference only: do not copy its sentences."]
        footer += [f"#   {w}" for w in wrap_words(entry.abstract, 96)]
    return dump_record(record, header=header, notes=notes, footer=footer, check=check), record


_NUMBER = (r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
           r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|hundred)")


# Where an abstract usually states what a record's n, dose and duration hold. Only pointers for the curator:
# the fields stay null, because "12 weeks" may be the follow-up and "40 patients" one arm of the trial.
# Each starts with a lookahead for the letters its matches can start with ("n =", a digit, a number word): the
# same matches, twice as fast over an abstract.
_HINTS = {
    "n": re.compile(r"(?=[\dnotfseh])\b(?:n\s*=\s*\d+|" + _NUMBER + r"(?:[\s-]+\w+)?\s+(?:patients|participants|"
                    r"subjects|adults|women|men|children|volunteers|people|individuals|mice|rats|cases))\b", re.I),
    "dose": re.compile(r"(?=\d)\b\d+(?:\.\d+)?(?:\s*(?:-|to|–)\s*\d+(?:\.\d+)?)?\s*(?:mg|µg|mcg|mg/kg)\b", re.I),
    "duration": re.compile(r"(?=[\dotfseh])\b" + _NUMBER + r"[\s-]+(?:days?|weeks?|months?|years?)\b", re.I),
}


def _hint(abstract: str | None, field_name: str, todo: bool = False) -> str:
    """A comment pointing at what the abstract says for a field ("12 adults", "n = 31"): up to three phrases."""
    if not abstract:
        return ""
    found = list(dict.fromkeys(" ".join(m.group(0).split()) for m in _HINTS[field_name].finditer(abstract)))[:3]
    if not found:
        return ""
    quoted = ", ".join(f'"{phrase}"' for phrase in found)
    return f"{PLACEHOLDER} the abstract mentions: {quoted}" if todo else f"; it mentions: {quoted}"
