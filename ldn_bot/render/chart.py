"""The harvest plot (Ogilvie et al. 2008) of a condition's tally, drawn to be read on a phone.

A band for each direction (benefit, mixed, no difference, harm, unclear when any, no efficacy result) in the
order members read down a phone screen, one bar per trial in it: the bar's length is the strength of the design
(systematic review longest, case report shortest), its colour says people or animals (animal bars hatched too),
and beside it "Author Year, n". Title: the subject and its tally; caption: notes, the corpus date and the fixed
disclaimer. Black on an opaque white card, so it reads the same in Discord's dark and light themes.

"all" draws small multiples instead: a classic harvest plot per condition group (columns by direction, bar
height the design), without labels.

matplotlib (Agg) is imported inside `render` only: `ldn-bot ask` never pays for it.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Any

from ldn_bot.engine.charting import ChartData
from ldn_bot.engine.plans.base import DIRECTION_WORDS
from ldn_bot.engine.plans.tally import Bar, Tally

WIDTH_PX = 1080  # a phone screen's width in pixels: Discord shows the image about 1:1
DPI = 200
WIDTH_IN = WIDTH_PX / DPI
DIRECTIONS = ("benefit", "mixed", "no_difference", "harm", "unclear", "not_applicable")
ALWAYS = frozenset({"benefit", "mixed", "no_difference", "harm", "not_applicable"})  # "unclear" only when any
HEIGHT = {"systematic review": 6, "randomized trial": 5, "crossover trial": 4, "pilot study": 3, "observational": 2,
          "case series": 1, "case report": 1, "animal study": 1, "in vitro": 1}
KEY = (("systematic review", 6), ("randomized trial", 5), ("crossover trial", 4), ("pilot study", 3),
       ("observational", 2), ("case, animal or lab", 1))
HUMAN, ANIMAL, INK, GREY, BAND = "#2563a8", "#d9731a", "#111111", "#555555", "#eef1f5"
FONT = {"title": 19, "tally": 11, "band": 13, "label": 12, "key": 10, "caption": 9}
ROW, BAND_HEAD, PAD = 0.27, 0.36, 0.18  # inches
TRACK_X, TRACK_W = 0.22, 1.5  # the bars' track: where a bar starts, and the longest bar's length
LABEL_X = TRACK_X + TRACK_W + 0.14
SHORT = {"benefit": "benefit", "mixed": "mixed", "no_difference": "no diff.", "harm": "harm", "unclear": "unclear",
         "not_applicable": "no result"}
MIN_SLOTS, GAP = 4, 1.0  # small multiples: a direction's column is at least this many bars wide, then a gap
PALETTE = 64  # colours kept in the PNG: enough for antialiased text on white


@dataclass(frozen=True)
class Rendered:
    """A drawn chart: the PNG's bytes, its size in pixels and every text drawn on it (for tests and alt text)."""

    png: bytes
    width: int
    height: int
    texts: list[str]


