"""A run from a dataset to its outcome: split, standardize, fit by SGD, and the exact
least-squares answer beside it. The `train` and `sweep` commands share it.

`fit` works on what it is given (standardized rows, say) and its `Result` is left as it is;
the `Run` built here holds a second `Result` in the data's own units, and everything a report
needs beside it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np

from linscratch.book.model import initial_params
from linscratch.data.dataset import Dataset, check_magnitudes
from linscratch.data.rows import Standardizer, prepare
from linscratch.errors import DivergedError, StabilityWarning
from linscratch.events import EpochEnd, EventStream, Phase, Steps, Subscriber, Trace
from linscratch.exact.ridge import decay_terms
from linscratch.exact.solve import OLSResult, condition_of, mean_loss
from linscratch.exact.stability import (
    auto_rate,
    limits,
    moments_of,
    row_moments,
    sampled_lambda,
)
from linscratch.exact.statistics import (
    bound_of,
    coef_diff,
    gap,
    reduce_training_rows,
    rmse_pair,
    sgd_numbers,
)
from linscratch.exact.statistics import validation as validation_numbers
from linscratch.exact.verdicts import AUTO_EXCESS, converged, excess_of
from linscratch.i18n import Words
from linscratch.interrupts import answering
from linscratch.losses import LOSSES, unit_of
from linscratch.losses.objective import exact_answer, loss_of_run
from linscratch.resources import (
    decide,
    decide_stability,
    limited_threads,
    require_memory,
    require_work,
    run_bytes,
    run_threads,
)
from linscratch.spec import AUTO_WORK, BOOK_EPOCHS, RunSpec
from linscratch.train.loop import Result, draw_seed, train
from linscratch.train.results import in_original_units


@dataclass(frozen=True)
class Run:
    """A finished run: its `Result` in the data's own units, the OLS answer and how SGD
    compares to it.

    `loss_gap` is SGD's relative excess over the OLS loss on the training rows, both in float64
    (None where OLS fits them exactly); `coef_diff` is SGD's minus OLS's coefficients;
    `validation` holds the held-out rows' size, loss and R² (SGD's, and OLS's loss) and the
    loss after each epoch, when there is a split; `rmse` the root mean squared error
    sqrt(mean (ŷ − y)²) = sqrt(2 · loss) on the training rows in the target's units, in float64,
    of SGD ("sgd") and of OLS ("ols") (the validation dict has "rmse" and "ols_rmse");
    `stability` the data's stability limits (`exact.stability.limits`: λ₁ = λ_max, the largest
    curvature of the data trained on, gradient descent's limit 2/λ_max "gd_lr_max", β, the
    batch size and SGD's limit at it, "lr_max", beyond which SGD diverges), and whether `lr`
    exceeds SGD's limit; `trace` how it learned, when asked for (see `events.Trace`), in the data's
    units; `train_rows` the rows trained on, when there is a split; `weight_decay`, with
    `l2` λ > 0, {"l2", "sgd", "exact"}: each one's penalty (λ/2)‖w‖² in the data's units
    (`loss_gap` compares mean ½e² plus it: the objective SGD descends, `ridge`), and
    "sgd_w_norm", "exact_w_norm": ‖w‖ of the weights penalised (standardized ones with
    `standardize`); `exact` whether the exact answer was "computed", "skipped" (too costly
    for `auto`) or not asked for ("never"): without it `ols`, `loss_gap`, `coef_diff`,
    `rmse`, `r2` and `weight_decay` are None; `log_weights` Σ log sᵢ of the training rows'
    weights as the file gives them (the weighted log-likelihood's term, `summary`), None
    without weights; `condition_number` that of the design [X 1] (or X) in the data's units,
    rows scaled by √sᵢ, whatever the loss (None where the rows were not reduced). `threads`:
    the threads its passes used (`resources.run_threads`), None where the environment's
    variables set them.
    """

    spec: RunSpec
    result: Result
    ols: OLSResult
    r2: float | None
    loss_gap: float | None
    coef_diff: dict
    feature_names: list[str]
    target_name: str | None
    standardizer: Standardizer | None = None
    validation: dict | None = None
    stability: dict | None = None
    trace: dict | None = None
    train_rows: np.ndarray | None = None
    rmse: dict | None = None
    weight_decay: dict | None = None
    exact: str = "computed"
    log_weights: float | None = None
    condition_number: float | None = None
    converged: bool | None = None
    threads: int | None = None


class _OriginalUnits(Subscriber):
    """Passes events on to `inner` with the loss and parameters of a standardized problem in
    the data's own units, and records the held-out rows' loss after each epoch."""

    def __init__(
        self, inner: EventStream, scaler, X_val, y_val, w_val=None, loss_of=mean_loss, unit=None
    ):
        self.inner, self.scaler, self.X_val, self.y_val = inner, scaler, X_val, y_val
        # the losses' factor to the data's units (`losses.unit_of`; a loss of squares' σ_y²)
        self.unit = unit if unit is not None or scaler is None else scaler.y_std**2
        self.loss_of = loss_of  # the run's mean loss of (X, y, w, b, weights)
        self.w_val = w_val  # the held-out rows' weights, or None
        self.wants_steps, self.wants_batches = inner.wants_steps, inner.wants_batches
        self.wants_progress = inner.wants_progress
        self.val_losses: list[float] = []

    def epoch_end(self, event: EpochEnd) -> bool:
        if self.scaler is not None:
            w, b = self.scaler.to_original(event.w, event.b)
            event = replace(event, w=w, b=b, loss=event.loss * self.unit)
        if self.X_val is not None:
            loss = self.loss_of(self.X_val, self.y_val, event.w, event.b, self.w_val)
            self.val_losses.append(loss)
        return self.inner.emit(event)

    def steps(self, event: Steps) -> None:
        if self.scaler is not None:
            event = replace(
                event,
                step_loss=event.step_loss * self.unit,
                params=self.scaler.params_to_original(event.params),
            )
        self.inner.emit(event)

    def run_start(self, event) -> None:
        if self.scaler is not None:
            w, b = self.scaler.to_original(event.w, event.b)
            losses = tuple(loss * self.unit for loss in event.losses)
            event = replace(event, w=w, b=b, losses=losses)
        self.inner.emit(event)

    def batch(self, event) -> None:
        self.inner.emit(event)

    def progress(self, event) -> None:
        self.inner.emit(event)

    def phase(self, event) -> None:
        self.inner.emit(event)

    def run_end(self, event) -> None:
        self.inner.emit(event)

    def diverged(self, event) -> None:
        self.inner.emit(event)


def execute(
    spec: RunSpec,
    dataset: Dataset,
    subscribers=(),
    *,
    trace: bool = False,
    warn=None,
    exact: OLSResult | None = None,
) -> Run:
    """Fit the dataset by SGD as `spec` says and compare with OLS (ridge with weight decay:
    `objective.exact_answer`, the losses compared being the penalised objective); see `Run`.

    Without a split or standardization the rows go to `fit` untouched, so the book's run stays
    bit for bit the book's. The split is drawn from the seed; the standardization is fitted
    on the training rows only. Subscribers hear the run's events in the data's units. A run
    whose SGD diverges raises `DivergedError` with the exact answer on the same rows as its
    `run` (a `diverged.DivergedRun`). With `trace`, `Run.trace` records how it learned.
    `warn(warning)`, if given, hears of a learning rate beyond the stability limit before
    training starts (a `StabilityWarning`).
    `exact`, the exact answer on the same training rows if already known, is not computed
    again; else `spec.execution.exact` says whether to compute it (`resources.decide`), and
    then it comes first, from the rows reduced to their R factor, which also give the
    stability limit and SGD's loss and R² with no further pass (least squares and ridge;
    Huber's minimiser and loss take passes of their own, `losses.objective`: no R² or RMSE, they
    measure squares); not computed, `Run.ols` is None.
    """

    if spec.seed is None or spec.optim.lr is None:
        seed = draw_seed() if spec.seed is None else spec.seed
        spec = spec.with_seed(seed, LOSSES[spec.model.loss].exact_passes)
    threads = run_threads(spec.execution.threads)  # once per run, from the cores idle now
    with limited_threads(threads):
        run = _execute(spec, dataset, subscribers, trace, warn, exact)
    return replace(run, threads=threads)


def _execute(spec: RunSpec, dataset: Dataset, subscribers, trace, warn, exact) -> Run:
    """`execute`'s run, its threads already limited."""
    n, d = np.shape(dataset.X)
    asked = spec.data.standardize is not None  # else the data decides: `RunSpec.with_rows`
    spec = spec.with_rows(n - _held_out(spec, n), d)
    require_work(n, d, spec.optim.epoch_limit)
    status = "computed" if exact is not None else _decided(spec, dataset)
    _require_memory(spec, dataset, status == "computed")
    check_magnitudes(dataset, "float64" if spec.data.standardize else spec.execution.dtype)
    rows = prepare(spec, dataset, asked)
    sw = rows.weights  # (n,) the training rows' weights, or None
    recorder = Trace() if trace else None
    inner = EventStream([*subscribers, *([recorder] if recorder else [])])
    X, y64 = rows.X, rows.y.reshape(-1)  # (the passes below go to float64 chunk by chunk)
    centered = spec.model.fit_intercept  # R² of a model through the origin is uncentered
    exact, reduced = answering(_exact_first, spec, rows, exact, status, inner, dataset.weight_shift)
    inner.emit(Phase("stability"))
    bound = _stability(spec, rows, warn, sw, reduced)
    loss_of, fit_spec = loss_of_run(spec, rows.scaler)
    if spec.optim.lr == "auto":  # the run's record says auto; SGD takes the rate it chose
        fit_spec = fit_spec.replace(lr=bound["lr_auto"])
    squared = LOSSES[spec.model.loss].squares  # R² and RMSE apply
    unit = unit_of(spec, rows.scaler)  # the losses' factor to the data's units
    units = _OriginalUnits(inner, rows.scaler, rows.X_val, rows.y_val, rows.w_val, loss_of, unit)
    w0, b0 = initial_params(spec.model.init, np.shape(rows.X)[1], spec.seed, dataset.book_draw)
    auto = fit_spec.optim.num_epochs == "auto"  # (the rule ends only a run of epochs auto)
    until = _near_optimum(exact, rows, units) if auto and exact is not None else None
    try:
        scaled = train(
            rows.X_fit,
            rows.y_fit,
            fit_spec,
            w0,
            b0,
            subscribers=[units],
            sample_weight=sw,
            until=until,
        )
    except DivergedError as exc:  # the exact answer does not depend on SGD: it goes with the error
        from linscratch.exact.diverged import exact_beside  # start-up: not every run needs it

        error = exc.with_limit(bound, spec.data.standardize)
        if exact is None:  # not computed (`exact` never, or too costly): the error alone
            raise error from None
        raise exact_beside(error, spec, dataset, rows, bound, exact, squared, unit) from None
    result = in_original_units(scaled, rows.scaler, dataset, unit)

    validation = validation_numbers(
        rows, result, exact, units.val_losses, centered, loss_of, squared
    )
    sgd_loss, r2, squares = sgd_numbers(
        result, exact, reduced if squared else None, X, y64, centered, sw, loss_of
    )
    decay = None if exact is None else decay_terms(spec.model.l2, scaled.w, rows.scaler, exact)
    objective = None if sgd_loss is None else sgd_loss + (decay["sgd"] if decay else 0.0)
    loss_gap = None if exact is None else gap(objective, exact.loss, squares, rows.y, sw)
    return Run(
        spec=spec,
        result=result,
        ols=exact,
        r2=r2 if squared else None,
        loss_gap=loss_gap,
        coef_diff=None if exact is None else coef_diff(result, exact),
        feature_names=dataset.feature_names,
        target_name=dataset.target_name,
        standardizer=rows.scaler,
        validation=validation,
        stability=bound,
        trace=None if recorder is None else recorder.to_dict(),
        train_rows=rows.train_rows,
        rmse=rmse_pair(sgd_loss, exact) if squared else None,
        weight_decay=decay,
        exact=status,
        log_weights=_log_weights(sw, dataset.weight_shift),
        condition_number=_condition(reduced),
        converged=None
        if exact is None
        else converged(
            loss_gap, objective, squares, _total(rows), excess_of(spec.optim.num_epochs)
        ),
    )


