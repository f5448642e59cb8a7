"""The loss inside the numba kernels, decided when they compile: the run's loss object's pieces.

The kernels take the loss's kernel parameter (`Loss.kernel_parameter`) as
`KernelOptions.loss_parameter`, and its type says which loss it is (`Loss.kernel_type`: None
for the squared loss, a float, Huber's δ, for Huber's, a small named tuple class of its own for
any other). numba types a named tuple field by field, so each loss is a different argument type
and compiles its own kernel. The three helpers below are `overload`ed on that type: they look
the loss up in `losses.LOSSES` and give numba its own pieces (`Loss.kernel_psi`,
`kernel_twice_rho`, `kernel_twice_rho64`: plain Python functions, compiled in place), so that
for None they are the squared loss's own arithmetic (ψ(e) = e, 2ρ = e·e) and the plain
kernel's inner loop is the very code it was before any other loss existed, with no branch in
it. Nothing here knows any one loss.

Called from Python (numba's `NUMBA_DISABLE_JIT`), the helpers look the loss up by the value's
type instead, and call the same pieces.

numba's on-disk cache knows a kernel by the content of its own file (`kernels/epochs.py`,
`epoch_loss.py`), not of the loss modules whose pieces it compiled in: after a loss's pieces
change, clear the kernels' cache (their `__pycache__`, or `NUMBA_CACHE_DIR`), or the kernels
cached before load as they were (numba 0.68 hashes the file; touching it does nothing).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from linscratch.losses import LOSSES


def psi(e, p):
    """ψ(e): the residual's share of the gradient (e itself for the squared loss)."""
    return _of_value(p).kernel_psi(e, p)


def twice_rho(e, g, p):
    """2ρ(e) in e's dtype, given g = ψ(e) (e·e for the squared loss)."""
    return _of_value(p).kernel_twice_rho(e, g, p)


def twice_rho64(s, e, p):
    """2sρ(e) in float64 for a row's weight s (1.0 without weights): s·e² for the squared loss."""
    return _of_value(p).kernel_twice_rho64(s, e, p)


def _of_value(p):
    """The compiled loss whose kernel parameter is the value `p`."""
    for loss in _compiled():
        kind = loss.kernel_type
        if kind is None:
            if p is None:
                return loss
        elif kind is float:
            if isinstance(p, float | np.floating):
                return loss
        elif isinstance(p, kind):
            return loss
    raise TypeError(f"no loss has numba kernels for a parameter of type {type(p).__name__}")


def _of_type(p):
    """The compiled loss whose kernel parameter has the numba type `p`."""
    for loss in _compiled():
        kind = loss.kernel_type
        if kind is None:
            if isinstance(p, types.NoneType):
                return loss
        elif kind is float:
            if isinstance(p, types.Float):
                return loss
        elif isinstance(p, types.BaseNamedTuple) and p.instance_class is kind:
            return loss
    raise TypeError(f"no loss has numba kernels for a parameter of type {p}")


def _compiled():
    return (loss for loss in LOSSES.values() if loss.compiled)


@overload(psi)
def _psi(e, p):
    return _of_type(p).kernel_psi


@overload(twice_rho)
def _twice_rho(e, g, p):
    return _of_type(p).kernel_twice_rho


@overload(twice_rho64)
def _twice_rho64(s, e, p):
    return _of_type(p).kernel_twice_rho64
