"""The exact minimiser of Huber's loss, beside SGD's answer: Newton's method on the pieces.

The objective, as SGD minimises it (`model.huber_loss`, `model.gradients`), with the rows'
weights sᵢ (1 without) and an optional L2 penalty on w (not b):
    J(θ) = Σᵢ sᵢ ρ_δ(aᵢ·θ − yᵢ) / Σᵢ sᵢ + (λ/2)‖w‖²,   θ = (w, b), aᵢ = (xᵢ, 1) (or xᵢ).
J is convex and C¹, and on each region of θ where every row keeps its place (|eᵢ| ≤ δ, or
eᵢ > δ, or eᵢ < −δ) it is exactly quadratic: ½Σ_in sᵢeᵢ² + Σ_out sᵢδ(|eᵢ| − ½δ), with the
gradient g = Aᵀ(s∘ψ(e)) + λS(w, 0) and the Hessian H = A_inᵀS A_in + λS·I_w (S = Σsᵢ, the
sum form times S). Newton's step −H⁻¹g therefore lands on the minimiser of the current
region's quadratic; when that point leaves every row in its region, its gradient is zero and
it is the minimiser of J (J is convex): the answer, exact up to rounding, after finitely
many steps, typically 3–10.

Each iteration is one pass over the rows in chunks (a memory-mapped file stays on disk): the
residuals, J, g and the curvature of the inside rows scaled by √sᵢ (and λS on w): the Gram K of
those rows shifted by the features' means (`_newton` carries the shift back, as `reduction`
does for least squares), as long as the normal equations are safe (`reduction.safe_cholesky`:
ε·κ² ≤ 1e-7); past that, and for every later pass, R of the QR factorisation of the rows,
updated chunk by chunk as `reduction.qr_pass` does, so that H = RᵀR is never formed (its
condition is R's squared), H⁻¹g from an SVD of R with its columns scaled, as `solve.ols`
solves. A pass by the Gram costs about what the least-squares answer's one pass does (200,000 x
100: 1.4 s for the whole minimiser, 14.8 s by QR alone). Where H is singular (fewer rows inside
than parameters, δ tiny), the step is iteratively reweighted least squares instead, from a pass
of its own: the weighted least squares with weights sᵢ·min(1, δ/|eᵢ|), whose answer never
increases J (it minimises a quadratic that lies above J and touches it at θ). A Newton step is
halved until J falls (Armijo's rule), a pass each.

Stopping rule: after a full Newton step that leaves every row's region unchanged (then g = 0 up
to rounding; from the normal equations, whose step is exact to ε·κ² of its length, only once
the step is also short, so that a long one is refined by the next), or once a step changes θ by
less than 1e-15·(1 + ‖θ‖), or after `max_iter` iterations (100; the result says how many ran).
Starts from the least-squares answer. No standard errors: the least-squares formulas do not
hold for Huber's estimator (its sandwich covariance is another matter); they are None, null in
JSON.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from linscratch.exact.solve import CHUNK, OLSResult, ols

ARMIJO = 1e-4  # the fraction of the predicted fall a halved step must achieve


@dataclass
class HuberResult(OLSResult):
    """The exact minimiser of Huber's loss: w, b as `OLSResult`'s, `loss` the mean ρ_δ (plus
    (λ/2)‖w‖²), se and r2 None; `delta`, `l2`, `iterations` run, `clipped` the rows whose
    residual exceeds δ at the answer."""

    delta: float = 1.0
    iterations: int = 0
    clipped: int = 0

    def to_dict(self) -> dict:
        out = super().to_dict()
        out.update(
            kind="huber",
            delta=self.delta,
            iterations=self.iterations,
            clipped=self.clipped,
        )
        return out


def _rows(X, y, weights, start, stop, intercept):
    """The chunk's A (m, p) with its column of ones, y (m,) and s (m,) in float64."""
    Xc = X[start:stop]
    A = np.empty((len(Xc), Xc.shape[1] + intercept))
    A[:, : Xc.shape[1]] = Xc  # one copy, converted on the way
    if intercept:
        A[:, -1] = 1.0
    yc = np.asarray(y[start:stop], np.float64).reshape(-1)
    s = np.ones(len(yc)) if weights is None else np.asarray(weights[start:stop], np.float64)
    return A, yc, s


def _rho(e, delta):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))


def objective(X, y, theta, delta, intercept=True, weights=None, l2=0.0, chunk_rows=CHUNK):
    """J(θ), the mean Huber loss plus (λ/2)‖w‖², in float64, a pass in chunks."""
    total = weight = 0.0
    for start in range(0, len(X), chunk_rows):
        A, yc, s = _rows(X, y, weights, start, start + chunk_rows, intercept)
        total += float(s @ _rho(A @ theta - yc, delta))
        weight += float(s.sum())
    w = theta[: X.shape[1]]
    return total / weight + 0.5 * l2 * float(w @ w)


