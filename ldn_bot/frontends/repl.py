"""The local REPL: line editing and history on a terminal, one answer per input line otherwise."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.engine import Engine
from ldn_bot.frontends.asking import ask
from ldn_bot.frontends.commands import engine_from
from ldn_bot.render.terminal import for_terminal
from ldn_bot.render.text import render_json, render_text, summary_blocks

MORE_HINT = "(:more for all {n} sources with their quoted passages)"

HELP = """Ask a question in plain words, for example: Does LDN help fibromyalgia?
Commands:
  :help                 this help
  :more                 the last answer in full: every source with its quoted passage
  :sources [condition]  the studies in the corpus (for a condition), strongest design first
  :chart [condition]    the harvest plot of the current (or a named) condition, written to a PNG file
  :debug                chunk ids and scores behind the last answer
  :reset                forget the conversation so far
  :quit                 leave (Ctrl-D works too)"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot repl`."""
    parser.add_argument("--json", action="store_true", help="print one JSON object per answer (JSON Lines)")
    parser.set_defaults(func=lambda args: run_repl(engine_from(args), json_mode=args.json))


class ReplSession:
    """What the REPL does with one line of input; shared by the interactive and piped modes. All questions of
    one session are one conversation (until `:reset`)."""

    def __init__(self, engine: Engine, json_mode: bool = False, short: bool = False, width: int | None = None,
                 color: bool = False) -> None:
        """`short`: show the short answer first and the rest on `:more` (the interactive REPL); `width`: wrap
        text to this many columns, with `color` emphasis (a terminal)."""
        self.engine = engine
        self.json_mode = json_mode
        self.short = short
        self.width = width
        self.color = color
        self.conversation = Conversation()
        self.last: Answer | None = None

    def handle(self, line: str) -> str | None:
        """The output for one input line (text, or JSON with json_mode; "" for a blank line); None means quit."""
        text = line.strip()
        if not text:  # with --json, still one line out for each line in
            return self._meta("Empty line: ask a question, or :help.") if self.json_mode else ""
        if text.startswith(":"):
            cmd, _, arg = text[1:].partition(" ")
            cmd = cmd.lower()
            if cmd in ("quit", "q", "exit"):
                return None
            if cmd in ("help", "h", "?"):
                return self._meta(HELP)
            if cmd == "reset":
                self.conversation.reset()
                return self._meta("Conversation reset.")
            if cmd == "debug":
                if self.last is None:
                    return self._meta("No answer yet.")
                rows = [f"{cid}\t{score:.3f}" for cid, score in self.last.debug] or ["(no passages scored)"]
                return self._meta("\n".join(rows))
            if cmd == "sources":
                answer = self.engine.sources(arg.strip() or None)
                return render_json(answer) if self.json_mode else self._text(answer, render_text(answer))
            if cmd == "chart":  # self-contained in frontends/chart.py
                from ldn_bot.frontends.chart import repl_chart

                return self._meta(repl_chart(self.engine, arg.strip() or (self.last.topic if self.last else None)))
            if cmd == "more":
                if self.last is None:
                    return self._meta("No answer yet.")
                return render_json(self.last) if self.json_mode else self._text(self.last, render_text(self.last))
            return self._meta(f"Unknown command ':{cmd}'. Type :help for the commands.")
        answer = ask(self.engine, text, self.conversation, source="repl")
        self.last = answer
        if self.json_mode:
            return render_json(answer)
        if self.short and (answer.key_lines or answer.headline) and answer.citations:
            blocks = [*summary_blocks(answer), MORE_HINT.format(n=len(answer.citations)), answer.disclaimer]
            return self._text(answer, "\n\n".join(blocks))
        return self._text(answer, render_text(answer))

    def _text(self, answer: Answer, text: str) -> str:
        return for_terminal(text, self.width, answer.headline, self.color) if self.width else text

    def _meta(self, message: str) -> str:
        if self.json_mode:
            return json.dumps({"message": message})
        return message


def run_repl(engine: Engine, json_mode: bool = False, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Read questions from `stdin` until end of input or `:quit`, printing each answer to `stdout` (defaults:
    the process's). On a terminal: line editing and history; otherwise one answer per line. Returns 0."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if stdin.isatty() and stdout.isatty():
        width = shutil.get_terminal_size().columns
        return _interactive(ReplSession(engine, json_mode, short=True, width=width, color=True), stdout)
    session = ReplSession(engine, json_mode)
    if isinstance(stdin, io.TextIOWrapper):  # bytes that are not UTF-8 become U+FFFD, never a crash
        stdin.reconfigure(encoding="utf-8", errors="replace")
    for line in stdin:
        out = session.handle(line)
        if out is None:
            break
        if out:
            print(out, file=stdout, flush=True)
            if not json_mode:
                print(file=stdout)
    return 0


def _interactive(session: ReplSession, stdout: TextIO) -> int:
    read = _line_reader()
    greeting = "ldn-bot: ask about the published evidence on low-dose naltrexone. :help for commands, :quit to leave."
    print(for_terminal(greeting, session.width or 80, color=False), file=stdout)
    while True:
        try:
            line = read("ldn> ")
        except EOFError:
            print(file=stdout)
            return 0
        except KeyboardInterrupt:
            continue
        out = session.handle(line)
        if out is None:
            return 0
        if out:
            print(out + "\n", file=stdout)


def _line_reader() -> Callable[[str], str]:
    history_path = Path(os.environ.get("LDN_BOT_HISTORY", Path.home() / ".ldn_bot_history"))
    prompt: PromptSession[str] = PromptSession(history=open_history(history_path))
    return prompt.prompt


def open_history(path: Path, warn: Callable[[str], None] | None = None) -> History:
    """The REPL's history in `path`; if that file cannot be written (now, or later: a full disk), the REPL goes on
    without saving history, and `warn` (default: a line on stderr) is told so once."""
    said = False

    def once(reason: str) -> None:
        nonlocal said
        if not said:
            said = True
            (warn or _stderr)(f"ldn-bot: history file {path} cannot be written ({reason}); "
                              "this session's questions are not saved")

    if str(path) == os.devnull:  # LDN_BOT_HISTORY=/dev/null: no history, as asked
        return InMemoryHistory()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a device (/dev/full, /dev/zero) would be read forever
            once("not a regular file")
            return InMemoryHistory()
    except FileNotFoundError:
        pass
    except OSError as e:
        once(e.strerror or str(e))
        return InMemoryHistory()
    try:
        with open(path, "ab"):
            pass
    except OSError as e:
        once(e.strerror or str(e))
        return InMemoryHistory()
    return _SafeFileHistory(str(path), once)


class _SafeFileHistory(FileHistory):
    """FileHistory that never lets an unreadable or unwritable history file stop the REPL."""

    def __init__(self, filename: str, failed: Callable[[str], None]) -> None:
        super().__init__(filename)
        self._failed = failed
        self._broken = False

    def load_history_strings(self) -> Iterable[str]:
        try:
            return list(super().load_history_strings())
        except (OSError, ValueError) as e:
            self._failed(getattr(e, "strerror", None) or str(e))
            return []

    def store_string(self, string: str) -> None:
        if self._broken:
            return
        try:
            super().store_string(string)
        except OSError as e:
            self._broken = True
            self._failed(e.strerror or str(e))


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
