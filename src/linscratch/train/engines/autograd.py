"""The book's training loop: gather a batch, autograd the summed loss, `sgd` step.

Each step is exactly the seed's: `l = squared_loss(linreg(X, w, b), y); l.sum().backward();
sgd([w, b], lr, batch_size)`, with one difference: the step divides by the batch's real
size, so a short last batch takes its mean gradient like every other batch. With row weights
sᵢ the summed loss is Σ sᵢ·½eᵢ² and the step divides by the batch's Σ sᵢ: its weighted mean
gradient (`model.gradients`). With weight decay λ each row's loss gains the book's penalty,
`l = squared_loss(...) + lambd * l2_penalty(w)` (D2L 3.7), so the summed loss gains
|B|·(λ/2)‖w‖² and the step, divided by |B|, gains exactly λw. With another loss
(`plan.loss`, its parameter `plan.loss_parameter`) each row's term is its ρ (`Loss.rows`:
Huber's `huber_loss`) in place of `squared_loss`, the rest unchanged. The loop itself
(`AutogradLoop`) serves any model `model(X, *params)`; `AutogradEngine` is it for linreg.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from linscratch.book.model import l2_penalty, linreg
from linscratch.book.optim import step as sgd_step
from linscratch.losses import SQUARED
from linscratch.train.engines import TorchAveraging, as_tensor
from linscratch.train.schedules import step_rate


class AutogradLoop:
    """Minibatch SGD on `model(X, *params)` with autograd gradients: per batch the summed
    squared loss, its backward pass, and `sgd` on the `trained` parameters, divided by the
    batch's size (or `batch_size` with `nominal`). Subclasses say how the parameters are
    reported: `point()` gives (w, b) as events carry them, `batch_args()` what `on_batch`
    hears besides the batch."""

    name = "autograd"
    avg = None  # iterate averaging's sums (`TorchAveraging`, for AutogradEngine)
    l2 = 0.0  # weight decay λ on the first parameter (AutogradEngine: w)
    chunk_rows = 5_000  # about 0.05 s of the book's loop (0.1 M rows/s)

    def __init__(
        self,
        model,
        params,
        trained,
        X,
        y,
        nominal=False,
        on_batch=None,
        weights=None,
        loss=SQUARED,
        parameter=None,
    ):
        self.model, self.params_, self.trained = model, params, trained
        self.loss_, self.p = loss, parameter  # the loss (the book's ½e²) and its parameter
        self.nominal, self.on_batch = nominal, on_batch
        self.features = as_tensor(X, params[0].dtype)
        self.labels = as_tensor(y, params[0].dtype)
        self.weights = None if weights is None else as_tensor(weights, params[0].dtype)

    def compile(self, trace=None) -> None:
        pass

    def run_epoch(self, order, lr: float, batch_size: int, trace=None, decay=None) -> int | None:
        order_t = torch.as_tensor(np.asarray(order))
        n = len(order)
        for step, i in enumerate(range(0, n, batch_size), start=1):
            batch_indices = order_t[i : min(i + batch_size, n)]
            X, y = self.features[batch_indices], self.labels[batch_indices]
            half = self._loss(self.model(X, *self.params_), y)  # ρ(e): ½e², ρ_δ(e), each row
            if self.l2:  # the book's `loss(net(X), y) + lambd * l2_penalty(w)`, each row
                half = half + self.l2 * l2_penalty(self.params_[0])
            size = len(batch_indices)
            if self.weights is not None:  # Σ sᵢ·½eᵢ², over Σ sᵢ
                s = self.weights[batch_indices].reshape(half.shape)
                half, size = s * half, float(s.sum())
            l_sum = half.sum()
            l_value = l_sum.item()
            if not math.isfinite(l_value):
                return step
            l_sum.backward()
            if self.on_batch is not None:
                self.on_batch(X, y, *self.batch_args())
            rate = lr if decay is None else step_rate(lr, decay[0], decay[1] + step)
            sgd_step(self.trained, rate, batch_size if self.nominal else size)
            if self.avg is not None:
                self._accumulate(*self.point())
            if trace is not None:
                trace.record(step, l_value / size, *self.point())
        return None

    def _loss(self, y_hat, y):
        """Each row's loss: the loss's `rows` (the book's ½e², Huber's `model.huber_loss`)."""
        return self.loss_.rows(y_hat, y, self.p)

    def loss(self) -> float:
        with torch.no_grad():
            half = self._loss(self.model(self.features, *self.params_), self.labels)
            if self.weights is None:
                return float(half.mean())
            s = self.weights.reshape(half.shape)
            return float((s * half).sum() / s.sum())


class AutogradEngine(TorchAveraging, AutogradLoop):
    """The book's loop for linear regression: w (d, 1) and b (1,), b kept at its start
    without `fit_intercept`."""

    def __init__(self, X, y, w, b, plan, on_batch=None, weights=None):
        w, b = as_tensor(w), as_tensor(b)
        self.w = w.detach().clone().requires_grad_(True)  # (d, 1)
        self.b = b.detach().clone().requires_grad_(plan.fit_intercept)  # (1,)
        trained = [self.w, self.b] if plan.fit_intercept else [self.w]
        args = (X, y, plan.nominal, on_batch, weights, plan.loss, plan.loss_parameter)
        super().__init__(linreg, [self.w, self.b], trained, *args)
        self.l2 = plan.l2
        self.labels = self.labels.reshape(-1, 1)  # (n, 1)

    def point(self):
        return self.w.detach(), self.b.detach()

    def batch_args(self):
        return self.w.detach(), self.b.detach(), self.w.grad, self.b.grad

    def params(self) -> tuple[np.ndarray, float]:
        w = self.w.detach().reshape(-1).to(torch.float64).numpy()
        return w, float(self.b.detach()[0])

    def set_params(self, w, b: float) -> None:
        with torch.no_grad():
            self.w.copy_(torch.as_tensor(np.asarray(w), dtype=self.w.dtype).reshape(-1, 1))
            self.b.fill_(b)
