"""The local REPL: line editing and history on a terminal, one answer per input line otherwise."""

from __future__ import annotations

import argparse
import io
import json
import os
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
from ldn_bot.frontends.pager import show
from ldn_bot.render.terminal import color_allowed, for_terminal, terminal_size
from ldn_bot.render.text import render_json, render_text, short_text

MORE_HINT = "(:more shows {sources})"
QUIT_WORDS = frozenset({"exit", "quit", "q", "bye"})  # typed bare, they end the REPL and are never asked

HELP = """Ask a question in plain words, for example: Does LDN help fibromyalgia?
Commands:
  :help                 this help
  :more                 the last answer in full: every source with its quoted passage
  :sources [condition]  the studies in the corpus (for a condition), strongest design first
  :chart [condition]    the harvest plot of the current (or a named) condition, written to a PNG file
  :debug                the plan, status, chunk ids and scores behind the last answer
  :reset                forget the conversation so far
  :quit                 leave (exit, quit, :q and Ctrl-D work too)"""


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
        if text.lower().rstrip(".!") in QUIT_WORDS:
            return None
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
                return self._meta(debug_table(self.last, curator_notes(self.engine, self.last)))
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
        short = short_text(answer, MORE_HINT) if self.short else None
        return self._text(answer, short or render_text(answer))

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
        session = ReplSession(engine, json_mode, short=True, width=terminal_size(stdout).columns,
                              color=color_allowed(stdout))
        return _interactive(session, stdout)
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
    print(for_terminal(greeting(session.engine), terminal_size(stdout).columns, color=False), file=stdout)
    while True:
        try:
            line = read("ldn> ")
        except EOFError:
            print(file=stdout)
            return 0
        except KeyboardInterrupt:
            continue
        session.width = terminal_size(stdout).columns  # re-read for every answer: the window may have changed
        out = session.handle(line)
        if out is None:
            return 0
        if out:
            show(out + "\n", stdout)


def greeting(engine: Engine) -> str:
    """The REPL's first lines: what it is, how to leave, and (once) where unanswered questions are logged."""
    log = engine.config.resolve(engine.config.logs.questions)
    return ("ldn-bot: ask about the published evidence on low-dose naltrexone. :help for commands, exit to leave.\n"
            f"Questions the corpus cannot answer are logged for the curators in {log} (see: ldn-bot gaps).")


def curator_notes(engine: Engine, answer: Answer) -> list[tuple[str, str]]:
    """(label, note) for each study the answer cites whose record has a `curator_note` (curators' eyes only)."""
    out = []
    for citation in answer.citations:
        study = engine.studies.get(citation.label)
        if study is not None and study.curator_note:
            out.append((citation.label, study.curator_note))
    return out


def debug_table(answer: Answer, notes: list[tuple[str, str]] | None = None) -> str:
    """`:debug`: the answer's plan, status and topic, then each scored chunk id and its score, in aligned
    columns, then the curator notes of the cited studies (`notes`: label, note)."""
    facts = [("plan", answer.plan or "(none)"), ("status", answer.status), ("topic", answer.topic or "(none)"),
             ("safety rules", ", ".join(answer.safety) or "(none)")]
    left = max(len(k) for k, _ in facts)
    lines = [f"{k.ljust(left)}  {v}" for k, v in facts]
    if not answer.debug:
        lines += ["", "(no passages scored)"]
        return "\n".join(lines + (["", "curator notes (never shown to members):"] if notes else [])
                         + [f"- {label}: {note}" for label, note in notes or []])
    ids = max(len("chunk"), *(len(cid) for cid, _ in answer.debug))
    scores = [f"{score:.3f}" for _, score in answer.debug]
    right = max(len("score"), *(len(v) for v in scores))
    lines += ["", f"{'chunk'.ljust(ids)}  {'score'.rjust(right)}"]
    lines += [f"{cid.ljust(ids)}  {v.rjust(right)}" for (cid, _), v in zip(answer.debug, scores)]
    if notes:
        lines += ["", "curator notes (never shown to members):"]
        lines += [f"- {label}: {note}" for label, note in notes]
    return "\n".join(lines)


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
