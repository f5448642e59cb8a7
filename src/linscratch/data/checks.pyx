# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The checking pass's compiled kernel (`columns.scan`): the squared norms of narrow rows,
written straight into the float64 array the stability limit reads, compiled with the package
(`meson.build`).

numpy's `einsum` takes a row's squared norm with an overhead a row that is most of the cost
where rows hold two or three numbers (a 1e7 x 2 file: 0.09 s of `einsum`, conversion and
concatenation, against 0.01-0.02 s of reading its pages); the columns' extremes stay with
numpy, whose reductions are faster than a scalar loop at every width. The squares are summed
in the rows' own precision, one feature after the other: the order `einsum` takes for rows
of at most `SEQUENTIAL[dtype]` features (it sums wider rows in vector lanes, so they stay
with it), hence the same numbers bit for bit (tests/test_checks_kernel.py holds them equal).
No fast-math, no contraction into FMA (`meson.build`).
"""

from libc.stdint cimport int64_t
from cython cimport floating

import numpy as np

# The widest rows whose squares `einsum` sums one feature after the other, by dtype: it loads
# 4 float32 or 2 float64 numbers a vector (numpy's baseline x86-64 SIMD) and adds the lanes
# pairwise, (l0 + l1) + (l2 + l3), which is the sequential order only up to this width.
SEQUENTIAL = {np.dtype(np.float32): 3, np.dtype(np.float64): 2}


cdef void _squares(const floating[:, :] block, Py_ssize_t features,
                   double[::1] out) noexcept nogil:
    """`row_squares` without the GIL."""
    cdef Py_ssize_t i, j
    cdef floating v, acc
    for i in range(block.shape[0]):
        acc = 0
        for j in range(features):
            v = block[i, j]
            acc = v * v + acc
        out[i] = <double>acc


def row_squares(const floating[:, :] block, Py_ssize_t features, double[::1] out):
    """out[i] = the squared norm of row i's first `features` cells of `block` (m, k), float32
    or float64 (any strides), summed in the block's dtype one feature after the other (einsum's
    order up to SEQUENTIAL[dtype] features), as float64 (m,). Releases the GIL."""
    if out.shape[0] != block.shape[0] or not 0 <= features <= block.shape[1]:
        raise ValueError("out must hold a number a row, of at most the block's columns")
    with nogil:
        _squares(block, features, out)
