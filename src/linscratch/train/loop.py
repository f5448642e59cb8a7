"""`fit`: the one training loop. It owns epochs, row orders, the loss history, timing and the
divergence guard, and tells subscribers what happens (`events`); the planner has decided how it
runs (`plan`), and the engine runs each epoch's steps over the order it is given (`engines`)."""

from __future__ import annotations

import math
import secrets
import time

import numpy as np

from linscratch.book.model import initial_params
from linscratch.distributed import current
from linscratch.errors import DivergedError, UsageError
from linscratch.events import (
    Callback,
    Diverged,
    EpochEnd,
    EventStream,
    Phase,
    Progress,
    RunEnd,
    RunStart,
    Steps,
    Subscriber,
)
from linscratch.exact.stability import auto_rate, limits, row_moments, sampled_lambda
from linscratch.resources import limited_threads, require_work, run_threads
from linscratch.spec import BOOK_LR, RunSpec
from linscratch.train.averaging import epoch_losses, reported
from linscratch.train.engines import EpochTrace, make_engine
from linscratch.train.orders import Orders
from linscratch.train.plan import Machine, make_plan
from linscratch.train.results import Result, estimation_errors, torch_dtype
from linscratch.train.schedules import decay, epoch_rate, last_rate

TRACE_POINTS = 2000  # a trace keeps the parameters at about this many steps of the run
# A loss this many times the larger of the starting loss and the loss of predicting zero
# (½ mean y²) has grown without bound: the run diverges, though no number has overflowed yet.
GROWTH_LIMIT = 1e8


def draw_seed() -> int:
    """A fresh seed for a run that was not given one, recorded so that it can be repeated."""
    return secrets.randbelow(2**31)


def _as_dtype(a, dtype: str):
    """The array in `dtype`, torch or numpy as it came, copied only when the dtype differs.
    (A numpy array never makes this import torch: the compiled engine runs without it.)"""
    if hasattr(a, "detach"):  # a torch tensor
        return a.to(torch_dtype(dtype))
    a = np.asarray(a)
    if a.dtype == dtype:
        return a
    out = np.empty(a.shape, dtype)  # then one cast: numpy's asarray casts a strided view (a
    np.copyto(out, a, casting="unsafe")  # file's features) 10x slower, 0.41 s for 1e6 x 50
    return out


def _cpu(a):
    return a.detach().cpu() if hasattr(a, "detach") else a


