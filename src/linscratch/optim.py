"""The optimiser: the book's minibatch `sgd`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One step of minibatch SGD: param -= lr * param.grad / batch_size, then zero the gradient.

    The gradient is that of the summed loss over the batch, so dividing by the batch size
    makes the step follow the batch's mean gradient. Pass the batch's real size: the book
    passes the nominal size, which shrinks the step of a short last batch.
    """
    import torch

    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
