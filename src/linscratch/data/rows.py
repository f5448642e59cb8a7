"""The rows of a run, prepared: the held-out rows split off (drawn from the seed) and the
training rows standardized, each row's weight kept beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linscratch.book.data import Standardizer, split_rows
from linscratch.data.sources import Dataset
from linscratch.train.spec import RunSpec


@dataclass(frozen=True)
class Rows:
    """The rows of a run: X, y to train on and compare with; X_fit, y_fit as `fit` sees them
    (standardized or not); the held-out rows, in float64; which rows were kept for training;
    the training rows' weights (n,) and the held-out rows' (or None, unweighted)."""

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


def prepare(spec: RunSpec, dataset: Dataset) -> Rows:
    """Split off the held-out rows (drawn from the seed) and standardize on the training rows
    only (unweighted: a change of units, which the weighted answer follows exactly); without
    either, the rows as they came (the book's run stays bit for bit the book's)."""
    prep, X, y, weights = spec.data, dataset.X, dataset.y, dataset.weights
    if not (prep.val_fraction or prep.standardize):
        return Rows(X, y, X, y, weights=weights)
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    X_val = y_val = train_rows = scaler = w_val = None
    if prep.val_fraction:
        train_rows, val_rows = split_rows(len(X), prep.val_fraction, spec.seed)
        X_val, y_val = np.asarray(X[val_rows], np.float64), np.asarray(y[val_rows], np.float64)
        X, y = X[train_rows], y[train_rows]
        if weights is not None:
            weights, w_val = weights[train_rows], weights[val_rows]
    X_fit, y_fit = X, y
    if prep.standardize:
        X64, y64 = X.astype(np.float64), y.astype(np.float64)
        scaler = Standardizer.fit(X64, y64, dataset.feature_names, spec.model.fit_intercept)
        X_fit, y_fit = scaler.transform(X64, y64)
    return Rows(X, y, X_fit, y_fit, X_val, y_val, train_rows, scaler, weights, w_val)
