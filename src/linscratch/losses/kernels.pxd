# cython: language_level=3
"""Each loss's pieces inside the compiled kernels (`train.kernels.epochs`, `epoch_loss`): ψ(e),
2ρ(e) in the data's dtype and 2sρ(e) in float64, chosen by the loss's number `kind` (`KINDS`
in `train.kernels.epochs` maps the losses' names to it) with its parameter p (Huber's δ, the
tube's ε; unused by the squared loss) in the data's dtype.

The pieces are the losses' own arithmetic, written so that a NaN residual stays NaN (the
divergence guard reads the batch loss) and in the order the reference kernels of the tests
compute them (`tests/kernel_reference`), bit for bit:

- squared: ψ = e, 2ρ = e·e, 2sρ = (s·e)·e;
- Huber (`losses.huber`): ψ = clip(e, −δ, δ) by comparisons a NaN fails, 2ρ = ψ·((e + e) − ψ),
  2sρ = 2·(s·(½e·e)) inside, 2·(s·(δ(|e| − ½δ))) beyond;
- epsilon-insensitive (`losses.epsilon_insensitive`): ψ = sign(e)·[|e| > ε] (inside e − e),
  2ρ = a + a for a = |e| − ε > 0 (else a − a), 2sρ = 2·(s·a) (else s·(a − a));
- squared epsilon-insensitive (`losses.squared_epsilon_insensitive`): ψ = 2(e ∓ ε) outside
  (else e − e), 2ρ = (a + a)·a (else a − a), 2sρ = 2·(s·(a·a)) (else s·(a − a)).

A branch on `kind` costs a predictable jump a row; the loops over the features have none.
"""

from libc.math cimport fabs
from cython cimport floating

cdef enum:
    SQUARED = 0
    HUBER = 1
    EPSILON_INSENSITIVE = 2
    SQUARED_EPSILON_INSENSITIVE = 3


cdef inline floating psi(int kind, floating e, floating p) noexcept nogil:
    """ψ(e) = ρ'(e), the residual's share of the gradient."""
    cdef floating a
    if kind == SQUARED:
        return e
    if kind == HUBER:
        if e > p:
            return p
        if e < -p:
            return -p
        return e
    if kind == EPSILON_INSENSITIVE:
        if fabs(e) > p:
            return 1 if e > 0 else -1
        return e - e
    if e > p:
        a = e - p
        return a + a
    if e < -p:
        a = e + p
        return a + a
    return e - e


cdef inline floating twice_rho(int kind, floating e, floating g, floating p) noexcept nogil:
    """2ρ(e) in e's dtype, given g = ψ(e)."""
    cdef floating a
    if kind == SQUARED:
        return e * e
    if kind == HUBER:
        return g * ((e + e) - g)  # e + e, not 2 * e: a literal 2 is a C double
    a = <floating>fabs(e) - p
    if kind == EPSILON_INSENSITIVE:
        if a > 0:
            return a + a
        return a - a
    if a > 0:
        return (a + a) * a
    return a - a


cdef inline double twice_rho64(int kind, double s, floating e, floating p) noexcept nogil:
    """2sρ(e) in float64 for a row's weight s (1.0 without weights)."""
    cdef double x = e, a
    if kind == SQUARED:
        return s * x * x
    if kind == HUBER:
        a = fabs(x)
        if a <= <double>p:
            return 2.0 * (s * (0.5 * x * x))
        return 2.0 * (s * (<double>p * (a - 0.5 * <double>p)))
    a = fabs(x) - <double>p
    if kind == EPSILON_INSENSITIVE:
        if a > 0:
            return 2.0 * (s * a)
        return s * (a - a)
    if a > 0:
        return 2.0 * (s * (a * a))
    return s * (a - a)
