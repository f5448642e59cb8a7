"""Data sources: a `DataSpec` resolved into a `Dataset`, whether the book's synthetic problem,
a file, or a data set shipped with linscratch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .spec import DataSpec


@dataclass(frozen=True)
class Dataset:
    """The rows of a run: X (n, d) and y (n, 1) or (n,), torch or numpy; the columns' names;
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

    @property
    def synthetic(self) -> bool:
        return self.true_w is not None


def file_of(spec: DataSpec) -> tuple[str, str | None]:
    """The file behind a `data` or `dataset` setting, and its target column."""
    if spec.dataset is not None:
        from . import datasets

        return str(datasets.path(spec.dataset)), spec.target or datasets.target(spec.dataset)
    return spec.data, spec.target


def load(spec: DataSpec, seed: int) -> Dataset:
    """The data `spec` describes (resolved: see `DataSpec.resolved`), drawn from `seed` when
    synthetic: features, noise, then the initial w, all from one torch generator (the book's
    order of draws)."""
    if not spec.synthetic:
        from .files import read_table

        path, target = file_of(spec)
        features = None if spec.features is None else list(spec.features)
        table = read_table(path, target=target, features=features)
        return Dataset(
            table.X,
            table.y,
            table.feature_names,
            table.target_name,
            {"path": path, "rows": len(table.y)},
        )

    import torch

    from .data import synthetic_data
    from .model import init_params

    g = torch.Generator().manual_seed(seed)
    true_w = torch.tensor(spec.true_w, dtype=torch.float32)
    X, y = synthetic_data(true_w, spec.true_b, spec.num_examples, spec.noise, g)
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
