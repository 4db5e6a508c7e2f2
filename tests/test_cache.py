"""The persistent index cache: reused when current, rebuilt when stale, corrupt or truncated — never a crash."""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ldn_bot.corpus.loader import load_corpus
from ldn_bot.retrieval import cache
from ldn_bot.retrieval.analyzer import Analyzer
from ldn_bot.retrieval.chunker import build_chunks
from ldn_bot.retrieval.search import Searcher


@pytest.fixture
def setup(corpus_copy, config):
    root = corpus_copy / "corpus"
    shutil.rmtree(root / ".cache", ignore_errors=True)  # these tests watch the index cache being made
    return root, config.retrieval


def index(root: Path, settings):
    corpus = load_corpus(root)
    return cache.load_or_build(corpus, build_chunks(corpus), settings, Analyzer())


def top(searcher: Searcher, q: str) -> list[str]:
    return [h.chunk.id for h in searcher.search(q).hits]


def test_built_once_then_loaded_with_identical_results(setup):
    root, settings = setup
    first = index(root, settings)
    assert first.source == "built" and (root / ".cache" / "index.npz").exists()
    second = index(root, settings)
    assert second.source == "cache" and second.key == first.key
    assert second.matrix.vocab == first.matrix.vocab and second.surface == first.surface
    for q in (["fibromyalg"], ["crohn", "diseas"], ["naltrexon", "dose"]):
        assert np.array_equal(first.scorer.scores(q), second.scorer.scores(q))


def test_searcher_uses_the_cache_and_answers_the_same(setup):
    root, settings = setup
    corpus = load_corpus(root)
    fresh = Searcher(corpus, dataclasses.replace(settings, cache=False))
    assert not (root / ".cache").exists()  # cache: false writes nothing
    a, b = Searcher(corpus, settings), Searcher(corpus, settings)
    for q in ("Does LDN help fibromyalgia?", "crohns disease", "side effects"):
        assert top(fresh, q) == top(a, q) == top(b, q)


def test_changed_corpus_rebuilds_and_never_serves_stale(setup):
    root, settings = setup
    before = index(root, settings)
    path = root / "studies" / "kariv-2006.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("irritable", "Zyxwvut"), encoding="utf-8")
    after = index(root, settings)
    assert after.source == "built" and after.key != before.key
    assert "zyxwvut" in after.stats.df and "zyxwvut" not in before.stats.df
    assert index(root, settings).source == "cache"


def test_changed_index_settings_rebuild(setup):
    root, settings = setup
    index(root, settings)
    assert index(root, dataclasses.replace(settings, title_weight=settings.title_weight + 1)).source == "built"


def test_scoring_settings_apply_to_a_cached_index(setup):
    root, settings = setup
    index(root, settings)
    other = dataclasses.replace(settings, k1=2.0, b=0.3, backend="bm25s")
    cached, fresh = index(root, other), cache.load_or_build(
        load_corpus(root), build_chunks(load_corpus(root)), dataclasses.replace(other, cache=False), Analyzer())
    assert cached.source == "cache"
    np.testing.assert_allclose(cached.scorer.scores(["pain"]), fresh.scorer.scores(["pain"]))


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _flip_byte(p: Path) -> None:
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("docs.npy")
    pos = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[pos] ^= 0xFF
    p.write_bytes(bytes(data))


def _garbage(p: Path) -> None:
    p.write_bytes(b"not an npz at all")


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _bad_arrays(p: Path) -> None:
    with np.load(p) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["docs"] = arrays["docs"] + 10**6  # doc indices out of range
    np.savez(p, **arrays)


def _pickled(p: Path) -> None:
    with np.load(p) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["tf"] = np.array([object()] * 3, dtype=object)
    np.savez(p, **arrays)


def _directory(p: Path) -> None:
    p.unlink()
    p.mkdir()


@pytest.mark.parametrize("damage", [_truncate, _flip_byte, _garbage, _empty, _bad_arrays, _pickled])
def test_corrupt_cache_rebuilds_with_a_warning(setup, caplog, damage):
    root, settings = setup
    good = index(root, settings)
    path = root / ".cache" / "index.npz"
    damage(path)
    with caplog.at_level(logging.WARNING, logger="ldn_bot.cache"):
        again = index(root, settings)
    assert again.source == "built"
    assert any("rebuilding" in r.getMessage() for r in caplog.records)
    assert again.matrix.vocab == good.matrix.vocab
    np.testing.assert_array_equal(again.scorer.scores(["pain"]), good.scorer.scores(["pain"]))
    assert index(root, settings).source == "cache"  # the rebuilt file is good again


