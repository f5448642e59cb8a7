"""`fit`: the one training loop. It owns epochs, shuffling, history, timing and the divergence
guard; the engine only runs one epoch over the order it is given."""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from .distributed import current
from .engines import EpochTrace, make_engine, resolve_engine
from .errors import DivergedError
from .orders import Orders, block_rows_for, resolve_shuffle

TRACE_POINTS = 2000  # a trace keeps the parameters at about this many steps of the run


@dataclass
class Result:
    """What a training run produced: the learned parameters, per-epoch loss and timings.

    `w_error` and `b_error` are true minus learned, computed in the run's dtype as the book
    prints them; they are None when the truth is unknown. `train_seconds` covers every epoch,
    shuffling and the per-epoch loss included; `compile_seconds` is the engine's preparation
    (compiling or loading kernels), kept apart.
    """

    w: list[float]
    b: float
    losses: list[float]
    seed: int
    engine: str
    shuffle: str
    dtype: str
    num_examples: int
    train_seconds: float
    compile_seconds: float
    samples_per_second: float
    w_error: list[float] | None = None
    b_error: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def loss(self) -> float:
        """The mean training loss after the last epoch."""
        return self.losses[-1]

    def to_dict(self) -> dict:
        return asdict(self)


def draw_seed() -> int:
    """A fresh seed for a run that was not given one, recorded so that it can be repeated."""
    return secrets.randbelow(2**31)


def torch_dtype(name: str):
    """The torch dtype called `name` ("float32" or "float64")."""
    import torch

    return {"float32": torch.float32, "float64": torch.float64}[name]


def _as_dtype(a, dtype: str):
    """The array in `dtype`, torch or numpy as it came, copied only when the dtype differs.
    (A numpy array never makes this import torch: the numba engine runs without it.)"""
    if hasattr(a, "detach"):  # a torch tensor
        return a.to(torch_dtype(dtype))
    return np.asarray(a, dtype=dtype)


