"""A tiny line-chart renderer that writes SVG text, for the live plot: drawing a few panels of a
few thousand points takes about a millisecond, where a matplotlib PNG takes a hundred or more,
so a notebook can watch a run that itself lasts a tenth of a second. Browsers draw the text, so
Chinese labels need no font on the machine that trains.

A figure is a list of `Panel`s side by side; a panel holds `Line`s in data units.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from html import escape

import numpy as np

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MAX_POINTS = 1500  # a line with more points is drawn from every k-th one


@dataclass
class Line:
    """One series: x and y of equal length (non-finite points, and non-positive ones on a log
    axis, are left out); a `dash`ed line, `dots` at its points, and a `label` for the key."""

    x: np.ndarray
    y: np.ndarray
    color: str = COLORS[0]
    width: float = 1.4
    opacity: float = 1.0
    dash: bool = False
    dots: bool = False
    label: str | None = None


@dataclass
class Panel:
    xlabel: str
    ylabel: str
    log: bool = False  # a logarithmic y axis
    lines: list[Line] = field(default_factory=list)


def ticks(lo: float, hi: float, log: bool) -> list[float]:
    """Round values between lo and hi for an axis: powers of ten on a log axis (in log10
    units), else 1, 2 or 5 times a power of ten, about five of them."""
    if log and hi - lo >= 1:
        step = max(1, math.ceil((hi - lo) / 6))
        return [float(k) for k in range(math.ceil(lo), math.floor(hi) + 1) if k % step == 0]
    raw = (hi - lo) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step)
    return [k * step for k in range(first, math.floor(hi / step) + 1)]


def label(value: float, log: bool) -> str:
    """A tick's text: 10⁻³ on a log axis at a power of ten, else a short number."""
    if log:
        if abs(value - round(value)) < 1e-9:
            return "10" + str(round(value)).translate(SUPERSCRIPT)
        value = 10**value
    return f"{value:.3g}"


def text_width(text: str) -> float:
    """About how wide `text` is drawn at the figure's 11-pixel font: a Chinese character is
    nearly square, a Latin one about 0.6 as wide."""
    return sum(11.0 if unicodedata.east_asian_width(c) in "WF" else 6.5 for c in text)


def _points(line: Line, log: bool) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(line.x, np.float64), np.asarray(line.y, np.float64)
    keep = np.isfinite(x) & np.isfinite(y) & ((y > 0) if log else True)
    x, y = x[keep], y[keep]
    if len(x) > MAX_POINTS:
        stride = -(-len(x) // MAX_POINTS)
        x, y = x[::stride], y[::stride]
    return x, (np.log10(y) if log else y)


def _limits(values: list[np.ndarray]) -> tuple[float, float]:
    joined = np.concatenate(values) if values else np.zeros(0)
    if len(joined) == 0:
        return 0.0, 1.0
    lo, hi = float(joined.min()), float(joined.max())
    pad = 0.04 * (hi - lo) if hi > lo else max(abs(lo) * 0.1, 0.5)
    return lo - pad, hi + pad


def panel_svg(panel: Panel, left: float, width: float, height: float) -> list[str]:
    """The SVG elements of one panel placed at x = left, in a box `width` by `height`."""
    box_x, box_y = left + 58, 26.0
    box_w, box_h = width - 58 - 8, height - 26 - 38
    series = [(line, *_points(line, panel.log)) for line in panel.lines]
    x0, x1 = _limits([x for _, x, _ in series])
    y0, y1 = _limits([y for _, _, y in series])

    def sx(x):
        return box_x + (np.asarray(x) - x0) / (x1 - x0) * box_w

    def sy(y):
        return box_y + box_h - (np.asarray(y) - y0) / (y1 - y0) * box_h

    out = [
        f'<rect x="{box_x}" y="{box_y}" width="{box_w}" height="{box_h}" fill="white" '
        'stroke="#444" stroke-width="0.8"/>'
    ]
    for t in ticks(x0, x1, False):
        out.append(
            f'<line x1="{sx(t):.1f}" y1="{box_y}" x2="{sx(t):.1f}" y2="{box_y + box_h}" '
            'stroke="#ddd" stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{sx(t):.1f}" y="{box_y + box_h + 14}" text-anchor="middle">'
            f"{label(t, False)}</text>"
        )
    for t in ticks(y0, y1, panel.log):
        out.append(
            f'<line x1="{box_x}" y1="{sy(t):.1f}" x2="{box_x + box_w}" y2="{sy(t):.1f}" '
            'stroke="#ddd" stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{box_x - 4}" y="{sy(t) + 4:.1f}" text-anchor="end">'
            f"{label(t, panel.log)}</text>"
        )
    out.append(
        f'<text x="{box_x + box_w / 2}" y="{height - 6}" text-anchor="middle">'
        f"{escape(panel.xlabel)}</text>"
    )
    out.append(
        f'<text transform="translate({left + 12},{box_y + box_h / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(panel.ylabel)}</text>'
    )
    for line, x, y in series:
        if len(x) == 0:
            continue
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(sx(x), sy(y), strict=True))
        dash = ' stroke-dasharray="5,3"' if line.dash else ""
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{line.color}" '
            f'stroke-width="{line.width}" stroke-opacity="{line.opacity}"{dash}/>'
        )
        if line.dots and len(x) <= 200:
            out.extend(
                f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.2" fill="{line.color}"/>'
                for a, b in zip(sx(x), sy(y), strict=True)
            )
    kx = box_x  # the key, in a row above the box
    for line in (line for line in panel.lines if line.label):
        text = line.label if len(line.label) <= 20 else line.label[:19] + "…"
        dash = ' stroke-dasharray="5,3"' if line.dash else ""
        out.append(
            f'<line x1="{kx:.1f}" y1="{box_y - 10}" x2="{kx + 18:.1f}" y2="{box_y - 10}" '
            f'stroke="{line.color}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{kx + 22:.1f}" y="{box_y - 6}">{escape(text)}</text>')
        kx += 30 + text_width(text)
    return out


def figure(panels: list[Panel], width: int = 760, height: int = 270) -> str:
    """The panels side by side, as one SVG document."""
    each = width / len(panels)
    body = [e for k, p in enumerate(panels) for e in panel_svg(p, k * each, each, height)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
        + "".join(body)
        + "</svg>"
    )
