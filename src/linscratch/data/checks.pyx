"""The checking pass's compiled kernel (`columns.scan`): every cell of a block of rows read
once, in its own dtype, for the columns' extremes, the first cell that is not finite, and for
narrow rows their squared norms, compiled with the package (`meson.build`).

numpy takes a block's extremes as two reductions and its rows' squared norms by `einsum`,
whose overhead a row is most of the cost where rows hold two or three numbers (a 1e7 x 2
file: 0.13 s of checking against 0.01-0.02 s of reading its pages). The squares are summed
in the rows' own precision, one feature after the other: the order `einsum` takes for rows
of at most `SEQUENTIAL[dtype]` features (it sums wider rows in vector lanes, so they stay
with it), hence the same numbers bit for bit (tests/test_checks_kernel.py holds them
equal). No fast-math, no contraction into FMA (`meson.build`).
"""

from libc.math cimport isfinite
from libc.stdint cimport int64_t
from cython cimport floating

import numpy as np

# The widest rows whose squares `einsum` sums one feature after the other, by dtype: it loads
# 4 float32 or 2 float64 numbers a vector (numpy's baseline x86-64 SIMD) and adds the lanes
# pairwise, (l0 + l1) + (l2 + l3), which is the sequential order only up to this width.
SEQUENTIAL = {np.dtype(np.float32): 3, np.dtype(np.float64): 2}


cdef int64_t _scan(const floating[:, :] block, double[::1] hi, double[::1] lo,
                   double[::1] squares, Py_ssize_t features) noexcept nogil:
    """`scan_rows` without the GIL."""
    cdef Py_ssize_t m = block.shape[0], k = block.shape[1], i, j
    cdef floating v, acc
    cdef double x
    for i in range(m):
        for j in range(k):
            v = block[i, j]
            if not isfinite(v):
                return i
            x = <double>v
            if x > hi[j]:
                hi[j] = x
            if x < lo[j]:
                lo[j] = x
        if features:
            acc = 0
            for j in range(features):
                v = block[i, j]
                acc = v * v + acc
            squares[i] = <double>acc
    return -1


def scan_rows(const floating[:, :] block, double[::1] hi, double[::1] lo, double[::1] squares,
              Py_ssize_t features):
    """Over the rows of `block` (m, k), float32 or float64 (any strides): each column's
    largest and smallest value folded into hi and lo (k,) float64 (start them at ∓inf), and
    with `features` > 0 (at most SEQUENTIAL[dtype]) the squared norm of each row's first
    `features` cells into squares (m,) float64, summed in the block's dtype. Returns the first
    row holding a cell that is not finite (NaN, ±inf), where the pass stops, or −1. Releases
    the GIL."""
    if features and (squares is None or squares.shape[0] < block.shape[0]):
        raise ValueError("squares must hold a number a row")
    cdef int64_t bad
    with nogil:
        bad = _scan(block, hi, lo, squares, features)
    return bad
