"""A small SVG line chart of benchmark results (cost against corpus size), written without a plotting library.

`bench latency --plot FILE.svg` draws one panel per measure, corpus size on a log axis, so the figure in
BENCHMARKS.md is made by the same command as the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[float, float], ...]  # (x, y), x > 0


@dataclass(frozen=True)
class Panel:
    title: str
    y_label: str
    series: tuple[Series, ...]


def _ticks(lo: float, hi: float) -> list[float]:
    """About five round tick values from 0 to at least `hi`."""
    span = max(hi - lo, 1e-9)
    raw = span / 5
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * step:
            step *= m
            break
    return [i * step for i in range(math.ceil(hi / step) + 1)]


def _number(v: float) -> str:
    if v >= 1000:
        return f"{v / 1000:g}k"
    return f"{v:g}"


def svg(panels: list[Panel], title: str, width: int = 360, height: int = 260) -> str:
    """Panels side by side; x (corpus size) on a log scale shared by all, y linear from 0."""
    xs = [x for p in panels for s in p.series for x, _ in s.points]
    if not xs:
        raise ValueError("nothing to plot")
    x_lo, x_hi = math.log10(min(xs)), math.log10(max(xs))
    if x_hi - x_lo < 1e-9:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    left, right, top, bottom = 52, 14, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    total_w = width * len(panels)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{height + 24}" '
           f'font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{total_w / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>']
    for n, panel in enumerate(panels):
        ox, oy = n * width + left, top + 16
        ys = [y for s in panel.series for _, y in s.points]
        yt = _ticks(0, max(ys, default=1) or 1)

        def px(x: float, ox: float = ox) -> float:  # bound now: used within this panel only
            return ox + (math.log10(x) - x_lo) / (x_hi - x_lo) * plot_w

        def py(y: float, oy: float = oy, yt: list[float] = yt) -> float:
            return oy + plot_h - y / yt[-1] * plot_h

        out.append(f'<text x="{ox + plot_w / 2}" y="{oy - 8}" text-anchor="middle">{escape(panel.title)}</text>')
        out.append(f'<rect x="{ox}" y="{oy}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>')
        for t in yt:
            out.append(f'<line x1="{ox}" x2="{ox + plot_w}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#eee"/>')
            out.append(f'<text x="{ox - 4}" y="{py(t) + 4:.1f}" text-anchor="end">{_number(t)}</text>')
        for x in sorted(set(xs)):
            out.append(f'<text x="{px(x):.1f}" y="{oy + plot_h + 14}" text-anchor="middle">{_number(x)}</text>')
        out.append(f'<text x="{ox + plot_w / 2}" y="{oy + plot_h + 30}" text-anchor="middle">chunks (log scale)</text>')
        out.append(f'<text transform="translate({ox - 38},{oy + plot_h / 2}) rotate(-90)" '
                   f'text-anchor="middle">{escape(panel.y_label)}</text>')
        for i, s in enumerate(panel.series):
            colour = COLOURS[i % len(COLOURS)]
            pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(s.points))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
            out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in s.points]
            out.append(f'<text x="{ox + 6}" y="{oy + 14 + 13 * i}" fill="{colour}">{escape(s.label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def latency_panels(runs: list[dict]) -> list[Panel]:
    """The runs of `bench latency` on generated corpora: per-question time, build and load time, memory."""
    big = [r for r in runs if r["corpus"] != "bundled"]

    def series(label: str, key: str) -> Series:
        return Series(label, tuple((float(r["chunks"]), float(r[key])) for r in big))

    return [Panel("per question", "ms", (series("p50", "p50_ms"), series("p99", "p99_ms"))),
            Panel("index", "seconds", (series("build", "build_s"), series("load (cached)", "load_s"))),
            Panel("peak memory", "MB", (series("build", "build_peak_mb"), series("serve", "serve_peak_mb")))]
