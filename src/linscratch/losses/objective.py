"""The objective of a run, as the runs layer needs it: the mean loss that reports compare
and the exact minimiser beside SGD's answer, each asked of the run's loss (`losses.LOSSES`).

A loss that minimises squares (`Loss.squares`) takes its exact answer from the rows' R factor
where it is given (least squares, ridge), with no further pass; any other loss's minimiser
(Huber's) takes passes of its own, and a run's R² and RMSE are left out (None): they measure
squares, which it does not minimise. A loss's parameter is in the target's units:
standardized, SGD takes it divided by σ_y, the same objective (`losses.scaled`).
"""

from __future__ import annotations

from linscratch.exact.ridge import in_original_units, ridge_of
from linscratch.exact.solve import ols_of
from linscratch.losses import of, scaled
from linscratch.spec import RunSpec


def minimiser(spec: RunSpec, X, y, weights=None):
    """The exact minimiser of the run's objective on X (n, d), y (n,) as given: its loss's
    (`Loss.minimiser`: least squares, weighted with weights, or ridge with weight decay;
    Huber's, with the same penalty where there is one)."""
    loss, p = of(spec)
    return loss.minimiser(X, y, p, spec.model.fit_intercept, weights, spec.model.l2)


def exact_answer(spec: RunSpec, rows, reduced=None):
    """The exact answer beside SGD on the training rows (`rows.Rows`), in the data's units.
    Solved on the rows as they are, least squares from their R factor `reduced` (a
    `reduction.Reduced`) where given, with no further pass; with weight decay the penalty is
    on the weights SGD trained, so ridge's (or Huber's penalised) answer is solved on the rows
    SGD trained on, standardized or not (a penalty is not scale-invariant: ridge's from the R
    factor in those units, `Reduced.standardized`), and converted back
    (`ridge.in_original_units`)."""
    sw, l2 = rows.weights, spec.model.l2
    if of(spec)[0].squares and reduced is not None:
        if not l2:
            return ols_of(reduced)
        if rows.scaler is None:
            return ridge_of(reduced, l2)
        return in_original_units(ridge_of(reduced.standardized(rows.scaler), l2), rows.scaler)
    if not l2 or rows.scaler is None:
        return minimiser(spec, rows.X, rows.y.reshape(-1), sw)
    spec = scaled(spec, rows.scaler.y_std)  # the parameter in the standardized target's units
    found = minimiser(spec, rows.X_fit, rows.y_fit.reshape(-1), sw)
    return None if found is None else in_original_units(found, rows.scaler)  # None: no minimiser


def loss_of_run(spec: RunSpec, scaler):
    """The run's mean loss in the data's units, f(X, y, w, b, weights), and the spec `fit`
    trains with: the loss's parameter divided by σ_y when the target is standardized."""
    loss, p = of(spec)

    def loss_of(X, y, w, b, weights=None):
        return loss.mean(X, y, w, b, p, weights)

    return loss_of, spec if scaler is None else scaled(spec, scaler.y_std)
