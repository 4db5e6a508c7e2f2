"""`ldn-bot corpus validate` as a curator meets it: copy the corpus, make a mistake, read file:line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from record_edit import drop_field, field_line, rename_field, set_field

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


def test_bundled_corpus_passes_strict(capsys):
    code = main(["corpus", "validate", "--strict", str(ROOT / "corpus")])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert out == "" and "0 errors, 0 warnings" in err


def test_bundled_corpus_through_the_settings_file(capsys):
    code = main(["--config", str(ROOT / "bot_config.yaml"), "corpus", "validate"])
    assert code == 0, capsys.readouterr().out


def test_clean_copy_passes(site, capsys):
    code, lines, _ = validate(site, capsys)
    assert code == 0 and errors(lines) == []


def test_missing_field(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    drop_field(path, "n")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert f"{path}:1: error: missing field 'n'" in lines


def test_duplicate_label(site, capsys):
    original = site / "corpus/studies/cree-2010.yaml"
    copy = site / "corpus/studies/cree-2010b.yaml"
    shutil.copy(original, copy)
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert f"{copy}:{field_line(copy, 'label')}: error: duplicate label 'Cree 2010' (also in {original}): labels " \
        "must differ by more than case, spacing or punctuation" in lines
    # ... and the copy is also reported as the same study twice, naming both files.
    assert any(l.startswith(f"{copy}:") and "same DOI" in l and str(original) in l for l in warnings(lines))


@pytest.mark.parametrize("label", ["YOUNGER 2013", "Younger  2013 "])
def test_labels_differing_only_in_case_or_spacing_stop_validate_and_loading(site, capsys, label):
    path = site / "corpus/studies/younger-2013.yaml"
    shutil.copy(path, site / "corpus/studies/younger-2013x.yaml")
    copy = site / "corpus/studies/younger-2013x.yaml"
    set_field(copy, "label", label)
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(line.startswith(f"{copy}:{field_line(copy, 'label')}: error: duplicate label ") and
               line.endswith(f"(also in {path} as 'Younger 2013'): labels must differ by more than case, spacing "
                             "or punctuation") for line in lines), lines
    # `ask` refuses the corpus just as `validate` does, instead of citing the study twice.
    assert main(["--config", str(site / "bot_config.yaml"), "ask", "does ldn help fibromyalgia"]) == 2
    err = capsys.readouterr().err
    assert f"{copy}:" in err and "duplicate label" in err


def test_malformed_yaml(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    line = field_line(path, "comparator")
    set_field(path, "comparator", raw_text="comparator: placebo: 4 weeks")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    want = f"{path}:{line}: error: malformed YAML"
    assert any(l.startswith(want) for l in lines), lines


@pytest.mark.parametrize("bad, hint", [
    ("10.1002 art.37734", "malformed DOI '10.1002 art.37734'"),
    ("https://doi.org/10.1002/art.37734", "without 'https://doi.org/'"),
    ("art.37734", "malformed DOI"),
])
def test_bad_doi(site, capsys, bad, hint):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "doi", raw_text=f"doi: {bad}")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    prefix = f"{path}:{field_line(path, 'doi')}: error: "
    assert any(l.startswith(prefix) and hint in l for l in lines), lines


def test_bad_pmid_and_url(site, capsys):
    path = site / "corpus/studies/cree-2010.yaml"
    set_field(path, "pmid", "PMID2069")
    set_field(path, "url", "doi.org/10.1002/ana.22006")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}:{field_line(path, 'pmid')}: error: malformed PMID 'PMID2069'") for l in lines)
    assert any(l.startswith(f"{path}:{field_line(path, 'url')}: error: malformed URL") for l in lines)


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
            .replace("Low-dose naltrexone for the treatment of fibromyalgia",
                     "Low dose naltrexone for treatment of fibromyalgia"))
    dup.write_text(text, encoding="utf-8")
    set_field(dup, "aliases", [])  # an alias names one study only
    code, lines, _ = validate(site, capsys)
    assert code == 0, errors(lines)
    assert any(l.startswith(f"{dup}:{field_line(dup, 'title')}: warning: title is nearly identical")
               and str(original) in l
               for l in lines), lines


def test_same_pmid_is_a_warning_naming_both_files(site, capsys):
    other = site / "corpus/studies/younger-2009.yaml"
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "pmid", "19453963")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    assert any(l.startswith(f"{path}:") and "same PMID 19453963" in l and str(other) in l for l in warnings(lines))


def test_wrong_design_and_level(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "design", "crossover")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}:{field_line(path, 'design')}: error: unknown design 'crossover'") for l in lines)


def test_design_and_level_that_disagree_warn(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "evidence_level", "randomized trial")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    line = field_line(path, "evidence_level")
    assert any(l.startswith(f"{path}:{line}: warning: design 'randomized crossover trial' "
                            "is normally evidence level 'crossover trial'") for l in lines)


def test_conditions_unknown_misspelt_or_alias(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "conditions", ["fibromyalgai", "tinnitus", "FMS"])
    code, lines, _ = validate(site, capsys)
    assert code == 0
    where = f"{path}:{field_line(path, 'conditions')}: warning: "
    assert any(l.startswith(where + "new condition 'fibromyalgai'") and "Did you mean 'fibromyalgia'?" in l
               for l in lines)
    assert any(l.startswith(where + "new condition 'tinnitus'") and "synonyms.yaml" in l for l in lines)
    assert any(l.startswith(where + "note: condition 'FMS' is another name for 'fibromyalgia': the study is counted "
                            "under 'fibromyalgia'") for l in lines)
    assert main(["--config", str(site / "bot_config.yaml"), "corpus", "validate", "--strict"]) == 1


def test_template_placeholder_in_a_reviewed_record(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "comparator", "TODO")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(l.startswith(f"{path}:{field_line(path, 'comparator')}: error: field 'comparator' still has a TODO")
               for l in lines)


def test_unreviewed_record_is_a_warning(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "reviewed", False)
    code, lines, _ = validate(site, capsys)
    assert code == 0
    article = site / "corpus/documents/ldn-article.md"
    assert any(l.startswith(f"{path}:{field_line(path, 'reviewed')}: warning: not reviewed yet") for l in lines)
    assert any(l.startswith(f"{article}:") and "cites 'Younger 2013', whose record is not reviewed yet" in l
               for l in lines)


def test_errors_come_before_warnings_one_line_each(site, capsys):
    set_field(site / "corpus/studies/younger-2013.yaml", "conditions", ["tinnitus"])
    rename_field(site / "corpus/studies/cree-2010.yaml", "n", "n_participants")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    kinds = ["error" if ": error: " in l else "warning" for l in lines]
    assert kinds == sorted(kinds) and "warning" in kinds and "error" in kinds
    assert all(re.match(r"^\S+(:\d+)?: (error|warning): \S", l) for l in lines), lines


def test_file_name_must_follow_the_label(site, capsys):
    shutil.move(site / "corpus/studies/cree-2010.yaml", site / "corpus/studies/cree.yaml")
    code, lines, _ = validate(site, capsys)
    assert code == 0  # a warning: the record still loads
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
    crisis = next(no for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                  if line.strip() == "- id: crisis")
    assert any(l.startswith(f"{path}:{crisis}: error: rule 'crisis': action must be one of") for l in lines), lines


def test_unquoted_pmid_gets_one_clear_message(site, capsys):
    path = site / "corpus/studies/cree-2010.yaml"
    set_field(path, "pmid", raw_text="pmid: 20695007")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert errors(lines) == [f"{path}:{field_line(path, 'pmid')}: error: field 'pmid' must be text: put it in quotes, "
                             "pmid: '20695007'"]


# -- issue 11's fields ------------------------------------------------------------------------


def test_direction_must_be_an_allowed_value(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "direction", "positive")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert f"{path}:{field_line(path, 'direction')}: error: unknown direction 'positive' (allowed: benefit, " \
        "no_difference, harm, mixed, not_applicable, unclear)" in lines, lines


def test_reviewed_record_needs_a_result_except_a_narrative_review(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    drop_field(path, "result")
    review = site / "corpus/studies/narrative-2021.yaml"
    shutil.copy(path, review)
    for key, value in (("label", "Narrative 2021"), ("year", 2021), ("design", "narrative review"),
                       ("evidence_level", "narrative review"), ("aliases", []), ("doi", None), ("url", None),
                       ("title", "A fictional narrative review for the test")):
        set_field(review, key, value)
    code, lines, _ = validate(site, capsys)
    assert code == 0
    assert any(l.startswith(f"{path}:{field_line(path, 'summary')}: warning: a reviewed record needs 'result'")
               for l in lines), lines
    assert not any(l.startswith(f"{review}:") and "'result'" in l for l in lines), lines
    assert main(["--config", str(site / "bot_config.yaml"), "corpus", "validate", "--strict"]) == 1


def test_benefit_whose_result_reads_null_is_a_warning(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "result", "Low-dose naltrexone did not reduce fibromyalgia pain more than placebo (p = 0.3).")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    assert f"{path}:{field_line(path, 'direction')}: warning: direction is 'benefit' but the result says 'did not': " \
        "check the direction against the fact sheet" in lines, lines
    # Controls "who did not take it", or a null secondary outcome beside a significant primary one, are fine.
    set_field(path, "result", "Pain fell 38% on low-dose naltrexone and 4% in controls who did not take it "
                              "(p < 0.001); mood did not change (p = 0.5).")
    code, lines, _ = validate(site, capsys)
    assert code == 0 and not any("direction is 'benefit'" in l for l in lines), lines


def test_alias_must_name_one_study_only(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    other = site / "corpus/studies/cree-2010.yaml"
    set_field(path, "aliases", ["the fibromyalgia crossover", "cree 2010"])  # another study's label, any case
    set_field(other, "aliases", ["The Fibromyalgia Crossover"])  # an alias already taken
    code, lines, _ = validate(site, capsys)
    assert code == 1
    line = field_line(path, "aliases")
    assert f"{path}:{line + 2}: error: alias 'cree 2010' is also the label of 'Cree 2010' in {other}: " \
        "an alias must name one study only" in lines, lines
    assert any(l.startswith(f"{path}:{line + 1}: error: alias 'the fibromyalgia crossover' is also an alias of "
                            f"'Cree 2010' in {other}") for l in lines), lines
    # Loading refuses it too: `ask` would otherwise name one study for another.
    assert main(["--config", str(site / "bot_config.yaml"), "ask", "does ldn help fibromyalgia"]) == 2
    assert "an alias must name one study only" in capsys.readouterr().err


# -- the one YAML style -----------------------------------------------------------------------


def test_strict_reports_each_style_departure_with_its_line(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    set_field(path, "authors", raw_text="authors: [Younger J, Noor N, McCue R, Mackey S]")
    set_field(path, "comparator", raw_text="comparator: placebo,\n  taken in turn with low-dose naltrexone")
    set_field(path, "key_findings", raw_text="key_findings:\n  - Pain fell 28.8% on low-dose naltrexone versus 18.0% "
                                             "on placebo (P = 0.016).")
    rename_field(path, "verified", "verified_")  # two fields swapped: reviewed before verified
    text = path.read_text(encoding="utf-8").replace("verified_: true\nreviewed: true", "reviewed: true\nverified: true")
    path.write_text(text, encoding="utf-8")
    code, lines, _ = validate(site, capsys)
    assert code == 0 and not any("style:" in l for l in lines)  # style is --strict's business
    code, lines, _ = validate(site, capsys, "--strict")
    assert code == 1
    style = [l for l in lines if "style:" in l and l.startswith(f"{path}:")]
    where = f"{path}:{{}}: warning: style: "
    assert where.format(field_line(path, "authors")) + "write 'authors' as a block list" in " ".join(style)
    assert where.format(field_line(path, "comparator")) + "the text of 'comparator' runs over several lines as " \
        "plain text: fold it" in " ".join(style)
    assert where.format(field_line(path, "key_findings") + 1) + "the '- ' of 'key_findings' go at the key's column" \
        in " ".join(style)
    assert where.format(field_line(path, "verified")) + "'verified' comes before 'reviewed'" in " ".join(style)
    assert len(style) == 4, style


def test_every_bundled_record_rewrites_in_the_one_style_with_every_value_kept():
    import yaml

    from ldn_bot.corpus.rawyaml import parse_yaml, read_yaml
    from ldn_bot.corpus.style import check_style, normalize

    for path in sorted((ROOT / "corpus/studies").glob("*.yaml")):
        raw = read_yaml(path)
        assert raw is not None
        text = normalize(raw)
        assert yaml.safe_load(text) == raw.data, path
        assert text.startswith("\n".join(raw.leading_comments())), path  # the header comment kept
        rewritten = parse_yaml(path, text, [])
        assert rewritten is not None and check_style(rewritten) == [], (path, check_style(rewritten))


def test_study_has_exactly_the_schema_fields():
    import dataclasses

    from ldn_bot.corpus.models import Study
    from ldn_bot.corpus.schema import FIELDS

    assert {f.name for f in dataclasses.fields(Study)} - {"path"} == {f.name for f in FIELDS}


def test_readme_documents_every_schema_field():
    from ldn_bot.corpus.schema import FIELDS

    readme = (ROOT / "corpus/README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(\w+)` \|", readme, re.M))
    assert {f.name for f in FIELDS} <= table, {f.name for f in FIELDS} - table


def test_a_misspelt_synonyms_section_is_one_error_naming_the_file(site, capsys):
    synonyms = site / "corpus" / "synonyms.yaml"
    edit(synonyms, "\nmethods:", "\nmethod:")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(str(synonyms) in l and "'methods'" in l for l in errors(lines)), lines


def test_a_synonyms_file_from_before_mechanisms_and_methods_is_warned_about(site, capsys):
    synonyms = site / "corpus" / "synonyms.yaml"
    text = synonyms.read_text(encoding="utf-8")
    synonyms.write_text(text.replace("\nmechanisms:", "\n#mechanisms:").replace("\nmethods:", "\n#methods:")
                        .replace("\n#mechanisms:", "\n").replace("\n#methods:", "\n"), encoding="utf-8")
    code, lines, _ = validate(site, capsys)
    assert code == 0
    found = warnings(lines)
    assert any("no 'mechanisms' section" in l for l in found) and any("no 'methods' section" in l for l in found)


def test_a_condition_without_a_known_group_is_an_error_naming_its_line(site, capsys):
    synonyms = site / "corpus" / "synonyms.yaml"
    edit(synonyms, "  - name: psoriasis\n    group: skin", "  - name: psoriasis\n    group: skinn")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(str(synonyms) in l and "psoriasis" in l and "'skinn'" in l for l in errors(lines)), lines


def test_a_dose_class_outside_the_schema_is_an_error(site, capsys):
    record = site / "corpus" / "studies" / "younger-2013.yaml"
    edit(record, "dose_class: ", "dose_class: tiny_")
    code, lines, _ = validate(site, capsys)
    assert code == 1
    assert any(str(record) in l and "dose class" in l for l in errors(lines)), lines
