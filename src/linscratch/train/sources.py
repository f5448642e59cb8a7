"""Data sources: a `DataSpec` resolved into a `Dataset`, whether the book's synthetic problem,
a file, or a data set shipped with linscratch."""

from __future__ import annotations

from linscratch import datasets
from linscratch.book.model import init_params
from linscratch.data.dataset import Dataset
from linscratch.interrupts import answering
from linscratch.spec import DataSpec


def file_of(spec: DataSpec) -> tuple[str, str | None]:
    """The file behind a `data` or `dataset` setting, and its target column."""
    if spec.dataset is not None:
        return str(datasets.path(spec.dataset)), spec.target or datasets.target(spec.dataset)
    return spec.data, spec.target


def load(spec: DataSpec, seed: int) -> Dataset:
    """The data `spec` describes (resolved: see `DataSpec.resolved`), drawn from `seed` when
    synthetic: features, noise, then the initial w, all from one torch generator (the book's
    order of draws)."""
    if not spec.synthetic:
        from linscratch.data.files import read_table  # start-up: not every run needs it

        path, target = file_of(spec)
        features = None if spec.features is None else list(spec.features)
        header = not spec.no_header
        table = answering(read_table, path, target, features, weights=spec.weights, header=header)
        X, y, weights = table.X, table.y, table.weights
        if weights is not None:
            from linscratch.data.weights import (  # start-up: torch only when a run needs it
                checked,
                drop_zero,
                rescaled,
            )

            weights, shift = rescaled(checked(weights, len(y), "weights"))
            X, y, weights = drop_zero(X, y, weights)
        source = {"path": path, "rows": len(table.y)}
        if weights is not None:  # the weights' column, and the rows of positive weight
            source.update(weights=spec.weights, weighted_rows=len(y))
        names = table.feature_names, table.target_name
        shift = 0 if weights is None else shift
        squares = table.squares if weights is None else None  # rows may have been dropped
        return Dataset(
            X, y, *names, source, None, None, None, weights, table.largest, shift, table.peaks,
            squares,
        )  # fmt: skip

    import torch  # start-up: torch only when a run needs it

    from linscratch.book.data import synthetic_data  # start-up: torch only when a run needs it

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
