"""The analytic engine: torch tensors and the hand-derived gradient, no autograd.

Per batch: e = X_B w + b − y_B, then w -= lr/|B| X_Bᵀe and b -= lr/|B| Σe (`model.gradients`);
with row weights sᵢ, w -= lr/Σsᵢ X_Bᵀ(s∘e) and b -= lr/Σsᵢ Σsᵢeᵢ; with weight decay λ the
summed gradient of w gains |B|·λw (Σsᵢ·λw), so each step's mean gradient gains λw. The
loss is the plan's (`plan.loss`, with `plan.loss_parameter`): its ψ(e) takes e's place in
the gradient (`Loss.psi`: e itself for the squared loss, clip(e, −δ, δ) for Huber's) and its
ρ(e) ½e²'s in the loss (`Loss.rows`, `Loss.rho`).
Runs wherever torch does, CPU or CUDA, and across processes: inside a torch.distributed run
each rank takes its share of every batch and the sums are added up (see `distributed`).
A Python step per batch, so it shines with large batches.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from linscratch.book.model import batch_gradients, l2_penalty, linreg
from linscratch.distributed import all_sum, current
from linscratch.train.engines import TorchAveraging, as_tensor
from linscratch.train.schedules import step_rate


class AnalyticEngine(TorchAveraging):
    name = "analytic"
    chunk_rows = 20_000  # about 0.05 s at batch size 10 on a CPU (0.3 M rows/s)

    def __init__(self, X, y, w, b, plan, weights=None):
        w, b = as_tensor(w), as_tensor(b)
        dtype = w.dtype
        self.device = torch.device(plan.device)
        self.X = as_tensor(X, dtype, self.device)  # (n, d)
        self.y = as_tensor(y, dtype, self.device).reshape(-1, 1)  # (n, 1)
        self.s = None  # the rows' weights (n, 1), or None
        if weights is not None:
            self.s = as_tensor(weights, dtype, self.device).reshape(-1, 1)
        self.w = w.detach().clone().to(self.device).reshape(-1, 1)  # (d, 1)
        self.b = b.detach().clone().to(self.device).reshape(1)  # (1,)
        self.fit_intercept, self.nominal = plan.fit_intercept, plan.nominal
        self.l2 = plan.l2  # weight decay λ
        self.loss_, self.p = plan.loss, plan.loss_parameter  # the loss and its parameter
        self.psi = functools.partial(plan.loss.psi, p=plan.loss_parameter)  # ψ(e)

        self.group = current()

    def compile(self, trace=None) -> None:
        pass

    def point(self):
        return self.w, self.b

    def run_epoch(self, order, lr: float, batch_size: int, trace=None, decay=None) -> int | None:
        order_t = torch.as_tensor(np.asarray(order), device=self.device)
        if self.group is not None:
            return self._run_epoch_shared(order_t, lr, batch_size, trace, decay)
        n = len(order_t)
        with torch.no_grad():
            for step, i in enumerate(range(0, n, batch_size), start=1):
                idx = order_t[i : i + batch_size]
                X, y = self.X[idx], self.y[idx]
                s = None if self.s is None else self.s[idx]
                grad_w, grad_b = batch_gradients(X, y, self.w, self.b, s, self.l2, psi=self.psi)
                if not math.isfinite(float(grad_b)):
                    return step
                batch_loss = math.nan
                if trace is not None and trace.recording:
                    batch_loss = self._batch_loss(X, y, s) + self._penalty()
                size = batch_size if self.nominal else len(idx) if s is None else s.sum()
                rate = lr if decay is None else step_rate(lr, decay[0], decay[1] + step)
                self.w -= rate * grad_w / size
                if self.fit_intercept:
                    self.b -= rate * grad_b / size
                if self.avg is not None:
                    self._accumulate(self.w, self.b)
                if trace is not None:
                    trace.record(step, batch_loss, self.w, self.b)
        return None

    def _batch_loss(self, X, y, s) -> float:
        """The batch's mean ρ(e) (½e², Huber's ρ_δ(e)), weighted by s where given."""
        half = self.loss_.rows(linreg(X, self.w, self.b), y, self.p)  # (rows, 1): ρ(e)
        return float(half.mean() if s is None else (s * half).sum() / s.sum())

    def _penalty(self) -> float:
        """(λ/2)‖w‖², the weight decay's term of a batch's objective (0 without it)."""
        return self.l2 * float(l2_penalty(self.w)) if self.l2 else 0.0

    def _run_epoch_shared(self, order_t, lr: float, batch_size: int, trace, decay) -> int | None:
        """`run_epoch` for one rank of a data-parallel run: this rank's rows of each batch,
        then one all-reduce of [Σ dL/dw, Σ dL/db, rows, Σ ½e²] and the same step everywhere
        (weighted: [Σ sᵢeᵢxᵢ, Σ sᵢeᵢ, Σ sᵢ, Σ sᵢ½eᵢ²]; any loss: ψ(eᵢ) for eᵢ, ρ(eᵢ) for ½eᵢ²)."""

        r, world = self.group.rank, self.group.world_size
        d = self.w.shape[0]
        buffer = torch.empty(d + 3, dtype=self.w.dtype, device=self.device)
        with torch.no_grad():
            for step, i in enumerate(range(0, len(order_t), batch_size), start=1):
                idx = order_t[i : i + batch_size][r::world]  # this rank's share of the batch
                X, y = self.X[idx], self.y[idx]
                e = linreg(X, self.w, self.b) - y  # (rows, 1)
                s = 1.0 if self.s is None else self.s[idx]
                g = self.psi(e)  # ψ(e): e itself for the squared loss
                buffer[:d] = (X.T @ (s * g)).reshape(-1)
                buffer[d] = (s * g).sum()
                buffer[d + 1] = len(idx) if self.s is None else s.sum()
                buffer[d + 2] = self._summed_loss(e, s)
                all_sum(buffer)
                rows = float(buffer[d + 1])
                if not math.isfinite(float(buffer[d + 2])):
                    return step
                if self.l2:  # the penalty's summed gradient Σsᵢ·λw, and its loss
                    buffer[:d] += (self.l2 * rows) * self.w.reshape(-1)
                    buffer[d + 2] += rows * self._penalty()
                size = batch_size if self.nominal else rows
                rate = lr if decay is None else step_rate(lr, decay[0], decay[1] + step)
                self.w -= rate * buffer[:d].reshape(-1, 1) / size
                if self.fit_intercept:
                    self.b -= rate * buffer[d] / size
                if self.avg is not None:
                    self._accumulate(self.w, self.b)
                if trace is not None:
                    trace.record(step, float(buffer[d + 2]) / rows, self.w, self.b)
        return None

    def loss(self) -> float:
        with torch.no_grad():
            if self.group is None:
                return self._batch_loss(self.X, self.y, self.s)

            r, world = self.group.rank, self.group.world_size
            e = linreg(self.X[r::world], self.w, self.b) - self.y[r::world]
            if self.s is None:
                total = torch.stack([self._summed_loss(e, 1.0), e.new_tensor(float(len(e)))])
            else:
                s = self.s[r::world]
                total = torch.stack([self._summed_loss(e, s), s.sum()])
            all_sum(total)
            return float(total[0] / total[1])

    def _summed_loss(self, e, s):
        """Σ sᵢρ(eᵢ) of residuals e (rows, 1): Σ sᵢ½eᵢ², Huber's Σ sᵢρ_δ(eᵢ) (s 1.0: no
        weights)."""
        return self.loss_.summed(e, s, self.p)

    def params(self) -> tuple[np.ndarray, float]:
        return self.w.reshape(-1).to(torch.float64).cpu().numpy(), float(self.b[0])

    def set_params(self, w, b: float) -> None:
        self.w.copy_(torch.as_tensor(np.asarray(w), dtype=self.w.dtype).reshape(-1, 1))
        self.b.fill_(b)
