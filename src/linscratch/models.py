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

from .engines.autograd import AutogradLoop
from .events import EventStream, RunEnd, Subscriber
from .loop import GROWTH_LIMIT, _epochs, draw_seed, zero_loss
from .orders import Orders
from .plan import make_plan
from .spec import RunSpec


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
        return f"ModelResult({len(self.losses)} epoch(s), loss {self.loss:.6g}, params [{shown}])"


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
    the parameters in a live plot. Raises `DivergedError` as `fit` does."""
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
    params = [torch.as_tensor(p) for p in params]
    n = len(X)
    dtype = params[0].dtype
    monitor = FiniteDifferenceMonitor(model, dtype)
    extra = [monitor] if check_grad else []
    if live:
        from .live import LivePlot

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
    _epochs(
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
