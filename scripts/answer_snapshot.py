"""Write every eval-set question's JSON answer (conversations asked in order) as JSON Lines.

Shows that a refactoring changes no answer: run it before and after, then compare the two files.
    python scripts/answer_snapshot.py --config bot_config.yaml eval/*.yaml > before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys

import yaml

from ldn_bot.config import load_config
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.engine import Engine
from ldn_bot.render.text import render_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=None, help="settings file (default: as ldn-bot finds it)")
    parser.add_argument("sets", nargs="+", help="evaluation set files")
    args = parser.parse_args()
    engine = Engine(load_config(args.config))
    for path in args.sets:
        with open(path, encoding="utf-8") as f:
            cases = yaml.safe_load(f)
        for case in cases:
            conversation = Conversation()
            for turn in case.get("turns") or [case]:
                answer = engine.answer(turn["question"], conversation)
                sys.stdout.write(json.dumps(json.loads(render_json(answer)), sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
