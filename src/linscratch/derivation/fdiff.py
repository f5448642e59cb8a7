"""Central finite differences of the (weighted) summed loss, and the scale a gradient's
components are compared on: the numerical half of `gradcheck` (its docstring explains the
step and the scale)."""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from linscratch.book.model import linreg
from linscratch.losses import Loss, given


def _columns(X: torch.Tensor) -> torch.Tensor:
    """X with a column of ones appended: the inputs that multiply w and b. (n, d+1)."""
    return torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)


def _weights64(weights, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The weights sᵢ (n, 1) in float64 and their square roots: ones without weights (a
    product with 1 is exact, so an unweighted check is the same bit for bit)."""
    if weights is None:
        ones = torch.ones(n, 1, dtype=torch.float64)
        return ones, ones
    s = torch.as_tensor(weights).to(torch.float64).reshape(-1, 1)
    return s, s.sqrt()


def finite_difference_gradients(
    X, y, w, b, weights=None, l2: float = 0.0, delta=None, loss: Loss | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of the summed loss in float64 (each row's term times its weight,
    with `weights` (n, 1); the `loss`'s ρ with its parameter `delta`, without one ½e² or
    Huber's ρ_δ with `delta` (`losses.given`); with weight decay λ = `l2`, each row's term plus
    (λ/2)‖w‖²): returns the gradient (d+1,), dL/dw then dL/db, and the step used for each
    parameter (see `gradcheck`'s docstring for the choice, and `kink_limit` for a kink's)."""
    loss_ = loss or given(delta)
    X, y = X.to(torch.float64), y.to(torch.float64).reshape(-1, 1)
    theta = torch.cat([w.to(torch.float64).reshape(-1), b.to(torch.float64).reshape(-1)])
    d = X.shape[1]
    s, root = _weights64(weights, len(X))

    def loss(t: torch.Tensor) -> float:
        y_hat = linreg(X, t[:d].reshape(-1, 1), t[d:])
        rows = loss_.rows(y_hat, y, delta)
        if l2:  # the penalty, on every row as the book adds it
            rows = rows + l2 * float(t[:d] @ t[:d]) / 2
        return float((s * rows).sum())

    e = linreg(X, theta[:d].reshape(-1, 1), theta[d:]) - y
    limits = kink_limit(_columns(X), e, delta, loss_)
    e_norm = float(torch.linalg.vector_norm(root * e))
    col_norms = torch.linalg.vector_norm(root * _columns(X), dim=0).tolist()
    root_eps = math.sqrt(torch.finfo(torch.float64).eps)
    grad, steps = np.empty(d + 1), np.empty(d + 1)
    for j in range(d + 1):
        h = e_norm / col_norms[j] if col_norms[j] > 0 else 0.0
        h = max(h, root_eps * abs(float(theta[j]))) or root_eps
        h = min(h, limits[j])
        plus, minus = theta.clone(), theta.clone()
        plus[j] += h
        minus[j] -= h
        step = float(plus[j] - minus[j])  # the step as represented, not as intended
        grad[j] = (loss(plus) - loss(minus)) / step
        steps[j] = step / 2
    return grad, steps


def kink_limit(A: torch.Tensor, e: torch.Tensor, delta, loss: Loss | None = None) -> list[float]:
    """The largest step in each parameter (A's columns (n, d+1): the inputs that multiply w
    and b) that keeps every residual e (n, 1) on its side of each of the loss's kinks
    (`Loss.kinks` of its parameter `delta`: Huber's ±δ; without `loss`, `losses.given`): half
    of min over rows of minₖ |eᵢ − κₖ| / |aᵢⱼ|. Along such a step each row's term is one piece
    (for Huber's, a parabola or a straight line), so central differences are exact but for
    rounding, as for the squared loss; a step across a kink would be off by O(h) (ρ'' jumps
    there). Infinite for a loss without kinks (the squared loss), or where no row has that
    input."""
    kinks = (loss or given(delta)).kinks(delta)
    if not kinks:
        return [math.inf] * A.shape[1]
    room = functools.reduce(torch.minimum, [(e - k).abs() for k in kinks])  # (n, 1): to a kink
    reach = A.abs()  # (n, d+1): how far a unit step in θⱼ moves the residual eᵢ
    ratio = torch.where(reach > 0, room / reach, torch.full_like(reach, math.inf))
    return (ratio.min(dim=0).values / 2).tolist()


def gradient_scale(X, y, w, b, weights=None, l2: float = 0.0) -> np.ndarray:
    """sⱼ = ‖xⱼ‖₂ (‖e‖₂ + √ε ‖m‖₂) for each parameter, dL/dw then dL/db: (d+1,); with
    `weights` (n, 1), of the rows scaled by √sᵢ; with weight decay λ = `l2`, each weight's
    scale gains the size of its penalty term, Σsᵢ·λ|wⱼ|."""
    X64, y64 = X.to(torch.float64), y.to(torch.float64).reshape(-1, 1)
    w64, b64 = w.to(torch.float64).reshape(-1, 1), b.to(torch.float64).reshape(-1)
    _, root = _weights64(weights, len(X))
    e = root * (linreg(X64, w64, b64) - y64)  # (n, 1)
    m = root * (X64.abs() @ w64.abs() + b64.abs() + y64.abs())  # (n, 1)
    root_eps = math.sqrt(torch.finfo(X.dtype).eps)
    size = float(torch.linalg.vector_norm(e)) + root_eps * float(torch.linalg.vector_norm(m))
    scale = torch.linalg.vector_norm(root * _columns(X64), dim=0).numpy() * size
    if l2:
        total = float(root.square().sum())  # Σsᵢ (n unweighted)
        scale[:-1] += total * l2 * w64.abs().reshape(-1).numpy()
    return scale
