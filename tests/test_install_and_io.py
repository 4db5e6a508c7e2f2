"""Issue 14, as a user meets it: settings out of range or unreadable are one-line errors; files are written whole
or not at all; damaged log lines are skipped with a warning; the REPL survives bad input and an unwritable
history; `corpus init` makes an editable copy; a wheel install answers from an empty folder."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import typing
import zipfile
from pathlib import Path

import pytest
import yaml

from ldn_bot import config as cfg
from ldn_bot.fileio import append_line, atomic_write
from ldn_bot.frontends.cli import main
from ldn_bot.logs import JsonlLog

ROOT = Path(__file__).resolve().parent.parent


def settings(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "bot_config.yaml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return str(path)


def one_line_error(capsys, code: int) -> str:
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


# -- settings ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("section", "value", "key"), [
    ("retrieval:\n  k1: -5", "-5", "retrieval.k1"),
    ("retrieval:\n  min_score: .nan", "nan", "retrieval.min_score"),
    ("retrieval:\n  top_k: 0", "0", "retrieval.top_k"),
    ("retrieval:\n  title_weight: 100000000", "100000000", "retrieval.title_weight"),
    ("retrieval:\n  b: .inf", "inf", "retrieval.b"),
    ("conversation:\n  idle_minutes: -1", "-1", "conversation.idle_minutes"),
    ("discord:\n  allowed_channels: [1, -2]", "-2", "discord.allowed_channels[1]"),
    ("discord:\n  rate_limit: {per_seconds: 0}", "0", "discord.rate_limit.per_seconds"),
])
def test_a_setting_out_of_range_is_a_one_line_error_naming_key_and_file(tmp_path, capsys, section, value, key):
    path = settings(tmp_path, f"disclaimer: x\n{section}\n")
    err = one_line_error(capsys, main(["--config", path, "ask", "does ldn help fibromyalgia"]))
    assert f"'{key}'" in err and path in err and value in err and " from " in err


def test_an_unknown_backend_is_refused_when_the_settings_load(tmp_path, capsys):
    path = settings(tmp_path, "disclaimer: x\nretrieval:\n  backend: elastic\n")
    err = one_line_error(capsys, main(["--config", path, "corpus", "stats"]))
    assert "'retrieval.backend'" in err and "'elastic'" in err and "'bm25s'" in err and path in err


def test_every_numeric_setting_declares_a_range():
    def numeric(hint) -> bool:
        args = typing.get_args(hint)
        return hint in (int, float) or any(numeric(a) for a in args)

    def walk(cls, prefix=""):
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            hint = hints[f.name]
            if dataclasses.is_dataclass(hint):
                yield from walk(hint, f"{prefix}{f.name}.")
            elif numeric(hint):
                yield f"{prefix}{f.name}", f.metadata.get("range")

    found = dict(walk(cfg.Config))
    assert "retrieval.k1" in found and "discord.rate_limit.questions" in found
    assert [key for key, rng in found.items() if rng is None] == []


def test_the_defaults_are_the_shipped_settings():
    shipped = cfg.load_config(ROOT / "bot_config.yaml")
    for name in ("retrieval", "conversation", "discord", "logs", "messages"):
        default = type(getattr(shipped, name))()
        assert default == getattr(shipped, name), name
    assert shipped.retrieval.k1 == 1.5 and shipped.retrieval.b == 0.85 and shipped.retrieval.title_weight == 3


@pytest.mark.parametrize(("text", "expected"), [
    (b"disclaimer: caf\xe9\n", "not UTF-8"),
    ("disclaimer: x\nretrieval: " + "[" * 1000 + "]" * 1000 + "\n", "nested more than"),
    ("disclaimer: x\nretrieval:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(1000)), "nested more than"),
])
def test_an_unreadable_settings_file_is_a_one_line_error(tmp_path, capsys, text, expected):
    path = settings(tmp_path, text)
    err = one_line_error(capsys, main(["--config", path, "ask", "hi"]))
    assert expected in err and path in err


def test_a_folder_given_as_the_settings_file_is_a_one_line_error(tmp_path, capsys):
    err = one_line_error(capsys, main(["--config", str(tmp_path), "ask", "hi"]))
    assert str(tmp_path) in err


# -- whole or not at all -------------------------------------------------------------------------------------

def test_atomic_write_replaces_whole_or_refuses(tmp_path):
    target = tmp_path / "record.yaml"
    atomic_write(target, "first\n")
    atomic_write(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    with pytest.raises(FileExistsError):
        atomic_write(target, "third\n", overwrite=False)
    assert target.read_text(encoding="utf-8") == "second\n"
    atomic_write(tmp_path / "new.yaml", "new\n", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.yaml", "record.yaml"]  # no temporary file left


def test_atomic_write_on_a_full_disk_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "record.yaml"
    target.write_text("old\n", encoding="utf-8")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, "new\n")
    with pytest.raises(OSError, match="No space"):
        atomic_write(tmp_path / "other.yaml", "new\n", overwrite=False)
    assert [p.name for p in tmp_path.iterdir()] == ["record.yaml"] and target.read_text(encoding="utf-8") == "old\n"


def test_a_full_disk_loses_the_log_line_whole_with_a_warning(caplog):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with caplog.at_level(logging.WARNING, logger="ldn_bot.fileio"):
        assert append_line("/dev/full", '{"question": "x"}') is False  # a real device that is always full
    assert any("No space" in r.getMessage() for r in caplog.records)


def test_a_log_write_cut_short_is_undone_and_the_next_line_is_whole(tmp_path, monkeypatch, caplog):
    import ldn_bot.fileio as fileio

    log = JsonlLog(tmp_path / "questions.jsonl")
    assert log.append({"question": "first", "status": "no_evidence"})
    real_write = os.write

    def half(fd, data):  # the disk fills up half-way through the line, as on a real full disk
        return real_write(fd, data[: len(data) // 2])

    monkeypatch.setattr(fileio.os, "write", half)
    with caplog.at_level(logging.WARNING, logger="ldn_bot.fileio"):
        assert log.append({"question": "tinnitus ünïcödé", "status": "no_evidence"}) is False
    assert any("could not write" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(fileio.os, "write", real_write)
    assert log.path.read_bytes().endswith(b"\n")  # the torn half was cut off again
    assert log.append({"question": "third", "status": "no_evidence"})
    assert [r["question"] for r in log.read()] == ["first", "third"] and log.damaged == []


def test_a_line_torn_by_a_crash_is_not_glued_to_the_next_record(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_bytes(b'{"question": "first"}\n{"question": "tor\xc3')  # a crash mid-line, mid-character
    assert append_line(path, json.dumps({"question": "next"}))
    log = JsonlLog(path)
    assert [r["question"] for r in log.read()] == ["first", "next"] and log.damaged == [2]


def test_gaps_skips_damaged_lines_with_one_warning_and_never_fails(tmp_path, capsys):
    good = {"time": "2025-03-01T12:00:00+00:00", "question": "Does LDN help tinnitus?", "status": "no_evidence"}
    path = tmp_path / "questions.jsonl"
    path.write_bytes(json.dumps(good).encode() + b"\n" + b'{"time": "2025-03-0' + b"\n"
                     + b'{"question": "caf\xe9 au lait", "status": "no_evidence"}\n' + b"[1, 2]\n"
                     + json.dumps(dict(good, time="2025-03-02T12:00:00+00:00")).encode() + b"\n")
    assert main(["gaps", "--log", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert [g["count"] for g in json.loads(out)] == [2]
    assert err.count("\n") == 1 and "skipped 3 damaged lines" in err and "2, 3, 4" in err and "Traceback" not in err


# -- corpus init ---------------------------------------------------------------------------------------------

def test_corpus_init_writes_an_editable_copy_and_refuses_to_overwrite(tmp_path, capsys):
    site = tmp_path / "site"
    assert main(["corpus", "init", str(site)]) == 0
    assert "Wrote" in capsys.readouterr().out
    config = cfg.load_config(site / "bot_config.yaml")
    assert config.corpus_path == site / "corpus"
    shipped = sorted(p.name for p in (ROOT / "corpus" / "studies").glob("*.yaml"))
    assert sorted(p.name for p in (site / "corpus" / "studies").glob("*.yaml")) == shipped
    assert not (site / "corpus" / ".cache").exists()
    (site / "corpus" / "synonyms.yaml").write_text("edited\n", encoding="utf-8")
    err = one_line_error(capsys, main(["corpus", "init", str(site)]))
    assert "already exists" in err
    assert (site / "corpus" / "synonyms.yaml").read_text(encoding="utf-8") == "edited\n"
    # the corpus, its settings, and the labelled sets the safety layer is fitted on (beside the corpus)
    assert sorted(p.name for p in site.iterdir()) == ["bot_config.yaml", "corpus", "eval", "tests"]


def test_settings_are_found_in_the_documented_order(tmp_path, monkeypatch):
    monkeypatch.delenv("LDN_BOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cfg.find_config() == cfg.default_dir() / "bot_config.yaml" == ROOT / "bot_config.yaml"  # a checkout
    (tmp_path / "bot_config.yaml").write_text("disclaimer: x\n", encoding="utf-8")
    assert cfg.find_config() == tmp_path / "bot_config.yaml"
    monkeypatch.setenv("LDN_BOT_CONFIG", "/elsewhere/settings.yaml")
    assert cfg.find_config() == Path("/elsewhere/settings.yaml")
    assert cfg.find_config("given.yaml") == Path("given.yaml")


def test_a_wheel_answers_from_an_empty_folder_and_caches_outside_the_package(tmp_path, fitted):
    """Build the wheel as `pip wheel .` does (from a copy of the checkout), unpack it as pip installs it, and ask
    from an empty folder: the settings and corpus come from inside the package, the index goes to the user's
    cache folder, and nothing is written into the package."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "bot_config.yaml"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns(".cache", "__pycache__", "*.pyc")
    shutil.copytree(ROOT / "ldn_bot", src / "ldn_bot", ignore=ignore)
    shutil.copytree(ROOT / "corpus", src / "corpus", ignore=ignore)
    shutil.copytree(ROOT / "eval", src / "eval", ignore=ignore)  # the learned safety layer's labelled sets
    shutil.copytree(ROOT / "tests" / "data", src / "tests" / "data", ignore=ignore)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w",
                            str(tmp_path / "wheels")], capture_output=True, text=True, timeout=300)
    if built.returncode != 0 and "setuptools" in built.stderr and "find" in built.stderr:
        pytest.skip("the build backend (setuptools) cannot be fetched here")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheels").glob("ldn_bot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ldn_bot/bundled/bot_config.yaml" in names and "ldn_bot/bundled/corpus/safety.yaml" in names
    assert not any("/.cache/" in n for n in names)
    assert "ldn_bot/bundled/eval/safety_blind1.yaml" in names  # the learned safety layer fits the same model
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    before = sorted(str(p.relative_to(site)) for p in site.rglob("*"))
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "LDN_BOT_CONFIG"}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"),
               PYTHONDONTWRITEBYTECODE="1")
    # where the installed package keeps the packaged corpus's fitted files, seeded with this checkout's (the same
    # labelled sets: read, not refitted for seconds; a model fitted on other files would be refitted)
    where = subprocess.run([sys.executable, "-c", "import sys; from ldn_bot.config import load_config, corpus_cache; "
                            "root = load_config().corpus_path; print(*(corpus_cache(root, n) for n in sys.argv[1:]))",
                            *fitted], cwd=empty, env=env, capture_output=True, text=True, timeout=120)
    assert where.returncode == 0, where.stderr
    kept = [Path(p) for p in where.stdout.split()]
    assert [p.parent for p in kept] == [tmp_path / "cache" / "ldn-bot"] * len(fitted)  # the user's cache folder
    for path, dest in zip(fitted.values(), kept):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    run = subprocess.run([sys.executable, "-m", "ldn_bot", "ask", "--json", "Does LDN help psoriasis?"], cwd=empty,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["status"] == "answered" and answer["citations"]
    assert list((tmp_path / "cache" / "ldn-bot").glob("index-*.npz"))  # cached in the user's cache folder
    off_topic = subprocess.run([sys.executable, "-m", "ldn_bot", "ask", "What is the capital of Australia?"],
                               cwd=empty, env=env, capture_output=True, text=True, timeout=120)
    assert off_topic.returncode == 0, off_topic.stderr
    logged = tmp_path / "state" / "ldn-bot" / "logs" / "questions.jsonl"  # the packaged settings' log
    assert "capital of Australia" in logged.read_text(encoding="utf-8")
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == before  # nothing written into the package
    assert list(empty.iterdir()) == []


# -- the REPL's input ----------------------------------------------------------------------------------------

def test_repl_json_reads_invalid_utf8_and_answers_every_line(quiet_config, capsys, monkeypatch):
    raw = b"does ldn help fibro\xffmyalgia\n\n\xc3\x28 hello\n:quit\nnever read\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    monkeypatch.setenv("LDN_BOT_CONFIG", str(quiet_config))
    assert main(["repl", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3  # one JSON line for each input line up to :quit, the blank one included
    first, blank, third = (json.loads(line) for line in lines)
    assert "\ufffd" in first["question"] and "\ufffd" in third["question"]
    assert "message" in blank


def test_repl_history_that_cannot_be_written_is_said_once_and_the_repl_goes_on(tmp_path):
    from prompt_toolkit.history import InMemoryHistory

    from ldn_bot.frontends.repl import open_history

    said: list[str] = []
    history = open_history(tmp_path / "missing" / "history", said.append)
    assert isinstance(history, InMemoryHistory) and len(said) == 1 and "cannot be written" in said[0]

    folder = tmp_path / "home"
    folder.mkdir()
    said.clear()
    history = open_history(folder / "history", said.append)
    history.store_string("does ldn help tinnitus")
    shutil.rmtree(folder)  # the file's folder goes away (or the disk fills) while the REPL runs
    history.store_string("and eczema?")
    history.store_string("and psoriasis?")
    assert len(said) == 1 and "cannot be written" in said[0]


def test_soft_hyphens_and_zero_width_characters_do_not_change_the_answer(engine):
    plain = engine.answer("Does LDN help fibromyalgia?")
    for odd in ("fibro\u00admyalgia", "fibro\u200bmyalgia", "fibromy\u200dalgia"):
        answer = engine.answer(f"Does LDN help {odd}?")
        assert [c.label for c in answer.citations] == [c.label for c in plain.citations], odd


def test_the_analyzer_drops_invisible_format_characters_in_questions_and_corpus_alike():
    import unicodedata

    from ldn_bot.retrieval.analyzer import _INVISIBLE, Analyzer, normalize

    assert all(unicodedata.category(chr(c)) == "Cf" for c in _INVISIBLE)
    assert {0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF} <= set(_INVISIBLE)
    assert normalize("Fibro\u00admyalgia") == "fibromyalgia"
    assert Analyzer().tokens("fibro\u200bmyalgia pain") == Analyzer().tokens("fibromyalgia pain")


def test_the_shipped_settings_file_is_valid_yaml_for_tools():
    assert isinstance(yaml.safe_load((ROOT / "bot_config.yaml").read_text(encoding="utf-8")), dict)
