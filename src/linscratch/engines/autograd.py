"""The book's training loop: gather a batch, autograd the summed loss, `sgd` step.

Each step is exactly the seed's: `l = squared_loss(linreg(X, w, b), y); l.sum().backward();
sgd([w, b], lr, batch_size)`, with one difference: the step divides by the batch's real
size, so a short last batch takes its mean gradient like every other batch.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..model import linreg, squared_loss
from ..optim import sgd
from . import as_tensor


class AutogradEngine:
    name = "autograd"

    def __init__(self, X, y, w, b, plan, on_batch=None):
        w, b = as_tensor(w), as_tensor(b)
        self.features = as_tensor(X, w.dtype)  # (n, d)
        self.labels = as_tensor(y, w.dtype).reshape(-1, 1)  # (n, 1)
        self.on_batch = on_batch  # hears each batch and its gradients (the gradient check)
        self.w = w.detach().clone().requires_grad_(True)  # (d, 1)
        self.b = b.detach().clone().requires_grad_(plan.fit_intercept)  # (1,)
        self._trained = [self.w, self.b] if plan.fit_intercept else [self.w]
        self.nominal = plan.nominal

    def compile(self) -> None:
        pass

    def run_epoch(self, order, lr: float, batch_size: int, trace=None) -> int | None:
        order_t = torch.as_tensor(np.asarray(order))
        n = len(order)
        for step, i in enumerate(range(0, n, batch_size), start=1):
            batch_indices = order_t[i : min(i + batch_size, n)]
            X, y = self.features[batch_indices], self.labels[batch_indices]
            l_sum = squared_loss(linreg(X, self.w, self.b), y).sum()
            l_value = l_sum.item()
            if not math.isfinite(l_value):
                return step
            l_sum.backward()
            if self.on_batch is not None:
                self.on_batch(X, y, self.w.detach(), self.b.detach(), self.w.grad, self.b.grad)
            sgd(self._trained, lr, batch_size if self.nominal else len(batch_indices))
            if trace is not None:
                trace.record(step, l_value / len(batch_indices), self.w.detach(), self.b.detach())
        return None

    def loss(self) -> float:
        with torch.no_grad():
            return float(squared_loss(linreg(self.features, self.w, self.b), self.labels).mean())

    def params(self) -> tuple[np.ndarray, float]:
        w = self.w.detach().reshape(-1).to(torch.float64).numpy()
        return w, float(self.b.detach()[0])

    def set_params(self, w, b: float) -> None:
        with torch.no_grad():
            self.w.copy_(torch.as_tensor(np.asarray(w), dtype=self.w.dtype).reshape(-1, 1))
            self.b.fill_(b)
