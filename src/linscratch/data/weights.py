"""Weighted rows: each row's weight checked, and the rows of weight zero dropped.

A weight wᵢ ≥ 0 counts row i wᵢ times in the loss, Σᵢ wᵢ ½eᵢ² / Σᵢ wᵢ: an integer weight
is the row repeated, a weight of zero the row left out. Rows of weight zero are dropped before
anything else sees them, so that every batch that trains has a positive total weight and the
exact answer counts only the rows that carry weight (its degrees of freedom, as statsmodels'
WLS with the same rows).

Only the weights' ratios matter to every answer but the residual standard deviation (each step
divides by Σsᵢ, the loss is a weighted mean), so the weights are rescaled before any sum
(`rescaled`): multiplied by the even power of two 4⁻ᵐ that puts the largest in [1, 4). A power
of two changes no digit of a weight, and every product and sum with it moves by the same
exact factor, so the answers are bit for bit those of the weights as given wherever those
neither overflow nor underflow; weights of 1e-320 or 1e308 give the answers of their ratios.
A ratio of the largest weight to the smallest positive one beyond what the arithmetic can
hold (the smallest would fall below its smallest normal number) is refused with the ratio.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from linscratch.errors import UsageError


def checked(weights, n: int, field: str = "sample_weight", dtype: str = "float64") -> np.ndarray:
    """The weights as a float64 array (n,), as given, or a UsageError naming `field`: one
    weight per row, every one finite and non-negative, not all of them zero, and the largest
    at most 1/tiny times the smallest positive one (tiny: `dtype`'s smallest normal number,
    which the smallest rescaled weight must reach, `rescaled`)."""
    if hasattr(weights, "detach"):
        weights = weights.detach().cpu().numpy()
    try:
        w = np.asarray(weights, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise UsageError("{0} must be numbers, got {value!r}", field, value=weights) from None
    if len(w) != n:
        raise UsageError("{0} must hold one weight per row ({n}), got {k}", field, n=n, k=len(w))
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if len(bad):
        raise UsageError(
            "{0} must be finite and non-negative, got {value!r} in row {row}",
            field,
            value=float(w[bad[0]]),
            row=int(bad[0]) + 1,
        )
    if not np.any(w > 0):
        raise UsageError("{0}: every weight is zero; no row would count", field)
    positive = w[w > 0]
    largest, smallest = float(positive.max()), float(positive.min())
    limit = 1 / float(np.finfo(dtype).tiny)
    if largest / smallest > limit:  # (the quotient may overflow to inf: refused too)
        raise UsageError(
            "{0}: the largest weight, {largest:.3g}, is {ratio} times the smallest positive "
            "one, {smallest:.3g}; {dtype} arithmetic holds ratios up to {limit:.3g}: give the "
            "rows that should not count weight 0",
            field,
            largest=largest,
            smallest=smallest,
            ratio=_ratio(largest, smallest),
            dtype=dtype,
            limit=limit,
        )
    return w


def _ratio(largest: float, smallest: float) -> str:
    """largest/smallest to 3 digits, in powers of ten where the quotient overflows."""
    ratio = largest / smallest if smallest > 0 else math.inf
    if math.isfinite(ratio):
        return f"{ratio:.3g}"
    lg = math.log10(largest) - math.log10(smallest)
    exponent = math.floor(lg)
    return f"{10 ** (lg - exponent):.3g}e+{exponent}"


def shift_of(w: np.ndarray) -> int:
    """m such that the largest weight times 4⁻ᵐ lies in [1, 4)."""
    exponent = np.frexp(np.max(w))[1] - 1  # the largest is 2^exponent times [1, 2)
    return int(exponent // 2)


def rescaled(w: np.ndarray) -> tuple[np.ndarray, int]:
    """The weights (checked) times 4⁻ᵐ, the largest in [1, 4), and m: the same weights where
    the largest is in [1, 4) already. The residual standard deviation of the weights as
    given is that of the rescaled ones times 2ᵐ (`unscaled_sd`)."""
    m = shift_of(w)
    if m == 0:
        return w, 0
    return np.ldexp(w, -2 * m), m


def unscaled_sd(sd: float | None, m: int) -> float | None:
    """A residual standard deviation √(Σsᵢeᵢ²/dof) of weights rescaled by 4⁻ᵐ, in the weights
    as given (exactly: a power of two)."""
    return None if sd is None or not m else float(np.ldexp(sd, m))


def drop_zero(X, y, w: np.ndarray):
    """(X, y, w) without the rows of weight zero; the arrays themselves where none is zero."""
    keep = w > 0
    if keep.all():
        return X, y, w
    rows = np.flatnonzero(keep)
    if hasattr(X, "detach"):
        index = torch.as_tensor(rows)
        return X[index], y[index], w[rows]
    return np.asarray(X)[rows], np.asarray(y)[rows], w[rows]
