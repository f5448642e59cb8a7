"""What a run whose SGD diverged still knows: the exact least-squares answer does not depend on
SGD, so `runs.execute` computes it on the same training rows and hands it over with the
`DivergedError` (its `run`), beside the epochs' losses before it diverged, in the data's units
(ridge's answer with weight decay, Huber's with its loss: `losses.objective.exact_answer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linscratch.errors import DivergedError
from linscratch.exact.solve import OLSResult, mean_loss, rmse


@dataclass(frozen=True)
class DivergedRun:
    """A run whose SGD diverged: its spec (with its seed), the exact least-squares answer `ols`
    on the `rows` training rows, its `rmse` sqrt(2 · loss) in the target's units, the epochs'
    `losses` before SGD diverged (the data's units), the data's `stability` limit (see
    `runs.Run`), the columns' names, the `standardizer` SGD trained with (or None), and
    `validation`, the held-out rows' size and the exact answer's loss and RMSE on them (or
    None without a split)."""

    spec: Any
    ols: OLSResult
    rows: int
    rmse: float
    losses: list[float]
    stability: dict
    feature_names: list[str]
    target_name: str | None
    standardizer: Any = None
    validation: dict | None = None


def exact_beside(
    error: DivergedError,
    spec,
    dataset,
    rows,
    bound: dict,
    exact: OLSResult,
    squares: bool = True,
    unit: float | None = None,
):
    """`error` told in the data's units (a standardized run's losses, and the loss that grew,
    scaled back) with `run`, the `DivergedRun` the exact answer `exact` on the training rows
    `rows` (a `runs._Rows`) makes of it; its RMSE where the loss minimises `squares`
    (`Loss.squares`). `unit` is the losses' factor to the data's units (`losses.unit_of`; by
    default a loss of squares', σ_y²)."""
    scale = 1.0 if rows.scaler is None else rows.scaler.y_std**2 if unit is None else unit
    grew = None if error.grew is None else error.grew * scale
    losses = [loss * scale for loss in error.losses]
    out = DivergedError(
        error.epoch, error.step, error.lr, error.lr_max, losses, error.standardized, grew
    )
    out.batch_size, out.gd_lr_max = error.batch_size, error.gd_lr_max
    validation = None
    if rows.X_val is not None and squares:
        loss = mean_loss(rows.X_val, rows.y_val, exact.w, exact.b, rows.w_val)
        validation = {"rows": len(rows.y_val), "ols_loss": loss, "ols_rmse": rmse(loss)}
    out.run = DivergedRun(
        spec=spec,
        ols=exact,
        rows=len(rows.y),
        rmse=rmse(exact.loss - exact.penalty) if squares else None,  # the fit alone, no penalty
        losses=losses,
        stability=bound,
        feature_names=dataset.feature_names,
        target_name=dataset.target_name,
        standardizer=rows.scaler,
        validation=validation,
    )
    return out