def test_unwritable_or_unreadable_cache_location_still_answers(setup, caplog):
    root, settings = setup
    (root / ".cache").write_text("a file where the folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="ldn_bot.cache"):
        data = index(root, settings)
    assert data.source == "built" and data.stats is not None and data.stats.df["pain"] > 0
    assert any("cannot write" in r.getMessage() for r in caplog.records)


def test_cache_directory_in_place_of_file(setup, caplog):
    root, settings = setup
    index(root, settings)
    _directory(root / ".cache" / "index.npz")
    with caplog.at_level(logging.WARNING, logger="ldn_bot.cache"):
        assert index(root, settings).source == "built"


def test_cache_is_plain_arrays_not_pickle(setup):
    root, settings = setup
    index(root, settings)
    with np.load(root / ".cache" / "index.npz", allow_pickle=False) as z:
        assert set(z.files) == {"meta", "indptr", "docs", "tf", "doc_len", "lex_stem", "lex_zipf"}
        assert all(z[k].dtype != object for k in z.files)


def test_cached_lexicon_equals_a_fresh_one(setup):
    from ldn_bot.retrieval.analyzer import Analyzer
    from ldn_bot.retrieval.query import lexicon

    root, settings = setup
    first = index(root, settings)
    second = index(root, settings)
    assert second.source == "cache"
    assert second.lexicon == first.lexicon == lexicon(first.surface, Analyzer())


# -- a cache folder that cannot be read: `ldn-bot ask` still answers, with one warning -------------------------


def _small_learned_layer(site: Path) -> None:
    """The copy's learned safety layer fitted on one small labelled set: with its cache folder unreadable, the layer
    is refitted at each start (and cannot be kept), in a second rather than the full sets' fifteen. What these tests
    watch is the cache, not the model's figures; the refit and the failed save are still done."""
    path = site / "corpus" / "safety.yaml"
    text = path.read_text(encoding="utf-8")
    small = re.sub(r"(?m)^  examples: \[.*\]$", "  examples: [../eval/safety_blind3.yaml]", text, count=1)
    small = re.sub(r"(?m)^  questions: \[.*\]$", "  questions: []", small, count=1)
    assert small.count("\n  examples: [../eval/safety_blind3.yaml]\n  questions: []\n") == 1
    path.write_text(small, encoding="utf-8")


def _ask(site: Path, capsys) -> tuple[int, str]:
    from ldn_bot.frontends.cli import main

    code = main(["--config", str(site / "bot_config.yaml"), "ask", "--json", "does ldn help fibromyalgia"])
    return code, capsys.readouterr().out


def test_ask_answers_when_the_cache_folder_cannot_be_read(corpus_copy, capsys, caplog, monkeypatch):
    import builtins
    import os

    _small_learned_layer(corpus_copy)
    code, before = _ask(corpus_copy, capsys)  # writes the cache
    folder = corpus_copy / "corpus" / ".cache"
    assert code == 0 and (folder / "index.npz").exists() and (folder / "safety_model.npz").exists()

    # As under chmod 000 (tests run as root, where it would not hold): nothing inside the folder can be looked at,
    # opened or created; Path.exists() on the cache file raises PermissionError instead of saying False.
    def inside(path) -> bool:
        return isinstance(path, (str, os.PathLike)) and folder in Path(path).parents

    def refused(real):
        def call(path, *args, **kwargs):
            if inside(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return call

    for module, name in ((os, "stat"), (os, "open"), (builtins, "open")):
        monkeypatch.setattr(module, name, refused(getattr(module, name)))
    with caplog.at_level(logging.WARNING, logger="ldn_bot.cache"):
        code, after = _ask(corpus_copy, capsys)
    assert code == 0 and after == before  # the same answer, from an index built in memory
    assert [r.getMessage() for r in caplog.records] == [
        f"{folder / 'index.npz'}: cannot read or rewrite the index cache (Permission denied); "
        "building the index in memory"]


def test_chmod_000_on_the_cache_folder_for_real_is_one_warning_line(corpus_copy, capsys):
    import os
    import shutil
    import subprocess
    import sys

    probe = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "true"]
    if os.geteuid() != 0 or not shutil.which("setpriv") or subprocess.run(probe, capture_output=True).returncode:
        pytest.skip("needs root and setpriv to make chmod 000 hold")
    _small_learned_layer(corpus_copy)
    code, before = _ask(corpus_copy, capsys)  # writes the cache
    folder = corpus_copy / "corpus" / ".cache"
    assert code == 0 and (folder / "index.npz").exists() and (folder / "safety_model.npz").exists()
    folder.chmod(0)
    try:
        run = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                              "--inh-caps=-dac_override,-dac_read_search", sys.executable, "-m", "ldn_bot",
                              "--config", str(corpus_copy / "bot_config.yaml"), "ask", "--json",
                              "does ldn help fibromyalgia"], capture_output=True, text=True, timeout=120)
    finally:
        folder.chmod(0o755)
    assert run.returncode == 0 and run.stdout == before
    assert run.stderr == (f"{folder / 'index.npz'}: cannot read or rewrite the index cache (Permission denied); "
                          "building the index in memory\n")
