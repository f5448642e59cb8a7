"""The stability limit of minibatch SGD on the squared loss, for the batch size in use.

Gradient descent on the mean loss ½(aᵢ·θ − yᵢ)² (aᵢ = [xᵢ 1]) has the curvature H = AᵀA/n and
diverges past 2/λ₁, λ₁ = λ_max(H). SGD with batches B of m rows steps with the batch's
curvature H_B = (1/m) Σ_B aᵢaᵢᵀ instead, whose largest eigenvalue can be far larger: a single
row's is ‖aᵢ‖², about d for d standard normal features, against λ₁ ≈ 1. In mean square the
error e moves as E‖e′‖² = eᵀ(I − 2ηH + η²E[H_B²])e, and since aaᵀaaᵀ = ‖a‖²aaᵀ ≼ β·aaᵀ
with β = maxᵢ‖aᵢ‖², E[H_B²] ≼ ((m − 1)λ₁ + β)/m · H: the error shrinks for every rate

    η < 2m / (β + (m − 1)λ₁),

twice Ma, Bassily and Belkin's (2018) optimal step η*(m) = m / (β + (m − 1)λ₁) (the factor 2
is the quadratic's, as 2/λ₁ is twice gradient descent's best step 1/λ₁). At m = 1 it is
2/β, set by the longest row; as m grows it tends to 2/λ₁; the batch size m* = β/λ₁ is where
the two terms are equal. With row weights each step takes its batch's weighted mean, a convex
combination of its rows' curvatures, so β stays the longest row's and λ₁ is the weighted H's.
With weight decay λ every step's curvature gains λ on the w block: β and λ₁ both grow by it.
benchmarks/stability_limit.py measures the largest stable rate against this (docs/stability.md).
"""

from __future__ import annotations

import numpy as np

from linscratch.resources import SAMPLE_ROWS, SAMPLE_STEPS

AUTO_MARGIN = 0.1  # `lr` auto: this fraction of SGD's stability limit at the batch size


def sgd_limit(beta: float, lambda_max: float, batch_size: int, spread: float | None = None):
    """SGD's stability limit at batch size m = `batch_size`: 2m / (β̂ + (m − 1)λ₁), with
    λ₁ = `lambda_max` the full curvature's largest eigenvalue and β̂ the rows' curvature,
    β = `beta` (maxᵢ‖aᵢ‖²) or, given `spread` = E‖a‖⁴/E‖a‖² (the rows' squared norms averaged
    in proportion to themselves), the smaller of β and spread + 2λ₁ (module docstring); inf
    where the denominator is 0."""
    m = int(batch_size)
    rows = beta if spread is None else min(beta, spread + 2 * lambda_max)
    denominator = rows + (m - 1) * lambda_max
    return 2 * m / denominator if denominator > 0 else float("inf")


MOMENT_CHUNK = 1 << 14  # the rows' norms summed this many at a time, then the sums added


def row_squares(X, chunk: int = MOMENT_CHUNK) -> np.ndarray:
    """The rows' squared norms ‖xᵢ‖² (n,) of X (n, d), chunk by chunk (X may be memory-mapped),
    each in the rows' own precision (float32's: a relative 1e-7 a square), as float64: a pass
    of its own, for rows no reading pass measured (`columns.scan` gathers them in passing)."""
    parts = [np.einsum("ij,ij->i", b, b) for b in map(np.asarray, _chunks(X, chunk)) if len(b)]
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros(0)


def _chunks(X, chunk: int):
    return (X[start : start + chunk] for start in range(0, len(X), chunk))


def row_moments(X, intercept: bool = True, chunk: int = MOMENT_CHUNK) -> dict:
    """`moments_of` the rows of X (n, d), their squared norms taken in a pass of their own
    (`row_squares`)."""
    return moments_of(row_squares(X, chunk), intercept, chunk)


