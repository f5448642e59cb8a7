"""The exact pass's compiled kernel for narrow rows: the Gram matrix of [X − c, 1, y − cy]·√s
accumulated in float64 straight from the rows in their own dtype (float32 or float64, a
memory map's pages as they are), in one loop, in numba.

For narrow rows (`reduction.FUSED_WIDTH`) the BLAS path (a block of rows converted into a
float64 buffer, then syrk) spends its time converting and in kernels tuned for wide matrices;
here each row is read once, converted and shifted into a small float64 buffer, and its outer
product added to a (k, k) sum that stays in the cache, four rows at a time (each entry of the
sum is loaded and stored once for four rows' products). The sums are kept per chunk of
`CHUNK` rows and the chunks' sums added to the whole's in chunk order by the caller
(`reduction.gram_pass`: a two-level sum, whose rounding error grows with the chunk's length
and the number of chunks, not with n); the chunks may be summed on several threads (the
kernel releases the GIL), and the answer is the same bit for bit on any number.

No fast-math: the operation order is the one written, the same on every run (an entry's four
products are added to one another in order, then to the chunk's sum). The full square is
summed (both triangles: the same numbers, G stays symmetric): its rows of k entries
vectorise along j without reassociation, where the triangle's ragged rows measured slower.
"""

from __future__ import annotations

import numpy as np
from numba import njit

CHUNK = 1 << 12  # rows a chunk: each chunk summed apart, the sums added in chunk order


@njit(cache=True, nogil=True, inline="always")
def _put(a, r, X, y, sw, i, c, cy):
    """Row r of the buffer a (4, k) = [xᵢ − c, ·, yᵢ − cy]·√sᵢ in float64: the features and
    the target (the column of ones, if any, is set once and scaled here)."""
    k, d = a.shape[1], X.shape[1]
    for j in range(d):
        a[r, j] = np.float64(X[i, j]) - c[j]
    a[r, k - 1] = np.float64(y[i]) - cy
    if sw is not None:  # decided when it compiles
        s = np.sqrt(np.float64(sw[i]))
        for j in range(d):
            a[r, j] *= s
        a[r, k - 1] *= s
        if k == d + 2:
            a[r, d] = s


@njit(cache=True, nogil=True, inline="always")
def _add4(a, P):
    """P (k, k) += the outer products of the buffer's four rows a (4, k): each entry gets its
    four products added in order, then added to it."""
    k = P.shape[0]
    for i in range(k):
        a0, a1, a2, a3 = a[0, i], a[1, i], a[2, i], a[3, i]
        for j in range(k):
            P[i, j] += a0 * a[0, j] + a1 * a[1, j] + a2 * a[2, j] + a3 * a[3, j]


@njit(cache=True, nogil=True)
def gram_chunks(X, y, sw, lo, hi, c, cy, ones, out, first, last):
    """out[q] (k, k) float64 = Σ aᵢaᵢᵀ over chunk q's rows, lo + q·CHUNK to
    min(lo + (q + 1)·CHUNK, hi), for q in first..last − 1, aᵢ = [xᵢ − c, 1, yᵢ − cy]·√sᵢ:
    X (n, d) float32 or float64 (any strides), y (n,), sw (n,) or None (numba compiles the
    two apart), c (d,) float64 and cy the shift, `ones` the column of ones (k = d + 2;
    without, k = d + 1 and no 1 in aᵢ); out (chunks, k, k). Each chunk's sum depends on its
    rows alone: which thread sums which chunk changes nothing."""
    k, d = out.shape[1], X.shape[1]
    a = np.zeros((4, k))
    P = np.zeros((k, k))  # the chunk's sum
    for q in range(first, last):
        start = lo + q * CHUNK
        stop = min(start + CHUNK, hi)
        whole = start + (stop - start) // 4 * 4
        P[:] = 0.0
        if ones:
            a[:, d] = 1.0
        for row in range(start, whole, 4):
            for r in range(4):
                _put(a, r, X, y, sw, row + r, c, cy)
            _add4(a, P)
        if whole < stop:  # the last rows, and zero rows (which add nothing) to make four
            a[:] = 0.0
            for r in range(stop - whole):
                if ones:
                    a[r, d] = 1.0
                _put(a, r, X, y, sw, whole + r, c, cy)
            _add4(a, P)
        out[q] = P
