"""`ldn-bot bench chart`: how long drawing a harvest plot takes and how big its PNG is, for every condition with a
study, every condition group and "all" (issue 24). Targets: within 1 s a chart, under 300 KB a PNG; the
plotting library's import (paid once per process, never by `ask`) is timed apart, in a new process."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

TARGET_SECONDS = 1.0
TARGET_BYTES = 300 * 1024


def register(bsub: argparse._SubParsersAction) -> None:
    """Add `bench chart` to the `bench` subcommands `bsub`."""
    g = bsub.add_parser(
        "chart", help="time and PNG size of `ldn-bot chart` for every condition, group and all",
        description="Draw the harvest plot of every condition with a study, every condition group and 'all' "
                    f"(after one warm-up chart), timing each (wall clock and CPU). Targets: {TARGET_SECONDS:.0f} s a "
                    f"chart, {TARGET_BYTES // 1024} KB a PNG. The plotting library's import is timed in a new "
                    "process.")
    g.add_argument("--repeat", type=int, default=1, metavar="N", help="draw each chart N times (default 1)")
    g.add_argument("--json", action="store_true", help="print the result as one JSON object")
    g.set_defaults(func=cmd_bench_chart)


def _import_seconds() -> float:
    code = ("import time; t = time.perf_counter(); import ldn_bot.render.chart as c; c._imports(); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return float(out.stdout.strip() or "nan")


def cmd_bench_chart(args: argparse.Namespace) -> int:
    """Print the render time (p50, max; wall and CPU) and PNG size (max) over every chart; 1 if a chart's CPU time
    or a PNG's size is over its target."""
    from ldn_bot.engine.charting import chart_data, subjects
    from ldn_bot.errors import UsageError
    from ldn_bot.frontends.commands import engine_from
    from ldn_bot.render.chart import render

    if args.repeat < 1:
        raise UsageError("--repeat must be at least 1")
    engine = engine_from(args)
    every = subjects(engine)
    render(chart_data(engine, every[0]))  # warm-up: fonts and caches, as a running bot has them
    rows: list[dict[str, Any]] = []
    for subject in every:
        data = chart_data(engine, subject)
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            drawn = render(data)
            rows.append({"subject": subject.name, "kind": subject.kind, "bars": len(data.tally.bars),
                         "seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
                         "bytes": len(drawn.png), "width": drawn.width, "height": drawn.height})
    walls = [r["seconds"] for r in rows]
    cpus = [r["cpu_seconds"] for r in rows]
    biggest = max(rows, key=lambda r: r["bytes"])
    slowest = max(rows, key=lambda r: r["seconds"])
    result = {
        "charts": len(every), "renders": len(rows), "import_seconds": round(_import_seconds(), 3),
        "p50_seconds": round(statistics.median(walls), 3), "max_seconds": round(max(walls), 3),
        "slowest": slowest["subject"], "p50_cpu_seconds": round(statistics.median(cpus), 3),
        "max_cpu_seconds": round(max(cpus), 3), "max_kb": round(biggest["bytes"] / 1024, 1),
        "biggest": biggest["subject"], "max_height": max(r["height"] for r in rows), "width": rows[0]["width"],
        # CPU time: what a chart costs, whatever else the machine runs (wall clock is shown beside it)
        "within_targets": max(cpus) <= TARGET_SECONDS and biggest["bytes"] <= TARGET_BYTES,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['charts']} charts ({result['renders']} renders), {result['width']} px wide, up to "
              f"{result['max_height']} px tall\n"
              f"render: p50 {result['p50_seconds']:.3f} s, max {result['max_seconds']:.3f} s ({result['slowest']}); "
              f"CPU p50 {result['p50_cpu_seconds']:.3f} s, max {result['max_cpu_seconds']:.3f} s "
              f"(target {TARGET_SECONDS:.0f} s)\n"
              f"PNG: max {result['max_kb']:.1f} KB ({result['biggest']}; target {TARGET_BYTES // 1024} KB)\n"
              f"plotting library import, new process: {result['import_seconds']:.3f} s (once per process; "
              f"never by ask)")
    return 0 if result["within_targets"] else 1
