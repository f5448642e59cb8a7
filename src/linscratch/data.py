"""Data: the book's `synthetic_data` and `data_iter`, and the shuffled orders that training walks.

The random draws happen in exactly the order of Dive into Deep Learning 3.2: features, then
noise (both from one torch generator), then the initial weights (see `model.init_params`),
then one Python `random.shuffle` of the row indices per epoch.
"""

from __future__ import annotations

import random

import torch

SEED_TRUE_W = (2.0, -3.4)
SEED_TRUE_B = 4.2


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
    draws come from torch's global generator, as in the book.
    """
    X = torch.normal(0, 1, (num_examples, len(w)), generator=generator, dtype=w.dtype)
    y = torch.matmul(X, w) + b  # (n,)
    y += torch.normal(0, noise, y.shape, generator=generator, dtype=w.dtype)
    return X, y.reshape(-1, 1)  # (n, 1)


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor, rng=random):
    """Yield (X, y) minibatches of `batch_size` rows in a random order, the last one possibly short.

    The order comes from one `rng.shuffle` of the row indices, where `rng` is the `random`
    module (the book's behaviour) or a `random.Random` instance.
    """
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


def default_true_w(num_features: int, seed: int) -> list[float]:
    """The true weights of a synthetic problem with `num_features` features.

    Two features give the book's w = [2, -3.4]. Any other count draws each weight uniformly
    from [-5, 5], rounded to one decimal, from a torch generator seeded with `seed`; that
    generator is separate from the one that draws the data, so the book's stream is untouched.
    """
    if num_features == len(SEED_TRUE_W):
        return list(SEED_TRUE_W)
    g = torch.Generator().manual_seed(seed)
    w = torch.empty(num_features, dtype=torch.float64).uniform_(-5, 5, generator=g)
    return [round(float(v), 1) for v in w]