def _near_optimum(exact, rows, units):
    """`num_epochs` auto's rule where the exact answer is known: stop once the loss is within
    `verdicts.AUTO_EXCESS` of the optimum's (or, where the optimum fits every row, of ½ mean
    y²: `verdicts.converged`), in the units SGD trains in (`units.unit` per data unit where
    the rows are standardized), or once the run has made `AUTO_WORK` row-feature visits."""
    from linscratch.train.stopping import NearOptimum  # start-up: not every run needs it

    y = np.asarray(rows.y, np.float64).reshape(-1)
    if rows.weights is None:  # Σyᵢ²: the same products and sum as Σ(1·yᵢ)yᵢ, no array of ones
        squares = float(np.dot(y, y))
    else:
        squares = float(np.dot(np.asarray(rows.weights, np.float64) * y, y))
    if gap(exact.loss, exact.loss, squares, y, rows.weights) is None:  # L* at rounding level
        target = AUTO_EXCESS * squares / (2 * _total(rows))
    else:
        target = (1 + AUTO_EXCESS) * exact.loss
    n, d = np.shape(rows.X_fit)
    most = max(BOOK_EPOCHS, math.ceil(AUTO_WORK / (n * max(d, 1))))
    return NearOptimum(target / (units.unit if rows.scaler is not None else 1.0), most)


