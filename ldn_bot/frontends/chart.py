"""`ldn-bot chart CONDITION [-o FILE.png] [--json]`: the harvest plot of a condition, a condition group or "all"
(issue 24). The data is `engine.charting`'s (the tally `ask` gives); the drawing is `render.chart`'s, whose
plotting library is imported only when a PNG is drawn (never for --json)."""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from ldn_bot.engine.charting import ChartData, chart_data, resolve
from ldn_bot.engine.engine import Engine
from ldn_bot.errors import UsageError
from ldn_bot.fileio import atomic_write
from ldn_bot.frontends.commands import engine_from

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot chart`."""
    parser.description = (
        "Draw the harvest plot of a condition: a band per direction (benefit, mixed, no difference, harm, no "
        "efficacy result), one bar per trial (length: strength of design; colour: people or animals), labelled "
        "'Author Year, n'. Only low-dose naltrexone counts; other doses are named in a note. A condition as you "
        "would type it (fibro, crohns), a group (skin, gut, pain, ...) or all.")
    parser.add_argument("condition", nargs="+", help="a condition, a condition group, or all")
    parser.add_argument("-o", "--output", metavar="FILE.png",
                        help="where to write the PNG (default: chart-CONDITION.png in the current folder)")
    parser.add_argument("--json", action="store_true", help="print the plotted data (the tally ask --json gives) "
                        "instead of drawing")
    parser.set_defaults(func=cmd_chart)


def slug(name: str) -> str:
    """ "crohn's disease" -> "crohns-disease": a file name for a subject."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-") or "chart"


def data_for(engine: Engine, text: str) -> ChartData:
    """The chart data for what a member typed; UsageError (with a "did you mean") when it names nothing."""
    return chart_data(engine, resolve(engine, text))


def write_png(png: bytes, path: Path) -> None:
    """Write `png` to `path` whole. A file there that is not a PNG (a member's notes, a record) is never
    replaced: UsageError instead."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name, for example {path / 'chart.png'}")
    if path.exists():
        try:
            with path.open("rb") as f:
                head = f.read(len(PNG_SIGNATURE))
        except OSError as e:
            raise UsageError(f"cannot read {path} to check it before replacing it: {e.strerror or e}") from None
        if head != PNG_SIGNATURE:
            raise UsageError(f"{path} exists and is not a PNG; not replacing it (choose another file with -o)")
    if not path.parent.is_dir():
        raise UsageError(f"no folder {path.parent} for {path.name}")
    try:
        atomic_write(path, png)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


def cmd_chart(args: argparse.Namespace) -> int:
    """Print the chart's data (--json), or draw it to a PNG and print the PNG's path."""
    text = " ".join(args.condition).strip()
    engine = engine_from(args)
    data = data_for(engine, text)
    if args.json:
        print(json.dumps(data.as_dict(), ensure_ascii=False))
        return 0
    from ldn_bot.render.chart import render

    path = Path(args.output or f"chart-{slug(data.subject.name)}.png")
    rendered = render(data)
    write_png(rendered.png, path)
    print(f"{path} ({rendered.width}x{rendered.height} px, {len(rendered.png) // 1024} KB): {data.tally.text}")
    return 0


def repl_chart(engine: Engine, text: str | None) -> str:
    """`:chart [condition]` in the REPL: draw the chart of `text` (the condition named, else the current one) to
    a new temporary PNG file and say where it is; a one-line reason when there is nothing to draw."""
    if not text:
        return "No condition yet: ask about one first, or name it (:chart fibromyalgia)."
    try:
        data = data_for(engine, text)
    except UsageError as e:
        return str(e)
    from ldn_bot.render.chart import render

    rendered = render(data)
    fd, name = tempfile.mkstemp(prefix=f"ldn-chart-{slug(data.subject.name)}-", suffix=".png")
    with open(fd, "wb") as f:
        f.write(rendered.png)
    return f"Chart of {data.subject.topic} ({rendered.width}x{rendered.height} px): {name}"
