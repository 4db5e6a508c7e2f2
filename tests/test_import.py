"""`ldn-bot corpus import FILE`: stubs from PubMed exports, no duplicates, never served until reviewed.

The fixtures in tests/fixtures are fictional records (PMIDs 990000xx, DOIs 10.99999/...) plus real
identifiers of studies already in the bundled corpus, which must be skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ldn_bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(site: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(site / "bot_config.yaml"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def studies(site: Path) -> set[str]:
    return {p.name for p in (site / "corpus/studies").glob("*.yaml")}


def record(site: Path, name: str) -> dict:
    return yaml.safe_load((site / "corpus/studies" / name).read_text(encoding="utf-8"))


def test_medline_import_adds_stubs_and_skips_what_is_there(site, capsys):
    before = studies(site)
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    assert code == 0, out
    assert studies(site) - before == {"fixture-2025.yaml", "sample-2024.yaml"}
    assert "2 added, 2 skipped, from 4 records" in out
    assert "younger-2009.yaml (same PMID)" in out  # PMID 19453963 is Younger 2009
    assert "younger-2013.yaml (nearly identical title)" in out  # same title, different (fictional) PMID

    stub = record(site, "fixture-2025.yaml")
    assert stub["label"] == "Fixture 2025" and stub["reviewed"] is False
    assert stub["title"] == "Low-dose naltrexone for chronic tinnitus in adults: an open-label pilot study (fictional test record)"
    assert stub["authors"] == ["Fixture A", "Example B"] and stub["year"] == 2025 and stub["journal"] == "J Fict Med"
    assert stub["pmid"] == "99000001" and stub["doi"] == "10.99999/fixture.2025.001"
    assert stub["url"] == "https://doi.org/10.99999/fixture.2025.001"
    assert stub["design"] == "open-label pilot" and stub["evidence_level"] == "pilot study"
    text = (site / "corpus/studies/fixture-2025.yaml").read_text(encoding="utf-8")
    assert "#   FICTIONAL RECORD FOR TESTS." in text  # the abstract, as a comment for the curator

    mouse = record(site, "sample-2024.yaml")
    assert mouse["design"] == "animal study" and mouse["species"] == "mouse" and mouse["conditions"] == ["cancer"]
    assert mouse["url"] == "https://pubmed.ncbi.nlm.nih.gov/99000003/" and mouse["verified"] is False


def test_import_twice_adds_nothing_the_second_time(site, capsys):
    run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    after_first = {p: p.read_text(encoding="utf-8") for p in (site / "corpus/studies").glob("*.yaml")}
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    assert code == 0 and "0 added, 4 skipped" in out
    assert {p: p.read_text(encoding="utf-8") for p in (site / "corpus/studies").glob("*.yaml")} == after_first


def test_csv_import_after_medline_has_no_duplicates(site, capsys):
    run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    before = studies(site)
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.csv"))
    assert code == 0, out
    assert studies(site) - before == {"specimen-2024.yaml", "fixture-2025b.yaml"}
    assert "cree-2010.yaml (same PMID)" in out and "fixture-2025.yaml (same PMID)" in out
    rls = record(site, "specimen-2024.yaml")
    assert rls["design"] == "randomized crossover trial" and rls["authors"] == ["Specimen D", "Example B"]
    # A second paper by the same author in the same year gets the next letter.
    assert record(site, "fixture-2025b.yaml")["label"] == "Fixture 2025b"
    assert record(site, "fixture-2025b.yaml")["conditions"] == ["long covid"]
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.csv"))
    assert "0 added, 4 skipped" in out and studies(site) - before == {"specimen-2024.yaml", "fixture-2025b.yaml"}


def test_jsonl_import(site, capsys):
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "sample.jsonl"))
    assert code == 0, out
    assert "2 added" in out
    stub = record(site, "placeholder-2023.yaml")
    assert stub["pmid"] == "99000021" and stub["doi"] == "10.99999/fixture.2023.021"  # URL form of the DOI cleaned
    assert stub["authors"] == ["Placeholder E", "Example B"] and stub["design"] == "case series"
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "sample.jsonl"))
    assert "0 added, 2 skipped" in out


def test_stubs_pass_validate_except_for_being_unreviewed(site, capsys):
    for name in ("pubmed_sample.nbib", "pubmed_sample.csv", "sample.jsonl"):
        run(site, capsys, "corpus", "import", str(FIXTURES / name))
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 0, out
    lines = out.splitlines()
    assert not [l for l in lines if ": error: " in l]
    stub_lines = [l for l in lines if "/studies/" in l]
    assert stub_lines and all("not reviewed yet" in l or "new condition" in l for l in stub_lines), stub_lines
    assert sum("not reviewed yet" in l for l in stub_lines) == 5


def test_unreviewed_stubs_are_not_cited_by_answers(site, capsys):
    run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    for question in ("Does LDN help tinnitus?", "Does low dose naltrexone slow tumour growth in mice?",
                     "What did Fixture 2025 find?"):
        code, out, _ = run(site, capsys, "ask", "--json", question)
        assert code == 0
        labels = [c["label"] for c in json.loads(out)["citations"]]
        assert "Fixture 2025" not in labels and "Sample 2024" not in labels, (question, labels)
        assert "tinnitus" not in out.split('"citations"')[1].lower()


def test_stats_counts_the_unreviewed(site, capsys):
    run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    code, out, _ = run(site, capsys, "corpus", "stats", "--json")
    data = json.loads(out)
    assert code == 0 and data["unreviewed"] == 2 and data["studies"] == data["reviewed"] + 2
    assert data["study_chunks"] == data["reviewed"]  # stubs are not indexed


def test_dry_run_writes_nothing(site, capsys):
    before = studies(site)
    code, out, _ = run(site, capsys, "corpus", "import", "--dry-run", str(FIXTURES / "pubmed_sample.nbib"))
    assert code == 0 and "would add" in out and "2 to add" in out
    assert studies(site) == before


def test_bad_input_is_a_clear_usage_error(site, capsys, tmp_path):
    code, _, err = run(site, capsys, "corpus", "import", str(tmp_path / "missing.nbib"))
    assert code == 2 and "file not found" in err and "Traceback" not in err
    bad = tmp_path / "export.csv"
    bad.write_text("name,colour\nx,y\n", encoding="utf-8")
    code, _, err = run(site, capsys, "corpus", "import", str(bad))
    assert code == 2 and "no title, pmid or doi column" in err
    broken = tmp_path / "export.jsonl"
    broken.write_text('{"title": "A fine title for a study"}\n{"title": \n', encoding="utf-8")
    code, _, err = run(site, capsys, "corpus", "import", str(broken))
    assert code == 2 and f"{broken}:2:" in err
    assert studies(site) == {p.name for p in (ROOT / "corpus/studies").glob("*.yaml")}


def test_stub_marked_reviewed_without_review_is_caught(site, capsys):
    run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.nbib"))
    path = site / "corpus/studies/fixture-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 1
    text = path.read_text(encoding="utf-8").splitlines()
    for key in ("design", "evidence_level", "summary", "conditions"):
        line = next(i for i, l in enumerate(text, 1) if l.startswith(f"{key}:"))
        assert f"{path}:{line}: error: field '{key}' still has a TODO" in out, key


def test_unreviewed_record_cited_by_the_article_is_not_cited_either(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: true", "reviewed: false"), encoding="utf-8")
    for question in ("Did a small placebo-controlled trial of fibromyalgia find a reduction in pain of almost 30%?",
                     "What did Younger 2013 find in fibromyalgia?"):
        code, out, _ = run(site, capsys, "ask", "--json", question)
        labels = [c["label"] for c in json.loads(out)["citations"]]
        assert code == 0 and "Younger 2013" not in labels, (question, labels)
