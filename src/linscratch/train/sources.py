"""Data sources: a `DataSpec` resolved into a `Dataset`, whether the book's synthetic problem,
a file, or a data set shipped with linscratch."""

from __future__ import annotations

from linscratch import datasets
from linscratch.book.model import init_params
from linscratch.data.dataset import Dataset
from linscratch.errors import UsageError
from linscratch.interrupts import answering
from linscratch.spec import DataSpec


def file_of(spec: DataSpec) -> tuple[str, str | None]:
    """The file behind a `data` or `dataset` setting, and its target column."""
    if spec.dataset is not None:
        return str(datasets.path(spec.dataset)), spec.target or datasets.target(spec.dataset)
    return spec.data, spec.target


def encoded(spec: DataSpec) -> bool:
    """Whether a file is read as a table as it comes: rows with a missing cell dropped,
    categories encoded, or a formula (`tables.read_design`)."""
    return spec.drop_missing or spec.categorical is not None or spec.formula is not None


def load(spec: DataSpec, seed: int, fit_intercept: bool = True) -> Dataset:
    """The data `spec` describes (resolved: see `DataSpec.resolved`), drawn from `seed` when
    synthetic: features, noise, then the initial w, all from one torch generator (the book's
    order of draws). `fit_intercept` says whether categories drop their first level. A file
    without a `target` (and no formula) has its last column taken where that is safe
    (`files.guess_target`); `source["target_guessed"]` says so."""
    if not spec.synthetic:
        from linscratch.data.files import read_table  # start-up: not every run needs it

        path, target = file_of(spec)
        features = None if spec.features is None else list(spec.features)
        header = not spec.no_header
        guessed = target is None and spec.formula is None  # the last column, if safe
        if encoded(spec):
            from linscratch.data.tables import (  # start-up: pandas, formulaic only for them
                read_design,
            )

            table = answering(
                read_design,
                path,
                target,
                features,
                spec.weights,
                header,
                categorical=spec.categorical,
                formula=spec.formula,
                drop_missing=spec.drop_missing,
                fit_intercept=fit_intercept,
            )
        else:
            from linscratch.data.columns import (  # start-up: not every run needs it
                MissingCell,
            )

            try:
                table = answering(
                    read_table,
                    path,
                    target,
                    features,
                    weights=spec.weights,
                    header=header,
                    guess=guessed,
                )
            except MissingCell as exc:
                raise UsageError(
                    "{problem}; give {0} to drop the rows with one", "drop_missing", problem=exc
                ) from None
        X, y, weights = table.X, table.y, table.weights
        squares = table.squares  # (n,) the rows' ‖x‖², measured as the file was checked
        if weights is not None:
            from linscratch.data.weights import (  # start-up: torch only when a run needs it
                checked,
                drop_zero,
                rescaled,
            )

            weights, shift = rescaled(checked(weights, len(y), "weights"))
            if squares is not None:  # the rows of weight zero go, their norms with them
                squares = squares[weights > 0]
            X, y, weights = drop_zero(X, y, weights)
        source = {"path": path, "rows": len(table.y), "target_guessed": guessed}
        if spec.drop_missing:
            source["dropped_rows"] = table.dropped
        if spec.formula is not None or spec.categorical is not None:
            source["formula"] = table.encoding["formula"]
        if weights is not None:  # the weights' column, and the rows of positive weight
            source.update(weights=spec.weights, weighted_rows=len(y))
        names = table.feature_names, table.target_name
        shift = 0 if weights is None else shift
        return Dataset(
            X,
            y,
            *names,
            source,
            None,
            None,
            None,
            weights,
            table.largest,
            shift,
            table.peaks,
            table.encoding,
            squares,
        )

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
