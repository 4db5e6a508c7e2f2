"""CPU time per answer on the bundled corpus, for comparing two commits on a machine shared with other jobs.

`ldn-bot bench latency` times wall clock, which other processes stretch; this times the answering thread's CPU
(`time.thread_time`) for `Engine.answer` + `render_text` over the questions `bench latency` asks (eval/dev.yaml's
109), seven rounds after a warm-up, and prints the median of every timing and the median of each question's best
round. Run from the checkout to measure (`PYTHONPATH=<checkout>` for another copy):
    python scripts/answer_cpu.py
"""

from __future__ import annotations

import gc
import json
import statistics
import time

from ldn_bot.bench.latency import questions_for_bundled
from ldn_bot.config import load_config
from ldn_bot.engine.engine import Engine
from ldn_bot.render.text import render_text

ROUNDS = 7


def main() -> None:
    config = load_config("bot_config.yaml")
    engine = Engine(config)
    questions = questions_for_bundled(config)
    for q in questions[:20]:  # warm-up, as bench latency does
        render_text(engine.answer(q))
    gc.collect()
    gc.freeze()
    every: list[float] = []
    best: dict[int, float] = {}
    for _ in range(ROUNDS):
        for i, q in enumerate(questions):
            t0 = time.thread_time()
            render_text(engine.answer(q))
            ms = (time.thread_time() - t0) * 1000
            every.append(ms)
            best[i] = min(best.get(i, ms), ms)
    print(json.dumps({"questions": len(questions), "rounds": ROUNDS, "p50_cpu_ms": round(statistics.median(every), 3),
                      "p50_best_cpu_ms": round(statistics.median(best.values()), 3)}))


if __name__ == "__main__":
    main()
