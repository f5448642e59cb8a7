"""Data: the book's `synthetic_data` and `data_iter`, and the shuffled orders that training walks.

The random draws happen in exactly the order of Dive into Deep Learning 3.2: features, then
noise (both from one torch generator), then the initial weights (see `model.init_params`),
then one Python `random.shuffle` of the row indices per epoch.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

import torch

from linscratch.arguments import whole
from linscratch.errors import UsageError, UsageTypeError
from linscratch.spec import SEED_TRUE_B, SEED_TRUE_W  # noqa: F401 (the book's truth, the spec's default)

if TYPE_CHECKING:
    import torch


# The worked 10x2 batch of the seed document's gradient derivation, as printed there.
SEED_BATCH_X = (
    (0.3742, 1.0514),
    (-0.5108, -2.9390),
    (-0.6907, 2.3641),
    (-0.5569, 0.4298),
    (-0.4228, -1.0638),
    (-1.3704, -1.6127),
    (1.3422, 0.9927),
    (-1.6255, 0.5072),
    (1.3470, -0.5777),
    (1.6256, 0.8769),
)
SEED_BATCH_Y = (1.3774, 13.1741, -5.2062, 1.6101, 6.9709, 6.9469, 3.5065, -0.7634, 8.8503, 4.4814)
# The document prints w.grad = [-9.0000, 65.4477] and b.grad = -40.9567 but not the w and b they
# were taken at. These reproduce all three to the printed digits (tests/test_gradients.py
# shows how they were found): the book's initialisation, w ~ N(0, 0.01²) and b = 0.
SEED_BATCH_W = (0.017254, -0.009874)
SEED_BATCH_B = 0.0


def seed_batch(dtype=None) -> tuple[torch.Tensor, torch.Tensor]:
    """The seed document's worked batch: X (10, 2) and y (10, 1), the printed values in `dtype`
    (default float64)."""

    dtype = torch.float64 if dtype is None else dtype
    X = torch.tensor(SEED_BATCH_X, dtype=dtype)
    y = torch.tensor(SEED_BATCH_Y, dtype=dtype).reshape(-1, 1)
    return X, y


def synthetic_data(
    w: torch.Tensor,
    b: float,
    num_examples: int,
    noise: float = 0.01,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise, the book's data set.

    X (num_examples, len(w)) is standard normal, the noise is normal with standard deviation
    `noise`; returns X and y with y reshaped to (num_examples, 1). With `generator=None` the
    draws come from torch's global generator, as in the book. Arguments that could not make
    that data set are refused (`UsageError`) before anything is drawn.

    Parameters
    ----------
    w : torch.Tensor, shape (d,)
        The true weights.
    b : float
        The true bias.
    num_examples : int
        The rows to draw.
    noise : float
        The standard deviation of the noise added to each label.
    generator : torch.Generator, optional
        The source of the draws (default: torch's global generator, as the book).

    Returns
    -------
    X : torch.Tensor, shape (num_examples, d)
        The features.
    y : torch.Tensor, shape (num_examples, 1)
        The labels.
    """

    if not isinstance(w, torch.Tensor) or w.ndim != 1 or not w.is_floating_point():
        shape = tuple(w.shape) if hasattr(w, "shape") else type(w).__name__
        raise UsageTypeError(
            "{0} must be a 1-D floating-point torch tensor of true weights, "
            "torch.tensor([2, -3.4]), got {shape}",
            "w",
            shape=shape,
        )
    whole(num_examples, "num_examples", 0)
    _number(b, "b", least=None)
    _number(noise, "noise", least=0)
    X = torch.normal(0, 1, (num_examples, len(w)), generator=generator, dtype=w.dtype)
    y = torch.matmul(X, w) + b  # (n,)
    y += torch.normal(0, noise, y.shape, generator=generator, dtype=w.dtype)
    return X, y.reshape(-1, 1)  # (n, 1)


def _number(value, name: str, least) -> None:
    """Refuse a value that is not a finite real number (>= `least` where given)."""

    try:  # a number, or a one-element tensor or array
        number = None if isinstance(value, bool | str) else float(value)
    except (TypeError, ValueError, RuntimeError):
        number = None
    if not (number is not None and math.isfinite(number) and (least is None or number >= least)):
        if least is None:
            raise UsageError("{0} must be a finite number, got {value!r}", name, value=value)
        raise UsageError(
            "{0} must be a finite number >= {least}, got {value!r}", name, least=least, value=value
        )


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor, rng=random):
    """Yield (X, y) minibatches of `batch_size` rows in a random order, the last one possibly short.

    The order comes from one `rng.shuffle` of the row indices, where `rng` is the `random`
    module (the book's behaviour) or a `random.Random` instance, drawn when the first batch
    is asked for, as the book's generator draws it. The arguments are checked at the call
    (`UsageError`): a whole `batch_size` >= 1, features and labels with as many rows.

    Parameters
    ----------
    batch_size : int
        Rows per minibatch (the last may have fewer).
    features : torch.Tensor, shape (n, d)
        The features.
    labels : torch.Tensor, shape (n, 1) or (n,)
        The labels.
    rng : random module or random.Random
        Shuffles the row indices (default: the `random` module, as the book).

    Yields
    ------
    X : torch.Tensor, shape (batch_size, d)
        A minibatch of features.
    y : torch.Tensor, shape (batch_size, 1) or (batch_size,)
        Its labels.
    """

    whole(batch_size, "batch_size", 1)
    if not hasattr(features, "__len__") or not hasattr(labels, "__len__"):
        raise UsageTypeError(
            "{0} and {1} must be tensors with one row per example", "features", "labels"
        )
    if len(features) != len(labels):
        raise UsageError(
            "{0} and {1} must have as many rows, got {n} and {m}",
            "features",
            "labels",
            n=len(features),
            m=len(labels),
        )
    return _batches(batch_size, features, labels, rng)


def _batches(batch_size: int, features, labels, rng):
    """`data_iter`'s batches."""

    num_examples = len(features)
    indices = shuffled_order(num_examples, rng)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def shuffled_order(num_examples: int, rng=random) -> list[int]:
    """The row order of one epoch: `list(range(n))` shuffled by `rng`, as `data_iter` does."""
    indices = list(range(num_examples))
    rng.shuffle(indices)
    return indices
