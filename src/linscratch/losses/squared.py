"""The book's squared loss, ρ(e) = ½e² of the residual e = ŷ − y (D2L 3.1).

ψ(e) = ρ'(e) = e: the residual itself is each row's share of the gradient, dL/dw = Xᵀe,
dL/db = Σe (`book.model.gradients` derives it). ρ is a parabola: no kink, so finite
differences are exact but for rounding at any step. Its exact minimiser is least squares
(`exact.solve.ols`), ridge regression with weight decay (`exact.ridge.ridge`), both also read
from the R factor of the rows' one pass (`losses.objective.exact_answer`); it minimises squares,
so R² and RMSE measure it. It has no parameter; in the compiled kernels
(`kernels.pxd`) ψ(e) = e and 2ρ(e) = e·e, the book's arithmetic.
"""

from __future__ import annotations

from linscratch.book.model import gradients, squared_loss
from linscratch.exact.ridge import ridge
from linscratch.exact.solve import mean_loss, ols
from linscratch.i18n import Words


class Squared:
    """The squared loss (see the module docstring)."""

    name = "squared"
    parameter = None  # no setting of its own
    exact_passes = 1  # the exact answer's one pass over the rows (`resources.exact_cost`)
    compiled = True  # the compiled kernels train it (`kernels.pxd`)
    squares = True  # R² and RMSE apply
    unit_power = 2  # ½(σe)² = σ²·½e²: its values scale as the target's unit squared
    estimator_name = "squared_error"  # scikit-learn's (`SGDLinearRegression(loss=)`)
    # the exact answer's name in reports and figures, and the parameters figure's title
    label = Words("exact least squares")
    not_computed = Words("exact least squares: not computed (--exact never)")
    title = Words("Parameters approaching the least-squares answer")
    dashed = Words(
        "y's change per standard deviation of each column,\nin standard deviations of y "
        "(b: the error at the average row);\ndashed: least squares"
    )
    axis = Words("mean loss  ½(ŷ − y)²  (log scale)")  # the loss figure's axis
    # the estimator's warning when SGD stopped short of the exact optimum
    above = Words(
        "at epoch {epoch} with the training loss {excess:.1%} above the exact least-squares optimum"
    )

    def walk(self) -> dict:
        """The walk-through's lines that change: none, it is the book's loss."""
        return {}

    def value(self, model) -> None:
        """Its parameter in a `spec.ModelSpec`: none."""
        return None

    def rows(self, y_hat, y, p=None):
        """Each row's ρ(ŷ − y), (n, 1): the book's `squared_loss`."""
        return squared_loss(y_hat, y)

    def rho(self, e, p=None):
        """ρ(e) = ½e², elementwise (torch)."""
        return e**2 / 2

    def psi(self, e, p=None):
        """ψ(e) = ρ'(e) = e, elementwise (torch)."""
        return e

    def summed(self, e, s, p=None):
        """Σ sᵢ½eᵢ² of residuals e (rows, 1) with weights s (1.0 without; torch), as the
        analytic engine's data-parallel steps always summed it."""
        return (s * e * e).sum() / 2

    def kinks(self, p=None) -> tuple[float, ...]:
        """The residuals where ρ'' jumps: none."""
        return ()

    def gradients(self, X, y, w, b, weights=None, l2: float = 0.0, p=None):
        """dL/dw, dL/db of the summed loss by hand: `book.model.gradients`."""
        return gradients(X, y, w, b, weights, l2)

    def kernel_parameter(self, p, dtype) -> float:
        """`KernelOptions.loss_parameter`: unused by the squared loss (0.0)."""
        return 0.0

    def minimiser(self, X, y, p, intercept=True, weights=None, l2: float = 0.0):
        """Least squares on X (n, d), y (n,) (weighted with `weights`), ridge with `l2`."""
        if l2:
            return ridge(X, y, l2, fit_intercept=intercept, weights=weights)
        return ols(X, y, fit_intercept=intercept, weights=weights)

    def mean(self, X, y, w, b, p=None, weights=None) -> float:
        """The mean ½eᵢ² in float64 (weighted: Σsᵢ½eᵢ²/Σsᵢ): `exact.solve.mean_loss`."""
        return mean_loss(X, y, w, b, weights)


SQUARED = Squared()
