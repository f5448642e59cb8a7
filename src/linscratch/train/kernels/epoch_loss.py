"""The numba engine's loss over all rows (the loss printed after each epoch): one pass at the
speed of reading the data, on several cores where that pays, with a value that does not
depend on how many.

The rows are cut into chunks of CHUNK_ROWS, a fixed size (never derived from the number of
threads or cores); each chunk's Σeᵢ² (Σsᵢeᵢ² and Σsᵢ with row weights) is summed in float64
by one compiled call in a fixed order (even and odd rows in two sums, added at the chunk's
end), and the chunks' sums are then added in chunk order. Which thread sums which chunk
changes nothing, so the loss is the same bit for bit on one core or many. The threads are
Python threads calling a `nogil` kernel and joined before returning: no threading layer
(numba's OpenMP layer ends a forked child; `sweep` forks), nothing left running between
calls; no more threads than the cores other work leaves idle. Each residual
eᵢ = xᵢ·w + b − yᵢ is computed in the data's dtype by the same loop over the features as the
SGD kernels' (`kernels.epochs.sgd_rows`), then squared in float64 (another loss's 2ρ(eᵢ) in
place of eᵢ², `kernels.losses.twice_rho64`, given its kernel parameter).
"""

from __future__ import annotations

import threading

import numpy as np
from numba import njit
from numba.core import config

from linscratch import resources
from linscratch.train.kernels.epochs import FAST
from linscratch.train.kernels.losses import twice_rho64

CHUNK_ROWS = 1 << 16  # rows a chunk: fixed, so that the sum does not depend on the threads
PARALLEL_ELEMENTS = 1 << 20  # from about a millisecond of reading, threads pay their start


@njit(cache=True, nogil=True, fastmath=FAST)
def _square(sw, i, e, p):
    """2sᵢρ(eᵢ) in float64 of the loss whose kernel parameter is p (`kernels.losses`): sᵢeᵢ²
    for the squared loss (p None), eᵢ² without weights (sᵢ = 1.0, decided when it compiles)."""
    if sw is None:
        return twice_rho64(1.0, e, p)
    return twice_rho64(np.float64(sw[i]), e, p)


@njit(cache=True, nogil=True, fastmath=FAST)
def chunk_sums(X, y, w, b, sw, first, last, out, p):
    """out[c] = (Σeᵢ², 0) or, with weights sw (n,), (Σsᵢeᵢ², Σsᵢ) over the rows of chunk c,
    c·CHUNK_ROWS to (c + 1)·CHUNK_ROWS, for c in first..last − 1, in float64; X (n, d), or
    (n, d + k) with the features first; out (chunks, 2) float64. Two rows at a time, their
    squares in two sums added at the chunk's end (independent additions keep the core busy);
    unsigned row numbers (no check for negative indices in the loop). p is the loss's kernel
    parameter (`Loss.kernel_parameter`: None for the squared loss)."""
    n, d = X.shape[0], w.shape[0]
    one, two = np.uint64(1), np.uint64(2)
    for c in range(first, last):
        lo, rows = np.uint64(c * CHUNK_ROWS), np.uint64(min(CHUNK_ROWS, n - c * CHUNK_ROWS))
        even, odd, weight = 0.0, 0.0, 0.0
        k = np.uint64(0)
        while k + one < rows:
            i = lo + k
            e0, e1 = b[0] - y[i], b[0] - y[i + one]
            for j in range(d):
                e0 += X[i, j] * w[j]
                e1 += X[i + one, j] * w[j]
            even += _square(sw, i, e0, p)
            odd += _square(sw, i + one, e1, p)
            if sw is not None:
                weight += np.float64(sw[i]) + np.float64(sw[i + one])
            k += two
        if k < rows:
            i = lo + k
            e0 = b[0] - y[i]
            for j in range(d):
                e0 += X[i, j] * w[j]
            even += _square(sw, i, e0, p)
            if sw is not None:
                weight += np.float64(sw[i])
        out[c, 0] = even + odd
        out[c, 1] = weight


def threads() -> int:
    """The threads a loss may use: `resources.THREADS` where a run or a caller has set it (the
    run's threads, chosen once when it began: `resources.limited_threads`; sweep's workers:
    1); else numba's NUMBA_NUM_THREADS (the cores, or what the user set), no more than the
    cores other work leaves idle (`resources.idle_cores`)."""

    if resources.THREADS:
        return resources.THREADS
    return max(1, min(config.NUMBA_NUM_THREADS, resources.idle_cores()))


def mean_loss(X, y, w, b, sw, p=None, workers: int | None = None) -> float:
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
            chunk_sums(X, y, w, b, sw, bounds[k], bounds[k + 1], out, p)
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
