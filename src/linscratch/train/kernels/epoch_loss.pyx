# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled engine's loss over all rows (the loss printed after each epoch): one pass at the
speed of reading the data, on several cores where that pays, with a value that does not
depend on how many.

The rows are cut into chunks of CHUNK_ROWS, a fixed size (never derived from the number of
threads or cores); each chunk's Σeᵢ² (Σsᵢeᵢ² and Σsᵢ with row weights) is summed in float64
by one compiled call in a fixed order (even and odd rows in two sums, added at the chunk's
end), and the chunks' sums are then added in chunk order. Which thread sums which chunk
changes nothing, so the loss is the same bit for bit on one core or many. The threads are
Python threads calling a `nogil` kernel and joined before returning: no threading layer
(an OpenMP layer can end a forked child; `sweep` forks), nothing left running between
calls; no more threads than the cores other work leaves idle. Each residual
eᵢ = xᵢ·w + b − yᵢ is computed in the data's dtype in the SGD kernels' order
(`residual.pxd`), then squared in float64 (another loss's 2ρ(eᵢ) in place of eᵢ²,
`losses/kernels.pxd`'s `twice_rho64`, given the loss's number and parameter).
"""

import threading

import numpy as np

from libc.stdint cimport int64_t
from cython cimport floating

from linscratch import resources
from linscratch.losses.kernels cimport SQUARED, twice_rho64
from linscratch.train.kernels.residual cimport residual

cdef enum:
    ROWS = 1 << 16  # rows a chunk: fixed, so that the sum does not depend on the threads

CHUNK_ROWS = ROWS
PARALLEL_ELEMENTS = 1 << 20  # from about a millisecond of reading, threads pay their start


cdef void _chunk_sums(const floating[:, ::1] X, const floating[:] y, const floating[::1] w,
                      floating b, const floating[:] sw, bint weighted, int64_t first,
                      int64_t last, double[:, ::1] out, int kind, floating p) noexcept nogil:
    """`chunk_sums` without the GIL."""
    cdef int64_t n = X.shape[0], d = w.shape[0], c, lo, rows, k, i
    cdef double even, odd, weight
    cdef floating e0, e1
    cdef bint plain = kind == SQUARED and not weighted
    for c in range(first, last):
        lo, rows = c * ROWS, min(ROWS, n - c * ROWS)
        even, odd, weight = 0.0, 0.0, 0.0
        k = 0
        if plain:  # the squared loss unweighted: 2sρ(e) = (1·e)·e = e·e, the same bits
            while k + 1 < rows:
                i = lo + k
                e0 = residual(&X[i, 0], &w[0], d, b, y[i])
                e1 = residual(&X[i + 1, 0], &w[0], d, b, y[i + 1])
                even += <double>e0 * <double>e0
                odd += <double>e1 * <double>e1
                k += 2
        while k + 1 < rows:
            i = lo + k
            e0 = residual(&X[i, 0], &w[0], d, b, y[i])
            e1 = residual(&X[i + 1, 0], &w[0], d, b, y[i + 1])
            if weighted:
                even += twice_rho64(kind, <double>sw[i], e0, p)
                odd += twice_rho64(kind, <double>sw[i + 1], e1, p)
                weight += <double>sw[i] + <double>sw[i + 1]
            else:
                even += twice_rho64(kind, 1.0, e0, p)
                odd += twice_rho64(kind, 1.0, e1, p)
            k += 2
        if k < rows:
            i = lo + k
            e0 = residual(&X[i, 0], &w[0], d, b, y[i])
            if weighted:
                even += twice_rho64(kind, <double>sw[i], e0, p)
                weight += <double>sw[i]
            else:
                even += twice_rho64(kind, 1.0, e0, p)
        out[c, 0] = even + odd
        out[c, 1] = weight


def chunk_sums(const floating[:, ::1] X, const floating[:] y, const floating[::1] w,
               const floating[::1] b, const floating[:] sw, int64_t first, int64_t last,
               double[:, ::1] out, int kind=0, double p=0.0):
    """out[c] = (Σeᵢ², 0) or, with weights sw (n,), (Σsᵢeᵢ², Σsᵢ) over the rows of chunk c,
    c·CHUNK_ROWS to (c + 1)·CHUNK_ROWS, for c in first..last − 1, in float64; X (n, d), or
    (n, d + k) with the features first, C-contiguous; out (chunks, 2) float64. Two rows at a
    time, their squares in two sums added at the chunk's end (independent additions keep the
    core busy). `kind` is the loss's number (`epochs.KINDS`; 0 the squared loss) and p its
    parameter in the data's dtype: each row adds 2sᵢρ(eᵢ) in place of sᵢeᵢ². Releases the GIL."""
    cdef bint weighted = sw is not None
    cdef floating b0 = b[0], lp = <floating>p
    with nogil:
        _chunk_sums(X, y, w, b0, sw, weighted, first, last, out, kind, lp)


def threads():
    """The threads a loss may use: `resources.THREADS` where a run or a caller has set it (the
    run's threads, chosen once when it began: `resources.limited_threads`; sweep's workers:
    1); else the cores other work leaves idle (`resources.idle_cores`)."""

    if resources.THREADS:
        return resources.THREADS
    return max(1, resources.idle_cores())


def mean_loss(X, y, w, b, sw, kind=0, p=0.0, workers=None):
    """The mean of ½(xᵢ·w + b − yᵢ)² over all rows (X (n, d) or (n, d + k), y (n,), w (d,),
    b (1,)); with weights sw (n,), Σsᵢ½eᵢ² / Σsᵢ; with another loss's kernel parameter `p`
    (`Loss.kernel_parameter`), of its ρ(eᵢ). On
    `workers` threads (default `threads()`) when the data is large enough to pay for them;
    the value is the same on any number."""
    n = X.shape[0]
    chunks = -(-n // CHUNK_ROWS)
    out = np.zeros((chunks, 2))
    workers = workers or threads()
    if n * (w.shape[0] + 1) < PARALLEL_ELEMENTS:
        workers = 1
    workers = max(1, min(workers, chunks))
    bounds = [chunks * k // workers for k in range(workers + 1)]
    errors: list[BaseException] = []

    def part(k: int) -> None:
        try:
            chunk_sums(X, y, w, b, sw, bounds[k], bounds[k + 1], out, kind, p)
        except BaseException as error:  # raised again below, in the caller's thread
            errors.append(error)

    others = [threading.Thread(target=part, args=(k,)) for k in range(1, workers)]
    for thread in others:
        thread.start()
    part(0)
    for thread in others:
        thread.join()
    if errors:
        raise errors[0]
    total, weight = 0.0, 0.0
    for chunk_total, chunk_weight in out.tolist():  # in chunk order, in float64
        total += chunk_total
        weight += chunk_weight
    return 0.5 * total / (weight if sw is not None else n)
