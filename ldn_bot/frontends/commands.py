"""`ldn-bot ask` and `ldn-bot eval`: parse the command line, ask the engine, print the rendering."""

from __future__ import annotations

import argparse
import json

from ldn_bot.config import load_config
from ldn_bot.engine.engine import Engine
from ldn_bot.errors import UsageError
from ldn_bot.evaluation import format_report, run_eval
from ldn_bot.frontends.asking import ask
from ldn_bot.render.text import render_json, render_text

DEFAULT_SETS = ("eval/dev.yaml", "eval/holdout.yaml", "eval/community.yaml", "eval/fresh.yaml",
                "tests/data/safety_cases.yaml")


def engine_from(args: argparse.Namespace) -> Engine:
    """The engine for the settings file named by `--config` (or found the usual way)."""
    return Engine(load_config(args.config))


def configure_ask(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot ask`."""
    parser.add_argument("question", nargs="*", help="the question (quote it)")
    parser.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    parser.set_defaults(func=cmd_ask)


def cmd_ask(args: argparse.Namespace) -> int:
    """Print the answer to one question (text, or JSON with --json); log it if it went unanswered."""
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError('ask needs a question, for example: ldn-bot ask "Does LDN help fibromyalgia?"')
    answer = ask(engine_from(args), question, source="ask")
    print(render_json(answer) if args.json else render_text(answer))
    return 0


def configure_eval(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot eval`."""
    parser.add_argument("--set", nargs="+", metavar="FILE", default=list(DEFAULT_SETS),
                        help=f"evaluation set files (default: {' '.join(DEFAULT_SETS)})")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every failing case")
    parser.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    """Print the quality metrics of each evaluation set (a JSON list of them with --json)."""
    engine = engine_from(args)
    reports = [run_eval(engine, path) for path in args.set]
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], indent=2))
    else:
        print("\n\n".join(format_report(r, verbose=args.verbose) for r in reports))
    return 0
