"""Data: the book's `synthetic_data` and `data_iter`, and the shuffled orders that training walks.

The random draws happen in exactly the order of Dive into Deep Learning 3.2: features, then
noise (both from one torch generator), then the initial weights (see `model.init_params`),
then one Python `random.shuffle` of the row indices per epoch.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from linscratch.i18n import Words

if TYPE_CHECKING:
    import torch

SEED_TRUE_W = (2.0, -3.4)
SEED_TRUE_B = 4.2

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
    import torch

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
    """
    import torch

    from linscratch.train.arguments import whole

    if not isinstance(w, torch.Tensor) or w.ndim != 1 or not w.is_floating_point():
        from linscratch.errors import UsageTypeError

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
    from linscratch.errors import UsageError

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
    """
    from linscratch.train.arguments import whole

    whole(batch_size, "batch_size", 1)
    if not hasattr(features, "__len__") or not hasattr(labels, "__len__"):
        from linscratch.errors import UsageTypeError

        raise UsageTypeError(
            "{0} and {1} must be tensors with one row per example", "features", "labels"
        )
    if len(features) != len(labels):
        from linscratch.errors import UsageError

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
    import torch

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
    import torch

    g = torch.Generator().manual_seed(seed)
    w = torch.empty(num_features, dtype=torch.float64).uniform_(-5, 5, generator=g)
    return [round(float(v), 1) for v in w]


SMALLEST_SPREAD = float(np.sqrt(np.finfo(np.float64).tiny))  # 1.49e-154: its square is normal


def _rescued(spread: np.ndarray, X: np.ndarray, mean) -> np.ndarray:
    """Each column's spread (standard deviation about `mean`, or root mean square where
    `mean` is None), recomputed from the column divided by its largest deviation where it is
    below SMALLEST_SPREAD (the plain formula's squares underflow: values near 1e-300 have a
    spread, whose squares are 0 in float64), so that a column that varies is told from one
    that does not; other columns keep theirs bit for bit."""
    spread = np.array(spread)  # its dtype kept
    for j in np.flatnonzero(~(spread >= SMALLEST_SPREAD)):
        dev = np.asarray(X[:, j], np.float64) - (0.0 if mean is None else mean[j])
        scale = float(np.max(np.abs(dev)))
        if scale > 0:
            spread[j] = scale * float(np.sqrt(np.mean((dev / scale) ** 2)))
    return spread


def _too_small(name: str, spread: float, what: Words) -> None:
    from linscratch.errors import UsageError

    raise UsageError(
        "{0}: column {name!r} is not constant, but its {what} ({spread:.3g}) is below what "
        "float64 can standardize ({smallest:.3g}: the square of a smaller number underflows); "
        "rescale the column (other units) or leave out {0}",
        "standardize",
        name=name,
        what=what,
        spread=spread,
        smallest=SMALLEST_SPREAD,
    )


@dataclass
class Standardizer:
    """Feature and target scaling from the training rows: x' = (x − mean)/std, y' = (y − ȳ)/s_y.

    Training on scaled data conditions the problem (every feature on one scale, so one learning
    rate suits them all); `to_original` maps the learned parameters back, so that everything
    reported and saved is in the data's own units. A model through the origin is only scaled,
    not centered (centering would add the intercept it leaves out): x' = x/rms(x), y' = y/rms(y),
    with mean 0 and std the root mean square.
    """

    mean: np.ndarray  # (d,)
    std: np.ndarray  # (d,)
    y_mean: float
    y_std: float

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, feature_names: list[str], center: bool = True):
        """The scaling of the training rows X (n, d), y (n,); centered or (for a model through
        the origin) not."""
        from linscratch.errors import UsageError

        if not center:
            rms = _rescued(np.sqrt(np.mean(X * X, axis=0)), X, None)
            for j in np.flatnonzero(~(rms >= SMALLEST_SPREAD)):
                if not np.any(X[:, j]):
                    raise UsageError(
                        "{0}: column {name!r} is zero in the training rows",
                        "standardize",
                        name=feature_names[j],
                    )
                _too_small(feature_names[j], rms[j], Words("root mean square"))
            y_rms = float(np.sqrt(np.mean(y * y)))
            return cls(np.zeros_like(rms), rms, 0.0, y_rms if y_rms > 0 else 1.0)
        mean = X.mean(axis=0)
        std = _rescued(X.std(axis=0), X, mean)
        for j in np.flatnonzero(~(std >= SMALLEST_SPREAD)):
            if np.all(X[:, j] == X[0, j]):
                raise UsageError(
                    "{0}: column {name!r} is constant in the training rows",
                    "standardize",
                    name=feature_names[j],
                )
            _too_small(feature_names[j], std[j], Words("standard deviation"))
        y_std = float(y.std())
        return cls(mean, std, float(y.mean()), y_std if y_std > 0 else 1.0)

    def transform(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (X - self.mean) / self.std, (y - self.y_mean) / self.y_std

    def to_original(self, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
        """Parameters of the scaled problem in original units: y = x·w + b."""
        w_orig = self.y_std * np.asarray(w) / self.std
        return w_orig, self.y_mean + self.y_std * b - float(w_orig @ self.mean)

    def params_to_original(self, params: np.ndarray) -> np.ndarray:
        """Rows of parameters [w₁ … w_d, b] (k, d + 1) of the scaled problem in original units."""
        w = self.y_std * params[:, :-1] / self.std  # (k, d)
        return np.c_[w, self.y_mean + self.y_std * params[:, -1] - w @ self.mean]

    def to_dict(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "target_mean": self.y_mean,
            "target_std": self.y_std,
        }


def split_rows(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of n rows: (training rows, validation rows), each sorted."""
    from linscratch.errors import UsageError

    n_val = round(n * val_fraction)
    if n_val < 1 or n - n_val < 2:
        raise UsageError(
            "{0} {value} of {n} rows leaves {train} for training and {val} for validation; "
            "need at least 2 and 1",
            "val_fraction",
            value=val_fraction,
            n=n,
            train=n - n_val,
            val=n_val,
        )
    perm = np.random.default_rng(seed).permutation(n)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])
