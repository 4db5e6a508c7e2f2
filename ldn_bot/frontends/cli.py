"""`ldn-bot` command line: the command table and the entry point.

Each command lives in a module of its own, named in COMMANDS as "module:function"; the module is imported only
when that command runs (or its --help is shown), so `ldn-bot ask` never imports discord.py or the benchmarks and
command modules import what they need at the top. `ldn-bot --help` lists every command from the table alone.
"""

from __future__ import annotations

import argparse
import importlib
import sys
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
    check (a command says which), 2 a usage, settings or corpus error (one line on stderr), 130 interrupted."""
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
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