def fit(
    X,
    y,
    spec: RunSpec | None = None,
    *,
    w0=None,
    b0=None,
    true_w=None,
    true_b: float | None = None,
    subscribers=(),
    callback=None,
    sample_weight=None,
    **settings,
) -> Result:
    """Train y ≈ Xw + b by minibatch SGD on X (n, d), y (n,) or (n, 1) and return a `Result`.

    The run is described by `spec` and/or flat keyword settings (`lr=0.03, batch_size=10,
    num_epochs=3, seed=0, engine="auto", ...`: see `spec.RunSpec`; only the model, optimisation,
    execution and checkpoint settings concern `fit`; `lr="auto"` trains at
    `exact.stability.AUTO_MARGIN` times SGD's stability limit at the batch size, and `lr` left
    out at the book's 0.03). X and y are torch tensors or numpy
    arrays. Each epoch walks the rows in an order from `orders.Orders`, batch by batch, each
    step following the batch's mean gradient. w0 (d, 1) and b0 (1,) start the run where given
    (else `model.initial_params`). `true_w`, `true_b` give the estimation errors. Subscribers
    hear the run's events (`events`); `callback(epoch, loss, w, b)` runs after each epoch, and
    returning True stops training; so does `early_stopping` once the loss stops falling
    (`stopping.NoImprovement`, see `Result.stopped_at`). `sample_weight` (n,), finite and
    non-negative, weights the rows: each step follows the batch's weighted mean gradient and
    the loss is the weighted mean (`model.gradients`); rows of weight zero are dropped first
    (`weights`), and `Result.num_examples` counts the rest. `live=True` draws the run as
    it goes in a notebook (in the language of `set_language`). Raises `DivergedError` as soon
    as a batch loss or an epoch loss is non-finite (or has grown without bound, see
    GROWTH_LIMIT). With a checkpoint folder the state is saved after each epoch; resumed,
    training goes on to `num_epochs` and ends where an uninterrupted run would (events cover
    the epochs run).

    Every argument is checked before anything runs (`arguments`): a problem is a
    `UsageError` (or `UsageTypeError`) naming the argument, the cell of X or y where it is
    one. w0 may be (d,) or (d, 1), b0 a number or (1,); b0 given alone starts the run there,
    with the initial w.

    Parameters
    ----------
    X : torch.Tensor or numpy.ndarray, shape (n, d)
        The features, one example a row.
    y : torch.Tensor or numpy.ndarray, shape (n,) or (n, 1)
        The labels.
    spec : RunSpec, optional
        The run's settings; keywords in `settings` override its fields.
    w0 : tensor or array, shape (d,) or (d, 1), optional
        The starting weights (default: the book's draw from N(0, 0.01²), or zero).
    b0 : float or shape (1,), optional
        The starting bias (default 0).
    true_w : tensor or array, shape (d,), optional
        The true weights, for `Result.w_error`.
    true_b : float, optional
        The true bias, for `Result.b_error`.
    subscribers : iterable of Subscriber
        Hear every event of the run.
    callback : callable, optional
        `callback(epoch, loss, w, b)` after each epoch; returning True stops training.
    sample_weight : tensor or array, shape (n,), optional
        Non-negative row weights.
    **settings
        Any `RunSpec` field by name: `lr`, `batch_size`, `num_epochs`, `seed`, `engine`,
        `shuffle`, `dtype`, `init`, `l2`, `loss`, `average`, `lr_schedule`, `live`, ...

    Returns
    -------
    Result
        The learned w (d,) and b, the loss after each epoch, the timings.

    Raises
    ------
    UsageError
        A bad argument or setting, named.
    DivergedError
        The loss became non-finite or grew without bound.
    """
    from linscratch import arguments  # start-up: not every run needs it

    spec = RunSpec.build(arguments.spec_of(spec), **settings)
    X, y = arguments.rows(X, y)
    arguments.finite(X, y, spec.execution.dtype)
    d = X.shape[1]
    w0, b0 = arguments.params(w0, b0, d)
    if b0 is not None and not spec.model.fit_intercept and np.any(np.asarray(_cpu(b0)) != 0):
        raise UsageError(
            "{0} must be 0 with {1}=False: the model has no intercept to start",
            "b0",
            "fit_intercept",
        )
    arguments.truth(true_w, true_b, d)
    arguments.subscribers_of(subscribers)
    arguments.callable_or_none(callback, "callback", "callback(epoch, loss, w, b)")
    if sample_weight is not None:
        from linscratch.data.weights import checked  # start-up: torch only when a run needs it

        sample_weight = checked(sample_weight, len(X), dtype=spec.execution.dtype)
    spec = spec.replace(lr=_rate(spec, X, sample_weight))
    with limited_threads(run_threads(spec.execution.threads)):  # once per run
        return train(X, y, spec, w0, b0, true_w, true_b, subscribers, callback, sample_weight)


def _rate(spec: RunSpec, X, weights) -> float:
    """`fit`'s learning rate: the spec's number, the book's 0.03 where left out (`fit` takes
    arrays as they come, as the book does), or with "auto" AUTO_MARGIN x SGD's stability limit
    at the batch size (`exact.stability`: λ₁ by power iteration on a sample of rows)."""
    lr = spec.optim.lr
    if lr is None:
        return BOOK_LR
    if lr != "auto":
        return lr
    rows = np.asarray(_cpu(X))
    weights = None if weights is None else np.asarray(_cpu(weights))
    intercept, l2 = spec.model.fit_intercept, spec.model.l2
    lam = sampled_lambda(rows, intercept, weights, l2, spec.seed or 0)
    moments = row_moments(rows, intercept)
    return auto_rate(limits(lam, moments, spec.optim.batch_size, len(rows), l2))


