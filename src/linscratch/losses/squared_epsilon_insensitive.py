"""scikit-learn's squared epsilon-insensitive loss: ρ_ε(e) = max(0, |e| − ε)², with no ½
(`SGDRegressor(loss="squared_epsilon_insensitive", epsilon=ε)`).

ψ(e) = ρ'(e) = 2·sign(e)·max(0, |e| − ε): 0 inside the tube |e| ≤ ε, 2(e − ε) above it,
2(e + ε) below, scikit-learn's `SquaredEpsilonInsensitive.dloss` (taken with respect to the
prediction, as e = ŷ − y is). ψ is continuous, so ρ is C¹, but ψ' jumps from 0 to 2 at e = ±ε:
those are its kinks, where finite differences keep their step on one side
(`derivation.fdiff.kink_limit`); with ε = 0 it is e², which has none. The summed loss has
dL/dw = Xᵀψ(e) and dL/db = Σψ(eᵢ) (weighted: Xᵀ(s∘ψ), Σsᵢψᵢ; `book.model.gradients` with this
ψ), so SGD with batch size 1 takes scikit-learn's step w ← w − η·ψ(eᵢ)·xᵢ, b ← b − η·ψ(eᵢ).
Its parameter ε is `epsilon`, in the target's units (a non-negative number, `rules.RULES`);
standardized, SGD takes ε/σ_y, the same objective up to the factor σ² (ρ_ε(e) =
σ²ρ_{ε/σ}(e/σ)).

Its exact minimiser (`minimiser`): the objective, with weights sᵢ and the penalty λ,
    J(θ) = Σᵢ sᵢ max(0, |aᵢ·θ − yᵢ| − ε)² / S + (λ/2)‖w‖²,   θ = (w, b), S = Σᵢ sᵢ,
is convex and C¹, and on each region of θ where every row keeps its side of the tube it is a
least-squares problem: the rows above it with targets yᵢ + ε, those below with yᵢ − ε, the
rows inside left out (ridge's with λ). Semismooth Newton: from the least-squares answer, solve
that problem for the rows' current sides (its minimum-norm step where they do not fix every
parameter: −H⁺g, a descent direction, since g lies in H's range), halve the step until J falls
(Armijo's rule), and stop once a full step leaves every row on its side (J's gradient is then
zero: the minimiser, exact up to rounding), or a step changes θ by less than 1e-15·(1 + ‖θ‖).
Each iteration is one pass over the rows in chunks (a memory-mapped file stays on disk), the
outside rows' least-squares problem reduced by QR chunk by chunk, never its normal equations.
Past `MAX_ITER` iterations without that, scipy's L-BFGS-B finishes from there (J has a
Lipschitz gradient: it converges), so that the answer does not depend on the sides settling.
Its price is EXACT_PASSES times least squares' one pass (`resources.exact_cost`). It does not
minimise squares of the residuals: no R² or RMSE, and no standard errors.

The compiled kernels (`kernels.pxd`) take ε in the data's dtype.
"""

from __future__ import annotations

import hashlib

import numpy as np

from linscratch.exact.solve import CHUNK, OLSResult, ols
from linscratch.i18n import Words, tr
from linscratch.losses.tube import TubeLoss

# against least squares' one pass: 4 to 5 passes, each a QR of the rows outside the tube,
# 18x to 44x the least-squares answer on 100,000 x 50 rows (6.4-9.3 s against 0.21-0.42 s),
# 3x to 6x on 200,000 x 100, on a loaded two-core machine
EXACT_PASSES = 40
MAX_ITER = 100  # Newton's iterations before L-BFGS-B finishes
ARMIJO = 1e-4  # the fraction of the predicted fall a halved step must achieve


