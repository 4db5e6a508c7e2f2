"""Any legal environment works (issue 22): terminals that cannot show every character, a full or closed stdout,
Ctrl-C at any moment, devices named as settings or history files, malformed evaluation sets and benchmark
arguments, and member text no terminal or log expects (lone CRs, lone surrogates, very long questions)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from ldn_bot.frontends.cli import main

NO_EVIDENCE = "does ldn help hiccups in cats on mars"


def read_log(config: Path) -> list[dict]:
    path = config.parent / "questions.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.mark.parametrize("encoding, args, stdin", [
    ("ascii", ["ask", "does ldn help fibromyalgia? 👍 für"], None),
    ("latin-1", ["repl"], "does ldn help fibromyalgia? 💊\nldn für Schmerzen 💊 bei Katzen auf dem Mars\n"),
    ("ascii", ["gaps"], None),
])
def test_a_terminal_that_cannot_show_a_character_gets_a_replacement_not_a_crash(quiet_config, encoding, args, stdin):
    result = subprocess.run([sys.executable, "-m", "ldn_bot", *args], capture_output=True, cwd=ROOT, timeout=120,
                            input=stdin.encode("utf-8") if stdin else None,  # piped input is read as UTF-8
                            env={**os.environ, "PYTHONIOENCODING": encoding, "LDN_BOT_CONFIG": str(quiet_config)})
    out, err = result.stdout.decode(encoding), result.stderr.decode(encoding)  # strict: what the terminal shows
    assert result.returncode == 0, err
    assert "Traceback" not in err and out.strip()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_stdout_ends_with_one_line_and_status_1(quiet_config):
    exe = [sys.executable, "-m", "ldn_bot", "ask", "does ldn help fibromyalgia"]
    with open("/dev/full", "w") as full:
        result = subprocess.run(exe, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                                env={**os.environ, "LDN_BOT_CONFIG": str(quiet_config)})
    assert result.returncode == 1
    assert result.stderr.strip() == "ldn-bot: error: cannot write the output: No space left on device"


def test_a_closed_stdout_ends_quietly(quiet_config):
    exe = [sys.executable, "-m", "ldn_bot", "ask", "does ldn help fibromyalgia"]
    result = subprocess.run(exe, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
                            env={**os.environ, "LDN_BOT_CONFIG": str(quiet_config)}, close_fds=True,
                            preexec_fn=lambda: os.close(1))
    assert "Traceback" not in result.stderr and result.returncode == 0


def _wait_until_loaded(pid: int, library: str) -> None:
    """Wait until process `pid` has loaded a shared library whose path contains `library` (how far start-up
    has come, without guessing at times)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if library in Path(f"/proc/{pid}/maps").read_text():
            return
        time.sleep(0.005)
    raise AssertionError(f"{library} never loaded")


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc")
@pytest.mark.parametrize("args, stage", [(["ask", "does ldn help fibromyalgia"], "_yaml"),  # reading settings
                                         (["ask", "does ldn help fibromyalgia"], "Stemmer"),  # building the index
                                         (["repl"], "Stemmer")])
