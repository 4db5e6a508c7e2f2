"""`ldn-bot` command line: the command table and the entry point.

Each command lives in a module of its own, named in COMMANDS as "module:function"; the module is imported only
when that command runs (or its --help is shown), so `ldn-bot ask` never imports discord.py or the benchmarks and
command modules import what they need at the top. `ldn-bot --help` lists every command from the table alone.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from ldn_bot import __version__
from ldn_bot.errors import LdnBotError, UsageError


@dataclass(frozen=True)
class Command:
    """One `ldn-bot` command: its help line, and "module:function" where function(parser) adds the command's
    description, options and handler (``parser.set_defaults(func=handler)``; handler(args) returns the exit code)."""

    help: str
    target: str


COMMANDS: dict[str, Command] = {
    "ask": Command("answer one question and exit", "ldn_bot.frontends.commands:configure_ask"),
    "repl": Command("ask questions interactively (one per line when stdin is not a terminal)",
                    "ldn_bot.frontends.repl:configure"),
    "chart": Command("draw the harvest plot of a condition's studies (PNG, or its data with --json)",
                     "ldn_bot.frontends.chart:configure"),
    "eval": Command("measure answer quality on evaluation sets", "ldn_bot.frontends.commands:configure_eval"),
    "discord": Command("run the Discord bot (token from the DISCORD_TOKEN environment variable)",
                       "ldn_bot.frontends.discord.startup:configure"),
    "bench": Command("benchmarks: retrieval quality on SciFact, answer latency at scale",
                     "ldn_bot.bench.commands:configure"),
    "corpus": Command("curators' tools: validate, new-study, import, stats",
                      "ldn_bot.frontends.curator.commands:configure"),
    "gaps": Command("the most frequent questions the corpus could not answer (curators' to-do list)",
                    "ldn_bot.frontends.curator.gaps:configure"),
}


USAGE_PROG = "_usage_prog"
"""The namespace attribute naming the command ("ldn-bot corpus import") whose parser read the arguments."""


def usage_error_line(message: str, prog: str) -> str:
    """How every usage error reads, argparse's own and the commands' alike: one line, with where help is."""
    return f"ldn-bot: error: {message} (see '{prog} --help')"


class Parser(argparse.ArgumentParser):
    """An `ldn-bot` parser whose usage errors are one line (argparse's are its usage, then the error) and which
    records in the namespace the innermost command that parsed, for the help a usage error points to."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = super().parse_known_args(args, namespace)
        if not hasattr(parsed, USAGE_PROG):  # a subcommand's parser returns first and keeps its own
            setattr(parsed, USAGE_PROG, self.prog)
        return parsed, extras

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # found by the top-level parser, but the command's help is the one to read
            self.exit(2, usage_error_line(f"unrecognized arguments: {' '.join(extras)}",
                                          getattr(parsed, USAGE_PROG, self.prog)) + "\n")
        return parsed

    def error(self, message: str) -> NoReturn:
        self.exit(2, usage_error_line(message, self.prog) + "\n")


def needs_subcommand(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """The handler of a command given none of its subcommands (`ldn-bot corpus`): a usage error naming them."""

    def handler(args: argparse.Namespace) -> int:
        names = [name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
                 for name in action.choices]
        raise UsageError(f"{parser.prog.removeprefix('ldn-bot ')} needs a subcommand: {', '.join(names)}")

    return handler


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse `type` for a whole number >= `minimum`: anything else is a one-line usage error naming it
    (`bench latency --chunks 0`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small: it must be at least {minimum}")
        return value

    parse.__name__ = f"number >= {minimum}"
    return parse


class LazyParser(Parser):
    """A command's parser, filled in by its module's configure function the first time it parses or shows help."""

    def __init__(self, *args: Any, target: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._target = target

    def load(self) -> LazyParser:
        """Import the command's module and let it configure this parser (once); returns the parser."""
        if self._target is not None:
            module, _, function = self._target.partition(":")
            self._target = None
            getattr(importlib.import_module(module), function)(self)
        return self

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self.load()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self.load()
        return super().format_usage()

    def format_help(self) -> str:
        self.load()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The `ldn-bot` parser; no command module is imported until a command's parser is used."""
    parser = Parser(
        prog="ldn-bot",
        description="Answers questions about the published evidence on low-dose naltrexone (LDN) "
        "with quoted, cited passages from its corpus. Not medical advice.",
    )
    parser.add_argument("--version", action="version", version=f"ldn-bot {__version__}")
    parser.add_argument("--config", metavar="FILE", help="settings file (default: ./bot_config.yaml, "
                        "$LDN_BOT_CONFIG, or the bundled one)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=LazyParser)
    for name, command in COMMANDS.items():
        sub.add_parser(name, help=command.help, target=command.target)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `ldn-bot` with `argv` (default: the process's arguments); returns the exit status: 0 ok, 1 a failed
    check (a command says which) or output that could not be written (a full disk), 2 a usage, settings or corpus
    error (one line on stderr), 130 interrupted (Ctrl-C, also while starting up). Text the terminal's encoding
    cannot show is replaced ('?'), never fatal; a closed pipe ends quietly."""
    tolerant_output()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C: KeyboardInterrupt, caught below
    try:
        code = _run(argv)
        _flush_stdout()
        return code
    except SystemExit:  # argparse's --help, --version and usage errors: their text still has to get out
        try:
            _flush_stdout()
        except OSError as e:
            return _output_failed(e)
        raise
    except KeyboardInterrupt:
        _quiet_stdout()
        print(file=sys.stderr)  # the shell's prompt then starts on a line of its own, after '^C'
        return 130
    except OSError as e:
        if not _stdout_failed(e):
            raise
        return _output_failed(e)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if not getattr(args, "func", None):
            raise UsageError(f"no command given: choose one of {', '.join(COMMANDS)}")
        return int(args.func(args) or 0)
    except LdnBotError as e:
        if isinstance(e, UsageError):
            print(usage_error_line(str(e), getattr(args, USAGE_PROG, parser.prog)), file=sys.stderr)
        else:
            print(f"ldn-bot: error: {e}", file=sys.stderr)
        return e.exit_code


def tolerant_output() -> None:
    """stdout and stderr replace what their encoding cannot show (PYTHONIOENCODING=ascii, a latin-1 terminal)
    instead of raising UnicodeEncodeError; a lone surrogate from a log is replaced the same way."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # closed, or already written to in a way that forbids it
                pass


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


_OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _stdout_failed(error: OSError) -> bool:
    """Whether `error` is one a write to stdout gives when it cannot take more (a closed pipe, a full disk). The
    commands catch their own file writes' errors (logs, records), so one of these reaching here is the output's."""
    return isinstance(error, BrokenPipeError) or error.errno in _OUTPUT_ERRNOS


def _output_failed(error: OSError) -> int:
    """End quietly when stdout cannot be written: 0 for a reader that stopped reading (`| head`), else 1 with
    one line on stderr (`> /dev/full`)."""
    _quiet_stdout()
    if isinstance(error, BrokenPipeError):
        return 0
    try:
        print(f"ldn-bot: error: cannot write the output: {error.strerror or error}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    return 1


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so what is left in its buffer is not written (and fails again) at exit."""
    if sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
