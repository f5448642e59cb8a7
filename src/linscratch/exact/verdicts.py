"""Has a run converged? Its final loss judged against the exact least-squares loss and the
stability limit 2/λ_max (`sweep` judges each of its runs so, by `judge`; a finished run of
`train` or the estimator is judged by `converged`, below the rule's list).

The rule, in this order:

1. **diverged**: training was stopped because the loss became non-finite or grew without
   bound, or the learning rate is above the stability limit 2/λ_max. Above the limit the error
   along the steepest direction grows by |1 − lr·λ_max| > 1 every step, whatever the loss did
   in the epochs run so far.
2. **converged**: the final loss L is within `TOLERANCE` (10%) of the exact least-squares
   loss L*: L − L* ≤ 0.1·L* + `FLOOR`·V, where V = ½ var(y), the loss of predicting the mean.
   SGD with a constant learning rate never settles on the optimum: it hovers above it, by
   0.1–10% on the book's problem, more with larger rates and smaller batches, and one epoch's
   loss may land either side of the line. An excess of 10% of L* means predictions within
   √0.1 ≈ a third of the residual noise of the exact answer's. The floor (1e-9 of V) counts a
   run as converged once its excess is at the precision of float32 arithmetic, where L* is
   itself near zero (data without noise).
3. **converging**: every other run: still falling, or stuck clearly above the optimum (a rate
   too large for its batch size stays noisy; a smaller rate or a larger batch gets closer).
"""

from __future__ import annotations

import numpy as np

VERDICTS = ("converged", "converging", "diverged")
TOLERANCE = 0.1  # of the exact loss L*
FLOOR = 1e-9  # of V = ½ var(y)
EXCESS = 0.02  # a finished run's loss this far above the exact optimum has not converged
AUTO_EXCESS = 0.01  # `num_epochs` auto trains until this close, and is judged by it


def excess_of(num_epochs) -> float:
    """The line a run is judged by: `AUTO_EXCESS` (1%) for `num_epochs` auto, which trains
    until its loss is that close (`stopping.NearOptimum`) and says so when it is not; else the
    estimator's `EXCESS` (2%)."""
    return AUTO_EXCESS if num_epochs == "auto" else EXCESS


def converged(
    loss_gap: float | None, loss: float, squares: float, total: float, excess: float = EXCESS
) -> bool:
    """Whether a finished run reached the exact optimum, as the estimator (its
    `ConvergenceWarning`) and `train` (its warning, `Run.converged`) judge it: its loss
    (the objective it descends) at most `excess` (`excess_of`: 2%, 1% for epochs auto) above
    the optimum's, `loss_gap` = L/L* − 1 (`statistics.gap`); where the optimum fits every row
    (`loss_gap` None: L* at the rounding level), at most `excess` of ½ mean y², the loss of
    predicting zero
    (`squares` Σsᵢyᵢ², `total` Σsᵢ or the rows' count). Stricter than the sweep's
    `TOLERANCE`, which compares runs on the way; this says whether a model may be used as the
    least-squares one."""
    if loss_gap is None:
        return loss <= excess * squares / (2 * total)
    return loss_gap <= excess


def judge(
    losses: list[float],
    exact_loss: float | None,
    lr: float,
    lr_max: float | None,
    stopped: bool,
    spread: float = 0.0,
) -> str:
    """One of VERDICTS for a run whose epochs ended with `losses` (finite, in the data's
    units), by the module's rule; `exact_loss` is L* on the same rows (needed unless the run
    diverged), `spread` V = ½ var(y), `stopped` whether training stopped on divergence."""
    if stopped or (lr_max is not None and lr > lr_max):
        return "diverged"
    if not losses or exact_loss is None:
        return "converging"
    excess = losses[-1] - exact_loss
    return "converged" if excess <= TOLERANCE * exact_loss + FLOOR * spread else "converging"


def still_falling(losses: list[float]) -> bool | None:
    """Whether the last epoch lowered the loss; None after a single epoch."""
    return None if len(losses) < 2 else losses[-1] < losses[-2]


def spread(y, chunk: int = 1 << 18) -> float:
    """V = ½ var(y), the loss of predicting the mean, in float64 chunk by chunk (y (n,) may be
    memory-mapped)."""
    n = len(y)
    total = sum(float(np.sum(np.asarray(y[i : i + chunk], np.float64))) for i in range(0, n, chunk))
    mean = total / n
    squares = sum(
        float(np.sum((np.asarray(y[i : i + chunk], np.float64) - mean) ** 2))
        for i in range(0, n, chunk)
    )
    return squares / (2 * n)
