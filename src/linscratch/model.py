"""The model: the book's `linreg` and `squared_loss`, and the initial parameters it draws."""

from __future__ import annotations

import torch


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear model y_hat = Xw + b: X (n, d), w (d, 1), b (1,) -> y_hat (n, 1)."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example loss (y_hat - y)^2 / 2, shape (n, 1).

    y is reshaped to y_hat's shape first: a (n,) target against a (n, 1) prediction would
    otherwise broadcast silently to an (n, n) matrix.
    """
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def init_params(
    num_features: int,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The book's initialisation: w ~ N(0, 0.01^2) of shape (d, 1), b = 0 of shape (1,)."""
    w = torch.normal(0, 0.01, size=(num_features, 1), generator=generator, dtype=dtype)
    b = torch.zeros(1, dtype=dtype)
    return w, b


def gradients(X, y, w, b):
    """The gradients of the summed loss L = Σᵢ ½(ŷᵢ − yᵢ)² of ŷ = Xw + b, by hand, no autograd.

    X (n, d), y (n, 1) or (n,), w (d, 1) or (d,), b (1,) or a number; returns
    (dL/dw shaped like w, dL/db shaped like b). Works on torch tensors and numpy arrays alike.

    The derivation, as in the book's worked example. Write eᵢ = ŷᵢ − yᵢ, the residual.
      ∂L/∂ŷᵢ = ∂/∂ŷᵢ ½(ŷᵢ − yᵢ)² = ŷᵢ − yᵢ = eᵢ
      ∂ŷᵢ/∂wⱼ = ∂/∂wⱼ (Σₖ xᵢₖ wₖ + b) = xᵢⱼ,   ∂ŷᵢ/∂b = 1
    and by the chain rule, summing over the rows that L adds up,
      ∂L/∂wⱼ = Σᵢ (∂L/∂ŷᵢ)(∂ŷᵢ/∂wⱼ) = Σᵢ eᵢ xᵢⱼ,   that is  dL/dw = Xᵀe = Xᵀ(ŷ − y)
      ∂L/∂b  = Σᵢ (∂L/∂ŷᵢ)(∂ŷᵢ/∂b)  = Σᵢ eᵢ,       that is  dL/db = Σ(ŷ − y)
    Each feature's gradient is that feature summed over the rows, weighted by how wrong each
    row's prediction is; the bias's is the total error. SGD divides both by the batch size.
    """
    y_hat = X @ w.reshape(-1, 1) + b  # (n, 1)
    e = y_hat - y.reshape(-1, 1)  # (n, 1): the residual
    grad_w = (X.T @ e).reshape(w.shape)  # (d, 1) or (d,)
    grad_b = e.sum()
    return grad_w, grad_b.reshape(b.shape) if hasattr(b, "shape") else grad_b
