"""What a set of records amounts to as LDN evidence (ldn_bot.corpus.evidence), on the bundled records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def studies():
    from ldn_bot.corpus.loader import load_corpus

    return load_corpus(ROOT / "corpus").studies


def test_two_papers_on_the_final_trial_count_as_one_trial(studies):
    from ldn_bot.corpus.evidence import by_trial, directions_by_trial, shared_trials_note

    fibro = [s for s in studies.values() if "fibromyalgia" in s.conditions
             and s.evidence_level in ("randomized trial", "crossover trial")]
    assert {"Bruun 2024", "Bruun 2025"} <= {s.label for s in fibro}
    assert len(by_trial(fibro)) == len(fibro) - 1
    assert sum(directions_by_trial(fibro).values()) == len(fibro) - 1
    assert shared_trials_note(fibro) == "1 trial, reported in 2 papers (FINAL)"


def test_a_record_not_checked_says_so_and_an_unconfirmed_publication_too(studies):
    line = studies["Trofimovitch 2019"].design_line
    assert "publication not confirmed" in line and "not verified against a bibliographic record" in line


def test_a_conference_abstract_and_another_use_say_what_they_are(studies):
    younger = studies["Younger 2013"]
    assert "abstract" not in younger.design_line
    abstract = replace(younger, publication_type="conference_abstract")
    assert abstract.design_line == "randomized crossover trial, n=31, conference abstract"
    combined = replace(younger, dose_class="ultra_low")
    assert "ultra-low dose with an opioid" in combined.design_line


def test_other_uses_are_named_on_one_line_and_never_counted_as_ldn(studies):
    from ldn_bot.corpus.evidence import other_uses_line, publication_note, split_uses

    younger = studies["Younger 2013"]
    combined = replace(younger, label="Opioid 2006", dose_class="ultra_low", dose="oxycodone plus naltrexone 1 µg")
    ldn, other = split_uses([younger, combined])
    assert ldn == [younger] and other == [combined]
    assert other_uses_line([younger, combined]) == (
        "Also 1 trial of ultra-low-dose naltrexone combined with oxycodone, a different use: Opioid 2006.")
    assert other_uses_line([younger]) is None
    preprint = replace(younger, publication_type="preprint")
    abstract = replace(younger, publication_type="conference_abstract")
    assert publication_note([younger, preprint, preprint]) == "Of these studies, 2 are preprints."
    assert publication_note([preprint, abstract, younger]) == (
        "Of these studies, 1 is a conference abstract and 1 is a preprint.")
    assert publication_note([younger]) is None


@pytest.mark.parametrize(("question", "use"), [
    ("does naltrexone with oxycodone work?", "ultra_low"),
    ("anything on ultra low dose naltrexone", "ultra_low"),
    ("naltrexone in micrograms with my opioids?", "ultra_low"),
    ("can naltrexone help with opioid detox", "very_low"),
    ("does ldn help fibro", None),
    ("I had withdrawal when I stopped LDN", None),
    ("whats the diff between LDN, VLDN and ULDN?", None),
])
def test_the_use_a_question_asks_about(question, use):
    from ldn_bot.corpus.evidence import asked_use

    assert asked_use(question) == use


def test_every_condition_belongs_to_a_group_members_use():
    from ldn_bot.corpus.schema import CONDITION_GROUPS
    from ldn_bot.corpus.synonyms import read_synonyms

    syn = read_synonyms(ROOT / "corpus")
    assert not syn.problems
    groups = syn.condition_groups()
    assert set(groups) == {name.lower() for name, _ in syn.conditions()}
    assert set(groups.values()) <= set(CONDITION_GROUPS)
    assert groups["psoriasis"] == "skin" and groups["crohn's disease"] == "gut"


@pytest.mark.parametrize(("question", "group"), [
    ("is there ANY placebo controlled trial for a skin condition", "skin"),
    ("does ldn do anything for gut stuff", "gut"),
    ("what about autoimmune diseases in general", "autoimmune"),
    ("my skin is itchy, does ldn help fibro", None),
])
def test_a_question_across_a_condition_group_names_the_group(engine, question, group):
    assert engine.request(question).filters.group == group


def test_studies_in_a_group_span_its_conditions():
    from ldn_bot.corpus.loader import load_corpus
    from ldn_bot.corpus.queries import CorpusQueries

    queries = CorpusQueries(load_corpus(ROOT / "corpus"))
    skin = queries.studies_in_group("skin")
    assert {"psoriasis", "lichen planopilaris"} <= set(queries.conditions_in_group("skin"))
    assert {c for s in skin for c in s.conditions} >= {"psoriasis", "lichen planopilaris"}
    assert all(any(queries.group_of(c) == "skin" for c in s.conditions) for s in skin)
    assert skin == sorted(skin, key=lambda s: (s.rank, -(s.n or 0), -(s.year or 0), s.label))


def test_corpus_stats_counts_studies_by_group_dose_class_and_publication_type(capsys):
    import json

    from ldn_bot.corpus.loader import load_corpus
    from ldn_bot.corpus.schema import CONDITION_GROUPS, DOSE_CLASSES, PUBLICATION_TYPES
    from ldn_bot.frontends.cli import main

    assert main(["corpus", "stats", "--json", str(ROOT / "corpus")]) == 0
    stats = json.loads(capsys.readouterr().out)
    reviewed = [s for s in load_corpus(ROOT / "corpus").studies.values() if s.reviewed]
    assert sum(stats["by_dose_class"].values()) == len(reviewed) == sum(stats["by_publication_type"].values())
    assert set(stats["by_dose_class"]) <= set(DOSE_CLASSES)
    assert set(stats["by_publication_type"]) <= set(PUBLICATION_TYPES)
    assert set(stats["by_condition_group"]) <= set(CONDITION_GROUPS) and stats["by_condition_group"]["pain"] > 0
    assert main(["corpus", "stats", str(ROOT / "corpus")]) == 0
    text = capsys.readouterr().out
    assert "by condition group" in text and "by dose class" in text and "by publication type" in text
