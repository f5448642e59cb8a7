"""Huber's loss: ρ_δ(e) = ½e² where |e| ≤ δ, δ(|e| − ½δ) beyond (`book.model.huber_loss`).

ψ(e) = ρ'(e), piece by piece: e inside, +δ for e > δ, −δ for e < −δ, that is clip(e, −δ, δ)
(`book.model.gradients` derives it, the engines and kernels use it). ψ is continuous (both
pieces give ±δ at the joins), so ρ is C¹, but ψ' jumps from 1 to 0 at e = ±δ: those are its
kinks, where central differences lose an order (`derivation.fdiff.kink_limit` keeps a step on
one side of them). Its parameter δ is `huber_delta`, in the target's units (a positive number,
`rules.RULES`; it applies with `loss="huber"` only, `spec.REQUIRES`); standardized, SGD takes
δ/σ_y, the same objective (ρ_δ(e) = σ²ρ_{δ/σ}(e/σ)). Its exact minimiser is Newton's method
on the pieces (`exact.huber.huber_fit`), priced at EXACT_PASSES times least squares' one pass
(`resources.exact_cost`, for `exact` auto). It does not minimise squares: no R² or RMSE.
The compiled kernels (`kernels.pxd`) take δ in the data's dtype: ψ(e) = clip(e, −δ, δ) and
2ρ(e) = ψ·(2e − ψ),
which is e² for |e| ≤ δ and 2δ|e| − δ² beyond. The clip is written with comparisons that a NaN
fails, so that a NaN residual stays NaN (and 2ρ with it) for the divergence guard; an infinite
residual gives the finite ψ = ±δ and an infinite loss.
"""

from __future__ import annotations

from typing import ClassVar

from linscratch.book.model import gradients, huber_loss
from linscratch.exact.huber import huber_fit, mean_huber
from linscratch.i18n import Words, tr

EXACT_PASSES = 15  # Huber's minimiser against least squares: Newton's passes (measured 11-17x)


class Huber:
    """Huber's loss (see the module docstring)."""

    name = "huber"
    parameter = "huber_delta"  # its setting, δ
    exact_passes = EXACT_PASSES
    compiled = True  # the compiled kernels train it (`kernels.pxd`)
    squares = False
    unit_power = 2  # ρ_σδ(σe) = σ²ρ_δ(e)
    estimator_name = "huber"
    label = Words("exact Huber minimiser")
    not_computed = Words("exact Huber minimiser: not computed (--exact never)")
    title = Words("Parameters approaching the Huber minimiser")
    dashed = Words(
        "y's change per standard deviation of each column,\nin standard deviations of y "
        "(b: the error at the average row);\ndashed: Huber minimiser"
    )
    axis = Words("mean Huber loss  (log scale)")
    above = Words(
        "at epoch {epoch} with the training loss {excess:.1%} above the exact Huber optimum"
    )
    said: ClassVar[dict] = {  # the reports' words for it (`losses.said`): δ, its rows beyond
        "head": Words("Huber minimiser"),
        "exact": Words(
            "exact Huber minimiser (δ = {delta:g}): loss {loss:.6g}, {clipped:,} of {rows:,} "
            "rows beyond δ; {comparison}, largest coefficient difference {diff:.3g} ({name})"
        ),
        "validation": Words(
            "validation ({rows} rows): Huber loss {loss:.6g} (exact minimiser: {ols:.6g})"
        ),
        "versus": Words("vs Huber"),
        "diverged": Words(
            "SGD diverged (the error follows); the exact Huber minimiser (δ = {delta:g}) on the "
            "{rows:,} training rows does not depend on it:"
        ),
    }

    def said_values(self, model, answer) -> dict:
        """Its words' values: δ, and the rows of the exact answer beyond it."""
        return {"delta": model.huber_delta, "clipped": getattr(answer, "clipped", 0)}

    def walk(self) -> dict:
        """The walk-through's lines that change for Huber's loss (`derivation.walkthrough`),
        with or without row weights ({s}), δ as {delta}."""
        return {
            "title": tr(
                "Gradients of Huber's L = Σᵢ {s}ρ(ŷᵢ − yᵢ), ρ(e) = ½e² for |e| ≤ δ and "
                "δ(|e| − δ/2) "
                "beyond, δ = {delta}, on a batch of {rows}, {features} ({dtype})"
            ),
            "step2": tr("Step 2. The loss L = Σᵢ {s}ρ(eᵢ) = {loss}"),
            "clip": tr(
                "  ψ(e) = ρ'(e) = clip(e, −δ, δ): {k} of {n} rows have |eᵢ| > δ = {delta} and push "
                "with ψ = ±δ instead of eᵢ: {rows}"
            ),
            "none": tr(
                "  ψ(e) = ρ'(e) = clip(e, −δ, δ): no row has |eᵢ| > δ = {delta}, so ψ = e and the "
                "gradient is the squared loss's"
            ),
            "step3": tr(
                "Step 3. dL/dw = Xᵀ({s}ψ): each weight sums its feature times the clipped residual"
            ),
            "step4": tr("Step 4. dL/db = Σᵢ {s}ψᵢ: the bias sums the clipped residuals"),
        }

    def value(self, model) -> float:
        """δ in a `spec.ModelSpec`."""
        return model.huber_delta

    def rows(self, y_hat, y, p):
        """Each row's ρ_δ(ŷ − y), (n, 1): the book-style `huber_loss`."""
        return huber_loss(y_hat, y, p)

    def rho(self, e, p):
        """ρ_δ(e), elementwise (torch)."""
        import torch  # start-up: torch only when a run needs it

        a = e.abs()
        return torch.where(a <= p, e**2 / 2, p * (a - p / 2))

    def psi(self, e, p):
        """ψ(e) = clip(e, −δ, δ), elementwise (torch; a NaN stays NaN)."""
        return e.clamp(-p, p)

    def summed(self, e, s, p):
        """Σ sᵢρ_δ(eᵢ) of residuals e (rows, 1) with weights s (1.0 without; torch)."""
        return (s * self.rho(e, p)).sum()

    def kinks(self, p) -> tuple[float, ...]:
        """The residuals where ψ' jumps: ±δ."""
        return (-p, p)

    def gradients(self, X, y, w, b, weights=None, l2: float = 0.0, p=None):
        """dL/dw, dL/db of Σρ_δ by hand: `book.model.gradients` with δ."""
        return gradients(X, y, w, b, weights, l2, p)

    def kernel_parameter(self, p, dtype) -> float:
        """`KernelOptions.loss_parameter`: δ in the data's dtype (a float32 kernel compares
        float32)."""
        return float(dtype.type(p))

    def minimiser(self, X, y, p, intercept=True, weights=None, l2: float = 0.0):
        """Huber's exact minimiser on X (n, d), y (n,), with the penalty `l2` where set."""
        return huber_fit(X, y, p, intercept, weights, l2=l2)

    def mean(self, X, y, w, b, p, weights=None) -> float:
        """The mean ρ_δ(eᵢ) in float64 (weighted: Σsᵢρ/Σsᵢ): `exact.huber.mean_huber`."""
        return mean_huber(X, y, w, b, p, weights)


HUBER = Huber()
