"""Engines: each runs one epoch of minibatch SGD over a given order of rows, nothing more.

An engine is built from the data and the initial parameters and offers `compile()` (get ready:
compile or load kernels, timed apart from training), `run_epoch(order, lr, batch_size,
trace=None)`, which returns the 1-based step at which the batch loss became non-finite (or
None) and, given an `EpochTrace`, fills it in, `loss()`, the mean loss over all rows, and
`params()`, the current (w, b) as float64 numpy values, and `set_params(w, b)` (for a resumed
run). `train.fit` owns everything else.

- `autograd`: the book's loop, PyTorch autograd per batch; bit for bit the seed's script.
- `analytic`: torch tensors and the hand-derived gradient, no autograd; CPU or CUDA.
- `numba`: a fused compiled loop over numpy arrays, no Python per batch; the fastest on a CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

ENGINES = ("autograd", "analytic", "numba")

# `auto` leaves the book's loop for the compiled one from this many row visits (rows x epochs):
# below it the book's loop (about 0.1 M rows/s) is done before numba has loaded its kernels
# from cache (about 0.3 s), and the default run stays the book's, bit for bit.
AUTO_NUMBA_MIN_VISITS = 100_000


def as_tensor(a, dtype=None, device="cpu"):
    """A torch tensor of `a`, sharing memory where it can; read-only numpy memory (a memory-
    mapped file) is copied first, as torch cannot hold it safely."""
    import torch

    if isinstance(a, np.ndarray) and not a.flags.writeable:
        a = np.array(a)
    return torch.as_tensor(a, dtype=dtype, device=device)


@dataclass
class EpochTrace:
    """What an engine records in one epoch when asked: each step's mean batch loss, (steps,),
    and the parameters (w₁ … w_d, b) after every `every`-th step, (steps // every, d + 1)."""

    step_loss: np.ndarray
    every: int
    params: np.ndarray

    @classmethod
    def for_epoch(cls, steps: int, d: int, every: int) -> EpochTrace:
        return cls(np.full(steps, np.nan), every, np.full((steps // every, d + 1), np.nan))

    def record(self, step: int, batch_loss: float, w, b) -> None:
        """Record step `step` (1-based) from Python engines: its mean loss, maybe parameters."""
        self.step_loss[step - 1] = batch_loss
        if step % self.every == 0 and step // self.every <= len(self.params):
            self.params[step // self.every - 1] = [*np.ravel(w), float(np.ravel(b)[0])]


class Engine(Protocol):
    name: str

    def compile(self) -> None: ...

    def run_epoch(self, order, lr: float, batch_size: int, trace=None) -> int | None: ...

    def loss(self) -> float: ...

    def params(self) -> tuple[np.ndarray, float]: ...

    def set_params(self, w, b: float) -> None: ...


def resolve_engine(
    engine: str,
    *,
    visits: int,
    check_grad: bool = False,
    device: str = "cpu",
    distributed: bool = False,
) -> str:
    """The engine that `auto` stands for: the fastest one that serves the request.

    A gradient check needs autograd; a GPU or a run across processes needs the analytic
    engine; on a CPU, the book's loop below AUTO_NUMBA_MIN_VISITS row visits (it wins there,
    and it is the seed's exact script) and the numba engine from there on.
    """
    if engine != "auto":
        if distributed and engine != "analytic":
            raise ValueError(f"the {engine} engine runs in one process; use --engine analytic")
        return engine
    if check_grad and not distributed:
        return "autograd"
    if device != "cpu" or distributed:
        return "analytic"
    return "autograd" if visits < AUTO_NUMBA_MIN_VISITS else "numba"


def make_engine(
    name: str,
    X,
    y,
    w,
    b,
    monitor=None,
    device: str = "cpu",
    fit_intercept: bool = True,
    nominal: bool = False,
) -> Engine:
    """Build the engine called `name` over X (n, d), y (n, 1) from initial w (d, 1) and b (1,).

    `monitor`, if given, is called with every batch and its gradients (X, y, w, b, dw, db).
    With `fit_intercept=False`, b keeps its initial value. With `nominal`, every step divides
    by the nominal batch size, as the book's `sgd` does, even for a short last batch.
    """
    if name != "analytic" and device != "cpu":
        raise ValueError(f"the {name} engine runs on the CPU only; use --engine analytic")
    if name == "autograd":
        from .autograd import AutogradEngine

        return AutogradEngine(X, y, w, b, monitor, fit_intercept, nominal)
    if name == "analytic":
        from .analytic import AnalyticEngine

        return AnalyticEngine(X, y, w, b, monitor, device, fit_intercept, nominal)
    if name == "numba":
        from .numba import NumbaEngine

        return NumbaEngine(X, y, w, b, monitor, fit_intercept, nominal)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
