"""A training run from data to a report: split, standardize, fit, and set the exact
least-squares answer beside SGD's. The CLI and the library share it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import Standardizer, split_rows
from .errors import DivergedError
from .solve import CHUNK, OLSResult, mean_loss, ols, r2_score, stability
from .train import Result, estimation_errors, fit


@dataclass
class Run:
    """A `Result` in the data's own units, with the OLS answer and how SGD compares to it.

    `loss_gap` is SGD's relative excess over the OLS loss on the training rows, both in float64;
    `coef_diff` is SGD's minus OLS's coefficients; `validation` holds the held-out rows' size,
    loss and R² (SGD's, and OLS's loss) when there is a split; `stability` the largest
    curvature of the data trained on and the learning rate 2/λ_max beyond which SGD diverges.
    """

    result: Result
    ols: OLSResult
    r2: float | None
    loss_gap: float | None
    coef_diff: dict
    feature_names: list[str]
    target_name: str | None
    standardizer: Standardizer | None = None
    validation: dict | None = None
    stability: dict | None = None
    trace: dict | None = None
    train_rows: np.ndarray | None = None  # the rows trained on, when there is a split


def _gap(sgd_loss: float, ols_loss: float, y) -> float | None:
    """SGD's loss over OLS's, minus one; None where OLS fits the rows exactly (a loss at the
    rounding level of the targets, as with fewer rows than parameters): no ratio means much."""
    squares = sum(
        float(np.sum(np.asarray(y[i : i + CHUNK], np.float64) ** 2))
        for i in range(0, len(y), CHUNK)
    )
    scale = squares / (2 * len(y))  # ½ mean y², the loss of predicting zero
    if ols_loss <= 1e-20 * max(scale, 1e-300):
        return None
    return (sgd_loss - ols_loss) / ols_loss


def train_run(
    X,
    y,
    *,
    feature_names: list[str],
    target_name: str | None = None,
    standardize: bool = False,
    val_fraction: float | None = None,
    seed: int,
    true_w=None,
    true_b: float | None = None,
    warn=None,
    trace: bool = False,
    callback=None,
    exact: OLSResult | None = None,
    **fit_kwargs,
) -> Run:
    """Fit X (n, d), y (n,) or (n, 1) by SGD and compare with OLS; see `Run`.

    Without a split or standardization X and y go to `fit` untouched, so the book's run stays
    bit for bit the book's. The split is drawn from `seed`; the standardization is fitted on
    the training rows only. `warn(message)`, if given, hears of a learning rate beyond the
    stability limit before training starts. With `trace`, `Run.trace` holds the steps' losses
    and the parameters' path in the data's units (see `fit`). `callback(epoch, loss, w, b)`
    runs after each epoch, in the data's units; returning True stops training. `exact`, the
    OLS answer on the same training rows if already known, is not computed again.
    """
    X_val = y_val = train_rows = None
    if val_fraction or standardize:
        X, y = np.asarray(X), np.asarray(y).reshape(-1)
    if val_fraction:
        train_rows, val_rows = split_rows(len(X), val_fraction, seed)
        X_val, y_val = np.asarray(X[val_rows], np.float64), np.asarray(y[val_rows], np.float64)
        X, y = X[train_rows], y[train_rows]
    scaler = None
    X_fit, y_fit = X, y
    if standardize:
        scaler = Standardizer.fit(X.astype(np.float64), y.astype(np.float64), feature_names)
        X_fit, y_fit = scaler.transform(X.astype(np.float64), y.astype(np.float64))

    bound = stability(np.asarray(X_fit), seed=seed)
    lr = fit_kwargs.get("lr", 0.03)
    bound["exceeded"] = lr > bound["lr_max"]
    if warn is not None and bound["exceeded"]:
        warn(
            f"--lr {lr} exceeds this data's stability limit 2/λ_max = {bound['lr_max']:.4g} "
            f"(λ_max = {bound['lambda_max']:.4g}): gradient descent at this rate diverges"
        )
    val_losses: list[float] = []

    def on_epoch(epoch: int, loss: float, w, b):
        if scaler is not None:
            w, b = scaler.to_original(w, b)
            loss *= scaler.y_std**2
        if X_val is not None:
            val_losses.append(mean_loss(X_val, y_val, w, b))
        return callback is not None and callback(epoch, loss, w, b)

    try:
        result = fit(X_fit, y_fit, seed=seed, trace=trace, callback=on_epoch, **fit_kwargs)
    except DivergedError as exc:
        exc.lr_max, exc.standardized = bound["lr_max"], standardize
        raise
    steps = result.extra.pop("trace", None)
    if scaler is not None:
        w, b = scaler.to_original(np.asarray(result.w), result.b)
        result.w, result.b = w.tolist(), b
        result.losses = [loss * scaler.y_std**2 for loss in result.losses]
        if steps is not None:
            steps["step_loss"] = steps["step_loss"] * scaler.y_std**2
            steps["params"] = scaler.params_to_original(steps["params"])
            steps["epoch_params"] = scaler.params_to_original(steps["epoch_params"])
    if true_w is not None:
        result.w_error, result.b_error = estimation_errors(
            true_w, true_b, np.asarray(result.w), result.b, result.dtype
        )

    X64, y64 = X, y.reshape(-1)  # (the passes below go to float64 chunk by chunk)
    exact = exact or ols(X64, y64)
    sgd_loss = mean_loss(X64, y64, result.w, result.b)
    run = Run(
        result=result,
        ols=exact,
        r2=r2_score(X64, y64, result.w, result.b),
        loss_gap=_gap(sgd_loss, exact.loss, y64),
        coef_diff={
            "w": (np.asarray(result.w) - exact.w).tolist(),
            "b": result.b - exact.b,
        },
        feature_names=feature_names,
        target_name=target_name,
        standardizer=scaler,
        stability=bound,
        trace=steps,
        train_rows=train_rows,
    )
    if X_val is not None:
        run.validation = {
            "rows": len(y_val),
            "loss": mean_loss(X_val, y_val, result.w, result.b),
            "r2": r2_score(X_val, y_val, result.w, result.b),
            "ols_loss": mean_loss(X_val, y_val, exact.w, exact.b),
            "epochs": val_losses,
        }
    return run
