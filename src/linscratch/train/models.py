"""Any differentiable model, trained by the same minibatch loop as linear regression.

`fit_model(model, params, X, y)` learns the parameters of `model(X, *params)`, any PyTorch
function, by minibatch SGD on the squared loss: the book's loop with autograd supplying the
gradients (there is no hand derivation for a model we do not know), over the same row orders,
with the same divergence guard, seed handling and events as `fit`. With `check_grad`, every
batch's autograd gradient is compared with central finite differences in float64.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from linscratch import arguments
from linscratch.errors import UsageError, UsageTypeError
from linscratch.events import EventStream, RunEnd, Subscriber
from linscratch.i18n import counted, tr
from linscratch.show.live import LivePlot
from linscratch.spec import RunSpec
from linscratch.train.engines.autograd import AutogradLoop
from linscratch.train.loop import GROWTH_LIMIT, draw_seed, run_epochs, zero_loss
from linscratch.train.orders import Orders
from linscratch.train.plan import make_plan


@dataclass(frozen=True, repr=False)
class ModelResult:
    """What `fit_model` learned: `params`, the trained tensors (detached), in the order given;
    `losses`, the mean ½(ŷ − y)² over all rows after each epoch; the seed; the training time;
    `check_grad`, the finite-difference check's summary when one ran."""

    params: list
    losses: list[float]
    seed: int
    train_seconds: float
    check_grad: dict | None = None

    @property
    def loss(self) -> float:
        return self.losses[-1]

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{p.item():.6g}" if p.numel() == 1 else f"tensor of shape {tuple(p.shape)}"
            for p in self.params
        )
        return tr("ModelResult({epochs}, loss {loss:.6g}, params [{shown}])").format(
            epochs=counted(len(self.losses), "{n} epoch", "{n} epochs"),
            loss=self.loss,
            shown=shown,
        )


def _flat(tensors) -> np.ndarray:
    return np.concatenate([t.detach().reshape(-1).to(torch.float64).cpu().numpy() for t in tensors])


class ModelEngine(AutogradLoop):
    """The book's loop (`engines.autograd.AutogradLoop`) for `model(X, *params)`, every
    parameter trained. Parameters are reported flattened (as w; there is no separate b, so
    b is NaN)."""

    def __init__(self, model, params, X, y, on_batch=None):
        params = [p.detach().clone().requires_grad_(True) for p in params]
        super().__init__(model, params, params, X, y, on_batch=on_batch)

    def point(self):
        return _flat(self.params_), math.nan

    def batch_args(self):
        grads = [p.grad.detach().clone() for p in self.params_]
        return [p.detach() for p in self.params_], None, grads, None

    def params(self) -> tuple[np.ndarray, float]:
        return self.point()

    def set_params(self, w, b: float) -> None:
        raise NotImplementedError("fit_model keeps no checkpoints")


class FiniteDifferenceMonitor(Subscriber):
    """Compares each batch's autograd gradient with central finite differences of the same
    summed loss L = Σ ½(ŷᵢ − yᵢ)² in float64, one parameter entry θ at a time. As in
    `gradcheck`, a difference is measured against the entry's scale ‖∂ŷ/∂θ‖(‖e‖ + √ε(‖ŷ‖ +
    ‖y‖)), which bounds |∂L/∂θ| and allows for the rounding of residuals that cancel (ε of the
    parameters' dtype); ∂ŷ/∂θ comes from the same two evaluations."""

    wants_batches = True

    def __init__(self, model, dtype):
        self.model = model
        self.root_eps = math.sqrt(torch.finfo(dtype).eps)
        self.tolerance = 1e-6 if dtype == torch.float64 else 2e-3
        self.batches, self.max_rel_diff = 0, 0.0

    def batch(self, event) -> None:
        X, y = event.X.to(torch.float64), event.y.to(torch.float64)
        params = [p.to(torch.float64).clone() for p in event.w]  # never the engine's own

        def predict():
            with torch.no_grad():
                return self.model(X, *params)

        y_hat = predict()
        e = y_hat - y.reshape(y_hat.shape)
        size = float(torch.linalg.vector_norm(e)) + self.root_eps * float(
            torch.linalg.vector_norm(y_hat) + torch.linalg.vector_norm(y)
        )
        for p, grad in zip(params, event.grad_w, strict=True):
            flat, g = p.reshape(-1), grad.reshape(-1).to(torch.float64)
            for k in range(flat.numel()):
                saved = float(flat[k])
                h = 1e-6 * max(abs(saved), 1.0)
                flat[k] = saved + h
                up = predict()
                flat[k] = saved - h
                down = predict()
                flat[k] = saved
                fd = float(
                    ((up - y.reshape(up.shape)) ** 2 - (down - y.reshape(down.shape)) ** 2).sum()
                ) / (4 * h)
                scale = float(torch.linalg.vector_norm((up - down) / (2 * h))) * size
                diff = abs(fd - float(g[k]))
                denom = max(abs(fd), abs(float(g[k])), scale)
                self.max_rel_diff = max(self.max_rel_diff, diff / denom if denom > 0 else 0.0)
        self.batches += 1

    def to_dict(self) -> dict:
        return {
            "batches": self.batches,
            "max_rel_diff": self.max_rel_diff,
            "tolerance": self.tolerance,
            "passed": self.max_rel_diff <= self.tolerance,
        }


