"""`ldn-bot ask` and the REPL on a real terminal (a pty of 80×24): the answer fits one screen, --full and pipes
keep the complete text, NO_COLOR means no escape code, long output goes through the pager."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import sys
import termios
import threading
from pathlib import Path

import pytest

from ldn_bot.frontends.cli import main
from ldn_bot.render.text import render_text

ANSI = re.compile(r"\033\[[0-9;]*m")
QUESTION = "Does LDN help fibromyalgia?"


@pytest.fixture(autouse=True)
def settings(quiet_config, monkeypatch, tmp_path):
    monkeypatch.setenv("LDN_BOT_CONFIG", str(quiet_config))
    for name in ("NO_COLOR", "COLUMNS", "LINES", "PAGER", "LDN_BOT_PAGER"):
        monkeypatch.delenv(name, raising=False)
    return quiet_config


def on_terminal(monkeypatch, *args: str, columns: int = 80, rows: int = 24) -> tuple[int, str]:
    """Run `ldn-bot ARGS` in-process with stdout on a pty of `columns`×`rows`; returns (exit code, screen text
    with the terminal's CRLF turned back into newlines)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # keep "\n" as written
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out = io.TextIOWrapper(os.fdopen(slave, "wb", buffering=0), encoding="utf-8", line_buffering=True)
    saved, sys.stdout = sys.stdout, out
    try:
        code = main(list(args))
        out.flush()
    finally:
        sys.stdout = saved
        out.close()
        reader.join(timeout=5)
        os.close(master)
    return code, b"".join(chunks).decode("utf-8")


def test_ask_on_an_80x24_terminal_fits_one_screen_with_a_way_to_see_everything(monkeypatch, tmp_path):
    pager_ran = tmp_path / "pager-ran"
    monkeypatch.setenv("LDN_BOT_PAGER", f"touch {pager_ran}")
    code, shown = on_terminal(monkeypatch, "ask", QUESTION)
    assert code == 0
    plain = ANSI.sub("", shown)
    lines = plain.rstrip("\n").split("\n")
    assert len(lines) <= 23 and all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("Fibromyalgia:") and "did not" in plain  # the direct answer, null result too
    assert "--full" in plain and "Sources:" not in plain
    assert "\033[1m" in shown  # emphasis on a terminal
    assert not pager_ran.exists()  # it fits: no pager


def test_ask_full_shows_everything_through_the_pager_and_no_pager_turns_it_off(monkeypatch, tmp_path, engine):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("LDN_BOT_PAGER", f"tee {paged}")
    code, shown = on_terminal(monkeypatch, "ask", "--full", QUESTION)
    assert code == 0 and "Sources:" in paged.read_text(encoding="utf-8")
    assert ANSI.sub("", shown).split() == render_text(engine.answer(QUESTION)).split()
    paged.unlink()
    monkeypatch.setenv("LDN_BOT_PAGER", f"tee {paged}")
    code, shown = on_terminal(monkeypatch, "ask", "--full", "--no-pager", QUESTION)
    assert code == 0 and not paged.exists() and "Sources:" in shown


def test_no_color_prints_no_escape_code(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("LDN_BOT_PAGER", "")
    for args in (("ask", QUESTION), ("ask", "--full", QUESTION)):
        code, shown = on_terminal(monkeypatch, *args)
        assert code == 0 and "Fibromyalgia:" in shown and "\033" not in shown


def test_width_is_read_for_every_answer(monkeypatch):
    monkeypatch.setenv("LDN_BOT_PAGER", "")
    _, narrow = on_terminal(monkeypatch, "ask", QUESTION, columns=50, rows=60)
    assert max(len(line) for line in ANSI.sub("", narrow).split("\n")) <= 50


def test_piped_output_is_unchanged(capsys, engine):
    code = main(["ask", QUESTION])
    out = capsys.readouterr().out
    assert code == 0 and out == render_text(engine.answer(QUESTION)) + "\n" and "\033" not in out


def test_a_missing_pager_never_loses_the_text(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LDN_BOT_PAGER", str(tmp_path / "no-such-pager"))
    code, shown = on_terminal(monkeypatch, "ask", "--full", QUESTION)
    assert code == 0 and "Sources:" in shown


def test_interactive_repl_pages_long_output_and_rewraps_after_a_resize(monkeypatch, tmp_path, engine):
    from ldn_bot.frontends import repl

    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("LDN_BOT_PAGER", f"tee -a {paged}")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    lines = iter(["does ldn help ms", "does ldn help fibromyalgia", ":sources", "exit"])

    def read(prompt: str) -> str:
        line = next(lines)
        if line == "does ldn help fibromyalgia":  # the window is made narrower before this question
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 50, 0, 0))
        return line

    monkeypatch.setattr(repl, "_line_reader", lambda: read)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: _drain(master, chunks), daemon=True)
    reader.start()
    tty = io.TextIOWrapper(os.fdopen(slave, "wb", buffering=0), encoding="utf-8", line_buffering=True)
    try:
        assert repl.run_repl(engine, stdin=tty, stdout=tty) == 0
    finally:
        tty.close()
        reader.join(timeout=5)
        os.close(master)
    screen = ANSI.sub("", b"".join(chunks).decode("utf-8").replace("\r\n", "\n"))
    first, rest = screen.split("Fibromyalgia:", 1)
    assert max(len(line) for line in first.split("\n")[3:]) > 50  # wrapped at 100 first
    after = ("Fibromyalgia:" + rest).split("\n")
    assert all(len(line) <= 50 or " " not in line.strip() for line in after), [x for x in after if len(x) > 50]
    assert "Studies on all conditions" in paged.read_text(encoding="utf-8")  # :sources went through the pager
    assert "Multiple sclerosis:" in first and "Multiple sclerosis:" not in paged.read_text(encoding="utf-8")
    assert "Fibromyalgia:" in paged.read_text(encoding="utf-8")  # taller than the narrowed window: paged


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        chunks.append(data)
