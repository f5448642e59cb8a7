"""The analytic engine: torch tensors and the hand-derived gradient, no autograd.

Per batch: e = X_B w + b − y_B, then w -= lr/|B| X_Bᵀe and b -= lr/|B| Σe (`model.gradients`).
Runs wherever torch does, CPU or CUDA; a Python step per batch, so it shines with large batches.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..model import gradients, linreg, squared_loss


class AnalyticEngine:
    name = "analytic"

    def __init__(self, X, y, w, b, monitor=None, device="cpu", fit_intercept=True, nominal=False):
        if monitor is not None:
            raise ValueError("the analytic engine cannot check gradients; use --engine autograd")
        dtype = w.dtype
        self.device = torch.device(device)
        self.X = torch.as_tensor(X, dtype=dtype).to(self.device)  # (n, d)
        self.y = torch.as_tensor(y, dtype=dtype).reshape(-1, 1).to(self.device)  # (n, 1)
        self.w = w.detach().clone().to(self.device).reshape(-1, 1)  # (d, 1)
        self.b = b.detach().clone().to(self.device).reshape(1)  # (1,)
        self.fit_intercept, self.nominal = fit_intercept, nominal

    def compile(self) -> None:
        pass

    def run_epoch(self, order, lr: float, batch_size: int, trace=None) -> int | None:
        order_t = torch.as_tensor(np.asarray(order), device=self.device)
        n = len(order_t)
        with torch.no_grad():
            for step, i in enumerate(range(0, n, batch_size), start=1):
                idx = order_t[i : i + batch_size]
                X, y = self.X[idx], self.y[idx]
                grad_w, grad_b = gradients(X, y, self.w, self.b)
                if not math.isfinite(float(grad_b)):
                    return step
                if trace is not None:
                    batch_loss = float(squared_loss(linreg(X, self.w, self.b), y).mean())
                size = batch_size if self.nominal else len(idx)
                self.w -= lr * grad_w / size
                if self.fit_intercept:
                    self.b -= lr * grad_b / size
                if trace is not None:
                    trace.record(step, batch_loss, self.w, self.b)
        return None

    def loss(self) -> float:
        with torch.no_grad():
            return float(squared_loss(linreg(self.X, self.w, self.b), self.y).mean())

    def params(self) -> tuple[np.ndarray, float]:
        return self.w.reshape(-1).to(torch.float64).cpu().numpy(), float(self.b[0])
