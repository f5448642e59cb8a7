"""What scikit-learn's two epsilon-insensitive losses share: a tube of half-width ε about the
target, inside which a row costs nothing, and a cost of the distance a = max(0, |e| − ε)
outside it, ρ_ε(e) = a^k with k = 1 (`epsilon_insensitive`) or k = 2
(`squared_epsilon_insensitive`, with no ½): each loss's `outside(a)`, which also gives its
values' `unit_power` k (ρ_σε(σe) = σ^k·ρ_ε(e)).

`TubeLoss` holds what follows from that alone: the setting `epsilon` (in the target's units, a
non-negative number, `rules.RULES`; `spec.REQUIRES` ties it to these losses), ρ in torch and
its mean in float64 by chunks, the hand-derived gradients with the loss's ψ, the compiled kernels'
parameter (ε in the data's dtype), and the walk-through's lines every such loss says alike. A loss
module adds what differs: ψ (`psi`), its kinks, its labels and its exact
minimiser.
"""

from __future__ import annotations

import numpy as np

from linscratch.book.model import gradients
from linscratch.exact.solve import CHUNK
from linscratch.i18n import tr


class TubeLoss:
    """A loss with the tube ε (see the module docstring). A subclass gives the rest of the
    `Loss` protocol and `outside(a)`, ρ at the distance a ≥ 0 from the tube (a staticmethod,
    elementwise on torch tensors and numpy arrays alike), and `own_walk()`, the walk-through's
    title and its lines on the rows outside the tube ("clip", "none")."""

    parameter = "epsilon"  # its setting, ε
    compiled = True  # the compiled kernels train it (`kernels.pxd`)
    squares = False  # no R² or RMSE

    def walk(self) -> dict:
        """The walk-through's lines that change (`derivation.walkthrough`), with or without row
        weights ({s}), ε as {delta}."""
        return {
            **self.own_walk(),
            "step2": tr("Step 2. The loss L = Σᵢ {s}ρ(eᵢ) = {loss}"),
            "step3": tr("Step 3. dL/dw = Xᵀ({s}ψ): each weight sums its feature times ψ"),
            "step4": tr("Step 4. dL/db = Σᵢ {s}ψᵢ: the bias sums the ψᵢ"),
        }

    def value(self, model) -> float:
        """ε in a `spec.ModelSpec`."""
        return model.epsilon

    def rho(self, e, p):
        """ρ_ε(e), elementwise (torch; `relu`, whose derivative at 0 is 0: ψ is 0 at the tube's
        edge, as scikit-learn's strict comparisons take it)."""
        import torch  # start-up: torch only when a run needs it

        return self.outside(torch.relu(e.abs() - p))

    def rows(self, y_hat, y, p):
        """Each row's ρ_ε(ŷ − y), (n, 1)."""
        return self.rho(y_hat - y.reshape(y_hat.shape), p)

    def summed(self, e, s, p):
        """Σ sᵢρ_ε(eᵢ) of residuals e (rows, 1) with weights s (1.0 without; torch)."""
        return (s * self.rho(e, p)).sum()

    def gradients(self, X, y, w, b, weights=None, l2: float = 0.0, p=None):
        """dL/dw, dL/db of Σρ_ε by hand: `book.model.gradients` with ψ for e."""
        return gradients(X, y, w, b, weights, l2, psi=lambda e: self.psi(e, p))

    def kernel_parameter(self, p, dtype) -> float:
        """`KernelOptions.loss_parameter`: ε in the data's dtype."""
        return float(dtype.type(p))

    def mean(self, X, y, w, b, p, weights=None) -> float:
        """The mean ρ_ε(eᵢ) in float64 (weighted: Σsᵢρ/Σsᵢ), in chunks."""
        w = np.asarray(w, np.float64).reshape(-1)
        total = weight = 0.0
        for start in range(0, len(X), CHUNK):
            e = np.asarray(X[start : start + CHUNK], np.float64) @ w + b
            e -= np.asarray(y[start : start + CHUNK], np.float64).reshape(-1)
            rho = self.outside(np.maximum(np.abs(e) - p, 0.0))
            if weights is None:
                total, weight = total + float(rho.sum()), weight + len(e)
            else:
                s = np.asarray(weights[start : start + CHUNK], np.float64).reshape(-1)
                total, weight = total + float(s @ rho), weight + float(s.sum())
        return total / weight
