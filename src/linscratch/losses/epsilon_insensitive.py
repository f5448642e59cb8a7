"""scikit-learn's epsilon-insensitive loss: ρ_ε(e) = max(0, |e| − ε) (`SGDRegressor(loss=
"epsilon_insensitive", epsilon=ε)`, support vector regression's loss without its penalty).

ψ(e) = ρ'(e), piece by piece: 0 inside the tube |e| ≤ ε, +1 for e > ε, −1 for e < −ε, that
is sign(e)·[|e| > ε]; at e = ±ε exactly ψ is 0, as scikit-learn's `EpsilonInsensitive.dloss`
takes it (its strict comparisons), and so as torch's autograd takes it here (`relu`'s
derivative at 0 is 0). So the summed loss has dL/dw = Xᵀψ(e) and dL/db = Σψ(eᵢ) (weighted:
Xᵀ(s∘ψ), Σsᵢψᵢ; `book.model.gradients` with this ψ), and SGD with batch size 1 takes
scikit-learn's step w ← w − η·ψ(eᵢ)·xᵢ, b ← b − η·ψ(eᵢ) (its intercept step has the same η
on dense data). ρ itself has kinks at e = ±ε (ψ jumps there), where finite differences keep
their step on one side (`derivation.fdiff.kink_limit`). Its parameter ε is `epsilon`, in the
target's units (a non-negative number, `rules.RULES`; it applies with
`loss="epsilon_insensitive"` only, `spec.REQUIRES`); standardized, SGD takes ε/σ_y, the same
objective (ρ_ε(e) = σρ_{ε/σ}(e/σ)).

Its exact minimiser, without weight decay, is a linear program: minimise Σsᵢ(aᵢ + cᵢ) over w,
b, aᵢ, cᵢ ≥ 0 and |rᵢ| ≤ ε with eᵢ = aᵢ − cᵢ + rᵢ (`scipy.optimize.linprog`, HiGHS' interior
point method with crossover to a vertex), priced at
EXACT_PASSES times least squares' one pass (`resources.exact_cost`, for `exact` auto). With
weight decay it is a quadratic program, not computed (None). It does not minimise squares: no
R² or RMSE. The compiled kernels (`kernels.pxd`) take ε in the data's dtype: ψ as
scikit-learn's, and 2ρ.
"""

from __future__ import annotations

import numpy as np

from linscratch.exact.solve import OLSResult, ols
from linscratch.i18n import Words, tr
from linscratch.losses.tube import TubeLoss

# the linear program (HiGHS' interior point, with crossover) against least squares' one pass:
# 1.25 s against 0.0044 s on 20,000 rows of 5 features (the dual simplex took 15 s)
EXACT_PASSES = 300


class EpsilonInsensitive(TubeLoss):
    """The epsilon-insensitive loss (see the module docstring)."""

    name = "epsilon_insensitive"
    exact_passes = EXACT_PASSES
    unit_power = 1  # ρ_σε(σe) = σ·ρ_ε(e): its values scale as the target's unit
    estimator_name = "epsilon_insensitive"
    label = Words("exact epsilon-insensitive minimiser")
    not_computed = Words(
        "exact epsilon-insensitive minimiser: not computed (--exact never; with --l2 a "
        "quadratic program)"
    )
    title = Words("Parameters approaching the epsilon-insensitive minimiser")
    dashed = Words(
        "y's change per standard deviation of each column,\nin standard deviations of y "
        "(b: the error at the average row);\ndashed: epsilon-insensitive minimiser"
    )
    axis = Words("mean epsilon-insensitive loss  (log scale)")
    above = Words(
        "at epoch {epoch} with the training loss {excess:.1%} above the exact "
        "epsilon-insensitive optimum"
    )

    @staticmethod
    def outside(a):
        """ρ at the distance a ≥ 0 from the tube: a itself."""
        return a

    def own_walk(self) -> dict:
        """The walk-through's lines of its own (`TubeLoss.walk`)."""
        return {
            "title": tr(
                "Gradients of the epsilon-insensitive L = Σᵢ {s}ρ(ŷᵢ − yᵢ), ρ(e) = max(0, "
                "|e| − ε), ε = {delta}, on a batch of {rows}, {features} ({dtype})"
            ),
            "clip": tr(
                "  ψ(e) = ρ'(e) = sign(e)·[|e| > ε]: {k} of {n} rows have |eᵢ| > ε = {delta} "
                "and push with ψ = ±1, the others not at all: {rows}"
            ),
            "none": tr(
                "  ψ(e) = ρ'(e) = sign(e)·[|e| > ε]: no row has |eᵢ| > ε = {delta}, so ψ = 0 "
                "and the gradient is zero"
            ),
        }

    def psi(self, e, p):
        """ψ(e) = sign(e)·[|e| > ε], elementwise (torch; a NaN stays NaN: e·0 inside)."""
        import torch  # start-up: torch only when a run needs it

        return torch.where(e.abs() > p, e.sign(), e * 0)

    def kinks(self, p) -> tuple[float, ...]:
        """The residuals where ψ jumps: ±ε."""
        return (-p, p)

    def minimiser(self, X, y, p, intercept=True, weights=None, l2: float = 0.0):
        """The exact minimiser on X (n, d), y (n,): the linear program (module docstring); None
        with weight decay (a quadratic program)."""
        if l2:
            return None
        from scipy import sparse  # start-up: scipy only when asked
        from scipy.optimize import linprog  # start-up: scipy only when asked

        X = np.asarray(X, np.float64)
        y = np.asarray(y, np.float64).reshape(-1)
        n, d = X.shape
        s = np.ones(n) if weights is None else np.asarray(weights, np.float64).reshape(-1)
        A = np.hstack([X, np.ones((n, 1))]) if intercept else X
        q, eye = A.shape[1], sparse.identity(n, format="csr")
        # Aθ − aᵢ + cᵢ − rᵢ = yᵢ with aᵢ, cᵢ ≥ 0 and |rᵢ| ≤ ε: eᵢ = aᵢ − cᵢ + rᵢ, and at the
        # optimum sᵢ(aᵢ + cᵢ) = sᵢ·max(0, |eᵢ| − ε)
        equal = sparse.hstack([sparse.csr_matrix(A), -eye, eye, -eye], "csr")
        cost = np.r_[np.zeros(q), s, s, np.zeros(n)]
        bounds = [(None, None)] * q + [(0, None)] * (2 * n) + [(-p, p)] * n
        res = linprog(cost, A_eq=equal, b_eq=y, bounds=bounds, method="highs-ipm")
        if res.status != 0:
            return None
        w = res.x[:d]
        b = float(res.x[d]) if intercept else 0.0
        start = ols(X, y, fit_intercept=intercept, weights=weights)  # its rank and condition
        return OLSResult.without_se(w, b, self.mean(X, y, w, b, p, weights), start)


EPSILON_INSENSITIVE = EpsilonInsensitive()
