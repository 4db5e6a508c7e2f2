"""Corpus files are strict YAML (issue 22): a key given twice, or an alias, is an error naming the file and line,
for `ask` and `corpus validate` alike; files an editor leaves beside a record are ignored."""

from __future__ import annotations

import os

from ldn_bot.frontends.cli import main

LAUGHS = "\n".join(
    ["label: Laughs 2020", 'aliases: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"x{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefg", "bcdefgh")]
    + ["conditions: [" + ",".join(["*h"] * 9) + "]"]
) + "\n"


def test_a_second_result_key_is_an_error_naming_file_and_line_not_the_answer(corpus_copy, capsys):
    record = corpus_copy / "corpus" / "studies" / "younger-2013.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text + "result: LDN cured fibromyalgia in every patient.\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    config = str(corpus_copy / "bot_config.yaml")
    assert main(["--config", config, "ask", "does ldn help fibromyalgia"]) == 2
    captured = capsys.readouterr()
    assert "cured fibromyalgia in every patient" not in captured.out
    assert f"{record}:{line}: duplicate key 'result'" in captured.err and "Traceback" not in captured.err
    assert main(["--config", config, "corpus", "validate"]) == 1
    out = capsys.readouterr().out
    assert f"{record}:{line}: error: duplicate key 'result' (first given on line" in out


def test_a_duplicate_key_in_front_matter_or_synonyms_is_named_too(corpus_copy, capsys):
    synonyms = corpus_copy / "corpus" / "synonyms.yaml"
    text = synonyms.read_text(encoding="utf-8")
    top = next(line for line in text.splitlines() if line and not line.startswith(("#", " ", "-")))
    synonyms.write_text(text + top + "\n", encoding="utf-8")
    assert main(["corpus", "validate", str(corpus_copy / "corpus")]) == 1
    assert f"duplicate key '{top.rstrip(':').strip()}'" in capsys.readouterr().out


def test_validate_refuses_a_billion_laughs_record_at_once(corpus_copy, capsys):
    laughs = corpus_copy / "corpus" / "studies" / "laughs-2020.yaml"
    laughs.write_text(LAUGHS, encoding="utf-8")
    assert main(["corpus", "validate", str(corpus_copy / "corpus")]) == 1
    out = capsys.readouterr().out
    assert f"{laughs}:2: error: a YAML anchor reused by an alias" in out
    assert main(["--config", str(corpus_copy / "bot_config.yaml"), "ask", "does ldn help fibro"]) == 2
    assert "aliases are not allowed" in capsys.readouterr().err


def test_editor_lock_swap_and_backup_files_are_ignored(corpus_copy, capsys):
    studies = corpus_copy / "corpus" / "studies"
    assert main(["corpus", "validate", str(corpus_copy / "corpus")]) == 0
    before = capsys.readouterr().err
    os.symlink("ola@host.1234:1700000000", studies / ".#younger-2013.yaml")  # Emacs's lock: a dangling link
    for name in (".younger-2013.yaml.swp", "younger-2013.yaml~", "younger-2013.yaml.bak", "younger-2013.yaml.orig",
                 "#younger-2013.yaml#", ".hidden.yaml", "younger-2013.bak.yaml~"):
        (studies / name).write_text("label: [broken\n", encoding="utf-8")
    (corpus_copy / "corpus" / "documents" / ".#notes.md").write_text("no front matter\n", encoding="utf-8")
    assert main(["corpus", "validate", str(corpus_copy / "corpus")]) == 0
    assert capsys.readouterr().err == before  # the same counts: the editor files are not records
    assert main(["--config", str(corpus_copy / "bot_config.yaml"), "ask", "does ldn help fibromyalgia"]) == 0
    assert "Younger 2013" in capsys.readouterr().out
