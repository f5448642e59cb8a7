"""Data sources: a `DataSpec` resolved into a `Dataset`, whether the book's synthetic problem,
a file, or a data set shipped with linscratch."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from linscratch.errors import UsageError
from linscratch.i18n import Words
from linscratch.interrupts import answering
from linscratch.train.spec import DataSpec


@dataclass(frozen=True)
class Dataset:
    """The rows of a run: X (n, d) and y (n, 1) or (n,), torch or numpy; `weights` (n,), the
    rows' weights (all positive: rows of weight zero are dropped here), rescaled so that the
    largest is in [1, 4) (`sampleweights.rescaled`; `weight_shift` says by how much), or None;
    the columns' names;
    `source`, what the report says of where they came from; for synthetic data the truth
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
    weight_shift: int = 0  # `weights` are the column's times 4^-weight_shift (`sampleweights`)

    @property
    def synthetic(self) -> bool:
        return self.true_w is not None


def file_of(spec: DataSpec) -> tuple[str, str | None]:
    """The file behind a `data` or `dataset` setting, and its target column."""
    if spec.dataset is not None:
        from linscratch.data import datasets

        return str(datasets.path(spec.dataset)), spec.target or datasets.target(spec.dataset)
    return spec.data, spec.target


def load(spec: DataSpec, seed: int) -> Dataset:
    """The data `spec` describes (resolved: see `DataSpec.resolved`), drawn from `seed` when
    synthetic: features, noise, then the initial w, all from one torch generator (the book's
    order of draws)."""
    if not spec.synthetic:
        from linscratch.data.files import read_table

        path, target = file_of(spec)
        features = None if spec.features is None else list(spec.features)
        header = not spec.no_header
        table = answering(read_table, path, target, features, weights=spec.weights, header=header)
        X, y, weights = table.X, table.y, table.weights
        if weights is not None:
            from linscratch.data.weights import checked, drop_zero, rescaled

            weights, shift = rescaled(checked(weights, len(y), "weights"))
            X, y, weights = drop_zero(X, y, weights)
        source = {"path": path, "rows": len(table.y)}
        if weights is not None:  # the weights' column, and the rows of positive weight
            source.update(weights=spec.weights, weighted_rows=len(y))
        names = table.feature_names, table.target_name
        shift = 0 if weights is None else shift
        return Dataset(X, y, *names, source, None, None, None, weights, table.largest, shift)

    import torch

    from linscratch.book.data import synthetic_data
    from linscratch.book.model import init_params

    g = torch.Generator().manual_seed(seed)
    true_w = torch.tensor(spec.true_w, dtype=torch.float32)
    X, y = answering(synthetic_data, true_w, spec.true_b, spec.num_examples, spec.noise, g)
    book_draw = init_params(spec.num_features, g)
    return Dataset(
        X,
        y,
        [f"x{j + 1}" for j in range(spec.num_features)],
        "y",
        {"synthetic": True, "rows": spec.num_examples},
        true_w,
        spec.true_b,
        book_draw,
    )


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
    or float64 where the data are standardized first). Overflow would otherwise show as a
    divergence, and no learning rate can help it."""
    limit = math.sqrt(np.finfo(dtype).max) / 1e3  # room for sums of squares over a batch
    if dataset.largest is not None and dataset.largest <= limit:
        return  # measured while the file was read (`views`): no pass
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
