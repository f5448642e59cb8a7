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