def _pass(X, y, theta, delta, intercept, weights, l2, chunk_rows, shift):
    """One pass at θ: J·S, g (sum form), the inside rows' curvature C (penalty included), S,
    and a digest of each row's region (−1, 0, 1: a byte a row would be a gigabyte for a
    billion rows) with the rows outside (|e| > δ). C: with `shift` (p,) (`_shift`), the Gram
    K of the inside rows of A − 1·shiftᵀ scaled by √s (`_newton` solves with it); with None,
    R of the inside rows scaled by √s, by QR chunk by chunk."""

    d, p = X.shape[1], len(theta)
    F = S = 0.0
    g = np.zeros(p)
    C = np.zeros((0, p)) if shift is None else np.zeros((p, p))
    digest, clipped = hashlib.blake2b(), 0
    for start in range(0, len(X), chunk_rows):
        A, yc, s = _rows(X, y, weights, start, start + chunk_rows, intercept)
        e = A @ theta - yc
        region = np.sign(e) * (np.abs(e) > delta)
        digest.update(region.astype(np.int8).tobytes())
        clipped += int(np.count_nonzero(region))
        F += float(s @ _rho(e, delta))
        S += float(s.sum())
        g += A.T @ (s * np.clip(e, -delta, delta))
        inside = region == 0
        if shift is None:
            C = np.linalg.qr(np.vstack([C, A[inside] * np.sqrt(s[inside])[:, None]]), "r")
        else:
            A -= shift  # in place, A done with: the rows outside weigh 0, no copy of the rest
            A *= np.sqrt(s * inside)[:, None]
            C += A.T @ A  # a symmetric rank-m update (syrk)
    w = theta[:d]
    F += 0.5 * l2 * S * float(w @ w)
    g[:d] += l2 * S * w
    if l2 > 0 and shift is None:
        C = np.linalg.qr(np.vstack([C, _penalty_rows(d, p, l2, S)]), "r")
    elif l2 > 0:
        C[range(d), range(d)] += l2 * S  # the shift leaves the penalty as it is (`_newton`)
    return F, g, C, S, (digest.digest(), clipped)


def _penalty_rows(d: int, p: int, l2: float, S: float) -> np.ndarray:
    """The rows √(λS)·[I 0] (d, p) whose squares add (λS/2)‖w‖² to a least-squares problem."""
    pen = np.zeros((d, p))
    pen[:, :d] = np.sqrt(l2 * S) * np.eye(d)
    return pen


def _irls_pass(X, y, theta, delta, intercept, weights, l2, chunk_rows):
    """R of the IRLS problem at θ, [√(sω)A √(sω)y] with ω = min(1, δ/|e|) (and the penalty's
    rows), by QR chunk by chunk: a pass taken only where Newton's step cannot be."""
    d, p = X.shape[1], len(theta)
    R_ir, S = np.zeros((0, p + 1)), 0.0
    for start in range(0, len(X), chunk_rows):
        A, yc, s = _rows(X, y, weights, start, start + chunk_rows, intercept)
        omega = s * np.minimum(1.0, delta / np.maximum(np.abs(A @ theta - yc), 1e-300))
        M = np.hstack([A, yc[:, None]]) * np.sqrt(omega)[:, None]
        R_ir = np.linalg.qr(np.vstack([R_ir, M]), "r")
        S += float(s.sum())
    if l2 > 0:
        pen = _penalty_rows(d, p, l2, S)
        R_ir = np.linalg.qr(np.vstack([R_ir, np.hstack([pen, np.zeros((d, 1))])]), "r")
    return R_ir


def _shift(X, intercept: bool, p: int) -> np.ndarray:
    """What the rows of A are shifted by before their Gram: the features' means over the first
    rows and 0 for the column of ones, which absorbs it (`reduction`); zeros without it."""
    from linscratch.exact.reduction import row_means  # start-up: not every run needs it

    return np.r_[row_means(X, np.zeros(len(X)), True)[0], 0.0] if intercept else np.zeros(p)


