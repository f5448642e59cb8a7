"""The objective of a run, as the runs layer needs it: the mean loss that reports compare
(½e², or Huber's ρ_δ) and the exact minimiser beside SGD's answer (least squares, or Huber's).

With Huber's loss the exact answer is Huber's minimiser (`huber.huber_fit`), the losses are
mean ρ_δ, and a run's R² and RMSE are left out (None): they measure squares, which Huber's fit
does not minimise. δ is in the target's units: standardized, SGD takes δ/σ_y, the same
objective (ρ_δ(e) = σ²ρ_{δ/σ}(e/σ)).
"""

from __future__ import annotations

from .solve import mean_loss
from .spec import RunSpec


def exact_answer(spec: RunSpec, X, y, weights=None):
    """The exact minimiser of the run's objective on X (n, d), y (n,): least squares
    (`solve.ols`, weighted with weights), or Huber's (`huber.huber_fit`)."""
    intercept = spec.model.fit_intercept
    if spec.model.loss == "huber":
        from .huber import huber_fit

        return huber_fit(X, y, spec.model.huber_delta, intercept, weights)
    from .solve import ols

    return ols(X, y, fit_intercept=intercept, weights=weights)


def loss_of_run(spec: RunSpec, scaler):
    """The run's mean loss in the data's units, f(X, y, w, b, weights), and the spec `fit`
    trains with: Huber's δ divided by σ_y when the target is standardized."""
    if spec.model.loss != "huber":
        return mean_loss, spec
    from .huber import mean_huber

    delta = spec.model.huber_delta

    def loss_of(X, y, w, b, weights=None):
        return mean_huber(X, y, w, b, delta, weights)

    if scaler is None:
        return loss_of, spec
    return loss_of, spec.replace(huber_delta=delta / scaler.y_std)
