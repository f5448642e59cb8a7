"""The exact answer's side of a run: whether to compute it (`--exact`), the training rows
reduced to their R factor before training (`reduction`), split among the processes of a
torchrun job, and what the run then reads from it instead of passing over the data again:
the stability limit, SGD's loss and R².

The statistics come first, before training: the stability limit needs the curvature before
the first step, and the same R factor then serves the exact answer and the report after it.
Where they are not computed (`never`, or `auto` finding them too costly), the stability limit
comes from a sample of rows (`solve.stability`), as it always has.
"""

from __future__ import annotations

import numpy as np

from linscratch.distributed import all_gather, current
from linscratch.exact.reduction import Reduced, combine, reduce_rows
from linscratch.exact.solve import mean_loss, r2_score, rmse, total_sum_of_squares


def reduce_training_rows(X, y, intercept: bool, weights=None) -> Reduced:
    """The training rows reduced to their R factor; under torchrun each process reduces its
    own share of the rows and the factors are gathered and combined (every rank then holds
    the same)."""

    group = current()
    if group is None:
        return reduce_rows(X, y, intercept, weights)
    n, world = len(y), group.world_size
    lo, hi = n * group.rank // world, n * (group.rank + 1) // world
    part = reduce_rows(X, y, intercept, weights, lo=lo, hi=hi)
    flat = np.r_[part.R.ravel(), part.n, part.weight, part.method == "normal"]
    k = part.R.shape[0]
    parts = [
        Reduced(f[: k * k].reshape(k, k), int(f[-3]), float(f[-2]), intercept, _method(f[-1]))
        for f in all_gather(flat)
    ]
    return combine(parts)


def _method(flag: float) -> str:
    return "normal" if flag else "qr"


def bound_of(reduced: Reduced, seed: int, scaler=None, l2: float = 0.0) -> dict:
    """The stability limit of the rows reduced (standardized by `scaler`, if any): λ_max of
    their curvature, from the whole of the rows rather than a sample, by a symmetric
    eigensolver (the power iteration of `solve.stability` is slow where the top eigenvalues
    are close, as for independent features of one scale); weight decay λ = `l2` adds λ to
    the w block, as in `solve.stability`. `seed` is unused (no random start)."""
    H = reduced.hessian(scaler)  # (p, p): small
    d = reduced.p - reduced.intercept
    H[np.arange(d), np.arange(d)] += l2
    lam = float(np.linalg.eigvalsh(H)[-1])
    return {"lambda_max": lam, "lr_max": 2 / lam if lam > 0 else float("inf")}


def sgd_numbers(result, exact, reduced, X, y, centered: bool, weights=None, loss_of=None):
    """SGD's loss and R² on the training rows X (n, d), y (n,), and Σsᵢyᵢ²: from the R factor
    `reduced` where there is one (no pass over the rows), by passes over them where the exact
    answer came from elsewhere (`loss_of` the run's mean loss, Huber's say: `solve.mean_loss`
    if None), None where there is no exact answer (no further pass)."""

    if reduced is not None:
        loss, r2 = reduced.loss(result.w, result.b), reduced.r2(result.w, result.b, centered)
        return loss, r2, reduced.total(centered=False)
    if exact is None:
        return None, None, None
    loss = (loss_of or mean_loss)(X, y, result.w, result.b, weights)
    r2 = r2_score(X, y, result.w, result.b, centered, weights)
    return loss, r2, total_sum_of_squares(y, centered=False, weights=weights)


def gap(sgd_loss: float, ols_loss: float, squares: float, y, weights=None) -> float | None:
    """SGD's loss over OLS's, minus one; None where OLS fits the rows exactly (a loss at the
    rounding level of the targets, as with fewer rows than parameters): no ratio means much.
    `squares`: Σsᵢyᵢ² of the training rows y (n,)."""
    total = len(y) if weights is None else float(np.sum(weights, dtype=np.float64))
    scale = squares / (2 * total)  # ½ mean y², the loss of predicting zero
    if ols_loss <= 1e-20 * max(scale, 1e-300):
        return None
    return (sgd_loss - ols_loss) / ols_loss


def coef_diff(result, exact) -> dict:
    """SGD's coefficients minus the exact answer's: {"w": [...], "b": float}."""
    return {"w": (np.asarray(result.w) - exact.w).tolist(), "b": result.b - exact.b}


def validation(rows, result, exact, epochs, centered, loss_of, squared) -> dict | None:
    """The held-out rows' size, SGD's loss (`loss_of`: the run's mean loss), R² and RMSE on
    them (squared loss only), the exact answer's loss and RMSE (None without it), and the loss
    after each epoch; None without held-out rows."""
    X_val, y_val, w_val = rows.X_val, rows.y_val, rows.w_val
    if X_val is None:
        return None

    loss = loss_of(X_val, y_val, result.w, result.b, w_val)
    ols_loss = None if exact is None else loss_of(X_val, y_val, exact.w, exact.b, w_val)
    r2 = r2_score(X_val, y_val, result.w, result.b, centered, w_val) if squared else None
    out = {"rows": len(y_val), "loss": loss, "r2": r2, "ols_loss": ols_loss, "epochs": epochs}
    if squared:
        out.update(rmse=rmse(loss), ols_rmse=None if exact is None else rmse(ols_loss))
    return out


def rmse_pair(sgd_loss, exact) -> dict | None:
    """SGD's and the exact answer's RMSE on the training rows (the fit's alone: ridge's loss
    less its penalty), None without the exact answer."""

    if exact is None:
        return None
    return {"sgd": rmse(sgd_loss), "ols": rmse(exact.loss - exact.penalty)}