def _newton(C, g, shift, n):
    """Newton's step −H⁻¹g and whether H = AᵀSA (+ λS on w) has full rank: from R (`shift`
    None, `_svd_solve`), or from the Gram K of the shifted rows, None where the normal
    equations are not safe (`reduction.safe_cholesky`). The rows are A = A_s·M with
    M = I + e_p vᵀ (v = shift, its last entry 0: the ones column carries the shift back), so
    H = MᵀKM (the penalty's diagonal is unmoved: MᵀDM = D) and −H⁻¹g = −M⁻¹K⁻¹M⁻ᵀg, where
    M⁻¹ = I − e_p vᵀ."""
    if shift is None:
        return _svd_solve(C, -g, n)
    from linscratch.exact.reduction import safe_cholesky  # start-up: not every run needs it

    safe = safe_cholesky(C)
    if safe is None:
        return None
    L, norms = safe
    r = -(g - shift * g[-1]) / norms  # −M⁻ᵀg, scaled
    z = np.linalg.solve(L.T, np.linalg.solve(L, r)) / norms  # K⁻¹ of it
    z[-1] -= shift @ z  # M⁻¹
    return z, True


def _svd_solve(R, rhs, n):
    """The minimum-norm θ of RᵀRθ = rhs through the column-scaled SVD of R (as `solve.ols`),
    and whether R has full rank."""
    p = R.shape[1]
    if R.shape[0] < p:
        R = np.vstack([R, np.zeros((p - R.shape[0], p))])
    norms = np.linalg.norm(R, axis=0)
    scale = np.where(norms > 0, norms, 1.0)
    _, sv, Vt = np.linalg.svd(R / scale)
    tol = sv[0] * max(n, p) * np.finfo(np.float64).eps if sv.size and sv[0] > 0 else 0.0
    rank = int(np.sum(sv > tol))
    inv = np.zeros_like(sv)
    inv[:rank] = 1.0 / sv[:rank] ** 2
    return (Vt.T @ (inv * (Vt @ (rhs / scale)))) / scale, rank == p


def _irls(R_ir, p):
    """The weighted least-squares answer of the IRLS problem from its augmented R."""
    R, z = R_ir[:p, :p], R_ir[:p, p]
    return np.linalg.lstsq(R, z, rcond=None)[0]


def huber_fit(
    X, y, delta: float, fit_intercept=True, weights=None, l2=0.0, max_iter=100, chunk_rows=CHUNK
) -> HuberResult:
    """The θ = (w, b) minimising J (see the module docstring) on X (n, d), y (n,), any of them
    memory-mapped, with row weights (n,) all positive or None, and the L2 penalty `l2` λ ≥ 0
    on w."""
    n, d = X.shape
    start = ols(X, y, chunk_rows, fit_intercept, weights)
    p = d + fit_intercept
    theta = np.r_[start.w, start.b] if fit_intercept else np.asarray(start.w, np.float64)
    args = (delta, fit_intercept, weights, l2, chunk_rows)
    shift = _shift(X, fit_intercept, p)  # None once the normal equations prove unsafe
    F, g, C, S, regions = _pass(X, y, theta, *args, shift)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        found = _newton(C, g, shift, n)
        if found is None:  # K too ill-conditioned (or singular): QR from here on
            shift = None
            F, g, C, S, regions = _pass(X, y, theta, *args, shift)
            found = _newton(C, g, shift, n)
        step, full_rank = found
        newton = full_rank and float(g @ step) < 0
        if not newton:
            step = _irls(_irls_pass(X, y, theta, *args), p) - theta
        t = 1.0
        while True:
            new = theta + t * step
            F_new, g_new, C_new, _, regions_new = _pass(X, y, new, *args, shift)
            if not newton or F_new <= F + ARMIJO * t * float(g @ step) or t < 1e-10:
                break
            t /= 2
        moved = float(np.linalg.norm(new - theta))
        size = 1 + float(np.linalg.norm(new))
        # a step from the normal equations is exact to ε·κ² ≤ 1e-7 of its length: after a
        # long one the same region's next step (from the exact g) refines it
        same = newton and t == 1.0 and regions == regions_new
        same = same and (shift is None or moved <= 1e-8 * size)
        theta, F, g, C, regions = new, F_new, g_new, C_new, regions_new
        if same or moved <= 1e-15 * size:
            break
    return HuberResult.without_se(
        theta[:d],
        float(theta[d]) if fit_intercept else 0.0,
        F / S,
        start,
        l2,
        delta=float(delta),
        iterations=iterations,
        clipped=regions[1],
    )


def mean_huber(X, y, w, b, delta: float, weights=None) -> float:
    """The mean ρ_δ(xᵢ·w + b − yᵢ) in float64 (weighted: Σsᵢρ/Σsᵢ), in chunks: the Huber
    counterpart of `solve.mean_loss`."""
    return objective(X, y, np.r_[np.asarray(w, np.float64).reshape(-1), b], delta, True, weights)
