"""The parsed safety lexicons kept between starts (ldn_bot/engine/safety/lexicon_cache.py): a curator's edit to a
lexicon file counts at the next start, a broken cache file is rebuilt without a word to the user, and a mistake
in a lexicon file is still reported at its file and line when a parsed copy of the old file is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ldn_bot.frontends.cli import main

MESSAGE = "i take zorblatex every day for my back, can i start ldn?"


def _ask(root: Path, capsys, message: str = MESSAGE) -> dict:
    assert main(["--config", str(root / "bot_config.yaml"), "ask", "--json", message]) == 0
    return json.loads(capsys.readouterr().out)


def _cache(root: Path) -> Path:
    return root / "corpus" / ".cache" / "safety_lexicon.marshal"


@pytest.fixture(autouse=True)
def _no_kept_copy(corpus_copy):
    """These tests watch the parsed copy being made: the copy of the corpus starts without the one conftest seeds."""
    _cache(corpus_copy).unlink(missing_ok=True)


def _edit_opioids(root: Path, line: str) -> None:
    """Add `line` as the first phrase of the opioid concept's 'class' group in drugs.yaml."""
    drugs = root / "corpus" / "safety" / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    assert "\n    class:\n" in text
    drugs.write_text(text.replace("\n    class:\n", f"\n    class:\n      - {line}\n", 1), encoding="utf-8")


def test_a_new_opioid_in_a_lexicon_warns_at_the_next_start(corpus_copy, capsys):
    before = _ask(corpus_copy, capsys)
    assert "opioid_interaction" not in before["safety"]  # an unknown name: nothing to warn about
    assert _cache(corpus_copy).exists()  # the parsed lexicons were kept
    _edit_opioids(corpus_copy, "zorblatex")
    after = _ask(corpus_copy, capsys)
    assert "opioid_interaction" in after["safety"]  # the curator's word counts, not the kept copy
    assert _ask(corpus_copy, capsys)["safety"] == after["safety"]  # and again, from the new copy


def test_a_broken_cache_file_is_rebuilt_without_a_word(corpus_copy, capsys):
    _edit_opioids(corpus_copy, "zorblatex")
    first = _ask(corpus_copy, capsys)
    assert "opioid_interaction" in first["safety"]
    cache = _cache(corpus_copy)
    good = cache.read_bytes()
    for broken in (b"", b"not a cache", good[: len(good) // 2], good[:40] + bytes([good[40] ^ 1]) + good[41:]):
        cache.write_bytes(broken)
        assert main(["--config", str(corpus_copy / "bot_config.yaml"), "ask", "--json", MESSAGE]) == 0
        out, err = capsys.readouterr()
        assert json.loads(out)["safety"] == first["safety"] and err == ""
        assert cache.read_bytes() != broken  # written again, whole


def test_a_mistake_in_a_lexicon_file_names_its_file_and_line_though_a_copy_is_kept(corpus_copy, capsys):
    _ask(corpus_copy, capsys)
    assert _cache(corpus_copy).exists()
    _edit_opioids(corpus_copy, "[1, 2]")  # a list where a phrase belongs
    assert main(["--config", str(corpus_copy / "bot_config.yaml"), "ask", "hello"]) == 2
    err = capsys.readouterr().err
    assert "drugs.yaml" in err and "concept 'opioid' (class) must be a list of text" in err
    assert "line 8" in err or ":8" in err  # the 'concepts:' line, as without a kept copy
    assert "Traceback" not in err