class SquaredEpsilonInsensitive(TubeLoss):
    """The squared epsilon-insensitive loss (see the module docstring)."""

    name = "squared_epsilon_insensitive"
    exact_passes = EXACT_PASSES
    unit_power = 2  # ρ_σε(σe) = σ²ρ_ε(e)
    estimator_name = "squared_epsilon_insensitive"
    label = Words("exact squared epsilon-insensitive minimiser")
    not_computed = Words(
        "exact squared epsilon-insensitive minimiser: not computed (--exact never)"
    )
    title = Words("Parameters approaching the squared epsilon-insensitive minimiser")
    dashed = Words(
        "standardized: wⱼ·sd(xⱼ)/sd(y), b as (ŷ(x̄) − ȳ)/sd(y); dashed: squared "
        "epsilon-insensitive minimiser"
    )
    axis = Words("mean squared epsilon-insensitive loss  (log scale)")
    above = Words(
        "at epoch {epoch} with the training loss {excess:.1%} above the exact squared "
        "epsilon-insensitive optimum"
    )

    @staticmethod
    def outside(a):
        """ρ at the distance a ≥ 0 from the tube: a² (its derivative at the tube's edge 0)."""
        return a**2

    def own_walk(self) -> dict:
        """The walk-through's lines of its own (`TubeLoss.walk`)."""
        return {
            "title": tr(
                "Gradients of the squared epsilon-insensitive L = Σᵢ {s}ρ(ŷᵢ − yᵢ), ρ(e) = "
                "max(0, |e| − ε)² (no ½), ε = {delta}, on a batch of {n} rows, {d} features "
                "({dtype})"
            ),
            "clip": tr(
                "  ψ(e) = ρ'(e) = 2·sign(e)·max(0, |e| − ε): {k} of {n} rows have |eᵢ| > ε = "
                "{delta} and push with twice their distance from the tube, the others not at "
                "all: {rows}"
            ),
            "none": tr(
                "  ψ(e) = ρ'(e) = 2·sign(e)·max(0, |e| − ε): no row has |eᵢ| > ε = {delta}, so "
                "ψ = 0 and the gradient is zero"
            ),
        }

    def psi(self, e, p):
        """ψ(e) = 2·sign(e)·max(0, |e| − ε), elementwise (torch; a NaN stays NaN: e·0 inside)."""
        import torch  # start-up: torch only when a run needs it

        return torch.where(e > p, 2 * (e - p), torch.where(e < -p, 2 * (e + p), e * 0))

    def kinks(self, p) -> tuple[float, ...]:
        """The residuals where ψ' jumps: ±ε (none for ε = 0: ρ is then e²)."""
        return (-p, p) if p > 0 else ()

    def minimiser(self, X, y, p, intercept=True, weights=None, l2: float = 0.0):
        """The exact minimiser of J (module docstring) on X (n, d), y (n,), any of them
        memory-mapped, with row weights (n,) or None and the penalty `l2` λ on w."""
        d = X.shape[1]
        start = ols(X, y, CHUNK, intercept, weights)
        theta = np.r_[start.w, start.b] if intercept else np.asarray(start.w, np.float64)
        args = (X, y, float(p), intercept, weights, float(l2))
        F, g, R, S, sides = _pass(theta, *args)
        q = len(theta)
        for _ in range(MAX_ITER):
            if not len(R):  # no row outside the tube and no penalty: J = 0 here
                break
            step = -np.linalg.lstsq(R[:, :q], R[:, q], rcond=None)[0]  # −H⁺g, minimum norm
            slope = float(g @ step)
            if not slope < 0:  # g = 0: the minimiser
                break
            t = 1.0
            while True:
                new = theta + t * step
                F_new, g_new, R_new, _, sides_new = _pass(new, *args)
                if F_new <= F + ARMIJO * t * slope or t < 1e-10:
                    break
                t /= 2
            moved = float(np.linalg.norm(new - theta))
            settled = t == 1.0 and sides_new == sides
            theta, F, g, R, sides = new, F_new, g_new, R_new, sides_new
            if settled or moved <= 1e-15 * (1 + float(np.linalg.norm(theta))):
                break
        else:
            theta, F = _lbfgs(theta, args, S)
        return OLSResult.without_se(
            theta[:d], float(theta[d]) if intercept else 0.0, F / S, start, l2
        )


def _pass(theta, X, y, eps, intercept, weights, l2):
    """One pass at θ in chunks: F = J·S (sum form), its gradient g, R (k, p + 1) of the
    least-squares problem of the step Δ, ‖√s(A_out Δ + r)‖² + (λS/2)‖w + Δ_w‖², as the QR of
    [√s A_out, √s r] (r = e ∓ ε, the outside rows' distance from the tube) with the penalty's
    rows, S = Σs, and the rows' sides (how many lie outside, and a digest of which side)."""
    d, q = X.shape[1], len(theta)
    F = S = 0.0
    g = np.zeros(q)
    R = np.zeros((0, q + 1))
    digest, outside = hashlib.blake2b(), 0
    for start in range(0, len(X), CHUNK):
        Xc = np.asarray(X[start : start + CHUNK], np.float64)
        A = np.hstack([Xc, np.ones((len(Xc), 1))]) if intercept else Xc
        yc = np.asarray(y[start : start + CHUNK], np.float64).reshape(-1)
        s = np.ones(len(yc)) if weights is None else np.asarray(weights[start : start + CHUNK])
        s = np.asarray(s, np.float64).reshape(-1)
        e = A @ theta - yc
        side = np.sign(e) * (np.abs(e) > eps)
        digest.update(side.astype(np.int8).tobytes())
        out = side != 0
        outside += int(np.count_nonzero(out))
        r = (e - eps * side)[out]
        so = s[out]
        F += float(so @ (r * r))
        S += float(s.sum())
        g += 2 * (A[out].T @ (so * r))
        root = np.sqrt(so)[:, None]
        R = np.linalg.qr(np.vstack([R, np.hstack([A[out], r[:, None]]) * root]), "r")
    w = theta[:d]
    F += 0.5 * l2 * S * float(w @ w)
    g[:d] += l2 * S * w
    if l2 > 0:
        pen = np.zeros((d, q + 1))
        pen[:, :d] = np.sqrt(l2 * S / 2) * np.eye(d)
        pen[:, q] = np.sqrt(l2 * S / 2) * w
        R = np.linalg.qr(np.vstack([R, pen]), "r")
    return F, g, R, S, (digest.digest(), outside)


def _lbfgs(theta, args, S):
    """J minimised by scipy's L-BFGS-B from θ: (θ, F = J·S)."""
    from scipy.optimize import minimize  # start-up: scipy only when asked

    def f(t):
        F, g, _, _, _ = _pass(t, *args)
        return F / S, g / S

    res = minimize(f, theta, jac=True, method="L-BFGS-B", options={"maxiter": 10_000})
    return res.x, float(res.fun) * S


SQUARED_EPSILON_INSENSITIVE = SquaredEpsilonInsensitive()
