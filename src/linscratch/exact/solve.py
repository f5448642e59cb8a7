"""The exact least-squares answer, computed with care for conditioning, beside SGD's.

`ols` solves min ‖Xw + b − y‖² (or min ‖Xw − y‖², a model through the origin, without the
intercept) from the R factor of the augmented matrix [X 1 y] (or [X y]), computed in one
streaming pass (`reduction.py`: Householder QR of the stacked R's and the next chunk, or, for
large and well-conditioned rows only, the normal equations where ε·κ² proves them safe), so
Q is never stored and memory stays bounded; `ols_of` works from that R alone. With
R̃ = [[R, z], [0, ρ]] the solution is Rθ = z and the residual sum of squares is ρ². With row
weights sᵢ > 0 (weighted least squares, min Σᵢ sᵢ(xᵢ·w + b − yᵢ)²) each row of
[X 1 y] is scaled by √sᵢ first: the same stable path solves the weighted problem, and ρ² is the
weighted residual sum of squares. QR works on X itself, not on XᵀX: the normal equations
square the condition number (on Longley's data 5e9, squared 2e19, past 1/ε), and keep about
six digits of its coefficients where this keeps eleven (tests/test_solve.py). The triangular
solve goes through an SVD of R with its columns scaled to unit norm, which gives the numerical
rank and keeps a nearly collinear design from blowing up.

Standard errors and confidence intervals as statsmodels defines them: σ̂² = RSS / (n − p) with
p = d + 1 parameters (d without the intercept), se = sqrt(diag(σ̂² (AᵀA)⁻¹)) for A = [X 1]
(or X), and θ ± t(0.975, n − p)·se. R² is 1 − RSS/Σ(y − ȳ)² with an intercept and, for a model
through the origin, the uncentered 1 − RSS/Σy² (as statsmodels and NIST's certified values
define it: the centered one can be negative there and means nothing). Weighted, as statsmodels'
`WLS` defines them: RSS = Σsᵢeᵢ², σ̂² = RSS / (n − p), se from (AᵀSA)⁻¹, R² = 1 − RSS/TSS
with TSS = Σsᵢ(yᵢ − ȳ_s)² about the weighted mean ȳ_s (Σsᵢyᵢ² through the origin), and the
loss Σsᵢ½eᵢ² / Σsᵢ.
The intervals are computed when first asked for (a JSON report, say): the t quantile needs
scipy, whose import costs more than the default run's training, and the text report never
shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linscratch.resources import matrix_free


@dataclass
class OLSResult:
    """Ordinary least squares: w (d,), b (0 without an intercept); se and ci95 for
    (w₁ … w_d, b), or (w₁ … w_d) without an intercept, or None when undefined (rank deficiency,
    or no degrees of freedom left); loss = RSS / 2n, the mean of ½e² as linscratch's loss
    (weighted: Σsᵢeᵢ² / 2Σsᵢ); r2;
    the 2-norm condition number of A = [X 1] (or X); rank; dof = n − p; residual_sd =
    sqrt(RSS / dof), σ̂ (None without degrees of freedom); fit_intercept."""

    w: np.ndarray
    b: float
    se: np.ndarray | None
    loss: float
    r2: float | None
    condition_number: float
    rank: int
    dof: int
    residual_sd: float | None = None
    fit_intercept: bool = True
    l2: float = 0.0  # weight decay λ: ridge regression (`ridge.ridge`), loss with the penalty
    penalty: float = 0.0  # the loss's (λ/2)‖w‖² term (in the data's units)

    @classmethod
    def without_se(cls, w, b: float, loss: float, start: OLSResult, l2: float = 0.0, **own):
        """A minimiser's result without standard errors (a loss other than least squares'):
        w (d,), b, its mean `loss` (with the penalty (λ/2)‖w‖² where `l2` λ is set); se, r2 and
        residual_sd None; the condition number, rank, degrees of freedom and intercept of
        `start`, least squares' answer on the same rows; `own`, a subclass's fields."""
        return cls(
            w=w,
            b=b,
            se=None,
            loss=loss,
            r2=None,
            condition_number=start.condition_number,
            rank=start.rank,
            dof=start.dof,
            fit_intercept=start.fit_intercept,
            l2=float(l2),
            penalty=0.5 * float(l2) * float(w @ w),
            **own,
        )

    @property
    def ci95(self) -> np.ndarray | None:
        """θ ± t(0.975, dof)·se, (p, 2), or None where se is. `stdtrit` is the very function
        `scipy.stats.t.ppf` calls (the same numbers, tests/test_solve.py), for a sixth of its
        import time (0.3 s against 1.8 s after torch on a 2-core machine)."""
        if self.se is None:
            return None
        from scipy.special import stdtrit  # start-up: scipy only when asked

        theta = np.r_[self.w, self.b] if self.fit_intercept else np.asarray(self.w)
        t = stdtrit(self.dof, 0.975)
        return np.stack([theta - t * self.se, theta + t * self.se], axis=1)

    def to_dict(self) -> dict:
        ci95 = self.ci95
        return {
            "w": self.w.tolist(),
            "b": self.b,
            "se": None if self.se is None else self.se.tolist(),
            "ci95": None if ci95 is None else ci95.tolist(),
            "loss": self.loss,
            "r2": self.r2,
            "condition_number": self.condition_number,
            "rank": self.rank,
            "dof": self.dof,
            "residual_sd": self.residual_sd,
            "fit_intercept": self.fit_intercept,
            **({"l2": self.l2, "penalty": self.penalty} if self.l2 else {}),
        }


CHUNK = 1 << 18  # rows per chunk in the passes over data that may be memory-mapped


def total_sum_of_squares(y, centered: bool = True, weights=None) -> float:
    """Σ(yᵢ − ȳ)², in chunks (Chan et al.'s pairwise update of count, mean and sum); Σyᵢ² when
    not `centered` (the total of a model through the origin); with `weights`, Σsᵢ(yᵢ − ȳ_s)²
    about the weighted mean ȳ_s (or Σsᵢyᵢ²)."""
    if weights is not None:
        return _weighted_total(y, centered, weights)
    if not centered:
        return sum(
            float(np.sum(np.asarray(y[i : i + CHUNK], np.float64) ** 2))
            for i in range(0, len(y), CHUNK)
        )
    count, mean, total = 0, 0.0, 0.0
    for start in range(0, len(y), CHUNK):
        part = np.asarray(y[start : start + CHUNK], dtype=np.float64).reshape(-1)
        m, mu = len(part), float(part.mean())
        delta = mu - mean
        total += float(np.sum((part - mu) ** 2)) + delta**2 * count * m / (count + m)
        mean += delta * m / (count + m)
        count += m
    return total


def _weighted_total(y, centered: bool, weights) -> float:
    """`total_sum_of_squares` with weights: Chan et al.'s update with weight sums for counts."""
    count, mean, total = 0.0, 0.0, 0.0
    for start in range(0, len(y), CHUNK):
        part = np.asarray(y[start : start + CHUNK], dtype=np.float64).reshape(-1)
        w = np.asarray(weights[start : start + CHUNK], dtype=np.float64)
        m = float(w.sum())
        if not centered:
            total += float(w @ part**2)
            continue
        mu = float(w @ part) / m if m > 0 else 0.0
        delta = mu - mean
        total += float(w @ (part - mu) ** 2) + (delta**2 * count * m / (count + m) if m else 0)
        mean += delta * m / (count + m) if m else 0.0
        count += m
    return total


def ols(X, y, chunk_rows: int = 1 << 18, fit_intercept: bool = True, weights=None) -> OLSResult:
    """Least squares of y (n,) on X (n, d), with an intercept or through the origin; with
    `weights` (n,), all positive, weighted least squares; see the module docstring. One pass
    over the rows (`reduction.reduce_rows`; `chunk_rows` is kept for callers, unused)."""
    from linscratch.exact.reduction import reduce_rows  # start-up: not every run needs it

    return ols_of(reduce_rows(X, y, fit_intercept, weights))


def ols_of(reduced) -> OLSResult:
    """The least-squares answer of rows reduced to their R factor (a `reduction.Reduced`),
    with no further pass over them."""
    n, p, fit_intercept = reduced.n, reduced.p, reduced.intercept
    d = p - fit_intercept
    R_aug = reduced.R
    R, z, rho = R_aug[:p, :p], R_aug[:p, p], abs(R_aug[p, p])
    theta, rank, inv_s, Vt, scale = solve_r(R, z, n)
    if rank < p:  # a collinear design: the minimum-norm answer in scaled units
        rss = float(np.sum((R @ theta - z) ** 2) + rho**2)
    else:
        rss = float(rho**2)

    dof = n - p
    se = None
    if rank == p and dof > 0:
        sigma2 = rss / dof
        cov = (Vt.T * inv_s**2) @ Vt / np.outer(scale, scale)  # (AᵀA)⁻¹
        se = np.sqrt(sigma2 * np.diag(cov))
    cond = condition_of(R)
    tss = reduced.total(centered=fit_intercept)
    return OLSResult(
        w=theta[:d],
        b=float(theta[d]) if fit_intercept else 0.0,
        se=se,
        loss=rss / (2 * reduced.weight),
        r2=1 - rss / tss if tss > 0 else None,
        condition_number=cond,
        rank=rank,
        dof=dof,
        residual_sd=float(np.sqrt(rss / dof)) if dof > 0 else None,
        fit_intercept=fit_intercept,
    )


def condition_of(R) -> float:
    """The 2-norm condition number of the design A = [X 1] (or X) from its R factor (p, p):
    σ_max/σ_min, the same singular values (statsmodels' `condition_number`); inf where
    singular."""
    s_raw = np.linalg.svd(R, compute_uv=False)
    return float(s_raw[0] / s_raw[-1]) if s_raw[-1] > 0 else float("inf")


def solve_r(R, z, n: int):
    """θ of Rθ = z for an upper-triangular R (p, p) from the QR of n rows, through an SVD of R
    with its columns scaled to unit norm (the numerical rank; a collinear design gets the
    minimum-norm answer in scaled units). Returns θ (p,), the rank, the reciprocals of the
    kept singular values, Vᵀ and the columns' scale (what the standard errors need)."""
    p = R.shape[0]
    norms = np.linalg.norm(R, axis=0)  # = the column norms of A = [X 1]
    scale = np.where(norms > 0, norms, 1.0)
    U, s, Vt = np.linalg.svd(R / scale)  # R D⁻¹ = U S Vᵀ, so θ = D⁻¹ V S⁻¹ Uᵀ z
    tol = s[0] * max(n, p) * np.finfo(np.float64).eps if s.size and s[0] > 0 else 0.0
    rank = int(np.sum(s > tol))
    inv_s = np.zeros_like(s)
    inv_s[:rank] = 1.0 / s[:rank]
    theta = (Vt.T @ (inv_s * (U.T @ z))) / scale
    return theta, rank, inv_s, Vt, scale


def _total_weight(n: int, weights) -> float:
    """Σsᵢ, or n without weights: what a mean over the rows divides by."""
    return n if weights is None else float(np.sum(weights, dtype=np.float64))


def mean_loss(X, y, w, b, weights=None) -> float:
    """The mean of ½(xᵢ·w + b − yᵢ)² in float64, in chunks of rows; with `weights` (n,), the
    weighted mean Σsᵢ½eᵢ² / Σsᵢ."""
    w = np.asarray(w, np.float64)
    total = 0.0
    for start in range(0, len(X), CHUNK):
        Xc = np.asarray(X[start : start + CHUNK], np.float64)
        e = Xc @ w + b - np.asarray(y[start : start + CHUNK], np.float64).reshape(-1)
        if weights is None:
            total += float(e @ e)
        else:
            total += float(np.asarray(weights[start : start + CHUNK], np.float64) @ (e * e))
    return 0.5 * total / _total_weight(len(X), weights)


def rmse(loss: float) -> float:
    """The root mean squared error of a mean loss ½(ŷ − y)²: sqrt(2 · loss), in y's units."""
    return float(np.sqrt(2 * loss))


def r2_score(X, y, w, b, centered: bool = True, weights=None) -> float | None:
    """The coefficient of determination 1 − RSS/TSS of the model (w, b) on (X, y); with TSS
    = Σy² when not `centered` (a model through the origin); weighted with `weights`."""
    tss = total_sum_of_squares(y, centered, weights)
    rss = 2 * _total_weight(len(y), weights) * mean_loss(X, y, w, b, weights)
    return 1 - rss / tss if tss > 0 else None


def stability(
    X,
    max_rows: int = 1 << 16,
    iters: int = 100_000,
    seed: int = 0,
    intercept: bool = True,
    weights=None,
    l2: float = 0.0,
) -> dict:
    """The largest curvature of the mean loss and the learning rate beyond which SGD diverges.

    The Hessian of the mean loss, mean ½(xᵢ·w + b − yᵢ)², is H = AᵀA/n with A = [X 1], whatever
    w and b. Gradient descent with step lr multiplies the error along H's top eigenvector by
    (1 − lr·λ_max), which grows without bound once lr > 2/λ_max. H is formed from at most
    `max_rows` rows drawn at random (a mean over 65,536 rows estimates it to a fraction of a
    percent), and λ_max found by power iteration on it, until ‖Hv − λv‖ ≤ 1e-9·λ (a test of
    convergence that close eigenvalues, which make the iteration slow, cannot fool).
    Minibatches are noisier than the full gradient: stay below this bound, not at it. Without
    the intercept, A = X. With `weights` (n,) the mean loss is weighted and H = AᵀSA/Σsᵢ.
    Weight decay λ = `l2` adds (λ/2)‖w‖², whose curvature is λ on the w block (not b's):
    H + λ·diag(1, …, 1, 0), so λ_max grows by at most λ, and exactly λ where the top
    eigenvector leaves b alone. Huber's loss needs no limit of its own: its Hessian is
    A_inᵀA_in/n over the rows inside δ (ψ' is 1 there and 0 beyond), which is at most H in
    every direction, so this limit is safe for it too (and past it Huber's bounded gradient
    grows the iterates by lr·δ·|x| a step rather than geometrically, which the loop's growth
    bound still catches). Returns {"lambda_max", "lr_max"}.
    """
    X = np.asarray(X)
    n, d = X.shape
    if n > max_rows:
        rows = np.unique(np.random.default_rng(seed).integers(0, n, size=max_rows))  # sorted
        X = X[rows]
        weights = None if weights is None else np.asarray(weights)[rows]
    A = np.empty((len(X), d + intercept))  # (m, d + 1): X and a column of ones (or X)
    A[:, :d] = X
    if intercept:
        A[:, d] = 1.0
    if matrix_free(*A.shape):
        return _top_of_rows(A, d, weights, l2, seed, iters)
    if weights is None:
        H = A.T @ A / len(A)  # (d + 1, d + 1), or (d, d)
    else:
        weights = np.asarray(weights, np.float64)
        H = (A.T * weights) @ A / weights.sum()
    if l2:
        H[np.arange(d), np.arange(d)] += l2
    return top_curvature(H, seed, iters)


def _top_of_rows(A, d: int, weights, l2: float, seed: int, iters: int) -> dict:
    """`top_curvature` of H = AᵀSA/Σsᵢ (+ λ on the w block) without forming H (`matrix_free`)."""
    s = None if weights is None else np.asarray(weights, np.float64)
    total = len(A) if s is None else s.sum()

    def product(v):
        av = A @ v
        hv = A.T @ (av if s is None else s * av) / total
        if l2:
            hv[:d] += l2 * v[:d]
        return hv

    return _power(product, A.shape[1], seed, iters)


def top_curvature(H: np.ndarray, seed: int = 0, iters: int = 100_000) -> dict:
    """λ_max of the curvature H (p, p) by power iteration from a start drawn from `seed`, and
    the learning rate 2/λ_max: {"lambda_max", "lr_max"} (see `stability`)."""
    return _power(H.__matmul__, len(H), seed, iters)


def _power(product, p: int, seed: int, iters: int) -> dict:
    """The power iteration of `top_curvature`, H given by its `product` v -> Hv."""
    v = np.random.default_rng(seed).normal(size=p)
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(iters):
        hv = product(v)
        lam = float(v @ hv)  # the Rayleigh quotient
        if lam <= 0 or np.linalg.norm(hv - lam * v) <= 1e-9 * lam:
            break
        v = hv / np.linalg.norm(hv)
    return {"lambda_max": lam, "lr_max": 2 / lam if lam > 0 else float("inf")}
