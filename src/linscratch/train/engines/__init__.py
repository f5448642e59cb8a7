"""Engines: each runs one epoch of minibatch SGD over a given order of rows, nothing more.

An engine is built from the data and the initial parameters and offers `compile(trace=None)`
(get ready: compile or load the kernels the epochs will call with a trace like `trace`, timed
apart from training), `run_epoch(order, lr, batch_size, trace=None, decay=None)`, which returns
the 1-based step at which the batch loss became non-finite (or None) and, given an
`EpochTrace`, fills it in and reports every chunk of steps (about `chunk_rows` rows) through
it, `loss()`, the mean loss over all rows, and `params()`, the current (w, b) as float64 numpy
values, and `set_params(w, b)` (for a resumed run). Iterate averaging (Polyak–Ruppert): after
`start_average()` every step adds its new iterate to float64 sums, and `mean()` gives their
mean (w, b), or None before any step. A learning-rate schedule (`schedules`) reaches the engine
as the epoch's rate `lr` and, for invscaling, `decay` = (power, t₀): step k of the epoch takes
lr / (t₀ + k)^power. Given row weights, each step follows the batch's weighted mean gradient
and `loss()` is the weighted mean (`model.gradients`). `train.fit` owns everything else.

- `autograd`: the book's loop, PyTorch autograd per batch; bit for bit the seed's script.
- `analytic`: torch tensors and the hand-derived gradient, no autograd; CPU or CUDA.
- `compiled`: a fused compiled loop over numpy arrays, no Python per batch; the fastest on a CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

ENGINES = ("autograd", "analytic", "compiled")


def as_tensor(a, dtype=None, device="cpu"):
    """A torch tensor of `a`, sharing memory where it can; read-only numpy memory (a memory-
    mapped file) is copied first, as torch cannot hold it safely."""
    import torch  # start-up: torch only when a run needs it

    if isinstance(a, np.ndarray) and not a.flags.writeable:
        a = np.array(a)
    return torch.as_tensor(a, dtype=dtype, device=device)


@dataclass
class EpochTrace:
    """What an engine records and reports in one epoch when asked: each step's mean batch
    loss, (steps,), and the parameters (w₁ … w_d, b) after every `every`-th step,
    (steps // every, d + 1), both None when not recorded; and after every `chunk` steps
    (a multiple of `every`) the engine calls `report(step)` with the steps done so far."""

    step_loss: np.ndarray | None
    every: int
    params: np.ndarray | None
    chunk: int = 0  # 0: no reports
    report: Callable[[int], None] = lambda step: None

    @classmethod
    def for_epoch(
        cls, steps: int, d: int, every: int, record: bool = True, chunk: int = 0
    ) -> EpochTrace:
        if not record:
            return cls(None, every, None, chunk)
        return cls(np.full(steps, np.nan), every, np.full((steps // every, d + 1), np.nan), chunk)

    @property
    def recording(self) -> bool:
        return self.step_loss is not None

    def record(self, step: int, batch_loss: float, w, b) -> None:
        """Step `step` (1-based) of a Python engine is done: record its mean loss and maybe
        the parameters, and report at the end of a chunk."""
        if self.step_loss is not None:
            self.step_loss[step - 1] = batch_loss
            if step % self.every == 0 and step // self.every <= len(self.params):
                self.params[step // self.every - 1] = [*np.ravel(w), float(np.ravel(b)[0])]
        if self.chunk and step % self.chunk == 0:
            self.report(step)


class TorchAveraging:
    """Iterate averaging for the torch engines: `avg` [Σw₁ … Σw_d, Σb, steps] (d + 2,) float64
    on the parameters' device, None until `start_average`; `_accumulate(w, b)` after each
    step."""

    avg = None

    def start_average(self) -> None:
        import torch  # start-up: torch only when a run needs it

        w, _ = self.point()
        self.avg = torch.zeros(w.numel() + 2, dtype=torch.float64, device=w.device)

    def _accumulate(self, w, b) -> None:
        d = w.numel()
        self.avg[:d] += w.detach().reshape(-1)
        self.avg[d] += b.detach().reshape(-1)[0]
        self.avg[d + 1] += 1

    def mean(self) -> tuple[np.ndarray, float] | None:
        if self.avg is None or float(self.avg[-1]) == 0:
            return None
        sums = self.avg.cpu().numpy()
        d, k = len(sums) - 2, sums[-1]
        return sums[:d] / k, float(sums[d] / k)


class Engine(Protocol):
    name: str
    chunk_rows: int  # rows between progress reports: about a tenth of a second of its work

    def compile(self, trace=None) -> None: ...

    def run_epoch(
        self, order, lr: float, batch_size: int, trace=None, decay=None
    ) -> int | None: ...

    def loss(self) -> float: ...

    def params(self) -> tuple[np.ndarray, float]: ...

    def set_params(self, w, b: float) -> None: ...

    def start_average(self) -> None: ...

    def mean(self) -> tuple[np.ndarray, float] | None: ...


def make_engine(plan, X, y, w, b, on_batch=None, weights=None) -> Engine:
    """Build the engine the plan names over X (n, d), y (n, 1) from initial w (d, 1), b (1,),
    with the rows' `weights` (n,), all positive, or None.

    The plan (`plan.Plan`) has settled the device, whether b is trained (`fit_intercept`) and
    whether a short batch is divided by the nominal batch size (`nominal`, the book's `sgd`).
    `on_batch(X, y, w, b, grad_w, grad_b)`, if given, hears every batch with its gradients
    (the autograd engine's; the planner gives it to no other).
    """
    if plan.engine == "autograd":
        from linscratch.train.engines.autograd import (  # start-up: torch only when a run needs it
            AutogradEngine,
        )

        return AutogradEngine(X, y, w, b, plan, on_batch, weights)
    if plan.engine == "analytic":
        from linscratch.train.engines.analytic import (  # start-up: torch only when a run needs it
            AnalyticEngine,
        )

        return AnalyticEngine(X, y, w, b, plan, weights)
    from linscratch.train.engines.compiled import CompiledEngine  # start-up: scipy only when asked

    return CompiledEngine(X, y, w, b, plan, weights)
