"""The optimiser: the book's minibatch `sgd`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import torch

from linscratch.arguments import positive
from linscratch.errors import UsageError

if TYPE_CHECKING:
    import torch


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One step of minibatch SGD: param -= lr * param.grad / batch_size, then zero the gradient.

    The gradient is that of the summed loss over the batch, so dividing by the batch size
    makes the step follow the batch's mean gradient. Pass the batch's real size: the book
    passes the nominal size, which shrinks the step of a short last batch. `lr` and
    `batch_size` must be finite numbers > 0 and every parameter hold a gradient (call
    `backward()` first): else a `UsageError` naming the argument, before any parameter moves.

    Parameters
    ----------
    params : iterable of torch.Tensor
        The parameters, each holding the gradient of the batch's summed loss.
    lr : float
        The learning rate.
    batch_size : int
        The batch's size, which the summed gradient is divided by.

    Returns
    -------
    None
        The parameters are updated in place, their gradients zeroed.
    """

    params = list(params)
    positive(lr, "lr")
    positive(batch_size, "batch_size")
    for k, param in enumerate(params):
        if getattr(param, "grad", None) is None:
            raise UsageError(
                "{0}[{k}] has no gradient: call loss.backward() on a loss computed from it "
                "(requires_grad=True) before the step",
                "params",
                k=k,
            )
    step(params, lr, batch_size)


def step(params, lr: float, batch_size) -> None:
    """`sgd` without its checks: the engines' inner loop."""

    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
