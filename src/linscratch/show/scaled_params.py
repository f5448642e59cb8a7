"""The parameters panel of `train --plot` for a file's data: every parameter in standardized
units, named by its column, so that an intercept of millions does not flatten weights of
0.03 and each one's approach to the exact least-squares answer is visible.

Standardized, wⱼ·sd(xⱼ)/sd(y) is how many standard deviations of y one standard deviation of
xⱼ moves the prediction, and b becomes (ŷ(x̄) − ȳ)/sd(y), the prediction's error at the mean
row (0 at the least-squares answer). These are the coordinates in which `--standardize` trains.
"""

from __future__ import annotations

import numpy as np

from linscratch.i18n import tr
from linscratch.losses.squared import SQUARED

COLOURED = 10  # parameters drawn in colour and named; the others in grey
MAX_LABEL = 18  # characters of a column name in the legend
NAMED_HIDDEN = 3  # the weights drawn in grey are named in the key up to this many


def scales(X, y, scaler=None) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Means and standard deviations of X's columns (d,) and of y: the run's `Standardizer`
    where it has one, else taken from the rows in chunks (X may be memory-mapped)."""
    if scaler is not None:
        return scaler.mean, scaler.std, scaler.y_mean, scaler.y_std
    n, d = np.shape(X)
    chunk = 1 << 16
    total, squares = np.zeros(d + 1), np.zeros(d + 1)
    for start in range(0, n, chunk):
        part = _part(X, y, start, chunk)
        total += part.sum(axis=0)
    mean = total / n
    for start in range(0, n, chunk):
        part = _part(X, y, start, chunk)
        squares += ((part - mean) ** 2).sum(axis=0)
    std = np.sqrt(squares / n)
    y_std = float(std[-1]) if std[-1] > 0 else 1.0
    return mean[:-1], std[:-1], float(mean[-1]), y_std


def _part(X, y, start: int, chunk: int) -> np.ndarray:
    """Rows start … start + chunk of [X y] in float64, (rows, d + 1)."""
    rows = slice(start, start + chunk)
    return np.c_[np.asarray(X[rows], np.float64), np.asarray(y[rows], np.float64).reshape(-1)]


def standardized(params: np.ndarray, mean, std, y_mean: float, y_std: float) -> np.ndarray:
    """Rows of parameters [w₁ … w_d, b] (k, d + 1) in the data's units, standardized (the
    inverse of `Standardizer.params_to_original`)."""
    params = np.atleast_2d(params)
    w, b = params[:, :-1], params[:, -1]
    return np.c_[w * std / y_std, (b + w @ mean - y_mean) / y_std]


def shorten(name: str, width: int) -> str:
    """A column's name in at most `width` characters: control characters escaped, a long one
    cut in the middle ("feature_wit…name_12"), where names that differ often differ."""
    name = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
    if len(name) <= width:
        return name
    tail = (width - 1) // 2
    return name[: width - 1 - tail] + "…" + name[len(name) - tail :]


def more_label(hidden: list[str]) -> str:
    """The key's entry for the weights not named, the smallest by |w|: their count, and their
    names where there are at most `NAMED_HIDDEN` (none is hidden silently)."""
    if len(hidden) <= NAMED_HIDDEN:
        names = ", ".join(shorten(name, MAX_LABEL) for name in hidden)
        return tr("+{count} more (smallest |w|): {names}").format(count=len(hidden), names=names)
    return tr("+{count} more (smallest |w|)").format(count=len(hidden))


def draw(ax, x: np.ndarray, path: np.ndarray, target: np.ndarray, names: list[str]) -> None:
    """Each standardized parameter's path (points, d + 1) against x (points,), dashed at its
    least-squares value; the COLOURED largest there in colour and named, any others in grey."""
    order = np.argsort(-np.abs(target[:-1]), kind="stable")
    coloured = {int(j) for j in order[: COLOURED - 1]} | {len(target) - 1}  # b always named
    grey = [j for j in range(len(target)) if j not in coloured]
    for j in grey:
        ax.plot(x, path[:, j], color="0.7", linewidth=0.8, zorder=1)
    for k, j in enumerate(sorted(coloured)):
        color = f"C{k % 10}"
        label = "b" if j == len(target) - 1 else shorten(names[j], MAX_LABEL)
        ax.plot(x, path[:, j], color=color, linewidth=1.4, label=label, zorder=2)
        ax.axhline(target[j], color=color, linestyle="--", linewidth=1, zorder=2)
    if grey:
        ax.plot([], [], color="0.7", label=more_label([names[j] for j in grey]))
    ax.set_ylabel(tr(SQUARED.dashed), fontsize=8)
    ax.set_title(tr("Parameters approaching the least-squares answer"))
