"""The rows of a run, prepared: the held-out rows split off (drawn from the seed) and the
training rows standardized, each row's weight kept beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linscratch.data.dataset import Dataset
from linscratch.errors import UsageError
from linscratch.i18n import Words
from linscratch.spec import RunSpec


@dataclass(frozen=True)
class Rows:
    """The rows of a run: X, y to train on and compare with; X_fit, y_fit as `fit` sees them
    (standardized or not); the held-out rows, in float64; which rows were kept for training;
    the training rows' weights (n,) and the held-out rows' (or None, unweighted); `squares`
    (n,), the squared norms ‖x‖² of X_fit's rows, from the pass that read the file or the one
    that standardized them (None where neither measured them), for the stability limit."""

    X: Any
    y: Any
    X_fit: Any
    y_fit: Any
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    train_rows: np.ndarray | None = None
    scaler: Standardizer | None = None
    weights: np.ndarray | None = None
    w_val: np.ndarray | None = None
    squares: np.ndarray | None = None


def prepare(spec: RunSpec, dataset: Dataset, asked: bool = True) -> Rows:
    """Split off the held-out rows (drawn from the seed) and standardize on the training rows
    only (unweighted: a change of units, which the weighted answer follows exactly); without
    either, the rows as they came (the book's run stays bit for bit the book's). The rows'
    squared norms go with them: the file's (`Dataset.squares`) for the training rows, or
    those of the standardized rows, taken as they are made (`standardized`). `asked`: whether
    the user asked for the standardization (else the data's default decided it, and a
    constant column keeps its scale, `Standardizer.fit`)."""
    prep, X, y, weights = spec.data, dataset.X, dataset.y, dataset.weights
    squares = dataset.squares
    if not (prep.val_fraction or prep.standardize):
        return Rows(X, y, X, y, weights=weights, squares=squares)
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    X_val = y_val = train_rows = scaler = w_val = None
    if prep.val_fraction:
        train_rows, val_rows = split_rows(len(X), prep.val_fraction, spec.seed)
        X_val, y_val = np.asarray(X[val_rows], np.float64), np.asarray(y[val_rows], np.float64)
        X, y = X[train_rows], y[train_rows]
        squares = None if squares is None else squares[train_rows]
        if weights is not None:
            weights, w_val = weights[train_rows], weights[val_rows]
    X_fit, y_fit = X, y
    if prep.standardize:
        X64, y64 = X.astype(np.float64), y.astype(np.float64)
        names, center = dataset.feature_names, spec.model.fit_intercept
        scaler = Standardizer.fit(X64, y64, names, center, constant_ok=not asked)
        X_fit, y_fit, squares = standardized(scaler, X64, y64)
    return Rows(X, y, X_fit, y_fit, X_val, y_val, train_rows, scaler, weights, w_val, squares)


def standardized(scaler: Standardizer, X: np.ndarray, y: np.ndarray):
    """`scaler.transform` of X (n, d), y (n,), a block of about 1 MiB of rows at a time, with
    the squared norms (n,) of the standardized rows taken from each block while it is in
    cache (the stability limit's, with no pass of its own): the same values as the whole
    transform, bit for bit (element by element)."""
    X_fit, y_fit, squares = np.empty_like(X), np.empty_like(y), np.empty(len(X))
    rows = max(1, (1 << 20) // (max(1, X.shape[1]) * X.itemsize))
    for start in range(0, len(X), rows):
        part = slice(start, start + rows)
        X_fit[part], y_fit[part] = scaler.transform(X[part], y[part])
        block = X_fit[part]
        np.einsum("ij,ij->i", block, block, out=squares[part])
    return X_fit, y_fit, squares


SMALLEST_SPREAD = float(np.sqrt(np.finfo(np.float64).tiny))  # 1.49e-154: its square is normal


def _rescued(spread: np.ndarray, X: np.ndarray, mean) -> np.ndarray:
    """Each column's spread (standard deviation about `mean`, or root mean square where
    `mean` is None), recomputed from the column divided by its largest deviation where it is
    below SMALLEST_SPREAD (the plain formula's squares underflow: values near 1e-300 have a
    spread, whose squares are 0 in float64), so that a column that varies is told from one
    that does not; other columns keep theirs bit for bit."""
    spread = np.array(spread)  # its dtype kept
    for j in np.flatnonzero(~(spread >= SMALLEST_SPREAD)):
        dev = np.asarray(X[:, j], np.float64) - (0.0 if mean is None else mean[j])
        scale = float(np.max(np.abs(dev)))
        if scale > 0:
            spread[j] = scale * float(np.sqrt(np.mean((dev / scale) ** 2)))
    return spread


def _too_small(name: str, spread: float, what: Words) -> None:

    raise UsageError(
        "{0}: column {name!r} is not constant, but its {what} ({spread:.3g}) is below what "
        "float64 can standardize ({smallest:.3g}: the square of a smaller number underflows); "
        "rescale the column (other units) or train with {0} off (--no-standardize)",
        "standardize",
        name=name,
        what=what,
        spread=spread,
        smallest=SMALLEST_SPREAD,
    )


@dataclass
class Standardizer:
    """Feature and target scaling from the training rows: x' = (x − mean)/std, y' = (y − ȳ)/s_y.

    Training on scaled data conditions the problem (every feature on one scale, so one learning
    rate suits them all); `to_original` maps the learned parameters back, so that everything
    reported and saved is in the data's own units. A model through the origin is only scaled,
    not centered (centering would add the intercept it leaves out): x' = x/rms(x), y' = y/rms(y),
    with mean 0 and std the root mean square.
    """

    mean: np.ndarray  # (d,)
    std: np.ndarray  # (d,)
    y_mean: float
    y_std: float

    @classmethod
    def fit(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        feature_names: list[str],
        center: bool = True,
        constant_ok: bool = False,
    ):
        """The scaling of the training rows X (n, d), y (n,); centered or (for a model through
        the origin) not. A constant column (zero, through the origin) is refused, naming it,
        unless `constant_ok` (the standardization was the data's default, not asked for): then
        it keeps scale 1, as scikit-learn's StandardScaler keeps it."""

        if not center:
            rms = _rescued(np.sqrt(np.mean(X * X, axis=0)), X, None)
            for j in np.flatnonzero(~(rms >= SMALLEST_SPREAD)):
                if not np.any(X[:, j]) and constant_ok:
                    rms[j] = 1.0
                    continue
                if not np.any(X[:, j]):
                    raise UsageError(
                        "{0}: column {name!r} is zero in the training rows",
                        "standardize",
                        name=feature_names[j],
                    )
                _too_small(feature_names[j], rms[j], Words("root mean square"))
            y_rms = float(np.sqrt(np.mean(y * y)))
            return cls(np.zeros_like(rms), rms, 0.0, y_rms if y_rms > 0 else 1.0)
        mean = X.mean(axis=0)
        std = _rescued(X.std(axis=0), X, mean)
        for j in np.flatnonzero(~(std >= SMALLEST_SPREAD)):
            if np.all(X[:, j] == X[0, j]) and constant_ok:
                std[j] = 1.0
                continue
            if np.all(X[:, j] == X[0, j]):
                raise UsageError(
                    "{0}: column {name!r} is constant in the training rows",
                    "standardize",
                    name=feature_names[j],
                )
            _too_small(feature_names[j], std[j], Words("standard deviation"))
        y_std = float(y.std())
        return cls(mean, std, float(y.mean()), y_std if y_std > 0 else 1.0)

    def transform(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (X - self.mean) / self.std, (y - self.y_mean) / self.y_std

    def to_original(self, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
        """Parameters of the scaled problem in original units: y = x·w + b."""
        w_orig = self.y_std * np.asarray(w) / self.std
        return w_orig, self.y_mean + self.y_std * b - float(w_orig @ self.mean)

    def params_to_original(self, params: np.ndarray) -> np.ndarray:
        """Rows of parameters [w₁ … w_d, b] (k, d + 1) of the scaled problem in original units."""
        w = self.y_std * params[:, :-1] / self.std  # (k, d)
        return np.c_[w, self.y_mean + self.y_std * params[:, -1] - w @ self.mean]

    def to_dict(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "target_mean": self.y_mean,
            "target_std": self.y_std,
        }


def split_rows(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of n rows: (training rows, validation rows), each sorted."""

    n_val = round(n * val_fraction)
    if n_val < 1 or n - n_val < 2:
        raise UsageError(
            "{0} {value} of {n} rows leaves {train} for training and {val} for validation; "
            "need at least 2 and 1",
            "val_fraction",
            value=val_fraction,
            n=n,
            train=n - n_val,
            val=n_val,
        )
    perm = np.random.default_rng(seed).permutation(n)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])
