"""Where each record is filed and how its dose reads, as members see them (issue 19): a register study of everyone
taking LDN is no condition's evidence; the dose beside a study never says more or less than the fact sheet; a
fixed line naming studies numbers each one, and each is cited with its design and size.

The fact-sheet tests are skipped when ../shared/evidence/studies.yaml is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ldn_bot.corpus.doses import dose_amount
from ldn_bot.render.text import render_json, render_summary

ROOT = Path(__file__).resolve().parent.parent
SHEET = next((p for p in (ROOT.parent / "shared" / "evidence" / "studies.yaml",
                          Path("/work/shared/evidence/studies.yaml")) if p.is_file()), None)
needs_sheet = pytest.mark.skipif(SHEET is None, reason="fact sheet (../shared/evidence/studies.yaml) not present")
GENERAL = "low-dose naltrexone use in general"
# How the sheet's `condition` says its people were LDN users of any indication, not people with one condition.
ANY_INDICATION = re.compile(r"\bany indication\b|\bmany indications\b|\ball (?:first-time )?LDN users\b", re.I)


@pytest.fixture(scope="module")
def sheet(engine):
    """(fact-sheet entry, its record) for every entry."""
    assert SHEET is not None
    by_name = {}
    for study in engine.studies.values():
        for name in (*study.aliases, study.label):
            by_name.setdefault(name, study)
    return [(e, by_name[e["label"]]) for e in yaml.safe_load(SHEET.read_text(encoding="utf-8"))]


def tally_reports(engine, question: str) -> set[str]:
    """The reports counted in the tally of the answer's JSON (`ask --json`), from the run's one engine."""
    tally = json.loads(render_json(engine.answer(question)))["tally"] or {}
    return {r for bar in tally.get("bars", []) for r in bar["reports"]}


@needs_sheet
def test_a_study_of_ldn_users_whatever_their_condition_is_filed_under_ldn_use_in_general(sheet):
    general = [(e, s) for e, s in sheet if ANY_INDICATION.search(e["condition"])]
    assert len(general) >= 3  # the Norwegian drug-utilisation, opioid and psychotropic register studies
    wrong = [f"{s.label}: {list(s.conditions)} (sheet: {e['condition']})" for e, s in general
             if list(s.conditions) != [GENERAL]]
    assert not wrong, wrong


@needs_sheet
def test_no_condition_tally_counts_a_study_of_ldn_users_in_general(engine, sheet):
    general = {s.label for e, s in sheet if ANY_INDICATION.search(e["condition"])}
    for condition in ("chronic pain", "back pain", "depression", "fibromyalgia"):
        counted = tally_reports(engine, f"does ldn help {condition}?")
        assert counted and not counted & general, (condition, counted & general)


def test_who_takes_ldn_and_at_what_dose_is_answered_from_the_drug_utilisation_study(engine):
    answer = engine.answer("drug utilisation: how many people take LDN and at what dose?")
    study = engine.studies["Raknes 2017 drug utilisation"]
    assert study.label in {c.label for c in answer.citations}
    assert "median 3.7 mg" in render_summary(answer)  # a median, not a dose everyone took


@pytest.mark.parametrize(("dose", "shown"), [
    ("median daily dose 3.7 mg", "median 3.7 mg"),
    ("under 10 mg/day for at least 1 month", "under 10 mg"),
    ("1 mg twice daily (augmentation)", "1 mg twice daily"),
    ("very low dose naltrexone 0.125 mg or 0.250 mg daily", "0.125 or 0.250 mg"),
    ("4.5 mg or 9 mg", "4.5 or 9 mg"),
    ("naltrexone 2 mg/day, up to 4 mg", "2 mg, up to 4 mg"),
    ("3 mg nightly, increased to 4.5 mg nightly in 2 of the 3 patients", "3 mg, increased to 4.5 mg"),
    ("studies using 12.5 mg/day or less; most used 4.5 mg", "12.5 mg or less"),
    ("naltrexone 1 microgram per tablet with oxycodone (2 or 4 micrograms naltrexone/day)", "2 or 4 µg"),
    ("daily (dose not stated in the abstract; the author defines LDN as 1-5 mg/day)", None),
    ("3.0-4.5 mg/day", "3.0-4.5 mg"),
])
def test_the_dose_beside_a_study_keeps_what_changes_its_meaning(dose, shown):
    assert dose_amount(dose) == shown


def test_a_titrated_dose_shows_where_it_went_not_a_range():
    assert dose_amount("1 mg/day month 1, 2 mg/day month 2", titrated=True) == "1 mg, then 2 mg"


@needs_sheet
def test_every_design_line_dose_is_one_the_fact_sheet_gives(engine, sheet):
    """Asked by name, each study's line shows a dose only where the sheet states one for it, with no number the
    sheet's dose text does not have and no definition or range shown as the study's dose."""
    wrong = []
    for entry, study in sheet:
        answer = engine.answer(study.label)
        head = answer.key_lines[0].head or ""
        assert head.startswith(f"{study.label} ("), (study.label, head)
        shown = head[len(study.label) + 2:-1].removeprefix(study.design_line).lstrip(", ")
        numbers = re.findall(r"\d+(?:\.\d+)?", shown)
        sheet_dose = entry.get("dose") or ""
        if numbers and not sheet_dose:
            wrong.append(f"{study.label}: shows {shown!r}, the sheet gives no dose")
        missing = [n for n in numbers if n not in re.findall(r"\d+(?:\.\d+)?", sheet_dose)]
        if missing:
            wrong.append(f"{study.label}: shows {shown!r}, not in the sheet's {sheet_dose!r}")
        if numbers and re.search(r"\bdefine", sheet_dose) and not re.search(r"\d", sheet_dose.split("define")[0]):
            wrong.append(f"{study.label}: shows {shown!r}, a definition in the sheet's {sheet_dose!r}")
        for word in ("under", "median", "up to", "or less"):
            if numbers and re.search(rf"\b{word}\b[^;]*?\d", sheet_dose.split(";")[0]) and word not in shown:
                wrong.append(f"{study.label}: shows {shown!r} without {word!r} ({sheet_dose!r})")
    assert not wrong, "\n".join(wrong)


def test_the_other_uses_line_numbers_each_study_it_names_and_cites_it(engine):
    answer = engine.answer("does LDN help back pain?")
    line = next(k for k in answer.key_lines if k.text.startswith("Also "))
    by_number = {c.number: c for c in answer.citations}
    named = re.findall(r"([A-Z][^,;:]*?\d{4}[^,;:\[]*?) \[(\d+)\]", line.text.split(": ", 1)[1])
    assert named, line.text
    for label, number in named:
        cited = by_number[int(number)]
        assert cited.label == label.strip()
        assert cited.design and (f"n={cited.n}" in cited.design_line or "n not reported" in cited.design_line)
    assert {int(n) for _, n in named} == set(line.cites)


@pytest.mark.parametrize("question", [
    "does LDN help back pain?",
    "what dose of ldn did the studies use?",
    "what time of day should i take ldn for fibro?",
    "which ldn trials found nothing?",
    "how many trials on fibromyalgia?",
])
def test_every_study_a_short_answer_names_carries_its_citation(engine, question):
    answer = engine.answer(question)
    cited = {c.label: c for c in answer.citations}
    labels = sorted((s.label for s in engine.studies.values()), key=len, reverse=True)
    checked = 0
    for line in answer.key_lines:
        text = line.text
        if line.head and line.citation is not None:  # a study's own line: its head names it, its number ends it
            label = next(x for x in labels if line.head.startswith(f"{x} ("))
            assert cited[label].number == line.citation, line
            checked += 1
        for label in labels:  # longest first: "Raknes 2017 opioid consumption" before "Raknes 2017"
            for m in re.finditer(re.escape(label) + r"(?![\w ]*\d{4})", text):
                own = line.head is not None and line.head.startswith(label) and line.citation is not None
                numbered = re.match(r"(?: \([^()]*(?:\([^()]*\)[^()]*)*\))? \[(\d+)\]", text[m.end():])
                assert own or numbered, (label, text)
                number = int(numbered.group(1)) if numbered else line.citation
                assert label in cited and cited[label].number == number, (label, text)
                assert cited[label].design and "n" in cited[label].design_line
                checked += 1
            text = text.replace(label, "#" * len(label))
    assert checked, [k.text for k in answer.key_lines]


def test_every_answer_naming_an_abstract_preprint_or_unverified_record_says_what_it_is(engine):
    from ldn_bot.corpus.models import PUBLICATION_WORDS, UNVERIFIED
    from ldn_bot.render.text import render_text

    marked = [s for s in engine.studies.values() if s.reviewed and (s.publication_type in PUBLICATION_WORDS
                                                                     or not s.verified)]
    assert marked
    for study in marked:
        words = [PUBLICATION_WORDS[study.publication_type]] if study.publication_type in PUBLICATION_WORDS else []
        words += [] if study.verified else [UNVERIFIED]
        answer = engine.answer(study.label)
        head = answer.key_lines[0].head or ""
        source = next(line for line in render_text(answer).splitlines()
                      if re.match(rf"\[\d+\] {re.escape(study.label)} — ", line))
        for word in words:
            assert word in head and word in source, (study.label, word, head, source)
