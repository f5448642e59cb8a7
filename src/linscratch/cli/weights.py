"""The learned parameters of a run on a file, listed one per line by column name beside the
exact least-squares answer (part of `train`'s text report); the same table for the exact
answer alone (or beside the truth) when SGD diverged."""

from __future__ import annotations

from linscratch.i18n import counted, tr, width
from linscratch.show.scaled_params import shorten

MAX_WEIGHTS = 20  # weights listed one per line; the rest are counted (all are in --json)
MAX_NAME = 24  # a longer column name is cut, with "…"


def _name(name: str) -> str:
    """A column's name as shown: control characters escaped, cut to MAX_NAME characters."""
    return shorten(name, MAX_NAME)


def weight_lines(run, heads: tuple[str, str, str]) -> list[str]:
    """The learned parameters of a run on a file, one per line named by its column, with the
    exact least-squares value beside (the columns headed by `heads`); past MAX_WEIGHTS, a line
    counting those left out."""
    columns = [(run.result.w, run.result.b)]
    if run.ols is not None:
        columns.append((run.ols.w, run.ols.b))
    if run.ols is None:  # no exact answer computed: SGD's column alone
        heads = heads[:2]
    return table_lines(run.feature_names, columns, heads)


def table_lines(names, columns, heads) -> list[str]:
    """A table of parameters, one line each, named by `names` (d,) and "b": `columns` is a
    list of (w (d,), b), one per column after the names, headed by `heads` (the names'
    heading first); past MAX_WEIGHTS weights, a line counts the rest."""
    d = len(names)
    shown = min(d, MAX_WEIGHTS)
    rows = [(_name(names[j]), *(f"{w[j]:.6g}" for w, _ in columns)) for j in range(shown)]
    rows.append(("b", *(f"{b:.6g}" for _, b in columns)))
    table = [tuple(heads), *rows]
    wide = [max(width(row[k]) for row in table) for k in range(len(heads))]

    def pad(text: str, k: int) -> str:
        space = " " * (wide[k] - width(text))
        return text + space if k == 0 else space + text

    lines = ["  " + "  ".join(pad(cell, k) for k, cell in enumerate(row)) for row in table]
    if d > shown:
        more = tr("... {more} not shown (--json lists them all)")
        hidden = counted(d - shown, "{n:,} more weight", "{n:,} more weights")
        lines.insert(-1, "  " + more.format(more=hidden))
    return lines
