"""`ldn-bot corpus validate` as a curator meets it: copy the corpus, make a mistake, read file:line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ldn_bot.frontends.cli import main

ROOT = Path(__file__).resolve().parent.parent


def validate(site: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    code = main(["--config", str(site / "bot_config.yaml"), "corpus", "validate", *extra])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def line_of(path: Path, needle: str) -> int:
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return no
    raise AssertionError(f"{needle!r} not in {path}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(lines: list[str]) -> list[str]:
    return [l for l in lines if ": error: " in l]


def warnings(lines: list[str]) -> list[str]:
    return [l for l in lines if ": warning: " in l]


def test_bundled_corpus_passes_as_ci_runs_it(capsys):
    code = main(["corpus", "validate", str(ROOT / "corpus")])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert errors(out.splitlines()) == []
    assert "OK" in err and "0 errors" in err


def test_bundled_corpus_through_the_settings_file(capsys):
    code = main(["--config", str(ROOT / "bot_config.yaml"), "corpus", "validate"])
    assert code == 0, capsys.readouterr().out


def test_clean_copy_passes(site, capsys):
    code, lines, err = validate(site, capsys)
    assert code == 0 and errors(lines) == []


def test_missing_field(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "n: 31\n", "")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert f"{path}:1: error: missing field 'n'" in lines


def test_duplicate_label(site, capsys):
    original = site / "corpus/studies/cree-2010.yaml"
    copy = site / "corpus/studies/cree-2010b.yaml"
    shutil.copy(original, copy)
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert f"{copy}:{line_of(copy, 'label:')}: error: duplicate label 'Cree 2010' (also in {original})" in lines
    # ... and the copy is also reported as the same study twice, naming both files.
    assert any(l.startswith(f"{copy}:") and "same DOI" in l and str(original) in l for l in warnings(lines))


def test_labels_differing_only_in_case(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    shutil.copy(path, site / "corpus/studies/younger-2013x.yaml")
    copy = site / "corpus/studies/younger-2013x.yaml"
    edit(copy, "label: Younger 2013", "label: YOUNGER 2013")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert f"{copy}:{line_of(copy, 'label:')}: error: label 'YOUNGER 2013' is too close to 'Younger 2013' in {path}: " \
        "labels must differ by more than case or punctuation" in lines, lines


def test_malformed_yaml(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "comparator: placebo", "comparator: placebo: 4 weeks")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    want = f"{path}:{line_of(path, 'comparator:')}: error: malformed YAML"
    assert any(l.startswith(want) for l in lines), lines


@pytest.mark.parametrize("bad, hint", [
    ("10.1002 art.37734", "malformed DOI '10.1002 art.37734'"),
    ("https://doi.org/10.1002/art.37734", "without 'https://doi.org/'"),
    ("art.37734", "malformed DOI"),
])
def test_bad_doi(site, capsys, bad, hint):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "doi: 10.1002/art.37734", f"doi: {bad}")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    prefix = f"{path}:{line_of(path, 'doi:')}: error: "
    assert any(l.startswith(prefix) and hint in l for l in lines), lines


def test_bad_pmid_and_url(site, capsys):
    path = site / "corpus/studies/cree-2010.yaml"
    text = path.read_text(encoding="utf-8")
    pmid = re.search(r"^pmid: .*$", text, re.M).group(0)
    url = re.search(r"^url: .*$", text, re.M).group(0)
    edit(path, pmid, "pmid: 'PMID2069'")
    edit(path, url, "url: doi.org/10.1002/ana.22006")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}:{line_of(path, 'pmid:')}: error: malformed PMID 'PMID2069'") for l in lines)
    assert any(l.startswith(f"{path}:{line_of(path, 'url:')}: error: malformed URL") for l in lines)


def test_article_citation_with_no_record(site, capsys):
    article = site / "corpus/documents/ldn-article.md"
    with article.open("a", encoding="utf-8") as f:
        f.write("\nA new trial in tinnitus reported fewer symptoms with low-dose naltrexone (Nobody 2021).\n")
    (site / "corpus/studies/zagon-1983.yaml").unlink()
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{article}:{line_of(article, '(Nobody 2021)')}: error: cites (Nobody 2021)")
               and 'new-study "Nobody 2021"' in l for l in lines), lines
    assert any(l.startswith(f"{article}:{line_of(article, '(Zagon 1983)')}: error: cites (Zagon 1983)")
               for l in lines), lines


def test_disambiguated_labels_count_as_records(site, capsys):
    # The article cites "(Donahue 2011)" twice; the records are Donahue 2011a and 2011b.
    assert (site / "corpus/documents/ldn-article.md").read_text(encoding="utf-8").count("(Donahue 2011)") == 2
    code, lines, _ = validate(site, capsys)
    assert code == 0 and not any("Donahue" in l for l in lines)


def test_near_duplicate_title_is_a_warning_naming_both_files(site, capsys):
    original = site / "corpus/studies/younger-2013.yaml"
    dup = site / "corpus/studies/younger-2015.yaml"
    text = original.read_text(encoding="utf-8")
    text = (text.replace("label: Younger 2013", "label: Younger 2015").replace("year: 2013", "year: 2015")
            .replace("10.1002/art.37734", "10.1002/art.99999")
            .replace("Low-dose naltrexone for the treatment of fibromyalgia", "Low dose naltrexone for treatment of fibromyalgia"))
    dup.write_text(text, encoding="utf-8")
    code, lines, _ = validate(site, capsys)
    assert code == 0, errors(lines)
    assert any(l.startswith(f"{dup}:{line_of(dup, 'title:')}: warning: title is nearly identical") and str(original) in l
               for l in lines), lines


def test_same_pmid_is_a_warning_naming_both_files(site, capsys):
    other = site / "corpus/studies/younger-2009.yaml"
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "pmid: null", "pmid: '19453963'")
    edit(path, "url: https://doi.org/10.1002/art.37734", "url: https://doi.org/10.1002/art.37734")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    assert any(l.startswith(f"{path}:") and "same PMID 19453963" in l and str(other) in l for l in warnings(lines))


def test_wrong_design_and_level(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "design: randomized crossover trial", "design: crossover")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}:{line_of(path, 'design:')}: error: unknown design 'crossover'") for l in lines)


def test_design_and_level_that_disagree_warn(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "evidence_level: crossover trial", "evidence_level: randomized trial")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    assert any(l.startswith(f"{path}:{line_of(path, 'evidence_level:')}: warning: design 'randomized crossover trial' "
                            "is normally evidence level 'crossover trial'") for l in lines)


def test_conditions_unknown_misspelt_or_alias(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "conditions: [fibromyalgia]", "conditions: [fibromyalgai, tinnitus, FMS]")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    where = f"{path}:{line_of(path, 'conditions:')}: warning: "
    assert any(l.startswith(where + "new condition 'fibromyalgai'") and "Did you mean 'fibromyalgia'?" in l for l in lines)
    assert any(l.startswith(where + "new condition 'tinnitus'") and "synonyms.yaml" in l for l in lines)
    assert any(l.startswith(where + "condition 'FMS' is an alias: use the canonical name 'fibromyalgia'") for l in lines)
    assert main(["--config", str(site / "bot_config.yaml"), "corpus", "validate", "--strict"]) == 1


def test_template_placeholder_in_a_reviewed_record(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "comparator: placebo", "comparator: TODO")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}:{line_of(path, 'comparator:')}: error: field 'comparator' still has a TODO")
               for l in lines)


def test_unreviewed_record_is_a_warning(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    edit(path, "reviewed: true", "reviewed: false")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    article = site / "corpus/documents/ldn-article.md"
    assert any(l.startswith(f"{path}:{line_of(path, 'reviewed:')}: warning: not reviewed yet") for l in lines)
    assert any(l.startswith(f"{article}:") and "cites 'Younger 2013', whose record is not reviewed yet" in l
               for l in lines)


def test_errors_come_before_warnings_one_line_each(site, capsys):
    edit(site / "corpus/studies/younger-2013.yaml", "conditions: [fibromyalgia]", "conditions: [tinnitus]")
    edit(site / "corpus/studies/cree-2010.yaml", "n: ", "n_participants: ")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    kinds = ["error" if ": error: " in l else "warning" for l in lines]
    assert kinds == sorted(kinds) and "warning" in kinds and "error" in kinds
    assert all(re.match(r"^\S+(:\d+)?: (error|warning): \S", l) for l in lines), lines


def test_file_name_must_follow_the_label(site, capsys):
    shutil.move(site / "corpus/studies/cree-2010.yaml", site / "corpus/studies/cree.yaml")
    code, lines, _ = validate(site, capsys)
    assert any("file name should be 'cree-2010.yaml'" in l for l in warnings(lines))


def test_missing_corpus_folder_is_a_usage_error(tmp_path, capsys):
    code = main(["corpus", "validate", str(tmp_path / "nowhere")])
    _, err = capsys.readouterr()
    assert code == 2 and "corpus folder not found" in err and "Traceback" not in err


def test_safety_rules_file_is_checked_as_the_engine_loads_it(site, capsys):
    path = site / "corpus/safety.yaml"
    edit(path, "    action: reply\n", "    action: shout\n")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}: error: rule 'crisis': action must be one of") for l in lines), lines


def test_unquoted_pmid_gets_one_clear_message(site, capsys):
    path = site / "corpus/studies/cree-2010.yaml"
    edit(path, "pmid: '20695007'", "pmid: 20695007")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert errors(lines) == [f"{path}:{line_of(path, 'pmid:')}: error: field 'pmid' must be text: put it in quotes, "
                             "pmid: '20695007'"]
