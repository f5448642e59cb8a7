"""Engines: each runs one epoch of minibatch SGD over a given order of rows, nothing more.

An engine is built from the data and the initial parameters and offers
`run_epoch(order, lr, batch_size)`, which returns the 1-based step at which the batch loss
became non-finite (or None), `loss()`, the mean loss over all rows, and `params()`, the
current (w, b) as float64 numpy values. `train.fit` owns everything else.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import torch

ENGINES = ("autograd",)


class Engine(Protocol):
    name: str

    def run_epoch(self, order: list[int], lr: float, batch_size: int) -> int | None: ...

    def loss(self) -> float: ...

    def params(self) -> tuple[np.ndarray, float]: ...


def make_engine(name: str, X: torch.Tensor, y: torch.Tensor, w, b, monitor=None) -> Engine:
    """Build the engine called `name` over X (n, d), y (n, 1) from initial w (d, 1) and b (1,).

    `monitor`, if given, is called with every batch and its gradients (X, y, w, b, dw, db).
    """
    if name == "autograd":
        from .autograd import AutogradEngine

        return AutogradEngine(X, y, w, b, monitor)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