def _held_out(spec: RunSpec, n: int) -> int:
    """The rows of n held out for validation (`rows.split_rows`)."""
    return round(n * spec.data.val_fraction) if spec.data.val_fraction else 0


def _total(rows) -> float:
    """Σsᵢ of the training rows' weights, or their count: what their mean loss divides by."""
    return len(rows.y) if rows.weights is None else float(np.sum(rows.weights, dtype=np.float64))


def _condition(reduced) -> float | None:
    """The design's condition number, from the training rows' R factor; None where the rows
    were not reduced here (an exact answer given, or none computed)."""
    if reduced is None:
        return None
    p = reduced.p
    return condition_of(reduced.R[:p, :p])


def _log_weights(sw, shift: int) -> float | None:
    """Σ log sᵢ of the weights `sw` (n,) rescaled by 4⁻ˢʰⁱᶠᵗ, in the weights of the file."""
    if sw is None:
        return None
    sw = np.asarray(sw, np.float64)
    return float(np.sum(np.log(sw))) + len(sw) * shift * float(np.log(4.0))


def _decided(spec: RunSpec, dataset: Dataset) -> str:
    """Whether the run computes the exact answer, "computed" | "skipped" | "never"
    (`resources.decide`), from the training rows' count (the rows less the held-out ones)."""
    n, d = np.shape(dataset.X)
    n -= _held_out(spec, n)
    mode = "always" if spec.outputs.save_exact is not None else spec.execution.exact  # to save
    return decide(mode, n, d, spec.optim.epoch_limit, LOSSES[spec.model.loss].exact_passes)


