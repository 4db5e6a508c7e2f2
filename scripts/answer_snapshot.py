"""Write every eval-set question's JSON answer (conversations asked in order) as JSON Lines.

Used to show a refactoring changes no answer: run it before and after, then `diff` the two files.
    python scripts/answer_snapshot.py --config bot_config.yaml eval/*.yaml > before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys

import yaml

from ldn_bot.frontends.cli import main as _unused  # noqa: F401  (ensures the package imports as the CLI does)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=None)
    parser.add_argument("sets", nargs="+")
    args = parser.parse_args()
    try:
        from ldn_bot.config import load_config
        from ldn_bot.engine.conversation import Conversation
        from ldn_bot.engine.engine import Engine
        from ldn_bot.render.text import render_json
    except ImportError:  # after the reshaping
        from ldn_bot.engine.engine.conversation import Conversation  # type: ignore[no-redef]

        from ldn_bot.config import load_config  # type: ignore[no-redef]
        from ldn_bot.engine.engine import Engine  # type: ignore[no-redef]
        from ldn_bot.render.text import render_json  # type: ignore[no-redef]
    engine = Engine(load_config(args.config))
    for path in args.sets:
        for case in yaml.safe_load(open(path, encoding="utf-8")):
            conv = Conversation()
            for turn in case.get("turns") or [case]:
                answer = engine.answer(turn["question"], conv)
                sys.stdout.write(json.dumps(json.loads(render_json(answer)), sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
