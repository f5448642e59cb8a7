"""Iterate averaging (Polyak–Ruppert) as the loop sees it: which parameters a run reports and
the loss of each.

With a constant rate SGD's iterates wander around the optimum in a cloud whose size the rate
sets; their mean over many steps sits near its centre, the optimum of least squares. The
engines keep the sums (`engines.TorchAveraging`, the compiled kernels' `avg`); the trajectory
itself is unchanged: only what is reported is the mean.
"""

from __future__ import annotations

import numpy as np


def reported(engine) -> tuple[np.ndarray, float]:
    """The parameters a run reports, (d,) float64 and a float: the mean of the iterates once
    averaging has started (`engine.mean()`), else the current iterate."""
    mean = engine.mean() if hasattr(engine, "mean") else None
    return engine.params() if mean is None else mean


def penalty(w, l2: float) -> float:
    """Weight decay's term of the objective, (λ/2)‖w‖² in float64 (0.0 without it)."""
    if not l2:
        return 0.0
    w = np.asarray(w, np.float64)
    return 0.5 * l2 * float(w @ w)


def epoch_losses(engine, l2: float = 0.0) -> tuple[float, float | None]:
    """The mean loss over all rows at the reported parameters, and at the current (raw)
    iterate when they differ (averaging), else None. The engine's parameters are set to the
    mean for one pass and put back exactly (a float32 iterate survives float64 unchanged).
    With weight decay λ = `l2` each is the objective SGD descends, the mean loss plus
    (λ/2)‖w‖² at those parameters (`penalty`)."""
    mean = engine.mean() if hasattr(engine, "mean") else None
    w, b = engine.params()
    raw_loss = engine.loss() + penalty(w, l2)
    if mean is None:
        return raw_loss, None
    w = np.array(w)  # a copy: a float64 engine's params() may share the parameters' memory
    engine.set_params(*mean)
    loss = engine.loss() + penalty(mean[0], l2)
    engine.set_params(w, b)
    return loss, raw_loss
