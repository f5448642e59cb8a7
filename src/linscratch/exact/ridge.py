"""Ridge regression: the exact answer beside SGD with weight decay (`l2`, D2L 3.7).

SGD with weight decay λ descends J(w, b) = mean ½(xᵢ·w + b − yᵢ)² + (λ/2)‖w‖², b not
penalised (weighted: Σsᵢ½eᵢ² / W + (λ/2)‖w‖² with W = Σsᵢ; W = n unweighted). Times 2W,
J is ‖Aθ − y‖² + Wλ‖w‖² with A = [X 1] and θ = (w, b): the least squares of the stacked system

    [ X      1  ] θ ≈ [ y ]
    [ √(Wλ)I 0  ]     [ 0 ]

whose normal equations are (AᵀA + Wλ·diag(1, …, 1, 0))θ = Aᵀy, ridge's. It is solved as
stably as `solve.ols` solves the plain one, by QR, never forming AᵀA: the R factor of
[X 1 y] (`reduction.reduce_rows`, rows scaled by √sᵢ with weights, in one pass) stacked with the
rows √(Wλ)[I 0 0] has the same R as the whole stacked system, so one more QR of a
(2d + 2, d + 2) matrix gives R̃ = [[R, z], [0, ρ]] with Rθ = z (`solve.solve_r`). Scikit-
learn's `Ridge(alpha)` minimises ‖Aθ − y‖² + alpha‖w‖² (Σsᵢeᵢ² with `sample_weight`), the same
problem at alpha = Wλ (tests/test_ridge.py).

There are no standard errors or confidence intervals: the ridge estimate is biased and the
usual formulas do not hold (`se` is None). The loss is the penalised objective J, so SGD's gap
to it is ≥ 0; R² is the ordinary 1 − RSS/TSS of the ridge fit.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from linscratch.exact.solve import OLSResult, solve_r


def ridge(
    X, y, l2: float, chunk_rows: int = 1 << 18, fit_intercept: bool = True, weights=None
) -> OLSResult:
    """The minimiser of mean ½(xᵢ·w + b − yᵢ)² + (λ/2)‖w‖² (λ = `l2` > 0; b unpenalised, or
    0 without the intercept) of y (n,) on X (n, d), weighted with `weights` (n,); see the
    module docstring. `loss` is that objective at the answer, `penalty` its (λ/2)‖w‖². One
    pass over the rows (`reduction.reduce_rows`; `chunk_rows` is kept for callers, unused)."""
    from linscratch.exact.reduction import reduce_rows  # start-up: not every run needs it

    return ridge_of(reduce_rows(X, y, fit_intercept, weights), l2)


def ridge_of(reduced, l2: float) -> OLSResult:
    """`ridge` of rows reduced to their R factor (a `reduction.Reduced`), with no further
    pass over them."""
    n, p, fit_intercept = reduced.n, reduced.p, reduced.intercept
    d = p - fit_intercept
    R_aug = reduced.R  # (p + 1, p + 1)
    total = reduced.weight
    decay = np.zeros((d, p + 1))  # the penalty's rows √(Wλ)[I 0 0]
    decay[:, :d] = np.sqrt(total * l2) * np.eye(d)
    R_pen = np.linalg.qr(np.vstack([R_aug, decay]), mode="r")  # (p + 1, p + 1)
    theta, rank, _, _, _ = solve_r(R_pen[:p, :p], R_pen[:p, p], n + d)
    w = theta[:d]
    # The data's residual sum of squares, from the plain R: ‖Aθ − y‖² = ‖Rθ − z‖² + ρ².
    rss = float(np.sum((R_aug[:p, :p] @ theta - R_aug[:p, p]) ** 2) + R_aug[p, p] ** 2)
    penalty = 0.5 * l2 * float(w @ w)
    s_pen = np.linalg.svd(R_pen[:p, :p], compute_uv=False)
    tss = reduced.total(centered=fit_intercept)
    return OLSResult(
        w=w,
        b=float(theta[d]) if fit_intercept else 0.0,
        se=None,
        loss=rss / (2 * total) + penalty,
        r2=1 - rss / tss if tss > 0 else None,
        condition_number=float(s_pen[0] / s_pen[-1]) if s_pen[-1] > 0 else float("inf"),
        rank=rank,
        dof=n - p,
        residual_sd=None,
        fit_intercept=fit_intercept,
        l2=float(l2),
        penalty=penalty,
    )


def in_original_units(scaled: OLSResult, scaler) -> OLSResult:
    """A ridge answer found on standardized rows (where SGD trained: the penalty is on the
    standardized w, and ridge is not scale-invariant) in the data's units, as SGD's own
    parameters are converted (`Standardizer.to_original`): y = x·w + b; the loss and the
    penalty times y_std² (the standardized target's unit); R² and the condition number as
    they are (R² does not change with the units)."""
    w, b = scaler.to_original(scaled.w, scaled.b)
    unit = scaler.y_std**2
    return replace(
        scaled, w=np.asarray(w), b=float(b), loss=scaled.loss * unit, penalty=scaled.penalty * unit
    )


def decay_terms(l2: float, w_trained, scaler, exact: OLSResult) -> dict | None:
    """Weight decay's terms of a run (`runs.Run.weight_decay`), or None without it: λ, the
    penalty (λ/2)‖w‖² of SGD's weights as trained (`w_trained`, standardized or not) and of
    the exact answer, both in the data's units (times y_std² where standardized, as the
    losses are), and the norms ‖w‖ of the weights penalised."""
    if not l2:
        return None
    unit = 1.0 if scaler is None else scaler.y_std**2
    w = np.asarray(w_trained, np.float64)
    return {
        "l2": l2,
        "sgd": unit * 0.5 * l2 * float(w @ w),
        "exact": exact.penalty,
        "sgd_w_norm": float(np.linalg.norm(w)),
        "exact_w_norm": float(np.sqrt(2 * exact.penalty / (l2 * unit))),
    }
