# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The exact pass's compiled kernels, built with the package (`meson.build`): for narrow rows
the Gram matrix of [X − c, 1, y − cy]·√s accumulated in float64 straight from the rows in
their own dtype (float32 or float64, a memory map's pages as they are), in one loop
(`gram_chunks`); for wide rows, a block of them shifted and scaled into the float64 buffer
BLAS reads, in one pass (`fill_rows`, at the end).

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

import numpy as np

from libc.math cimport sqrt
from libc.stdint cimport int64_t
from cython cimport floating

cdef enum:
    ROWS = 1 << 12  # rows a chunk: each chunk summed apart, the sums added in chunk order

CHUNK = ROWS

ctypedef fused weight_t:  # the weights' dtype, float32 or float64 whatever the rows'
    float
    double


cdef inline void _put(double[:, ::1] a, Py_ssize_t r, const floating[:, :] X,
                      const floating[:] y, const weight_t[:] sw, bint weighted, Py_ssize_t i,
                      const double[::1] c, double cy) noexcept nogil:
    """Row r of the buffer a (m, k) = [xᵢ − c, ·, yᵢ − cy]·√sᵢ in float64: the features and
    the target (the column of ones, if any, is set once and scaled here)."""
    cdef Py_ssize_t k = a.shape[1], d = X.shape[1], j
    cdef double s
    for j in range(d):
        a[r, j] = <double>X[i, j] - c[j]
    a[r, k - 1] = <double>y[i] - cy
    if weighted:
        s = sqrt(<double>sw[i])
        for j in range(d):
            a[r, j] *= s
        a[r, k - 1] *= s
        if k == d + 2:
            a[r, d] = s


cdef extern from *:
    """
    /* P (k, k) += the outer products of the four rows r0..r3 (k,): each entry gets its four
       products added in order, then added to it. Restrict pointers: the buffer and the sum
       do not overlap, which lets the compiler vectorise the loop over j as written. */
    static inline void linscratch_add4(double *__restrict__ P, const double *__restrict__ r0,
                                       const double *__restrict__ r1,
                                       const double *__restrict__ r2,
                                       const double *__restrict__ r3, Py_ssize_t k) {
        for (Py_ssize_t i = 0; i < k; i++) {
            const double a0 = r0[i], a1 = r1[i], a2 = r2[i], a3 = r3[i];
            double *__restrict__ row = P + i * k;
            for (Py_ssize_t j = 0; j < k; j++)
                row[j] += ((a0 * r0[j] + a1 * r1[j]) + a2 * r2[j]) + a3 * r3[j];
        }
    }
    """
    void linscratch_add4(double* P, const double* r0, const double* r1, const double* r2,
                         const double* r3, Py_ssize_t k) noexcept nogil


cdef inline void _add4(const double[:, ::1] a, double[:, ::1] P) noexcept nogil:
    """P (k, k) += the outer products of the buffer's four rows a (4, k): each entry gets its
    four products added in order, then added to it (`linscratch_add4`, in C)."""
    linscratch_add4(&P[0, 0], &a[0, 0], &a[1, 0], &a[2, 0], &a[3, 0], P.shape[0])


cdef void _gram(const floating[:, :] X, const floating[:] y, const weight_t[:] sw,
                bint weighted, int64_t lo, int64_t hi, const double[::1] c, double cy,
                bint ones, double[:, :, ::1] out, int64_t first, int64_t last,
                double[:, ::1] a, double[:, ::1] P) noexcept nogil:
    """`gram_chunks` without the GIL."""
    cdef Py_ssize_t k = out.shape[1], d = X.shape[1], r, i, j
    cdef int64_t q, start, stop, whole, row
    for q in range(first, last):
        start = lo + q * ROWS
        stop = min(start + ROWS, hi)
        whole = start + (stop - start) // 4 * 4
        P[:, :] = 0.0
        if ones:
            for r in range(4):
                a[r, d] = 1.0
        for row in range(start, whole, 4):
            for r in range(4):
                _put(a, r, X, y, sw, weighted, row + r, c, cy)
            _add4(a, P)
        if whole < stop:  # the last rows, and zero rows (which add nothing) to make four
            a[:, :] = 0.0
            for r in range(stop - whole):
                if ones:
                    a[r, d] = 1.0
                _put(a, r, X, y, sw, weighted, whole + r, c, cy)
            _add4(a, P)
        for i in range(k):
            for j in range(k):
                out[q, i, j] = P[i, j]


def gram_chunks(const floating[:, :] X, const floating[:] y, const weight_t[:] sw,
                int64_t lo, int64_t hi, const double[::1] c, double cy, bint ones,
                double[:, :, ::1] out, int64_t first, int64_t last):
    """out[q] (k, k) float64 = Σ aᵢaᵢᵀ over chunk q's rows, lo + q·CHUNK to
    min(lo + (q + 1)·CHUNK, hi), for q in first..last − 1, aᵢ = [xᵢ − c, 1, yᵢ − cy]·√sᵢ:
    X (n, d) float32 or float64 (any strides), y (n,), sw (n,) float32 or float64 or None, c (d,) float64 and cy
    the shift, `ones` the column of ones (k = d + 2; without, k = d + 1 and no 1 in aᵢ); out
    (chunks, k, k). Each chunk's sum depends on its rows alone: which thread sums which chunk
    changes nothing. Releases the GIL."""
    cdef Py_ssize_t k = out.shape[1]
    cdef double[:, ::1] a = np.zeros((4, k))
    cdef double[:, ::1] P = np.zeros((k, k))  # the chunk's sum
    cdef bint weighted = sw is not None
    with nogil:
        _gram(X, y, sw, weighted, lo, hi, c, cy, ones, out, first, last, a, P)


cdef void _fill(const floating[:, :] X, const floating[:] y, const weight_t[:] sw,
                bint weighted, int64_t start, int64_t stop, const double[::1] c, double cy,
                bint ones, double[:, ::1] buf) noexcept nogil:
    """`fill_rows` without the GIL: each row as the fused kernel puts it (`_put`)."""
    cdef Py_ssize_t d = X.shape[1]
    cdef int64_t i
    for i in range(start, stop):
        if ones:
            buf[i - start, d] = 1.0  # (`_put` scales it to √sᵢ with weights)
        _put(buf, i - start, X, y, sw, weighted, i, c, cy)


def fill_rows(const floating[:, :] X, const floating[:] y, const weight_t[:] sw,
              int64_t start, int64_t stop, const double[::1] c, double cy, bint ones,
              double[:, ::1] buf):
    """buf[:stop − start] (m, k) float64 = [X − c, 1, y − cy]·√s of the rows start:stop, in
    one pass (the wide rows' block for BLAS, `reduction.BlockGram`): X (n, d) float32 or
    float64 (any strides), y (n,), sw (n,) or None, c (d,) and cy the shift, `ones` the column
    of ones (k = d + 2; without, k = d + 1). The numbers numpy's conversion, subtraction and
    scaling give, one after the other (`reduction._fill`), bit for bit. Releases the GIL."""
    with nogil:
        _fill(X, y, sw, sw is not None, start, stop, c, cy, ones, buf)