def _imports() -> None:
    """Import what drawing needs (matplotlib's Agg canvas, PIL): for timing that cost apart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401
    from PIL import Image  # noqa: F401


def _wrap(text: str, points: float, width_in: float) -> list[str]:
    chars = max(20, int(width_in * 72 / (points * 0.56)))  # DejaVu Sans: about 0.56 em a character
    return textwrap.wrap(text, chars) or [""]


def band_bars(tally: Tally) -> list[tuple[str, list[Bar]]]:
    """(direction, its bars strongest design first) for each band drawn, in reading order."""
    bands = []
    for d in DIRECTIONS:
        bars = sorted((b for b in tally.bars if b.direction == d),
                      key=lambda b: (-HEIGHT.get(b.evidence_level, 1), not b.human, -(b.n or 0), b.label))
        if bars or d in ALWAYS:
            bands.append((d, bars))
    return bands


def render(data: ChartData) -> Rendered:
    """Draw `data` (from `charting.chart_data`) as a PNG, WIDTH_PX wide; its height grows with the studies."""
    from matplotlib.figure import Figure

    if data.subject.kind == "all":
        return _small_multiples(data, Figure)
    tally = data.tally
    title = _wrap(data.title, FONT["title"], WIDTH_IN - 0.3)
    tally_lines = _wrap(tally.text, FONT["tally"], WIDTH_IN - 0.3)
    caption = _caption(data, tally)
    bands = band_bars(tally)
    height = (PAD + len(title) * 0.36 + len(tally_lines) * 0.2 + 0.12 + 3 * 0.22 + 0.3
              + sum(BAND_HEAD + max(1, len(bars)) * ROW + 0.08 for _, bars in bands)
              + 0.1 + len(caption) * 0.17 + PAD)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH_IN)
    ax.set_ylim(height, 0)
    ax.axis("off")
    y = PAD
    for line in title:
        ax.text(0.15, y, line, fontsize=FONT["title"], weight="bold", color=INK, va="top")
        y += 0.36
    for line in tally_lines:
        ax.text(0.15, y, line, fontsize=FONT["tally"], color=INK, va="top")
        y += 0.2
    y = _key(ax, y + 0.12)
    for direction, bars in bands:
        ax.add_patch(_rect(0.08, y, WIDTH_IN - 0.16, BAND_HEAD + max(1, len(bars)) * ROW, BAND, None))
        count = f"{len(bars)} {'study' if len(bars) == 1 else 'studies'}" if bars else "none"
        ax.text(0.15, y + 0.06, f"{DIRECTION_WORDS[direction].capitalize()}  ·  {count}", fontsize=FONT["band"],
                weight="bold", color=INK, va="top")
        y += BAND_HEAD
        for bar in bars:
            length = TRACK_W * HEIGHT.get(bar.evidence_level, 1) / 6
            ax.add_patch(_rect(TRACK_X, y + 0.04, length, ROW - 0.08, HUMAN if bar.human else ANIMAL,
                               None if bar.human else "///"))
            ax.text(LABEL_X, y + ROW / 2, bar.caption, fontsize=_fit(bar.caption), color=INK, va="center")
            y += ROW
        if not bars:
            y += ROW
        y += 0.08
    y += 0.1
    for line in caption:
        ax.text(0.15, y, line, fontsize=FONT["caption"], color=GREY, va="top")
        y += 0.17
    return _png(fig)


def _fit(text: str) -> float:
    """The label's font size: FONT["label"], smaller for a long label so it stays within the card."""
    room = int((WIDTH_IN - LABEL_X - 0.12) * 72 / (FONT["label"] * 0.6))  # a label is wider than body text
    return FONT["label"] if len(text) <= room else max(8.0, FONT["label"] * room / len(text))


def _caption(data: ChartData, tally: Tally) -> list[str]:
    parts = []
    if tally.other_uses:
        parts.append(f"Left out, another use of naltrexone than LDN: {tally.other_uses.removeprefix('Also ')}")
    parts.append(f"Corpus of {data.corpus_date or 'unknown date'}. {data.disclaimer}")
    return [line for p in parts for line in _wrap(p, FONT["caption"], WIDTH_IN - 0.3)]


def _key(ax: Any, y: float) -> float:
    """The legend: colours (people, animals or lab), then each design's bar length, in two columns."""
    ax.add_patch(_rect(0.15, y + 0.03, 0.22, 0.14, HUMAN, None))
    ax.text(0.42, y + 0.1, "in people", fontsize=FONT["key"], color=INK, va="center")
    ax.add_patch(_rect(1.5, y + 0.03, 0.22, 0.14, ANIMAL, "///"))
    ax.text(1.77, y + 0.1, "in animals or the lab", fontsize=FONT["key"], color=INK, va="center")
    ax.text(3.55, y + 0.1, "bar length = design", fontsize=FONT["key"], color=GREY, va="center")
    y += 0.3
    for i, (name, size) in enumerate(KEY):
        x, row = (0.15, i) if i < 3 else (2.75, i - 3)
        top = y + row * 0.22
        ax.add_patch(_rect(x, top + 0.05, 0.8 * size / 6, 0.12, GREY, None))
        ax.text(x + 0.88, top + 0.11, name, fontsize=FONT["key"], color=INK, va="center")
    return y + 3 * 0.22