def train(
    X,
    y,
    spec: RunSpec,
    w0=None,
    b0=None,
    true_w=None,
    true_b=None,
    subscribers=(),
    callback=None,
    sample_weight=None,
    until=None,
) -> Result:
    """`fit` without its boundary checks, for rows checked already (`runs.execute`): `spec`
    complete, w0 (d, 1) and b0 (1,) or None, the weights (n,) non-negative; `until`, the rule
    that ends a run of `num_epochs` auto (`stopping.NearOptimum`; without it, auto stops when
    the loss stops falling, `stopping.NoImprovement`)."""
    seed = draw_seed() if spec.seed is None else spec.seed
    dtype = spec.execution.dtype
    X, y = _as_dtype(X, dtype), _as_dtype(y, dtype).reshape(-1, 1)  # (n, d), (n, 1)
    if X.ndim != 2 or len(X) != len(y) or len(X) == 0:
        raise UsageError(
            "X must be (n, d) and y (n,) with n >= 1, got {X} and {y}", X=X.shape, y=y.shape
        )
    if sample_weight is not None:  # rescaled: the largest in [1, 4) (`weights`)
        from linscratch.data.weights import (  # start-up: torch only when a run needs it
            checked,
            drop_zero,
            rescaled,
        )

        sample_weight, _ = rescaled(checked(sample_weight, len(X), dtype=dtype))
        X, y, sample_weight = drop_zero(X, y, sample_weight)
    n, d = X.shape
    require_work(n, d, spec.optim.epoch_limit)  # before anything is planned or compiled
    if w0 is None:  # the initial w; b0 where given, else the initial b
        w0, b = initial_params(spec.model.init, d, seed)
        b0 = b if b0 is None else b0
    elif b0 is None:
        b0 = np.zeros(1)
    w0, b0 = _as_dtype(w0, dtype), _as_dtype(b0, dtype)
    group = current()
    plan, state, writer = _plan_and_checkpoint(spec, seed, X, y, w0, b0, group, sample_weight)
    stream, monitor, path, rules = _stream(
        plan, spec, writer, subscribers, callback, true_w, true_b, until
    )
    stream.emit(Phase("compiling"))  # building the engine (importing torch), its kernels
    on_batch = stream.on_batch if stream.wants_batches else None
    engine = make_engine(plan, X, y, w0, b0, on_batch, sample_weight)
    orders = Orders(plan.shuffle, n, seed, plan.block_rows)
    compile_seconds, first_epoch, losses = _ready(engine, orders, state, stream, d)
    raw_losses = [] if plan.average else None  # the raw iterate's, beside the mean's

    bound = GROWTH_LIMIT * max(epoch_losses(engine, plan.l2)[0], zero_loss(y), 1e-300)
    start = time.perf_counter()
    try:
        run_epochs(
            engine, orders, stream, plan, spec, first_epoch, (losses, raw_losses), n, d, bound
        )
    finally:
        if writer is not None:  # however the run ends, the checkpoint folder is let go
            writer.release()
    train_seconds = time.perf_counter() - start
    w, b = reported(engine)
    w_error, b_error = estimation_errors(true_w, true_b, w, b, dtype)
    epochs_run = len(losses) - first_epoch + 1
    result = Result(
        w=w.tolist(),
        b=b,
        losses=losses,
        seed=seed,
        engine=plan.engine,
        shuffle=plan.shuffle,
        dtype=dtype,
        num_examples=n,
        train_seconds=train_seconds,
        compile_seconds=compile_seconds,
        samples_per_second=n * epochs_run / train_seconds if train_seconds > 0 else 0.0,
        w_error=w_error,
        b_error=b_error,
        check_grad=None if monitor is None else monitor.to_dict(),
        path=np.stack(path.points),
        **_stopped_early(rules, spec.optim.epoch_limit),
        raw_losses=raw_losses,
        last_lr=last_rate(spec.optim, len(losses), math.ceil(n / spec.optim.batch_size)),
    )
    stream.emit(RunEnd(result))
    return result


