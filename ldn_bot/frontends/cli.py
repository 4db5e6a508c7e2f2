"""`ldn-bot` command line: parses arguments, calls the engine, renders. Heavy imports stay inside commands
so that `ldn-bot ask` starts fast (no discord import on that path)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ldn_bot import __version__
from ldn_bot.errors import LdnBotError, UsageError


def _engine(args: argparse.Namespace):
    from ldn_bot.config import load_config
    from ldn_bot.engine.engine import Engine

    return Engine(load_config(args.config))


def cmd_ask(args: argparse.Namespace) -> int:
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError('ask needs a question, for example: ldn-bot ask "Does LDN help fibromyalgia?"')
    from ldn_bot.render.text import render_json, render_text

    answer = _engine(args).answer(question)
    print(render_json(answer) if args.json else render_text(answer))
    return 0


def cmd_repl(args: argparse.Namespace) -> int:
    from ldn_bot.frontends.repl import run_repl

    return run_repl(_engine(args), json_mode=args.json)


def cmd_eval(args: argparse.Namespace) -> int:
    from ldn_bot.evaluation import format_report, run_eval

    engine = _engine(args)
    reports = [run_eval(engine, path) for path in args.set]
    if args.json:
        import json

        print(json.dumps([r.as_dict() for r in reports], indent=2))
    else:
        print("\n\n".join(format_report(r, verbose=args.verbose) for r in reports))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ldn-bot",
        description="Answers questions about the published evidence on low-dose naltrexone (LDN) "
        "with quoted, cited passages from its corpus. Not medical advice.",
    )
    parser.add_argument("--version", action="version", version=f"ldn-bot {__version__}")
    parser.add_argument("--config", metavar="FILE", help="settings file (default: ./bot_config.yaml, "
                        "$LDN_BOT_CONFIG, or the bundled one)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ask", help="answer one question and exit")
    p.add_argument("question", nargs="*", help="the question (quote it)")
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("repl", help="ask questions interactively (one per line when stdin is not a terminal)")
    p.add_argument("--json", action="store_true", help="print one JSON object per answer (JSON Lines)")
    p.set_defaults(func=cmd_repl)

    p = sub.add_parser("eval", help="measure answer quality on evaluation sets")
    p.add_argument("--set", nargs="+", metavar="FILE", default=["eval/dev.yaml", "eval/holdout.yaml"],
                   help="evaluation set files (default: eval/dev.yaml eval/holdout.yaml)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--verbose", action="store_true", help="list every failing case")
    p.set_defaults(func=cmd_eval)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Commands that live in their own modules add themselves; each module imports only argparse at the top."""
    from ldn_bot.bench import commands as bench
    from ldn_bot.frontends.curator import commands as curator
    from ldn_bot.frontends.curator import gaps
    from ldn_bot.frontends.discord import command as discord_cli

    return [discord_cli.register, bench.register, curator.register, gaps.register]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except LdnBotError as e:
        print(f"ldn-bot: error: {e}", file=sys.stderr)
        if isinstance(e, UsageError):
            print(f"Try 'ldn-bot {args.command} --help'.", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
