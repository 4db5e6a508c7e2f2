"""The study record, declared once: every field's name, type, whether it is required and may be null,
its allowed values and its help text.

The loader's checks (`check_record`), the values it gives `Study` (`study_values`), `corpus new-study`'s
template and `corpus import`'s stubs (`template_record`, written by `ldn_bot.corpus.style.dump_record`)
and `corpus validate` all read `FIELDS`. Adding a field is one `Field(...)` here, in the place it should
take in a record, plus a `Study` attribute of the same name if the engine uses it (a test keeps the two
equal), plus tests; corpus/README.md, "Adding a field", says how.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ldn_bot.corpus.wording import did_you_mean, wrong_kind

EVIDENCE_LEVELS: tuple[str, ...] = (
    "systematic review",
    "randomized trial",
    "crossover trial",
    "pilot study",
    "observational",
    "case series",
    "case report",
    "animal study",
    "in vitro",
    "narrative review",
)
"""Evidence levels, strongest first: overviews list studies in this order."""

# The evidence level each design normally gets (corpus/README.md, "Evidence-level guide").
LEVEL_FOR_DESIGN: dict[str, str] = {
    "systematic review": "systematic review",
    "randomized controlled trial": "randomized trial",
    "randomized crossover trial": "crossover trial",
    "single-blind crossover pilot": "pilot study",
    "open-label pilot": "pilot study",
    "retrospective cohort": "observational",
    "register-based study": "observational",
    "case series": "case series",
    "case report": "case report",
    "animal study": "animal study",
    "in vitro study": "in vitro",
    "narrative review": "narrative review",
}

DESIGNS: tuple[str, ...] = tuple(LEVEL_FOR_DESIGN)

DIRECTIONS: tuple[str, ...] = ("benefit", "no_difference", "harm", "mixed", "not_applicable", "unclear")
"""What the primary outcome showed for LDN."""

DOSE_CLASSES: tuple[str, ...] = ("low", "very_low", "ultra_low", "not_low", "several", "animal")
"""What dose of naltrexone a study used (the fact sheet's `dose_class`). Only `low` (about 0.5-6 mg a day) is LDN as
members take it; `very_low` (0.1-0.5 mg a day, opioid detoxification) and `ultra_low` (micrograms a day combined
with an opioid) are other uses, `not_low` is above the LDN range, `several` a review spanning these, `animal`
animal dosing."""

PUBLICATION_TYPES: tuple[str, ...] = (
    "journal_article", "conference_abstract", "repository_abstract", "preprint", "report", "letter", "unconfirmed",
)
"""What kind of publication reports a study; `unconfirmed`: no bibliographic record of it was seen."""

CONDITION_GROUPS: tuple[str, ...] = (
    "skin", "gut", "pain", "neurological", "autoimmune", "cancer", "infection", "mental health", "other",
)
"""The groups members use for conditions; every condition in synonyms.yaml names one (`group:`)."""

PLACEHOLDER = "TODO"
"""Marks what a template or an imported stub still needs from the curator."""

_TYPE_WORDS = {str: "text", int: "a whole number", list: "a list", bool: "true or false"}


def _raw(value: Any) -> Any:
    return value


def _strip(value: Any) -> Any:
    return str(value).strip()


def _collapse(value: Any) -> Any:
    return " ".join(value.split()) if value else None


def _lower(value: Any) -> Any:
    return value.strip().lower()


@dataclass(frozen=True)
class Field:
    """One field of a study record.

    `type` is str, int, bool or list (a list of text). A `required` field must be present in every
    record (the fields added later may be left out of older records); a `nullable` one may be null.
    `allowed` lists the only values it may take; `non_empty` text must not be blank and a `non_empty`
    list needs an entry; `minimum` bounds a number. `clean` is how the loader normalizes the value
    (each entry, for a list) before it becomes a `Study` attribute. `template` is the value in a
    new-study template and `todo` the note on that line telling the curator what to do.
    """

    name: str
    type: type
    required: bool
    nullable: bool
    help: str
    allowed: tuple[str, ...] = ()
    non_empty: bool = False
    minimum: int | None = None
    clean: Callable[[Any], Any] = _raw
    template: Any = None
    todo: str | None = None

    @property
    def type_word(self) -> str:
        """'text', 'a whole number', 'a list' or 'true or false'."""
        return _TYPE_WORDS[self.type]

    @property
    def guide(self) -> str:
        """The help text, with the allowed values: a template's comment above the field."""
        return f"{self.help} One of: {', '.join(self.allowed)}." if self.allowed else self.help


FIELDS: tuple[Field, ...] = (
    Field("label", str, True, False, 'How answers cite the study: "Author Year" (corpus/README.md). Unique.',
          non_empty=True, clean=_strip),
    Field("aliases", list, False, True, 'Former labels and common names ("Pain Rep 2023", "the FINAL trial"), '
          "so old questions and /study still find the study; [] if none.", clean=_strip, template=[]),
    Field("trial", str, False, True, "The trial's name and registry number (FINAL (NCT04270877)) where two or more "
          "records report one trial, so tallies count it once; null otherwise.", clean=_strip),
    Field("title", str, True, True, "Exact title from the record, without the final full stop; null if unknown.",
          template=f"{PLACEHOLDER} exact title from the record"),
    Field("authors", list, True, False, 'As in the record ("Younger J"), first author first; [] if unknown.',
          template=[f"{PLACEHOLDER} Surname Initials"]),
    Field("year", int, True, True, "Publication year; must agree with the label."),
    Field("journal", str, True, True, "Abbreviated journal name (Arthritis Rheum); null if unknown.",
          template=f"{PLACEHOLDER} abbreviated journal name"),
    Field("publication_type", str, True, False, "What kind of publication reports the study; unconfirmed when no "
          "bibliographic record of it was seen. Answers say so for all but journal_article.",
          allowed=PUBLICATION_TYPES, template="journal_article"),
    Field("pmid", str, True, True, "PubMed ID, digits in quotes ('19453963'), only from the record; null if none.",
          todo=f"{PLACEHOLDER} digits, in quotes: '19453963'; only from the record"),
    Field("doi", str, True, True, "The bare DOI (10.1002/art.37734), not a URL, only from the record; null if none.",
          todo=f"{PLACEHOLDER} bare DOI: 10.1002/art.37734; only from the record"),
    Field("url", str, True, True, "https://doi.org/<doi>, else https://pubmed.ncbi.nlm.nih.gov/<pmid>/, else null."),
    Field("design", str, True, False, "The study design (corpus/README.md, evidence-level guide).",
          allowed=DESIGNS, template="narrative review",
          todo=f"{PLACEHOLDER} choose the design, then delete this {PLACEHOLDER}"),
    Field("evidence_level", str, True, False, "Follows from the design (corpus/README.md); strongest first.",
          allowed=EVIDENCE_LEVELS, template="narrative review",
          todo=f"{PLACEHOLDER} choose the level for the design (corpus/README.md), delete this {PLACEHOLDER}"),
    Field("species", str, True, False, "human, mouse, rat, ...", template="human"),
    Field("population", str, False, True,
          "Who took part, as reported: adults, children, women, ...; null if not said."),
    Field("conditions", list, True, False, "Canonical names from corpus/synonyms.yaml, at least one.",
          non_empty=True, clean=_lower, template=[PLACEHOLDER]),
    Field("n", int, True, True, "Participants (or animals) in the study; null if not reported.", minimum=0,
          todo=f"{PLACEHOLDER} participants or animals, a whole number; null if not reported"),
    Field("dose", str, True, True, "As reported, e.g. 4.5 mg/day oral."),
    Field("dose_class", str, True, False, "low: LDN as members take it (about 0.5-6 mg a day); very_low: 0.1-0.5 mg "
          "a day (opioid detoxification); ultra_low: micrograms a day with an opioid; not_low: above the LDN range; "
          "several: a review spanning these; animal: animal dosing. Only low counts in an LDN tally.",
          allowed=DOSE_CLASSES, template="low",
          todo=f"{PLACEHOLDER} check the dose class, then delete this {PLACEHOLDER}"),
    Field("dose_timing", str, False, True, "When the dose was taken, as reported (at bedtime); null if not said."),
    Field("titration", str, False, True, "How the dose was built up, as reported; null if not said."),
    Field("duration", str, True, True, "As reported, e.g. 12 weeks."),
    Field("comparator", str, True, True, "Placebo, active drug, none, ..."),
    Field("result", str, False, True, "One sentence: the primary result with its numbers and its comparator "
          '("did not reduce pain more than placebo: -0.34 points, 95% CI -0.95 to 0.27"), or for a review its '
          "conclusion. Overview lines show it. Never a methods sentence.", clean=_collapse,
          template=f"{PLACEHOLDER} one sentence: the primary result with its numbers and comparator."),
    Field("direction", str, False, True, "The primary outcome's result for low-dose naltrexone.", allowed=DIRECTIONS,
          todo=f"{PLACEHOLDER} one of: {', '.join(DIRECTIONS)}"),
    Field("direction_note", str, False, True, "The numbers behind the direction, in a few words."),
    Field("summary", str, True, False, "2-4 sentences in our own words. The bot quotes single sentences, so each "
          'must stand alone: name the population and condition, say "low-dose naltrexone", start with the kind '
          "of study.", non_empty=True, clean=_collapse,
          template=f"{PLACEHOLDER} In a [design] of [n] [people] with [condition], low-dose naltrexone ..."),
    Field("key_findings", list, True, False, "One sentence each, numbers from the record; [] if none are known.",
          clean=_collapse,
          template=[f"{PLACEHOLDER} one finding, with its numbers, naming the condition and low-dose naltrexone."]),
    Field("adverse_events", str, True, True, "As reported, in our words, with comparator figures where given."),
    Field("article_note", str, True, True, "Where the source article overstates or misstates the study."),
    Field("curator_note", str, False, True, "Notes for curators only, never shown to members: what was read, what "
          "could not be checked, doubts about a match. Shown by validate --notes, :debug and corpus show.",
          clean=_collapse),
    Field("cited_in_article", bool, True, False, "Does a document in corpus/documents cite it as (Author Year)?",
          template=False),
    Field("verified", bool, True, False, "False if you could not read the abstract or record.", template=True),
    Field("reviewed", bool, True, False, "True when no TODO is left and you checked it: only then do members see it.",
          template=False),
)

FIELD: dict[str, Field] = {f.name: f for f in FIELDS}
"""The fields by name."""


def slugify(label: str) -> str:
    """File name stem for a study label: "Bruun-Plesner 2020" -> "bruun-plesner-2020"."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def check_record(data: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """What is wrong with a study record (as YAML reads it), as (field or None, message) pairs.

    Field presence and types first; the content checks (list entries, blank text, allowed values,
    bounds) only once those pass, so a record gets the messages that matter first. Empty: it loads.
    """
    out: list[tuple[str | None, str]] = []
    for key in data:
        if key not in FIELD:
            out.append((str(key), f"unknown field '{key}'"))
    for f in FIELDS:
        if f.name not in data:
            if f.required:
                out.append((None, f"missing field '{f.name}'"))
            continue
        value = data[f.name]
        if value is None:
            if not f.nullable:
                out.append((f.name, f"field '{f.name}' must not be empty"))
        elif (isinstance(value, bool) and f.type is not bool) or not isinstance(value, f.type):
            out.append((f.name, wrong_kind(f.name, f.type, value)))
    if out:
        return out
    for f in FIELDS:
        value = data.get(f.name)
        if value is None:
            continue
        if f.type is list:
            if not all(isinstance(v, str) and v.strip() for v in value):
                out.append((f.name, f"every entry of '{f.name}' must be a non-empty string"))
            elif f.non_empty and not value:
                out.append((f.name, f"'{f.name}' needs at least one {f.name.rstrip('s')}"))
        elif f.type is str and f.non_empty and not value.strip():
            out.append((f.name, f"field '{f.name}' must not be empty"))
        if f.allowed and value not in f.allowed:
            words = f.name.replace("_", " ")
            guess = did_you_mean(value, f.allowed)
            hint = f". Did you mean '{guess}'?" if guess else ""
            out.append((f.name, f"unknown {words} '{value}' (allowed: {', '.join(f.allowed)}){hint}"))
        if f.minimum is not None and value < f.minimum:
            bound = "negative" if f.minimum == 0 else f"below {f.minimum}"
            out.append((f.name, f"field '{f.name}' must not be {bound}"))
    return out


def study_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The `Study` attributes of a record that passed `check_record`: each field cleaned, lists as tuples,
    a field left out as None (a list as ())."""
    values: dict[str, Any] = {}
    for f in FIELDS:
        value = data.get(f.name)
        if f.type is list:
            values[f.name] = tuple(f.clean(v) for v in value or ())
        elif value is None:
            values[f.name] = None
        else:
            values[f.name] = f.clean(value)
    return values


def template_record(**values: Any) -> dict[str, Any]:
    """A new record: every field's template value, then `values` (label=..., year=...) over them."""
    record = {f.name: list(f.template) if isinstance(f.template, list) else f.template for f in FIELDS}
    unknown = set(values) - set(FIELD)
    if unknown:
        raise ValueError(f"not study fields: {', '.join(sorted(unknown))}")
    record.update(values)
    return record