class _Path(Subscriber):
    """The parameters [w₁ … w_d, b] at the start and after each epoch (for `Result.plot`)."""

    def __init__(self):
        self.points: list[np.ndarray] = []

    def run_start(self, event) -> None:
        self.points.append(np.r_[event.w, event.b])

    def epoch_end(self, event) -> None:
        self.points.append(np.r_[event.w, event.b])


def _stream(plan, spec, writer, subscribers, callback, true_w, true_b, until=None):
    """The run's event stream, fit's own subscribers first (a checkpoint is written before
    anyone else hears of an epoch), then the caller's, a live plot, the callback; with the
    gradient monitor (or None), the recorder of the parameters' path and the rules that may
    end the run early: early stopping's, `num_epochs` auto's (`until`, or the loss no longer
    falling)."""
    monitor = None
    rules = []
    if plan.check_grad:
        from linscratch.derivation.gradcheck import (  # start-up: torch only when a run needs it
            GradientMonitor,
        )

        monitor = GradientMonitor(plan.l2, plan.loss_parameter, plan.loss)
    if spec.optim.early_stopping or (spec.optim.num_epochs == "auto" and until is None):
        from linscratch.train.stopping import NoImprovement  # start-up: not every run needs it

        rules.append(NoImprovement(spec.optim.tol, spec.optim.n_iter_no_change))
    if spec.optim.num_epochs == "auto" and until is not None:
        rules.append(until)
    extra = [Callback(callback)] if callback is not None else []
    if spec.outputs.live:
        from linscratch.show.live import LivePlot  # start-up: not every run needs it

        extra.insert(0, LivePlot(true_w, true_b))
    path = _Path()
    own = [s for s in (writer, monitor, path, *rules) if s is not None]
    return EventStream([*own, *subscribers, *extra]), monitor, path, rules


def _stopped_early(rules, num_epochs: int) -> dict:
    """`Result`'s stopped_at and stopped_by: the epoch at which a rule ended the run before
    `num_epochs` and the rule's name, or None (no rule, or it ran them all)."""
    for rule in rules:
        if rule.stopped_at is not None and rule.stopped_at < num_epochs:
            return {"stopped_at": rule.stopped_at, "stopped_by": rule.name}
    return {}


def _ready(engine, orders, state, stream, d: int) -> tuple[float, int, list[float]]:
    """Compile for epochs traced as `stream` asks (timed), and set a resumed run's state:
    returns the compile time, the first epoch to run and the losses so far."""
    start = time.perf_counter()
    engine.compile(_epoch_trace(stream, 1, 1, d, 1, 1))  # a trace of the epochs' kind, or None
    compile_seconds = time.perf_counter() - start
    if state is None:
        return compile_seconds, 1, []
    engine.set_params(state["w"], state["b"])
    orders.set_state(state["rng_state"])
    return compile_seconds, state["epoch"] + 1, list(state["losses"])


def _plan_and_checkpoint(spec, seed, X, y, w0, b0, group, weights=None):
    """The plan; for a checkpointed run also the saved state to resume from (or None) and the
    subscriber that writes new checkpoints (None on every rank but the first)."""
    n, d = X.shape
    machine = Machine(group.world_size, group.local_rank) if group else Machine()
    folder = spec.outputs.checkpoint_dir
    weighted = weights is not None
    if folder is None:
        return make_plan(spec, n, d, X.dtype.itemsize, machine, weighted=weighted), None, None
    from linscratch.train.checkpoint import (  # start-up: not every run needs it
        Checkpoints,
        fingerprint,
        row_settings,
    )

    store = Checkpoints(folder)
    state = store.load(spec.optim.epoch_limit) if spec.outputs.resume else None
    plan = make_plan(spec, n, d, X.dtype.itemsize, machine, state and state["plan"], weighted)
    mark, rows = fingerprint(spec, plan, seed, X, y, w0, b0, weights), row_settings(spec)
    if state is not None:
        store.verify(state, mark, rows)
    if group is not None and not group.is_main:
        return plan, state, None
    return plan, state, store.writer(mark, plan, state["losses"] if state else (), rows)