def test_ctrl_c_at_start_up_is_status_130_without_a_traceback(quiet_config, args, stage):
    exe = Path(sys.executable).with_name("ldn-bot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "ldn_bot"]
    proc = subprocess.Popen([*cmd, *args], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env={**os.environ, "LDN_BOT_CONFIG": str(quiet_config)})
    try:
        _wait_until_loaded(proc.pid, stage)
    finally:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/full"])
def test_a_device_named_as_the_settings_file_is_refused_in_one_line(capsys, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    assert main(["--config", device, "ask", "hi"]) == 2
    err = capsys.readouterr().err
    assert err == f"ldn-bot: error: {device}: not a regular file (a device or socket); name a settings file\n"


def test_a_device_named_as_the_history_file_is_refused_in_one_line_and_the_repl_goes_on(tmp_path):
    from prompt_toolkit.history import InMemoryHistory

    from ldn_bot.frontends.repl import open_history

    said: list[str] = []
    history = open_history(Path("/dev/full"), said.append)  # as LDN_BOT_HISTORY=/dev/full gives it
    assert isinstance(history, InMemoryHistory)
    assert said == ["ldn-bot: history file /dev/full cannot be written (not a regular file); this session's "
                    "questions are not saved"]


def test_a_lone_cr_in_a_question_is_a_line_break_in_the_answer_and_the_log(quiet_config, capsys):
    config = str(quiet_config)
    before = len(read_log(quiet_config))
    assert main(["--config", config, "ask", NO_EVIDENCE + "\rand on venus"]) == 0
    assert "\r" not in capsys.readouterr().out
    logged = read_log(quiet_config)[before:]
    assert logged and all("\r" not in r["question"] for r in logged)


def test_a_long_question_is_cut_in_the_log_which_keeps_its_length_and_hash(quiet_config, capsys):
    from ldn_bot.logs import MAX_LOGGED_QUESTION

    question = NO_EVIDENCE + " and my story goes on" * 500
    before = len(read_log(quiet_config))
    assert main(["--config", str(quiet_config), "ask", question]) == 0
    capsys.readouterr()
    record = read_log(quiet_config)[before]
    assert len(record["question"]) <= MAX_LOGGED_QUESTION + 1 and record["question"].endswith("\u2026")
    assert record["question_length"] == len(question)
    assert record["question_sha256"] == hashlib.sha256(question.encode()).hexdigest()


def test_invalid_utf8_typed_at_the_terminal_is_logged_escaped_not_a_crash(quiet_config, capsys):
    from ldn_bot.config import load_config
    from ldn_bot.engine.engine import Engine
    from ldn_bot.frontends.repl import ReplSession

    # What prompt_toolkit makes of the bytes b"\xff\xfe" typed at a terminal: lone surrogates.
    session = ReplSession(Engine(load_config(quiet_config)), short=True, width=80)
    before = len(read_log(quiet_config))
    question = NO_EVIDENCE + " " + b"\xff\xfe".decode("utf-8", "surrogateescape")
    assert session.handle(question)
    logged = read_log(quiet_config)[before:]
    assert logged and logged[0]["question"].startswith(NO_EVIDENCE)
    line = (quiet_config.parent / "questions.jsonl").read_bytes().splitlines()[-1]
    assert b"\\udcff\\udcfe" in line  # escaped: the file stays UTF-8 JSON
    assert main(["--config", str(quiet_config), "gaps"]) == 0
    assert NO_EVIDENCE in capsys.readouterr().out


@pytest.mark.parametrize("text, needle", [
    ("- just a string\n", "case 1: a case is a mapping"),
    ("- id: x\n  question: 12\n", "case 1 ('x'): each turn needs a 'question'"),
    ("- id: y\n  turns: [{question: hi}, 3]\n", "case 1 ('y'): each turn needs a 'question'"),
    ("- id: z\n  question: [unclosed\n", "malformed YAML"),
    ("- id: w\n  question: does ldn help fibromyalgia\n  expect_status: [1, 2]\n  checks: 5\n", "case 'w'"),
    ("crisis:\n  positive: nope\n", "'positive' and 'negative' are lists"),
    ("crisis:\n  positive: [3]\n", "a case needs `text` or `turns`"),
])
def test_a_malformed_evaluation_set_is_one_line_naming_it(tmp_path, capsys, text, needle):
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["eval", "--set", str(path)]) == 2
    err = capsys.readouterr().err
    assert needle in err and str(path) in err and len(err.strip().splitlines()) == 1, err


def test_a_folder_or_device_as_an_evaluation_set_is_one_line(tmp_path, capsys):
    for path in (str(tmp_path), "/dev/zero"):
        assert main(["eval", "--set", path]) == 2
        err = capsys.readouterr().err
        assert path in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("args", [["latency", "--chunks", "0"], ["latency", "--queries", "-3"],
                                  ["latency", "--chunks", "ten"], ["scifact", "--limit", "0"]])
def test_bench_arguments_out_of_range_are_one_line_usage_errors(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        main(["bench", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("ldn-bot: error: argument") and len(err.strip().splitlines()) == 1


def test_zero_width_characters_in_a_record_never_reach_the_terminal(corpus_copy, capsys):
    record = corpus_copy / "corpus" / "studies" / "younger-2013.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("fibromyalgia", "fibro\u200bmyalgia\u2060").replace("Younger", "Youn\u200dger"),
                      encoding="utf-8")
    assert main(["--config", str(corpus_copy / "bot_config.yaml"), "ask", "does ldn help fibromyalgia"]) == 0
    out = capsys.readouterr().out
    assert "Younger 2013" in out and not any(c in out for c in "\u200b\u200d\u2060")


def test_run_cli_helper_still_runs_the_installed_entry_point():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("ldn-bot ")


@pytest.mark.skipif(not hasattr(os, "openpty") or not os.path.exists("/dev/full"), reason="needs a pty and /dev/full")
def test_the_interactive_repl_takes_invalid_utf8_and_a_device_as_history(quiet_config):
    """At a real terminal (a pty): LDN_BOT_HISTORY=/dev/full is refused in one line and the REPL goes on; bytes
    that are not UTF-8 typed into a question are answered and logged (escaped), never a crash at the log write."""
    import pty
    import select

    master, slave = pty.openpty()
    env = {**os.environ, "LDN_BOT_HISTORY": "/dev/full", "LDN_BOT_CONFIG": str(quiet_config), "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "ldn_bot", "repl"], stdin=slave, stdout=slave, stderr=slave,
                            env=env, cwd=ROOT, close_fds=True)
    os.close(slave)
    seen = b""

    def read_until(needle: bytes) -> bool:
        nonlocal seen
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return False
                seen += data
                if b"\x1b[6n" in data:  # prompt_toolkit asks where the cursor is
                    os.write(master, b"\x1b[1;1R")
                if needle in seen:
                    return True
        return False

    try:
        before = len(read_log(quiet_config))
        assert read_until(b"ldn>"), seen
        os.write(master, NO_EVIDENCE.encode() + b" \xff\xfe\r")
        assert read_until(b"not medical advice"), seen
        os.write(master, b":quit\r")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert text.count("history file /dev/full cannot be written (not a regular file)") == 1
    logged = read_log(quiet_config)[before:]
    assert [r["question"] for r in logged] == [NO_EVIDENCE + " \udcff\udcfe"]
