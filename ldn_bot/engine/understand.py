"""Question understanding beyond the topic: which aspect a question asks about (dose, side effects, ...),
which population or species, and superlatives ("the largest one"). The phrases are data, in
corpus/intents.yaml; the topic itself (conditions, studies) comes from the query parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ldn_bot.corpus.rawyaml import read_optional_mapping

INTENTS_FILE = "intents.yaml"
SECTIONS = ("aspects", "designs", "populations", "species", "superlatives")
# The drug's own name says nothing about the aspect: "low dose naltrexone" is not a dose question.
# Naltrexone named with an amount far above any low dose ("naltrexone 50mg"): the full-dose drug, another use.
FULL_DOSE_MG = 25
_NALTREXONE_AMOUNT = re.compile(r"naltrexone\D{0,20}?(\d+(?:\.\d+)?)\s*mg|(\d+(?:\.\d+)?)\s*mg\D{0,20}?naltrexone")
# "naltrexone at low dose", "at a low dose" name the drug as well.
_DRUG_NAME = re.compile(r"\b(?:ultra[- ]?|very[- ]?)?low[- ]?dose[- ]naltrexone\b|\bl\.?d\.?n\b|"
                        r"(?:\bnaltrexon\w*\s+)?\bat\s+(?:a\s+)?(?:ultra[- ]?|very[- ]?)?low[- ]?doses?\b")


@dataclass(frozen=True)
class Intent:
    """What a question asks for. Every tuple is in the order the intents file declares its entries."""

    aspects: tuple[str, ...] = ()  # dose, timing, titration, side_effects, onset, mechanism, evidence, ...
    design: str | None = None  # review, trial, observational: the kind of study asked about
    population: str | None = None  # children, women, men
    species: str | None = None  # human, animal
    superlative: str | None = None  # largest, newest, oldest, strongest
    matched: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entry -> phrases found
    amount_only: bool = False  # the only aspect is a dose named in passing ("on 4.5mg"), not a dose question
    full_dose: bool = False  # naltrexone at full dose or for its full-dose use ("50mg for alcohol cravings")

    @property
    def strength(self) -> int:
        """How many aspect phrases the question holds: two or more ("morning or night", "dreams") make it
        about taking LDN even when it never names the drug."""
        return sum(len(self.matched.get(a, ())) for a in self.aspects)

    def has(self, *aspects: str) -> bool:
        return any(a in self.aspects for a in aspects)

    @property
    def matched_words(self) -> frozenset[str]:
        """Every word of the intents.yaml phrases the question matched ("how", "long", "newest")."""
        return frozenset(w for phrases in self.matched.values() for p in phrases for w in p.split())


# "how many people" asks how many took part, unless a verb saying what happened to them follows it: "how many
# people quit", "how many patients got better", "how many had side effects" count an outcome. Taking part is no
# outcome ("how many women enrolled", "how many were randomised").
_PARTICIPATED = frozenset({"enrolled", "participated", "included", "recruited", "involved", "randomised",
                           "randomized", "studied", "tested", "treated", "used", "assigned", "allocated", "screened",
                           "selected", "needed", "required", "wanted", "asked", "surveyed"})
_HAPPENED = frozenset({"had", "got", "get", "quit", "felt", "saw", "went", "left", "stop", "said", "became", "gave"})
_ASKED_PEOPLE = re.compile(r"(?:people|patients|pts|ppl|participants|subjects|mice|women|kids|children)$")


def _asks_size(text: str, match: re.Match[str]) -> bool:
    """Whether a size phrase found in `text` asks how many took part (see _PARTICIPATED and _HAPPENED)."""
    if not _ASKED_PEOPLE.search(match.group(0)):
        return True  # "how big", "sample size", "how many were in"
    after = re.match(r"\s*(?:(?:just|actually|really|ever|even|still|eventually|then)\s+)*([a-z']+)",
                     text[match.end():])  # past a filler: "how many people just quit"
    word = after.group(1) if after else ""
    happened = word in _HAPPENED or (word.endswith("ed") and word not in _PARTICIPATED)
    return not happened


# "my levo dose", "ur prednisone dose": a medicine named between a possessive and "dose" is not LDN ("it" stands
# for LDN here, see _DRUG_NAME); the words a member says of their own LDN dose are listed.
_OWN_DOSE = ("it|naltrexone|current|daily|starting|start|nightly|morning|night|evening|bedtime|new|usual|low|lower|"
             "full|same|first|second|last|total|right|best|ideal|optimal|max|maximum|minimum|min|target|effective|"
             "typical|standard|normal|high|higher|whole|average|median|final|next|old|regular|full")
_OTHER_DRUG_DOSE = re.compile(rf"\b(?:my|ur|your|their|his|her|our)\s+(?!(?:{_OWN_DOSE})\s+$)[a-z]+\s+$")


def _amount(phrase: str) -> str:
    """The number in a dose phrase: "4.5mg" and "4.5" are one amount."""
    return re.sub(r"[^\d.]", "", phrase)


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    parts = []
    for p in sorted({str(p).lower().strip() for p in phrases}, key=len, reverse=True):
        stem = p.endswith("*")
        body = r"\s+".join(re.escape(w) for w in p.rstrip("*").split())
        parts.append(body + (r"\w*" if stem else ""))
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])" if parts else r"(?!x)x")


class Understanding:
    """Reads a question's intent. Build it from the intents file's mapping (see `load_understanding`)."""

    def __init__(self, data: dict[str, dict[str, list[str]]]) -> None:
        self.tables: dict[str, dict[str, re.Pattern[str]]] = {
            section: {name: _pattern(phrases) for name, phrases in (data.get(section) or {}).items()}
            for section in SECTIONS
        }

    def read(self, text: str) -> Intent:
        """The intent of one question (plain text as typed)."""
        lowered = " ".join(_DRUG_NAME.sub("it", text.lower().replace("\u2019", "'")).split())
        found: dict[str, dict[str, tuple[str, ...]]] = {}
        for section, table in self.tables.items():
            for name, pattern in table.items():
                hits = tuple(m.group(0) for m in pattern.finditer(lowered))
                if hits:
                    found.setdefault(section, {})[name] = hits

        def first(section: str) -> str | None:
            return next(iter(found.get(section, {})), None)

        sizes = found.get("aspects", {}).get("size")
        if sizes and not any(_asks_size(lowered, m) for m in self.tables["aspects"]["size"].finditer(lowered)):
            del found["aspects"]["size"]  # "how many people dropped out" counts an outcome, not who took part
        if found.get("aspects", {}).get("dose") and all(
                _OTHER_DRUG_DOSE.search(lowered[:m.start()]) for m in self.tables["aspects"]["dose"].finditer(lowered)):
            del found["aspects"]["dose"]  # "cut ur levo dose": another medicine's dose is an outcome, not LDN's
        matched = {k: v for section in found.values() for k, v in section.items()}
        aspects = tuple(found.get("aspects", {}))
        amounts = [float(a or b) for a, b in _NALTREXONE_AMOUNT.findall(text.lower())]
        # "50 mg naltrexone vs ldn, whats the difference?" asks about LDN: only a question not naming it is another use
        full_dose = ("full_dose" in aspects or any(x >= FULL_DOSE_MG for x in amounts)) and not _DRUG_NAME.search(
            text.lower())
        aspects = tuple(a for a in aspects if a != "full_dose")
        if "dose_typical" in aspects and not {"dose", "dose_amount"} & set(aspects):
            aspects = tuple(a for a in aspects if a != "dose_typical")  # "typically" alone asks no dose
        amount_only = aspects == ("dose_amount",)
        if "dose_amount" in aspects:  # "on 4.5 for 2 months, is insomnia normal?" is not a dose question
            aspects = tuple(a for a in aspects if a != "dose_amount") or ("dose",)
            weighed = len({_amount(x) for x in matched["dose_amount"]} - {""}) >= 2  # "1.5mg vs 4.5mg?"
            if (weighed or re.search(r"\bwhy\b", lowered)) and "dose_finding" not in aspects:
                aspects += ("dose_finding",)  # two amounts weighed against each other, or why one ("why 4.5?")
        return Intent(aspects, first("designs"), first("populations"), first("species"), first("superlatives"),
                      matched, amount_only, full_dose)


def load_understanding(root: str | Path) -> Understanding:
    """The intents of a corpus folder (root/intents.yaml); an empty table when the file is absent. A file that
    cannot be read or parsed is a CorpusError naming it once, with the line where YAML stopped."""
    path = Path(root) / INTENTS_FILE
    data = read_optional_mapping(path, f"intents must be a mapping with sections {', '.join(SECTIONS)}",
                                 lambda d: all(isinstance(d.get(s, {}) or {}, dict) for s in SECTIONS))
    return Understanding(data or {})
