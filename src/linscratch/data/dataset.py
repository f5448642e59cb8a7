"""A run's data: the `Dataset` every source gives (the book's synthetic problem, a file, a data
set shipped with linscratch; `train.sources`), and the check that no value is too large for
the arithmetic it will meet."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from linscratch.errors import UsageError
from linscratch.i18n import Words


@dataclass(frozen=True)
class Dataset:
    """The rows of a run: X (n, d) and y (n, 1) or (n,), torch or numpy; `weights` (n,), the
    rows' weights (all positive: rows of weight zero are dropped here), rescaled so that the
    largest is in [1, 4) (`weights.rescaled`; `weight_shift` says by how much), or None;
    the columns' names;
    `source`, what the report says of where they came from (with `dropped_rows`, the rows
    dropped for a missing cell, and `formula`, where the columns were encoded); `encoding`,
    how a formula or categories encoded the columns (`tables.read_design`), which a saved
    model keeps; for synthetic data the truth
    (`true_w` (d,), `true_b`) and `book_draw`, the book's initial (w (d, 1), b (1,)), drawn
    right after the data from the same generator, as the book's script does."""

    X: Any
    y: Any
    feature_names: list[str]
    target_name: str | None
    source: dict
    true_w: Any = None
    true_b: float | None = None
    book_draw: tuple | None = None
    weights: np.ndarray | None = None
    largest: float | None = None  # at least the largest magnitude in X and y, where known
    weight_shift: int = 0  # `weights` are the column's times 4^-weight_shift (`weights`)
    peaks: np.ndarray | None = None  # each column's largest magnitude, the target last, if known
    encoding: dict | None = None  # a formula's or categories' encoding (`tables.read_design`)
    squares: np.ndarray | None = None  # (n,) the rows' ‖x‖², where reading measured them

    @property
    def synthetic(self) -> bool:
        return self.true_w is not None


def _largest(a) -> tuple[float, tuple[int, int]]:
    """The largest magnitude in `a` (n,) or (n, k), and its (row, column), in chunks of rows."""
    best, where = 0.0, (0, 0)
    width = max(1, int(np.prod(np.shape(a)[1:])))
    rows = max(1, (1 << 21) // width)  # about 2M values a chunk: bounded memory at any width
    for start in range(0, len(a), rows):
        part = np.asarray(a[start : start + rows])
        part = np.abs(part if part.dtype.kind == "f" else part.astype(np.float64))  # exact
        part = part.reshape(len(part), -1)
        if part.size and part.max() > best:
            row, col = np.unravel_index(int(part.argmax()), part.shape)
            best, where = float(part.max()), (start + int(row), int(col))
    return best, where


def check_magnitudes(dataset: Dataset, dtype: str) -> None:
    """Refuse values whose squares overflow the arithmetic they will meet (`dtype`: the run's,
    or float64 where the data are standardized first), and a column whose values are all so
    small that their squares underflow (`_check_small`). Overflow would otherwise show as a
    divergence, and no learning rate can help it; underflow, as a wrong answer."""
    limit = math.sqrt(np.finfo(dtype).max) / 1e3  # room for sums of squares over a batch
    if dataset.peaks is not None:
        _check_small(dataset, dtype)
    if dataset.largest is not None and dataset.largest <= limit:
        return  # measured while the file was read (`columns.scan`): no pass
    names = [*dataset.feature_names, dataset.target_name or "y"]
    for a, column in ((dataset.X, None), (dataset.y, len(names) - 1)):
        value, (row, col) = _largest(a)
        if value > limit:
            where = dataset.source.get("path", Words("synthetic data"))
            if dtype == "float64":
                advice = Words("rescale the column")
            else:
                advice = UsageError("use {0} float64 or {1}", "dtype", "standardize")
            raise UsageError(
                "{where}: column {name!r}, row {row}: {value:.3g} is too large for {dtype} "
                "arithmetic (its square overflows); {advice}",
                where=where,
                advice=advice,
                name=names[col if column is None else column],
                row=row + 1,
                value=value,
                dtype=dtype,
            )


def _check_small(dataset: Dataset, dtype: str) -> None:
    """Refuse a column whose largest magnitude is above zero but so small that its squares
    underflow: in float64 (the exact answer's sums of squares, whatever the run's dtype: values
    near 1e-300 gave "loss 0, it fits every row exactly"), or in `dtype` (float32's SGD, where
    its values would be zeros or its gradients would underflow). A column of zeros is left to
    the rules about constant columns."""
    names = [*dataset.feature_names, dataset.target_name or "y"]
    exact = math.sqrt(np.finfo(np.float64).tiny) * 1e3  # room for sums of squares: 1.5e-151
    run = math.sqrt(np.finfo(dtype).tiny) * 1e3
    for name, peak in zip(names, dataset.peaks, strict=False):
        if 0 < peak < max(exact, run):
            if peak < exact or dtype == "float64":
                advice, arithmetic = Words("rescale the column (other units)"), "float64"
            else:
                advice = UsageError("use {0} float64 or {1}", "dtype", "standardize")
                arithmetic = dtype
            raise UsageError(
                "{where}: column {name!r}: its largest value is {value:.3g}, too small for "
                "{dtype} arithmetic (its square underflows); {advice}",
                where=dataset.source.get("path", Words("synthetic data")),
                name=name,
                value=peak,
                dtype=arithmetic,
                advice=advice,
            )
