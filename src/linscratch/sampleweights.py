"""Weighted rows: each row's weight checked, and the rows of weight zero dropped.

A weight wᵢ ≥ 0 counts row i wᵢ times in the loss, Σᵢ wᵢ ½eᵢ² / Σᵢ wᵢ: an integer weight
is the row repeated, a weight of zero the row left out. Rows of weight zero are dropped before
anything else sees them, so that every batch that trains has a positive total weight and the
exact answer counts only the rows that carry weight (its degrees of freedom, as statsmodels'
WLS with the same rows).
"""

from __future__ import annotations

import numpy as np

from .errors import UsageError


def checked(weights, n: int, field: str = "sample_weight") -> np.ndarray:
    """The weights as a float64 array (n,), or a UsageError naming `field`: one weight per
    row, every one finite and non-negative, and not all of them zero."""
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
    return w


def drop_zero(X, y, w: np.ndarray):
    """(X, y, w) without the rows of weight zero; the arrays themselves where none is zero."""
    keep = w > 0
    if keep.all():
        return X, y, w
    rows = np.flatnonzero(keep)
    if hasattr(X, "detach"):
        import torch

        index = torch.as_tensor(rows)
        return X[index], y[index], w[rows]
    return np.asarray(X)[rows], np.asarray(y)[rows], w[rows]
