"""The bundled records against the fact sheet they were written from (issue 19): every entry has a record, and
the fields answers count by equal the sheet's. Skipped when the sheet (../shared/evidence/studies.yaml) is absent."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHEET = next((p for p in (ROOT.parent / "shared" / "evidence" / "studies.yaml",
                          Path("/work/shared/evidence/studies.yaml")) if p.is_file()), None)
pytestmark = pytest.mark.skipif(SHEET is None, reason="fact sheet (../shared/evidence/studies.yaml) not present")

FIELDS = ("year", "n", "design", "direction", "dose_class", "publication_type", "trial")


@pytest.fixture(scope="module")
def pairs():
    """(fact-sheet entry, the record whose label or alias is the entry's label) for every entry."""
    from ldn_bot.corpus.loader import load_corpus

    assert SHEET is not None
    sheet = yaml.safe_load(SHEET.read_text(encoding="utf-8"))
    studies = load_corpus(ROOT / "corpus").studies
    by_name = {}
    for study in studies.values():
        for name in (*study.aliases, study.label):  # a label wins over another record's alias
            by_name[name] = study
    return [(entry, by_name.get(entry["label"])) for entry in sheet]


def test_every_fact_sheet_entry_has_a_record(pairs):
    missing = [entry["label"] for entry, study in pairs if study is None]
    assert not missing, f"{len(missing)} fact-sheet entries without a record: {missing}"


def test_counted_fields_equal_the_fact_sheet(pairs):
    wrong = []
    for entry, study in pairs:
        if study is None:
            continue  # reported by the test above
        for field in FIELDS:
            if getattr(study, field) != entry.get(field):
                wrong.append(f"{study.label}: {field} is {getattr(study, field)!r}, sheet {entry.get(field)!r}")
    assert not wrong, "\n".join(wrong)


def test_an_entry_the_sheet_could_not_verify_is_unverified_in_its_record(pairs):
    wrong = [study.label for entry, study in pairs if study is not None and entry.get("verified") is False
             and study.verified]
    assert not wrong, wrong