def _checked(model, params, X, y, names, batch_size: int):
    """(params as tensors, X, y) after the checks of `fit_model`'s docstring."""

    if not callable(model):
        raise UsageTypeError(
            "{0} must be a function, {usage}, got {kind}",
            "model",
            usage="model(X, *params) -> predictions",
            kind=arguments.kind_of(model),
        )
    if isinstance(params, torch.Tensor) or not isinstance(params, list | tuple):
        raise UsageTypeError(
            "{0} must be a list of tensors, one per parameter, got {kind}",
            "params",
            kind=arguments.kind_of(params),
        )
    if not params:
        raise UsageError("{0} is empty: give the model at least one tensor to learn", "params")
    tensors = []
    for k, p in enumerate(params):
        label = f"params[{k}]"
        arguments.array(p, label)  # no text, generator, sparse or complex values
        p = p if isinstance(p, torch.Tensor) else torch.as_tensor(p)
        if not p.is_floating_point():
            raise UsageError(
                "{0} must be floating point (float32 or float64) to be learned, got {dtype}; "
                "pass {0}.double()",
                label,
                dtype=str(p.dtype).removeprefix("torch."),
            )
        if p.numel() == 0:
            raise UsageError(
                "{0} is empty (shape {shape}): nothing to learn", label, shape=tuple(p.shape)
            )
        tensors.append(p)
    if names is not None and len(names) != len(tensors):
        raise UsageError(
            "{0} must name each of the {k} parameters, got {m} names",
            "names",
            k=len(tensors),
            m=len(names),
        )
    X, y = arguments.array(X, "X"), arguments.array(y, "y")
    n = len(X) if np.ndim(X) else 0
    if n == 0 or len(y) != n or tuple(y.shape) not in ((n,), (n, 1)):
        raise UsageError(
            "X must hold n >= 1 rows and y (n,) or (n, 1), got {X} and {y}",
            X=tuple(X.shape),
            y=tuple(y.shape),
        )
    X = torch.as_tensor(X)
    y = torch.as_tensor(y)
    dtype = str(tensors[0].dtype).removeprefix("torch.")
    arguments.finite(X.reshape(n, -1) if X.ndim != 2 else X, y, dtype)
    _trial(model, tensors, X[: min(n, max(batch_size, 2))].to(tensors[0].dtype))
    return tensors, X, y


def _trial(model, params, X) -> None:
    """Call the model once on the rows X, torch's random state kept, and refuse an output
    that is not predictions shaped like y's rows with a gradient reaching every parameter."""

    k = len(X)
    trial = [p.detach().clone().requires_grad_(True) for p in params]
    with torch.random.fork_rng(devices=[]):
        out = model(X, *trial)
    if not isinstance(out, torch.Tensor):
        raise UsageTypeError(
            "{0} must return a torch tensor of predictions, shape ({k},) or ({k}, 1) for a "
            "batch of {k} rows, got {kind}; compute it with torch operations",
            "model",
            k=k,
            kind=type(out).__name__,
        )
    if tuple(out.shape) not in ((k,), (k, 1)):
        raise UsageError(
            "{0} must return one prediction per row, shape ({k},) or ({k}, 1) for a batch of "
            "{k} rows, got shape {shape}",
            "model",
            k=k,
            shape=tuple(out.shape),
        )
    if not out.requires_grad:
        raise UsageError(
            "{0}'s predictions carry no gradient: compute them from the parameters with torch "
            "operations (no .detach(), .item() or numpy)",
            "model",
        )
    grads = torch.autograd.grad(out.sum(), trial, allow_unused=True)
    for j, g in enumerate(grads):
        if g is None:
            raise UsageError(
                "{0}: the predictions do not depend on params[{j}], so it gets no gradient; "
                "use it in the model or leave it out",
                "model",
                j=j,
            )


