"""`ldn-bot corpus import FILE`: stubs from PubMed exports, no duplicates, never served until reviewed.

The fixtures in tests/fixtures are fictional records (PMIDs 990000xx, DOIs 10.99999/...) plus real
identifiers of studies already in the bundled corpus, which must be skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ldn_bot.corpus.importing import guess_format, parse_ris
from ldn_bot.frontends.cli import main

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
    assert stub["title"] == ("Low-dose naltrexone for chronic tinnitus in adults: an open-label pilot study "
                             "(fictional test record)")
    assert stub["authors"] == ["Fixture A", "Example B"] and stub["year"] == 2025 and stub["journal"] == "J Fict Med"
    assert stub["pmid"] == "99000001" and stub["doi"] == "10.99999/fixture.2025.001"
    assert stub["url"] == "https://doi.org/10.99999/fixture.2025.001"
    assert stub["design"] == "open-label pilot" and stub["evidence_level"] == "pilot study"
    text = (site / "corpus/studies/fixture-2025.yaml").read_text(encoding="utf-8")
    assert "#   FICTIONAL RECORD FOR TESTS." in text  # the abstract, as a comment for the curator
    # Where the abstract states size, dose and duration is pointed out; the fields stay for the curator to fill.
    assert stub["n"] is None and stub["dose"] is None and stub["duration"] is None
    assert 'n: null  # TODO from the abstract, if it says; it mentions: "Twelve adults"' in text
    assert 'dose: null  # TODO the abstract mentions: "4.5 mg"' in text
    assert 'duration: null  # TODO the abstract mentions: "8 weeks"' in text

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
    for name in ("pubmed_sample.nbib", "pubmed_sample.csv", "sample.jsonl", "sample.ris", "pubmed_sample.xml"):
        run(site, capsys, "corpus", "import", str(FIXTURES / name))
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 0, out
    lines = out.splitlines()
    assert not [l for l in lines if ": error: " in l]
    stub_lines = [l for l in lines if "/studies/" in l]
    assert stub_lines and all("not reviewed yet" in l or "new condition" in l for l in stub_lines), stub_lines
    assert sum("not reviewed yet" in l for l in stub_lines) == 10


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


def test_ris_import_adds_stubs_and_skips_what_is_there(site, capsys):
    before = studies(site)
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "sample.ris"))
    assert code == 0, out
    assert studies(site) - before == {"exemplar-2022.yaml", "specimen-2021.yaml"}
    assert "2 added, 2 skipped, from 4 records" in out
    assert "gironi-2008.yaml (same DOI)" in out
    assert "raknes-2019.yaml (same PMID)" in out  # the PMID only in C1, as "PMID: 30763385"

    crps = record(site, "exemplar-2022.yaml")
    assert crps["label"] == "Exemplar 2022" and crps["reviewed"] is False
    # The title continued on an indented line, the abstract on unindented ones (as EndNote wraps them).
    assert crps["title"] == ("Low-dose naltrexone in complex regional pain syndrome: a randomized, "
                             "placebo-controlled crossover trial (fictional test record)")
    assert crps["authors"] == ["Exemplar DM", "Example B"]  # "Exemplar, Dana M." as PubMed writes it
    assert crps["year"] == 2022 and crps["journal"] == "J Fict Med"  # J2, the abbreviation, over T2
    assert crps["pmid"] == "99000031" and crps["doi"] == "10.99999/fixture.2022.031"  # AN from DP - PubMed
    assert crps["design"] == "randomized crossover trial" and crps["conditions"] == ["complex regional pain syndrome"]
    text = (site / "corpus/studies/exemplar-2022.yaml").read_text(encoding="utf-8")
    assert "in random order. Pain scores were lower" in " ".join(text.replace("#", " ").split())

    case = record(site, "specimen-2021.yaml")
    assert case["authors"] == ["Specimen C", "Example B"] and case["year"] == 2021  # "Example, Ben, Jr."; Y1
    assert case["pmid"] is None  # an Embase accession number in AN is not a PMID
    assert case["doi"] == "10.99999/fixture.2021.032" and case["url"] == "https://doi.org/10.99999/fixture.2021.032"
    assert case["design"] == "case report" and case["journal"] == "Fictional Dermatology Reports"

    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "sample.ris"))
    assert code == 0 and "0 added, 4 skipped" in out


def test_pubmed_xml_import_adds_stubs_and_skips_what_is_there(site, capsys):
    before = studies(site)
    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.xml"))
    assert code == 0, out
    assert studies(site) - before == {"exemplar-2023.yaml", "sample-2019.yaml", "placeholder-2024.yaml"}
    assert "3 added, 1 skipped, from 4 records" in out
    assert "younger-2009.yaml (same PMID)" in out
    # The fictional trial's comments and references name Cree 2010 and Younger 2009/2013: not its own ids.
    assert "cree-2010" not in out and "younger-2013" not in out

    trial = record(site, "exemplar-2023.yaml")
    assert trial["title"] == ("Low-dose naltrexone and in vivo microglial activation in fibromyalgia: "
                              "a randomized controlled trial (fictional test record)")  # <i> dropped, final "." too
    assert trial["authors"] == ["Exemplar DM", "Example B", "LDN Fixture Study Group"]  # ValidYN="N" left out
    assert trial["year"] == 2023 and trial["journal"] == "J Fict Med"
    assert trial["pmid"] == "99000041" and trial["doi"] == "10.99999/fixture.2023.041"
    assert trial["design"] == "randomized controlled trial" and trial["conditions"] == ["fibromyalgia"]
    text = (site / "corpus/studies/exemplar-2023.yaml").read_text(encoding="utf-8")
    text = " ".join(text.replace("#", " ").split())  # the abstract, as wrapped comment lines
    assert "BACKGROUND: FICTIONAL RECORD FOR TESTS." in text and "CONCLUSIONS: A larger trial is needed." in text
    assert "(P<0.05)" in text and "copyright" not in text.lower()

    rats = record(site, "sample-2019.yaml")
    assert rats["year"] == 2019 and rats["authors"] == ["Sample C"]  # MedlineDate; initials from ForeName
    assert rats["doi"] == "10.99999/fixture.2019.042"  # from ELocationID: no ArticleId doi
    assert rats["journal"] == "Fict Gastroenterol"  # MedlineTA: no ISOAbbreviation
    assert rats["design"] == "animal study" and rats["species"] == "rat"

    book = record(site, "placeholder-2024.yaml")
    assert book["title"] == "Low-Dose Naltrexone (fictional test chapter)" and book["journal"] == "FictPearls"
    assert book["authors"] == ["Placeholder E"] and book["pmid"] == "99000043" and book["doi"] is None
    assert book["design"] == "narrative review"

    code, out, _ = run(site, capsys, "corpus", "import", str(FIXTURES / "pubmed_sample.xml"))
    assert code == 0 and "0 added, 4 skipped" in out


def test_malformed_pubmed_xml_names_file_and_line(site, capsys, tmp_path):
    lines = (FIXTURES / "pubmed_sample.xml").read_text(encoding="utf-8").splitlines()
    no = next(i for i, l in enumerate(lines, 1) if "<Language>eng</Language>" in l)
    lines[no - 1] = lines[no - 1].replace("</Language>", "</Lang>")  # as a hand edit might leave it
    broken = tmp_path / "efetch.xml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(site, capsys, "corpus", "import", str(broken))
    assert code == 2 and f"{broken}:{no}: malformed XML: mismatched tag" in err, err
    assert "Traceback" not in err and out == ""
    truncated = tmp_path / "truncated.xml"
    truncated.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")  # a download cut short
    code, _, err = run(site, capsys, "corpus", "import", str(truncated))
    assert code == 2 and f"{truncated}:21: malformed XML: no element found" in err, err
    other = tmp_path / "endnote.xml"
    other.write_text('<?xml version="1.0"?>\n<xml><records><record/></records></xml>\n', encoding="utf-8")
    code, _, err = run(site, capsys, "corpus", "import", str(other))
    assert code == 2 and "not PubMed XML (the root element is <xml>" in err
    other.write_text("<eFetchResult>\n<ERROR>Empty id list - nothing todo</ERROR>\n</eFetchResult>\n",
                     encoding="utf-8")  # what efetch answers to a bad request
    code, _, err = run(site, capsys, "corpus", "import", str(other))
    assert code == 2 and "efetch returns it): Empty id list - nothing todo" in err
    assert studies(site) == {p.name for p in (ROOT / "corpus/studies").glob("*.yaml")}


def test_format_is_guessed_from_the_content_then_the_suffix(site, capsys, tmp_path):
    # Exports are often saved as .txt: the content decides.
    for fixture, saved_as, label in (("sample.ris", "export.txt", "exemplar-2022.yaml"),
                                     ("pubmed_sample.xml", "efetch.txt", "exemplar-2023.yaml")):
        copy = tmp_path / saved_as
        copy.write_text((FIXTURES / fixture).read_text(encoding="utf-8"), encoding="utf-8")
        code, out, _ = run(site, capsys, "corpus", "import", "--dry-run", str(copy))
        assert code == 0 and label in out, out
    assert guess_format(Path("x.txt"), "\n\nTY  - JOUR\nTI  - A title\nER  - \n") == "ris"
    assert guess_format(Path("x.txt"), "PMID- 99000001\nTI  - A title\n") == "medline"
    assert guess_format(Path("x.txt"), '<?xml version="1.0"?>\n<PubmedArticleSet/>\n') == "pubmed-xml"
    assert guess_format(Path("export.ris"), "") == "ris" and guess_format(Path("efetch.XML"), "") == "pubmed-xml"
    assert guess_format(Path("x.nbib"), "") == "medline" and guess_format(Path("x.csv"), "title\n") == "csv"
    # --format overrides the guess.
    code, _, err = run(site, capsys, "corpus", "import", "--format", "ris", str(FIXTURES / "pubmed_sample.csv"))
    assert code == 2 and "no studies found in this ris file" in err


def test_ris_pmid_only_when_clearly_from_pubmed():
    def pmid(*lines: str) -> str | None:
        text = "\n".join(["TY  - JOUR", "TI  - A fictional title for the test", *lines, "ER  - "])
        return parse_ris(text)[0].pmid

    assert pmid("AN  - 99000051") is None  # an accession number from who knows where
    assert pmid("AN  - 99000051", "DP  - PubMed") == "99000051"
    assert pmid("AN  - 99000051", "DB  - MEDLINE") == "99000051"
    assert pmid("AN  - 604512345", "DB  - Embase") is None
    assert pmid("AN  - WOS:000123456700001", "DP  - NLM") is None
    assert pmid("UR  - https://pubmed.ncbi.nlm.nih.gov/99000052/") == "99000052"
    assert pmid("UR  - https://www.ncbi.nlm.nih.gov/pmc/articles/PMC99000052/") is None
    assert pmid("M2  - Publisher: Fictional Press", "PMID: 99000053") == "99000053"  # Zotero's Extra field
    assert pmid("N1  - See also PMID: 99000054") is None  # another study's PMID in a note
    assert pmid("N1  - Comment on https://pubmed.ncbi.nlm.nih.gov/99000055/") is None
    assert pmid("AN  - PMID:99000056") == "99000056"


def test_ris_records_without_er_or_with_text_around_them():
    text = ("Exported from a fictional library\n\nTY  - JOUR\nTI  - First fictional record for the test\n"
            "PY  - 2020\nTY  - JOUR\nTI  - Second fictional record for the test\nPY  - 2021\n")
    entries = parse_ris(text)
    assert [(e.title, e.year, e.line) for e in entries] == [
        ("First fictional record for the test", 2020, 3), ("Second fictional record for the test", 2021, 6)]


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


def test_thirty_studies_with_one_author_and_year_all_get_a_label(site, capsys, tmp_path):
    # One author's many papers of a year (a common surname in a big export): after "Wang 2021b" … "Wang 2021z"
    # the labels go on "Wang 2021aa", "Wang 2021ab", … instead of stopping the import at the 27th.
    topics = ["migraine", "tinnitus", "eczema", "asthma", "gout", "acne", "psoriasis", "rosacea", "vitiligo",
              "alopecia", "insomnia", "anxiety", "sciatica", "tendinitis", "bursitis", "shingles", "glaucoma",
              "cataract", "otitis", "sinusitis", "bronchitis", "gastritis", "lupus", "cystitis", "nephritis",
              "hepatitis", "dermatitis", "arthrosis", "scoliosis", "neuralgia"]
    export = tmp_path / "wang.nbib"
    export.write_text("\n".join(f"PMID- {99100000 + i}\nTI  - Naltrexone in {topic} with {topics[(i + 7) % 30]}\n"
                                f"AU  - Wang L\nDP  - 2021 May\n" for i, topic in enumerate(topics)), encoding="utf-8")
    code, out, err = run(site, capsys, "corpus", "import", str(export))
    assert code == 0 and "30 added, 0 skipped, from 30 records" in out, out + err
    labels = {record(site, name)["label"] for name in studies(site) if name.startswith("wang-2021")}
    assert labels == {"Wang 2021", *(f"Wang 2021{c}" for c in "bcdefghijklmnopqrstuvwxyz"),
                      "Wang 2021aa", "Wang 2021ab", "Wang 2021ac", "Wang 2021ad"}
    code, out, _ = run(site, capsys, "corpus", "import", str(export))
    assert code == 0 and "0 added, 30 skipped" in out
    last = site / "corpus/studies/wang-2021ad.yaml"
    last.write_text(last.read_text(encoding="utf-8").replace("year: 2021", "year: 2020"), encoding="utf-8")
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 0 and ": error: " not in out and "label 'Wang 2021ad' says 2021 but 'year' is 2020" in out
