"""The largest stable learning rate of minibatch SGD, measured by bisection over short runs:
the ground truth that SGD's stability limit (`exact.stability`) is compared with, by
benchmarks/stability_limit.py (the table of docs/stability.md) and by the figure of the
largest stable rate against the batch size (`rate_curve`, drawn by
`show.stability_plot.draw`; docs/stability.md and the exercises' notebook).

"Stable" is plain: a run of `fit` from w = 0, b = 0 (seed 0) that does not diverge and
whose final loss is not above the starting loss, ½ mean y². The largest stable rate is found
by bisection on a log scale, between `around`/`span` and `around`·`span`.
"""

from __future__ import annotations

import math

import numpy as np

from linscratch.errors import DivergedError
from linscratch.exact.stability import limits, row_moments
from linscratch.train.loop import fit

BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # the figure's, on log axes


def stable(X, y, lr: float, batch_size: int, epochs: int = 1, engine: str = "auto") -> bool:
    """Whether `epochs` epochs of SGD at `lr` on X (n, d), y (n,), from zero, neither diverge
    nor end above the starting loss ½ mean y² (`engine` as `fit` takes it)."""
    d = X.shape[1]
    settings = {"batch_size": batch_size, "num_epochs": epochs, "engine": engine}
    try:
        result = fit(X, y, lr=lr, seed=0, w0=np.zeros(d), b0=0.0, **settings)
    except DivergedError:
        return False
    start = 0.5 * float(np.mean(np.asarray(y, np.float64) ** 2))
    return math.isfinite(result.losses[-1]) and result.losses[-1] <= start


def largest_stable_rate(
    X,
    y,
    batch_size: int,
    around: float,
    bisections: int = 12,
    span: float = 1000.0,
    epochs: int = 1,
    engine: str = "auto",
) -> float:
    """The largest stable rate (`stable`) by `bisections` halvings of the bracket
    [around/span, around·span] in log(lr): its first try is `around` itself, and the answer is
    within a factor span^(2/2^bisections) below the edge. NaN where even the bracket's low end
    is not stable."""
    lo, hi = math.log(around / span), math.log(around * span)
    if not stable(X, y, math.exp(lo), batch_size, epochs, engine):
        return float("nan")
    for _ in range(bisections):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if stable(X, y, math.exp(mid), batch_size, epochs, engine) else (lo, mid)
    return math.exp(lo)


def rate_curve(
    X, y, batch_sizes=BATCH_SIZES, bisections: int = 7, span: float = 10.0, steps: int = 100
) -> dict:
    """The largest stable rate at each batch size m of `batch_sizes` (at most the rows), each
    by `largest_stable_rate` over runs of at least `steps` steps (one epoch, or more where m
    is a large share of the n rows, so that a growing error shows; the compiled engine, whose
    cost does not depend on the batch size), with what the limits say:
    {"d", "n", "batch_sizes", "measured": the rates found, "lambda_max": λ₁ (exact, from the
    (p, p) curvature AᵀA/n, A = [X 1]), "beta": β̂ = min(β, E‖a‖⁴/E‖a‖² + 2λ₁) (the rows'
    curvature SGD's limit 2m/(β̂ + (m − 1)λ₁) takes, `exact.stability.sgd_limit`),
    "limits": SGD's limit at each m (`exact.stability.limits`), "gd": 2/λ₁,
    "critical": m* = β̂/λ₁, where the batch size stops setting the limit}."""
    X, y = np.asarray(X, np.float32), np.asarray(y, np.float32).reshape(-1)
    n, d = X.shape
    A = np.c_[X.astype(np.float64), np.ones(n)]
    lam = float(np.linalg.eigvalsh(A.T @ A / n)[-1])
    moments = row_moments(X)
    sizes = [m for m in batch_sizes if m <= n]
    bounds = [limits(lam, moments, m, n)["lr_max"] for m in sizes]
    found = [
        largest_stable_rate(X, y, m, bound, bisections, span, _epochs(steps, m, n), "compiled")
        for m, bound in zip(sizes, bounds, strict=True)
    ]
    beta = min(moments["beta"], moments["spread"] + 2 * lam)
    return {
        "d": d,
        "n": n,
        "batch_sizes": sizes,
        "measured": found,
        "lambda_max": lam,
        "beta": beta,
        "limits": bounds,
        "gd": 2 / lam,
        "critical": beta / lam,
    }


def _epochs(steps: int, m: int, n: int) -> int:
    """The epochs of batches of m of the n rows that take at least `steps` steps."""
    return max(1, math.ceil(steps / math.ceil(n / m)))
