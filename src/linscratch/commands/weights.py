"""The learned parameters of a run on a file, listed one per line by column name beside the
exact least-squares answer (part of `train`'s text report)."""

from __future__ import annotations

from ..scaled_params import shorten

MAX_WEIGHTS = 20  # weights listed one per line; the rest are counted (all are in --json)
MAX_NAME = 24  # a longer column name is cut, with "…"


def _name(name: str) -> str:
    """A column's name as shown: control characters escaped, cut to MAX_NAME characters."""
    return shorten(name, MAX_NAME)


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: two for each wide (Chinese) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def weight_lines(run, t: dict) -> list[str]:
    """The learned parameters of a run on a file, one per line named by its column, with the
    exact least-squares value beside; past MAX_WEIGHTS, a line counting those left out."""
    w, ols_w = run.result.w, run.ols.w
    shown = min(len(w), MAX_WEIGHTS)
    rows = [(_name(run.feature_names[j]), w[j], ols_w[j]) for j in range(shown)]
    rows.append(("b", run.result.b, run.ols.b))
    cells = [(name, f"{sgd:.6g}", f"{ols:.6g}") for name, sgd, ols in rows]
    table = [t["columns"], *cells]
    wide = [max(_width(row[k]) for row in table) for k in range(3)]

    def pad(text: str, k: int) -> str:
        space = " " * (wide[k] - _width(text))
        return text + space if k == 0 else space + text

    lines = ["  " + "  ".join(pad(cell, k) for k, cell in enumerate(row)) for row in table]
    if len(w) > shown:
        lines.insert(-1, "  " + t["more"].format(more=len(w) - shown))
    return lines
