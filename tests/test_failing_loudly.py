"""Failing loudly (issue 14): no safety rules, or an unreadable, oversized or over-nested corpus file, is a
one-line error naming the file."""

from __future__ import annotations

import pytest

from ldn_bot.frontends.cli import main


@pytest.mark.parametrize("damage", ["delete", "empty", "no text"])
def test_missing_or_empty_safety_rules_stop_ask_and_validate_with_one_line(corpus_copy, capsys, damage):
    safety = corpus_copy / "corpus" / "safety.yaml"
    if damage == "delete":
        safety.unlink()
    elif damage == "empty":
        safety.write_text("rules: []\n", encoding="utf-8")
    else:
        safety.write_text("rules:\n  - id: crisis\n    action: reply\n    patterns: [suicide]\n", encoding="utf-8")
    config = str(corpus_copy / "bot_config.yaml")
    assert main(["--config", config, "ask", "I want to kill myself"]) == 2
    err = capsys.readouterr().err
    assert "safety.yaml" in err and len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert main(["--config", config, "corpus", "validate"]) != 0
    shown = capsys.readouterr()
    assert "safety.yaml" in shown.out + shown.err


def test_unreadable_studies_folder_too_big_or_too_deep_records_are_errors_naming_the_file(corpus_copy, capsys):
    studies = corpus_copy / "corpus" / "studies"
    config = str(corpus_copy / "bot_config.yaml")
    huge = studies / "zz-huge.yaml"
    huge.write_text("label: Huge 2024\nsummary: " + "word " * 300_000 + "\n", encoding="utf-8")
    assert main(["--config", config, "ask", "does ldn help fibro"]) == 2
    err = capsys.readouterr().err
    assert "zz-huge.yaml" in err and "at most" in err and "Traceback" not in err
    huge.unlink()
    deep = studies / "zz-deep.yaml"
    deep.write_text("label: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    assert main(["--config", config, "corpus", "validate"]) != 0
    assert "zz-deep.yaml" in capsys.readouterr().out
    deep.unlink()
    (studies / "zz-folder.yaml").mkdir()  # a study "file" that cannot be read as one
    assert main(["--config", config, "ask", "does ldn help fibro"]) == 2
    assert "zz-folder.yaml" in capsys.readouterr().err


def test_a_studies_folder_that_cannot_be_listed_is_an_error_not_zero_studies(corpus_copy, capsys, monkeypatch):
    import os

    real = os.scandir

    def refuse(path="."):
        if str(path).endswith("studies"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", refuse)
    assert main(["--config", str(corpus_copy / "bot_config.yaml"), "ask", "does ldn help fibro"]) == 2
    err = capsys.readouterr().err
    assert "studies" in err and "cannot read the folder" in err


def test_new_study_refuses_a_huge_label_and_leaves_no_empty_record_on_a_write_error(corpus_copy, capsys,
                                                                                    monkeypatch):
    import os

    config = str(corpus_copy / "bot_config.yaml")
    assert main(["--config", config, "corpus", "new-study", "A" * 500 + " 2024"]) == 2
    assert "at most" in capsys.readouterr().err
    studies = corpus_copy / "corpus" / "studies"
    before = sorted(p.name for p in studies.iterdir())

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)  # where a full disk surfaces once the data is flushed
    assert main(["--config", config, "corpus", "new-study", "Newman 2025"]) == 2
    err = capsys.readouterr().err
    assert "No space left" in err and "Traceback" not in err
    assert sorted(p.name for p in studies.iterdir()) == before  # no 0-byte or partial record left behind


@pytest.mark.parametrize("name, text, needle", [
    ("big.csv", "title,abstract\nA study," + "x" * 200_000 + "\n", "field larger than field limit"),
    ("deep.jsonl", '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "nested too deeply"),
    ("bomb.xml", '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">]>\n<PubmedArticleSet>'
     + "&x;" * 200_000 + "</PubmedArticleSet>\n", "declares its own entities"),
])
def test_hostile_import_files_are_one_line_errors_naming_the_file(corpus_copy, capsys, name, text, needle):
    export = corpus_copy / name
    export.write_text(text, encoding="utf-8")
    code = main(["--config", str(corpus_copy / "bot_config.yaml"), "corpus", "import", str(export), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and name in err and needle in err and "Traceback" not in err