def _exact_first(
    spec: RunSpec, rows, exact, status: str, inner: EventStream, shift: int = 0
) -> tuple:
    """(the exact answer, the training rows' R factor): computed first, before training,
    where `status` (`_decided`) says, as the stability limit needs the R factor too; an
    `exact` already known is kept. The weights were rescaled by 4^-`shift`
    (`weights.rescaled`): the residual standard deviation, the one number their scale
    moves, is given in the weights of the file."""
    if exact is not None:
        return exact, None
    if status != "computed":
        return None, None
    X, y = rows.X, rows.y.reshape(-1)
    inner.emit(Phase("exact"))
    reduced = reduce_training_rows(X, y, spec.model.fit_intercept, rows.weights)
    exact = exact_answer(spec, rows, reduced)
    if shift and getattr(exact, "residual_sd", None) is not None:
        from linscratch.data.weights import unscaled_sd  # start-up: torch only when a run needs it

        exact = replace(exact, residual_sd=unscaled_sd(exact.residual_sd, shift))
    return exact, reduced


def _require_memory(spec: RunSpec, dataset: Dataset, exact: bool = True) -> None:
    """Refuse a run whose order, copies and exact answer (where computed: `exact`) would not
    fit in memory (the data are loaded already; a memory-mapped file in the run's dtype is
    read in place)."""
    n, d = np.shape(dataset.X)
    itemsize = 8 if spec.execution.dtype == "float64" else 4
    dtype = str(getattr(dataset.X, "dtype", "")).removeprefix("torch.")
    copy = spec.data.standardize or spec.data.val_fraction or dtype != spec.execution.dtype
    book = spec.execution.shuffle == "book" or spec.execution.engine == "autograd"
    needed = run_bytes(n, d, itemsize if copy else 0, book, exact)
    require_memory(needed, Words("training on {n:,} rows x {d:,} features", n=n, d=d))