def moments_of(squares: np.ndarray, intercept: bool = True, chunk: int = MOMENT_CHUNK) -> dict:
    """The rows' squared norms ‖aᵢ‖², aᵢ = [xᵢ 1], from `squares` (n,), the rows' ‖xᵢ‖²
    (without the intercept; gathered by the pass that read or standardized them,
    `columns.scan`, `rows.prepare`): {"beta": their largest, "mean": their mean (the trace of
    AᵀA/n), "spread": E‖a‖⁴/E‖a‖²}, in float64, summed `chunk` rows at a time (the order of
    summation fixed, whatever pass gathered them)."""
    peak = total = fourth = 0.0
    n = len(squares)
    one = 1.0 if intercept else 0.0
    buf = np.empty(min(n, chunk))  # one block's norms, reused: no allocation a block (each
    # block's fresh pages cost a page fault apiece, seconds on a machine short of free memory)
    for block in _chunks(squares, chunk):
        norms = np.add(block, one, out=buf[: len(block)], dtype=np.float64)
        peak = max(peak, float(norms.max()))
        total += float(norms.sum())
        fourth += float(norms @ norms)
    mean = total / n if n else 0.0
    return {"beta": peak, "mean": mean, "spread": fourth / total if total > 0 else 0.0}


def sampled_lambda(
    X, intercept=True, weights=None, l2=0.0, seed=0, rows=SAMPLE_ROWS, steps=SAMPLE_STEPS
) -> float:
    """λ₁ of the curvature AᵀSA/Σsᵢ (+ λ = `l2` on the w block) estimated from at most `rows`
    rows drawn at random and `steps` power-iteration steps on them in float32, each multiplying
    by the rows (4·rows·p flops, no (p, p) matrix): cheap at any width. The start is the rows'
    mean (the top direction of data far from centred) and a little noise. A sample's λ₁ is
    above the whole data's where its rows are not many more than the columns (about
    (1 + √(p/rows))² times for independent features: 2.2 at p = 1,001), which errs on the
    safe side for the limits; the iteration's Rayleigh quotient is below the sample's λ₁. With
    at most 4·`steps` rows (and no weight decay) λ₁ is exact: the top eigenvalue of their
    (m, m) Gram matrix, which has H's nonzero eigenvalues.
    docs/stability.md has both against the exact λ₁."""
    n, d = X.shape
    if n > rows:
        picked = np.unique(np.random.default_rng(seed).integers(0, n, size=rows))
        X = X[picked]
        weights = None if weights is None else np.asarray(weights)[picked]
    if len(X) <= 4 * steps and not l2:  # few rows: the (m, m) Gram's top, exactly, is cheaper
        A = np.c_[np.asarray(X, np.float64), np.ones((len(X), int(intercept)))]
        if weights is not None:
            A = A * np.sqrt(np.asarray(weights, np.float64) / np.mean(weights))[:, None]
        return float(np.linalg.eigvalsh(A @ A.T / len(A))[-1])
    A = np.empty((len(X), d + intercept), np.float32)  # half float64's memory traffic a step
    A[:, :d] = np.asarray(X)
    if intercept:
        A[:, d] = 1.0
    s = None if weights is None else np.asarray(weights, np.float32)
    total = len(A) if s is None else float(np.sum(s, dtype=np.float64))
    v = A.mean(axis=0, dtype=np.float64)  # the rows' mean: the top direction where it is large
    v += np.random.default_rng(seed).normal(size=A.shape[1]) * (np.linalg.norm(v) + 1) * 0.1
    v = (v / np.linalg.norm(v)).astype(np.float32)
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(steps):
        av = A @ v
        hv = A.T @ (av if s is None else s * av) / total
        if l2:
            hv[:d] += l2 * v[:d]
        lam = float(v.astype(np.float64) @ hv)
        norm = np.linalg.norm(hv)
        if lam <= 0 or norm == 0:
            break
        v = hv / norm
    return lam


def limits(lambda_max: float, moments: dict, batch_size: int, n: int, l2: float = 0.0) -> dict:
    """The report's stability dict: gradient descent's 2/λ₁ ("gd_lr_max") and SGD's limit at
    the batch size in use ("lr_max", `sgd_limit`; m at most the `n` rows), with λ₁, β and the
    batch size. Weight decay λ = `l2` adds λ to every step's curvature on the w block: to β
    and the spread as to λ₁ (which has it already)."""
    m = max(1, min(int(batch_size), int(n)))
    beta, spread = moments["beta"] + l2, moments["spread"] + l2
    gd = 2 / lambda_max if lambda_max > 0 else float("inf")
    return {
        "lambda_max": lambda_max,
        "gd_lr_max": gd,
        "beta": beta,
        "batch_size": m,
        "lr_max": min(gd, sgd_limit(beta, lambda_max, m, spread)),
    }


def auto_rate(bound: dict) -> float:
    """`lr` auto's rate: AUTO_MARGIN x SGD's limit at the batch size (`limits`' "lr_max"),
    the data's own scale, whatever it is."""
    return AUTO_MARGIN * bound["lr_max"]