def zero_loss(y) -> float:
    """½ mean y², the loss of predicting zero (torch or numpy, in chunks, float64)."""
    if hasattr(y, "detach"):
        return float((y.detach().double() ** 2).mean()) / 2
    total = 0.0
    for start in range(0, len(y), 1 << 18):
        part = np.asarray(y[start : start + (1 << 18)], np.float64)
        total += float(np.sum(part * part))
    return total / (2 * len(y))


def run_epochs(engine, orders, stream, plan, spec, first_epoch, losses, n, d, bound, names=None):
    """Epochs `first_epoch` to `num_epochs`, each loss appended to `losses`, every event
    emitted; stops early when a subscriber asks (at an epoch's end, or before the first when
    its `run_start` says so), raises DivergedError on a loss that is not finite or exceeds
    `bound`. Each epoch's rate and, for invscaling, its steps' decay come from the schedule
    (`schedules`). `losses` may be a pair (the reported parameters' losses, the raw iterate's or
    None: `averaging.epoch_losses`)."""
    losses, raw_losses = losses if isinstance(losses, tuple) else (losses, None)
    lr, batch_size, num_epochs = spec.optim.lr, spec.optim.batch_size, spec.optim.epoch_limit
    steps = math.ceil(n / batch_size)  # per epoch
    every = max(1, math.ceil(num_epochs * steps / TRACE_POINTS))
    params = engine.params()
    start = RunStart(plan, n, d, steps, first_epoch, num_epochs, *params, names, tuple(losses))
    if stream.emit(start):  # a resumed run that had stopped early (`stopping.NoImprovement`)
        return
    chunk = -(-max(1, engine.chunk_rows // batch_size) // every) * every  # steps, every's multiple
    for epoch in range(first_epoch, num_epochs + 1):
        trace = _epoch_trace(stream, epoch, steps, d, every, chunk)
        if epoch == plan.average:
            engine.start_average()
        rate, schedule = epoch_rate(spec.optim, epoch), decay(spec.optim, epoch, steps)
        bad_step = engine.run_epoch(orders.epoch(epoch), rate, batch_size, trace, schedule)
        loss, raw = epoch_losses(engine, plan.l2) if bad_step is None else (math.nan, None)
        if not loss <= bound:  # non-finite, or grown without bound
            grew = loss if math.isfinite(loss) else None
            error = DivergedError(epoch, bad_step or steps, lr, losses=losses, grew=grew)
            stream.emit(Diverged(error))
            raise error
        losses.append(loss)
        if raw_losses is not None:
            raw_losses.append(loss if raw is None else raw)
        if trace is not None:
            trace.report(steps)  # the steps since the last chunk
        if stream.emit(EpochEnd(epoch, loss, *reported(engine), orders.state())):
            break


def _epoch_trace(stream, epoch: int, steps: int, d: int, every: int, chunk: int):
    """What the engine fills in and reports through during an epoch (`EpochTrace`), or None
    when no subscriber wants steps or progress. Every `chunk` steps (a multiple of `every`,
    so that each chunk's sampled parameters start on a sample) the engine calls its `report`,
    which sends the new steps as a `Steps` chunk (when recorded) and a `Progress`."""
    if not (stream.wants_steps or stream.wants_progress):
        return None
    trace = EpochTrace.for_epoch(steps, d, every, record=stream.wants_steps, chunk=chunk)
    sent = [0]  # steps sent so far

    def report(step: int) -> None:
        start = sent[0]
        if step <= start:
            return
        sent[0] = step
        if trace.step_loss is not None:
            params = trace.params[start // every : step // every]
            stream.emit(Steps(epoch, start + 1, trace.step_loss[start:step], every, params))
        stream.emit(Progress(epoch, step))

    trace.report = report
    return trace