def _rect(x: float, y: float, w: float, h: float, colour: str, hatch: str | None) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="white" if hatch else "none", hatch=hatch,
                     linewidth=0)


def _small_multiples(data: ChartData, figure: Any) -> Rendered:
    """A classic harvest plot per condition group, stacked, with the direction columns lined up across panels."""
    panels = data.panels
    title = _wrap("All conditions, by condition group", FONT["title"] - 2, WIDTH_IN - 0.3)
    caption = _wrap(f"Each panel: one bar per study, in a column by what it found; bar height = strength of "
                    f"design (systematic review tallest, case report and lab study shortest). Corpus of "
                    f"{data.corpus_date or 'unknown date'}. {data.disclaimer}", FONT["caption"], WIDTH_IN - 0.3)
    shown = [d for d in DIRECTIONS if d in ALWAYS or any(b.direction == d for p in panels for b in p.bars)]
    banded = [dict(band_bars(p)) for p in panels]
    slots = {d: max(MIN_SLOTS, *(len(b.get(d, [])) for b in banded)) for d in shown}
    starts, x = {}, 0.0
    for d in shown:
        starts[d], x = x, x + slots[d] + GAP
    top = PAD + len(title) * 0.34 + 0.35
    panel_h = 0.32 + 0.9 + 0.25 + 0.12
    height = top + len(panels) * panel_h + 0.1 + len(caption) * 0.17 + PAD
    fig = figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    y = PAD
    for line in title:
        fig.text(0.15 / WIDTH_IN, 1 - y / height, line, fontsize=FONT["title"] - 2, weight="bold", color=INK,
                 va="top")
        y += 0.34
    fig.text(0.15 / WIDTH_IN, 1 - y / height, "■ in people", fontsize=FONT["key"], color=HUMAN, va="top")
    fig.text(1.5 / WIDTH_IN, 1 - y / height, "■ in animals or the lab (hatched)", fontsize=FONT["key"],
             color=ANIMAL, va="top")
    for i, (tally, bands) in enumerate(zip(panels, banded)):
        y = top + i * panel_h
        n = len(tally.bars)
        name = f"{tally.topic.capitalize()}  ·  {n} {'study' if n == 1 else 'studies'}"
        fig.text(0.15 / WIDTH_IN, 1 - y / height, name, fontsize=FONT["key"] + 2, weight="bold", color=INK, va="top")
        ax = fig.add_axes((0.15 / WIDTH_IN, 1 - (y + 0.32 + 0.9) / height, (WIDTH_IN - 0.3) / WIDTH_IN, 0.9 / height))
        for d in shown:
            for k, b in enumerate(bands.get(d, [])):
                ax.add_patch(_rect(starts[d] + k, 0, 0.85, HEIGHT.get(b.evidence_level, 1),
                                   HUMAN if b.human else ANIMAL, None if b.human else "///"))
        ax.set_xlim(-0.2, x - GAP + 0.2)
        ax.set_ylim(0, 6.2)
        ax.set_yticks([])
        ax.set_xticks([starts[d] + slots[d] / 2 - 0.1 for d in shown], [SHORT[d] for d in shown],
                      fontsize=FONT["caption"])
        ax.tick_params(axis="x", length=0)
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
    y = top + len(panels) * panel_h + 0.1
    for line in caption:
        fig.text(0.15 / WIDTH_IN, 1 - y / height, line, fontsize=FONT["caption"], color=GREY, va="top")
        y += 0.17
    return _png(fig)


def _png(fig: Any) -> Rendered:
    """The figure as a PNG of at most PALETTE colours (a chart has few: a third of the bytes, well under 300 KB)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").quantize(PALETTE, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG",
                                                                           compress_level=6)
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
    return Rendered(buffer.getvalue(), width, height, texts)
