"""docs/cli.md, generated from the parser's own --help so the reference cannot drift.

Regenerate with: python -m ldn_bot.frontends.clidoc > docs/cli.md (a test fails when it is stale).
"""

from __future__ import annotations

import argparse
import os

from ldn_bot.frontends.cli import build_parser


def _subparsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices.items())
    return []


def cli_reference() -> str:
    os.environ["COLUMNS"] = "100"  # stable wrapping whatever the terminal
    parser = build_parser()
    out = ["# Command-line reference", "",
           "Generated from `--help` by `python -m ldn_bot.frontends.clidoc`; do not edit.", ""]

    def walk(prefix: str, p: argparse.ArgumentParser, depth: int) -> None:
        out.extend([f"{'#' * depth} `{prefix}`", "", "```text", p.format_help().rstrip(), "```", ""])
        for name, sub in _subparsers(p):
            walk(f"{prefix} {name}", sub, min(depth + 1, 4))

    walk("ldn-bot", parser, 2)
    return "\n".join(out)


if __name__ == "__main__":
    print(cli_reference(), end="")