def _stability(spec: RunSpec, rows, warn, weights=None, reduced=None):
    """The data's stability limits (`exact.stability.limits`): gradient descent's 2/λ₁ and
    SGD's at the run's batch size, λ₁ of the weighted loss with `weights`, from the R factor
    `reduced` of all the training rows where computed (a symmetric eigensolver), else by a few
    power-iteration steps on a sample of rows (`stability.sampled_lambda`), and the training
    rows' squared norms `rows.squares`, gathered by a pass the run makes anyway (the one that
    checked the file, `columns.scan`, or the one that standardized them, `rows.standardized`:
    `stability.moments_of`), else (synthetic data, not read from a file) in a pass of their
    own (`stability.row_moments`); None where even that would cost more than the run
    (`resources.decide_stability`). A `StabilityWarning` goes to `warn` (or Python's warnings)
    before training when the learning rate exceeds SGD's limit. With `lr` auto the rate chosen
    (`stability.auto_rate`) is "lr_auto"."""
    intercept, l2 = spec.model.fit_intercept, spec.model.l2
    n, d = np.shape(rows.X_fit)
    if reduced is not None:  # on a worker thread: its eigensolver answers no signal (`interrupts`)
        lam = answering(bound_of, reduced, spec.seed, rows.scaler, l2)["lambda_max"]
    elif not decide_stability(n, d, spec.optim.epoch_limit) and spec.optim.lr != "auto":
        return None
    else:
        X_fit = rows.X_fit
        lam = answering(sampled_lambda, X_fit, intercept, weights, l2, spec.seed)
    if rows.squares is not None:
        moments = moments_of(rows.squares, intercept)
    else:
        moments = answering(row_moments, rows.X_fit, intercept)
    bound = limits(lam, moments, spec.optim.batch_size, n, l2)
    lr = spec.optim.lr  # the largest rate of any schedule: its first step's (`schedules`)
    if lr == "auto":
        bound["lr_auto"] = lr = auto_rate(bound)
    bound["exceeded"] = lr > bound["lr_max"]
    if bound["exceeded"]:
        warning = StabilityWarning(
            "{0} {lr} exceeds SGD's stability limit at batch size {m} = {lr_max:.4g} "
            "(gradient descent's 2/λ_max = {gd:.4g}): SGD at this rate diverges",
            "lr",
            lr=lr,
            m=bound["batch_size"],
            lr_max=bound["lr_max"],
            gd=bound["gd_lr_max"],
        )
        if warn is not None:
            warn(warning)
        else:
            warnings.warn(warning, stacklevel=3)
    return bound