def fit(
    X,
    y,
    *,
    lr: float = 0.03,
    batch_size: int = 10,
    num_epochs: int = 3,
    engine: str = "auto",
    shuffle: str = "auto",
    dtype: str = "float32",
    seed: int | None = None,
    w0=None,
    b0=None,
    true_w=None,
    true_b: float | None = None,
    check_grad: bool = False,
    device: str = "cpu",
    fit_intercept: bool = True,
    short_batch: str = "mean",
    trace: bool = False,
    callback=None,
    checkpoint: str | None = None,
    resume: bool = False,
) -> Result:
    """Train y ≈ Xw + b by minibatch SGD on X (n, d), y (n, 1) and return a `Result`.

    X and y are torch tensors or numpy arrays. Each epoch walks the rows in an order from
    `orders.Orders` (`shuffle`; `auto` is the book's own shuffle for the autograd engine),
    batch by batch, each step following the batch's mean gradient. w0 (d, 1) and b0 (1,),
    torch or numpy, default to the book's initialisation, w ~ N(0, 0.01²) and b = 0, drawn
    by numpy's generator seeded with `seed` (the CLI passes the book's own torch draw).
    `engine="auto"` picks one as `engines.resolve_engine` says. Raises `DivergedError` as
    soon as a batch loss or an epoch loss is non-finite. With `check_grad`, every batch's
    autograd gradient is compared with the analytic one and the largest difference is
    reported in `result.extra["check_grad"]`. `fit_intercept=False` keeps b at b0.
    `short_batch="book"` divides a short last batch by the nominal batch size as the book's
    `sgd` does (the default, "mean", by its own size). With `trace`, `result.extra["trace"]`
    holds every step's mean batch loss and the parameters at about TRACE_POINTS steps and at
    each epoch's end. `callback(epoch, loss, w, b)`, if given, runs after each epoch;
    returning True stops training. With `checkpoint` (a folder) the state is saved after each
    epoch; with `resume` too, training continues from the state saved there, and ends exactly
    where an uninterrupted run would (traces and callbacks cover the epochs run here).
    """
    seed = draw_seed() if seed is None else seed
    X, y = _as_dtype(X, dtype), _as_dtype(y, dtype).reshape(-1, 1)  # (n, d), (n, 1)
    n, d = X.shape
    if w0 is None:
        w0 = np.random.default_rng(seed).normal(0, 0.01, (d, 1))
        b0 = np.zeros(1)
    w0, b0 = _as_dtype(w0, dtype), _as_dtype(b0, dtype)
    engine = resolve_engine(
        engine,
        visits=n * num_epochs,
        check_grad=check_grad,
        device=device,
        distributed=current() is not None,
    )
    monitor = None
    if check_grad:
        from .gradcheck import GradientMonitor

        monitor = GradientMonitor()
    if short_batch not in ("mean", "book"):
        raise ValueError(f"short_batch must be 'mean' or 'book', got {short_batch!r}")
    nominal = short_batch == "book"
    eng = make_engine(engine, X, y, w0, b0, monitor, device, fit_intercept, nominal)
    row_bytes = (d + 1) * X.dtype.itemsize
    shuffle = resolve_shuffle(shuffle, engine, row_bytes, n)
    orders = Orders(shuffle, n, seed, block_rows_for(row_bytes, batch_size))

    start = time.perf_counter()
    eng.compile()
    orders.compile()
    compile_seconds = time.perf_counter() - start

    saver, first_epoch, losses = None, 1, []
    if checkpoint is not None:
        from .checkpoint import Checkpoints, data_digest

        group = current()
        fingerprint = {
            "data": data_digest(X, y),
            "num_examples": n,
            "num_features": d,
            "lr": lr,
            "batch_size": batch_size,
            "num_epochs": num_epochs,
            "engine": engine,
            "shuffle": shuffle,
            "dtype": dtype,
            "seed": seed,
            "fit_intercept": fit_intercept,
            "short_batch": short_batch,
            "w0": np.ravel(np.asarray(w0, np.float64)).tolist(),
            "b0": float(b0.reshape(-1)[0]),
            "world_size": 1 if group is None else group.world_size,
        }
        saver = Checkpoints(checkpoint, fingerprint)
        if resume:
            state = saver.load()
            eng.set_params(state["w"], state["b"])
            orders.set_state(state["rng_state"])
            first_epoch, losses = state["epoch"] + 1, state["losses"]
        if group is not None and not group.is_main:
            saver = None  # rank 0 alone writes
    steps = math.ceil(n / batch_size)  # per epoch
    every = max(1, math.ceil(num_epochs * steps / TRACE_POINTS))
    traces: list[EpochTrace] = []
    epoch_params = [np.r_[eng.params()]]  # the start: w₁ … w_d, b
    start = time.perf_counter()
    for epoch in range(first_epoch, num_epochs + 1):
        epoch_trace = EpochTrace.for_epoch(steps, d, every) if trace else None
        bad_step = eng.run_epoch(orders.epoch(epoch), lr, batch_size, epoch_trace)
        if bad_step is not None:
            raise DivergedError(epoch, bad_step, lr, losses=losses)
        loss = eng.loss()
        if not math.isfinite(loss):
            raise DivergedError(epoch, steps, lr, losses=losses)
        losses.append(loss)
        if saver is not None:
            saver.save(epoch, *eng.params(), losses, orders.state())
        if trace:
            traces.append(epoch_trace)
            w, b = eng.params()
            epoch_params.append(np.r_[w, b])
        if callback is not None and callback(epoch, loss, *eng.params()):
            break
    train_seconds = time.perf_counter() - start

    w, b = eng.params()
    result = Result(
        w=w.tolist(),
        b=b,
        losses=losses,
        seed=seed,
        engine=eng.name,
        shuffle=shuffle,
        dtype=dtype,
        num_examples=n,
        train_seconds=train_seconds,
        compile_seconds=compile_seconds,
        samples_per_second=n * (len(losses) - first_epoch + 1) / train_seconds
        if train_seconds > 0
        else 0.0,
    )
    if monitor is not None:
        result.extra["check_grad"] = monitor.to_dict()
    if trace:
        result.extra["trace"] = {
            "steps_per_epoch": steps,
            "step_loss": np.concatenate([t.step_loss for t in traces]),  # (epochs x steps,)
            "param_steps": np.concatenate(
                [
                    (e * steps) + every * np.arange(1, len(t.params) + 1)
                    for e, t in enumerate(traces)
                ]
            ),
            "params": np.concatenate([t.params for t in traces]),  # (points, d + 1)
            "epoch_params": np.stack(epoch_params),  # (epochs + 1, d + 1), the first initial
        }
    if true_w is not None:
        result.w_error, result.b_error = estimation_errors(true_w, true_b, w, b, dtype)
    return result


def estimation_errors(true_w, true_b, w: np.ndarray, b: float, dtype: str):
    """True minus learned, in `dtype` arithmetic, as the book computes and prints them."""
    import torch

    dtype = torch_dtype(dtype)
    true_w_t = torch.as_tensor(true_w, dtype=dtype).reshape(-1)
    w_err = true_w_t - torch.as_tensor(w, dtype=dtype)
    b_err = true_b - torch.as_tensor([b], dtype=dtype)
    return w_err.tolist(), float(b_err[0])
