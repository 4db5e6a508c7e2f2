"""`ldn-bot ask` and `ldn-bot eval`: parse the command line, ask the engine, print the rendering."""

from __future__ import annotations

import argparse
import json
import sys

from ldn_bot.config import load_config
from ldn_bot.engine.engine import Engine
from ldn_bot.errors import UsageError
from ldn_bot.evaluation import format_report, run_eval
from ldn_bot.frontends.asking import ask
from ldn_bot.frontends.pager import show
from ldn_bot.render.terminal import color_allowed, for_terminal, terminal_size
from ldn_bot.render.text import render_json, render_text, short_text

FULL_HINT = "(ldn-bot ask --full shows {sources})"

DEFAULT_SETS = ("eval/dev.yaml", "eval/holdout.yaml", "eval/community.yaml", "eval/fresh.yaml",
                "tests/data/safety_cases.yaml")


def engine_from(args: argparse.Namespace) -> Engine:
    """The engine for the settings file named by `--config` (or found the usual way)."""
    return Engine(load_config(args.config))


def configure_ask(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot ask`."""
    parser.add_argument("question", nargs="*", help="the question (quote it)")
    parser.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    parser.add_argument("--full", action="store_true", help="on a terminal too, the complete answer: every source "
                        "with its quoted passage (what piped output always gets)")
    parser.add_argument("--no-pager", action="store_true", help="never page long output (default: on a terminal, "
                        "through $LDN_BOT_PAGER, $PAGER or 'less -FRX')")
    parser.set_defaults(func=cmd_ask)


def cmd_ask(args: argparse.Namespace) -> int:
    """Print the answer to one question (text, or JSON with --json); log it if it went unanswered."""
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError('ask needs a question, for example: ldn-bot ask "Does LDN help fibromyalgia?"')
    answer = ask(engine_from(args), question, source="ask")
    out = sys.stdout
    if args.json or not is_terminal(out):  # scripts and pipes get the complete text, unchanged
        print(render_json(answer) if args.json else render_text(answer))
        return 0
    text = (None if args.full else short_text(answer, FULL_HINT)) or render_text(answer)
    shown = for_terminal(text, terminal_size(out).columns, answer.headline, color_allowed(out))
    show(shown, out, paged=not args.no_pager)
    return 0


def is_terminal(stream: object) -> bool:
    """Whether `stream` is a terminal (a closed stdout is None, and no terminal)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def configure_eval(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot eval`."""
    parser.add_argument("--set", nargs="+", metavar="FILE", default=list(DEFAULT_SETS),
                        help=f"evaluation set files (default: {' '.join(DEFAULT_SETS)})")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every failing case")
    parser.add_argument("--held-out", action="store_true",
                        help="fit the learned safety layer without each safety set before scoring it (about a "
                             "second a set): the classifier's first-sight figures on sets it was fitted on")
    parser.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    """Print the quality metrics of each evaluation set (a JSON list of them with --json)."""
    engine = engine_from(args)
    reports = [run_eval(engine, path, held_out=args.held_out) for path in args.set]
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], indent=2))
    else:
        print("\n\n".join(format_report(r, verbose=args.verbose) for r in reports))
    return 0