def fit_model(
    model,
    params,
    X,
    y,
    *,
    lr: float = 0.03,
    batch_size: int = 10,
    num_epochs: int = 3,
    seed: int | None = None,
    check_grad: bool = False,
    live: bool = False,
    subscribers=(),
    names=None,
) -> ModelResult:
    """Learn `params` of `model(X, *params)` (predictions shaped like y) by minibatch SGD on
    the squared loss, from the initial tensors `params` (left unchanged), over the book's
    shuffled order drawn from `seed`; the arithmetic is the parameters' dtype. `names` names
    the parameters in a live plot. Raises `DivergedError` as `fit` does.

    Before training, the arguments are checked (`_checked`) and the model is called once on
    the first rows (torch's random state restored after it): its output must be a tensor of
    predictions shaped like y's rows with a gradient reaching every parameter; any problem
    is a `UsageError` (or `UsageTypeError`) naming the argument and what was expected.

    Parameters
    ----------
    model : callable
        `model(X, *params)`, a differentiable PyTorch function returning predictions shaped
        like y's rows.
    params : list of torch.Tensor
        The initial parameters (left unchanged; the learned ones are returned).
    X : torch.Tensor, shape (n, ...)
        The inputs, one example a row.
    y : torch.Tensor, shape (n,) or (n, k)
        The targets.
    lr : float
        The learning rate.
    batch_size : int
        Examples per minibatch.
    num_epochs : int
        Passes over the data.
    seed : int, optional
        Seeds the order of the rows (drawn when None).
    check_grad : bool
        Compare autograd's gradients with float64 finite differences on every batch.
    live : bool
        Draw the run as it goes in a notebook.
    subscribers : iterable of Subscriber
        Hear every event of the run.
    names : list of str, optional
        The parameters' names in the live plot.

    Returns
    -------
    ModelResult
        The learned parameters (`params`), the loss after each epoch and the timings.
    """
    spec = RunSpec.build(
        lr=lr,
        batch_size=batch_size,
        num_epochs=num_epochs,
        engine="autograd",
        shuffle="book",
        check_grad=check_grad,
        live=live,
        seed=draw_seed() if seed is None else seed,
    )
    params, X, y = _checked(model, params, X, y, names, spec.optim.batch_size)
    n = len(X)
    dtype = params[0].dtype
    monitor = FiniteDifferenceMonitor(model, dtype)
    extra = [monitor] if check_grad else []
    if live:
        extra.append(LivePlot())
    stream = EventStream([*extra, *subscribers])
    engine = ModelEngine(model, params, X, y, stream.on_batch if stream.wants_batches else None)
    plan = make_plan(spec, n, sum(p.numel() for p in params), 8)
    orders = Orders("book", n, spec.seed)
    count = [p.numel() for p in params]
    labels = names or [f"p{i + 1}" for i in range(len(params))]
    flat_names = tuple(
        f"{label}[{k}]" if c > 1 else label
        for label, c in zip(labels, count, strict=True)
        for k in range(c)
    )
    bound = GROWTH_LIMIT * max(engine.loss(), zero_loss(engine.labels.reshape(-1, 1)), 1e-300)
    losses: list[float] = []
    start = time.perf_counter()
    run_epochs(
        engine,
        orders,
        stream,
        plan,
        spec,
        1,
        losses,
        n,
        len(flat_names),
        bound,
        (*flat_names, None),
    )
    result = ModelResult(
        params=[p.detach().clone() for p in engine.params_],
        losses=losses,
        seed=spec.seed,
        train_seconds=time.perf_counter() - start,
        check_grad=monitor.to_dict() if check_grad else None,
    )
    stream.emit(RunEnd(result))
    return result
