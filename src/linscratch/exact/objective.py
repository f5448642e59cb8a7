"""The objective of a run, as the runs layer needs it: the mean loss that reports compare
(½e², or Huber's ρ_δ) and the exact minimiser beside SGD's answer (least squares, or Huber's).

With Huber's loss the exact answer is Huber's minimiser (`huber.huber_fit`), the losses are
mean ρ_δ, and a run's R² and RMSE are left out (None): they measure squares, which Huber's fit
does not minimise. δ is in the target's units: standardized, SGD takes δ/σ_y, the same
objective (ρ_δ(e) = σ²ρ_{δ/σ}(e/σ)).
"""

from __future__ import annotations

from linscratch.exact.solve import mean_loss
from linscratch.spec import RunSpec


def minimiser(spec: RunSpec, X, y, weights=None):
    """The exact minimiser of the run's objective on X (n, d), y (n,) as given: least squares
    (`solve.ols`, weighted with weights), ridge with weight decay (`ridge.ridge`), or Huber's
    (`huber.huber_fit`, with the same penalty where there is one)."""
    intercept, l2 = spec.model.fit_intercept, spec.model.l2
    if spec.model.loss == "huber":
        from linscratch.exact.huber import huber_fit

        return huber_fit(X, y, spec.model.huber_delta, intercept, weights, l2=l2)
    if l2:
        from linscratch.exact.ridge import ridge

        return ridge(X, y, l2, fit_intercept=intercept, weights=weights)
    from linscratch.exact.solve import ols

    return ols(X, y, fit_intercept=intercept, weights=weights)


def exact_answer(spec: RunSpec, rows, reduced=None):
    """The exact answer beside SGD on the training rows (`rows.Rows`), in the data's units.
    Least squares and Huber's loss (δ in y's units) are solved on the rows as they are, least
    squares from their R factor `reduced` (a `reduction.Reduced`) where given, with no
    further pass; with weight decay the penalty is on the weights SGD trained, so ridge's (or
    Huber's penalised) answer is solved on the rows SGD trained on, standardized or not (a
    penalty is not scale-invariant: ridge's from the R factor in those units,
    `Reduced.standardized`), and converted back (`ridge.in_original_units`)."""
    sw, l2, squared = rows.weights, spec.model.l2, spec.model.loss == "squared"
    from linscratch.exact.ridge import in_original_units

    if squared and reduced is not None:
        from linscratch.exact.ridge import ridge_of
        from linscratch.exact.solve import ols_of

        if not l2:
            return ols_of(reduced)
        if rows.scaler is None:
            return ridge_of(reduced, l2)
        return in_original_units(ridge_of(reduced.standardized(rows.scaler), l2), rows.scaler)
    if not l2 or rows.scaler is None:
        return minimiser(spec, rows.X, rows.y.reshape(-1), sw)

    if not squared:  # Huber's δ in the standardized target's units
        spec = spec.replace(huber_delta=spec.model.huber_delta / rows.scaler.y_std)
    scaled = minimiser(spec, rows.X_fit, rows.y_fit.reshape(-1), sw)
    return in_original_units(scaled, rows.scaler)


def loss_of_run(spec: RunSpec, scaler):
    """The run's mean loss in the data's units, f(X, y, w, b, weights), and the spec `fit`
    trains with: Huber's δ divided by σ_y when the target is standardized."""
    if spec.model.loss != "huber":
        return mean_loss, spec
    from linscratch.exact.huber import mean_huber

    delta = spec.model.huber_delta

    def loss_of(X, y, w, b, weights=None):
        return mean_huber(X, y, w, b, delta, weights)

    if scaler is None:
        return loss_of, spec
    return loss_of, spec.replace(huber_delta=delta / scaler.y_std)
