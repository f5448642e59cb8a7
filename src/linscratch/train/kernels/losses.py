"""The loss inside the numba kernels, decided when they compile: the squared loss or Huber's.

The kernels take Huber's δ as `KernelOptions.delta`: None for the squared loss, a float for
Huber's. numba types a named tuple field by field, so the two are different argument types
and each compiles its own kernel; these helpers are `overload`ed on δ's type, so that for
None they are the squared loss's own arithmetic (ψ(e) = e, 2ρ = e·e) and the plain kernel's
inner loop is the very code it was before Huber's loss existed, with no branch in it.

With a float δ: ψ(e) = clip(e, −δ, δ) (`model.gradients`) and 2ρ(e) = ψ·(2e − ψ), which is
e² for |e| ≤ δ and 2δ|e| − δ² beyond, twice `model.huber_loss`. The clip is written with
comparisons that a NaN fails, so that a NaN residual stays NaN (and 2ρ with it) for the
divergence guard; an infinite residual gives the finite ψ = ±δ and an infinite loss.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload


def psi(e, delta):
    """ψ(e): the residual's share of the gradient (e, or e clipped to ±δ)."""
    if delta is None:
        return e
    return delta if e > delta else -delta if e < -delta else e


def twice_rho(e, g, delta):
    """2ρ(e) given g = ψ(e): e·e, or g·(2e − g) for Huber's loss."""
    if delta is None:
        return e * e
    return g * (2 * e - g)


def half_rho64(s, e, delta):
    """sρ(e) in float64 for a row's weight s (1.0 without weights): ½se², or sρ_δ(e)."""
    e = float(e)
    if delta is None:
        return 0.5 * s * e * e
    return s * (0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta))


def _none(delta) -> bool:
    return isinstance(delta, types.NoneType)


@overload(psi)
def _psi(e, delta):
    if _none(delta):
        return lambda e, delta: e

    def clipped(e, delta):  # δ comes in e's dtype (`NumbaEngine`): float32 stays float32
        if e > delta:
            return delta
        if e < -delta:
            return -delta
        return e

    return clipped


@overload(twice_rho)
def _twice_rho(e, g, delta):
    if _none(delta):
        return lambda e, g, delta: e * e
    return lambda e, g, delta: g * (2 * e - g)


@overload(half_rho64)
def _half_rho64(s, e, delta):
    if _none(delta):  # the very expression `mean_loss` always had
        return lambda s, e, delta: 0.5 * s * np.float64(e) * np.float64(e)

    def huber(s, e, delta):
        a, d = abs(np.float64(e)), np.float64(delta)
        if a <= d:
            return s * (0.5 * np.float64(e) * np.float64(e))
        return s * (d * (a - 0.5 * d))

    return huber
