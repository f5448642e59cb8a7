"""The training rows reduced, in one streaming pass, to the R factor of [X 1 y]: everything
the report needs after training, with no further pass over the data.

With A = [X 1] (or X, through the origin) and R̃ = [[R, z], [0, ρ]] the R factor of [A y]
(each row scaled by √sᵢ with weights), ‖Aθ − y‖² = ‖Rθ − z‖² + ρ² for every θ: the loss of
any (w, b), the exact answer (Rθ = z), its standard errors, R² (the total sum of squares is
the residual of y on the ones column alone, a 2-column QR of R̃'s columns) and the curvature
AᵀA/n = RᵀR/n of the stability limit all come from the (k, k) matrix R̃, k = d + 2.

Two ways to R̃, chosen per run (measured in docs/architecture.md):
- the normal equations, streamed: G = Σ BᵀB over blocks B of rows converted to float64 in one
  reused buffer (a BLAS syrk, about n·k² flops: the cost of reading the data, near), or for
  narrow rows (d ≤ FUSED_WIDTH) summed by a compiled kernel straight from the rows in their
  own dtype (`kernels.gram_chunks`: no buffer, about the time of one plain read), then the
  Cholesky factor of G. Their error is about ε·κ², κ the condition number of [A y] with
  unit columns, so they are kept only when ε·κ² ≤ 1e-7 (and the Cholesky factor exists); the
  columns are shifted by the first rows' means first (with an intercept), which removes the
  cancellation a large mean would cause (A = [X − 1cᵀ, 1] has the same answer, w unchanged).
- Householder QR (LAPACK) of [R̃ so far; next block], blocks of a few thousand rows: backward
  stable whatever the conditioning, about 2·n·k² flops at a lower rate (6-8x the time of
  the normal equations on this machine). Small problems (n·k² ≤ 2²⁷) go this way directly,
  and so does every problem the normal equations refuse, with a second pass.

A thread's buffer holds at most 16 MiB of rows (the QR's at most 32 MiB), whatever d: memory
beyond O(k²) stays bounded. Wide rows' blocks are shared among the run's threads, one a thread
on a one-thread BLAS, their products added in block order (`BlockGram`): the same R̃ on any
number of threads. Under torchrun each process reduces its own share of the rows and the
factors are combined by a QR of the stacked R̃'s (`combine`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linscratch.interrupts import on_main
from linscratch.resources import READ_AHEAD, ReadAhead, one_blas_thread, pass_threads

EPS = float(np.finfo(np.float64).eps)
GRAM_LIMIT = 1e-7  # ε·κ² the normal equations may reach, κ of [A y] with unit columns
SMALL = 1 << 27  # n·k² below which QR goes first: a few tens of milliseconds
GRAM_BYTES = 16 << 20  # the float64 buffer of the normal equations (at most, a thread)
BLOCK_BYTES = 4 << 20  # the BLAS path's block, where its rows are many more than its width
# The BLAS path's blocks in flight at most: each holds a (k, k) product and a buffer, and
# `resources.run_bytes` counts ten (k, k) factors for the exact answer (G and these among them)
BLOCK_THREADS = 4
QR_BYTES = 32 << 20  # the QR's buffer
# The widest d whose normal equations the fused kernel (`kernels.gram_chunks`) sums, straight
# from the rows; wider rows go to BLAS in float64 blocks. Measured on one thread of an AMD
# EPYC (benchmarks/RESULTS.md): the kernel takes 0.66-0.85x syrk's time at d = 16-32 and
# 1.06x, 1.2x, 1.3-1.5x at d = 40, 48, 64.
FUSED_WIDTH = 32
FLOATS = (np.dtype(np.float32), np.dtype(np.float64))  # the dtypes the kernel reads as they are


@dataclass(frozen=True)
class Reduced:
    """The R factor of the rows [x 1 y] (or [x y]): R (k, k) upper triangular, of the rows in
    the data's own units (their shift undone); n rows; weight = Σsᵢ (n without weights);
    intercept; method, "normal" or "qr" (how it was computed)."""

    R: np.ndarray
    n: int
    weight: float
    intercept: bool = True
    method: str = "qr"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def p(self) -> int:
        """The parameters: d + 1 with the intercept, d without."""
        return self.R.shape[0] - 1

    def loss(self, w, b: float = 0.0) -> float:
        """The (weighted) mean of ½(xᵢ·w + b − yᵢ)²: (‖Rθ − z‖² + ρ²) / 2Σsᵢ."""
        theta = np.r_[np.asarray(w, np.float64), b] if self.intercept else np.asarray(w)
        p = self.p
        e = self.R[:p, :p] @ theta - self.R[:p, p]
        return float(e @ e + self.R[p, p] ** 2) / (2 * self.weight)

    def total(self, centered: bool = True) -> float:
        """Σsᵢ(yᵢ − ȳ_s)² (the residual of y on the ones column), or Σsᵢyᵢ² not `centered`."""
        y = self.R[:, -1]
        if not centered:
            return float(y @ y)
        if "tss" not in self._cache:
            r = np.linalg.qr(self.R[:, [self.p - 1, self.p]], mode="r")
            self._cache["tss"] = float(r[1, 1] ** 2) if r.shape[0] > 1 else 0.0
        return self._cache["tss"]

    def r2(self, w, b: float = 0.0, centered: bool = True) -> float | None:
        """1 − RSS/TSS of (w, b) on the reduced rows (uncentered, not `centered`)."""
        tss = self.total(centered)
        return 1 - 2 * self.weight * self.loss(w, b) / tss if tss > 0 else None

    def hessian(self, scaler=None) -> np.ndarray:
        """AᵀSA/Σsᵢ (p, p), the curvature of the mean loss; of the standardized rows with a
        `rows.Standardizer` (A·N, N the change of units, `_units`)."""
        p = self.p
        B = self.R[:p, :p]
        if scaler is not None:
            B = B @ self._units(scaler)[:p, :p]
        return B.T @ B / self.weight

    def standardized(self, scaler) -> Reduced:
        """The rows in the units of a `rows.Standardizer`, reduced, with no pass over them:
        [X 1 y]·M is [(X − 1μᵀ)/σ 1 (y − ȳ)/σ_y], so its R factor is that of R·M."""
        R = np.linalg.qr(self.R @ self._units(scaler), mode="r")
        return Reduced(R, self.n, self.weight, self.intercept, self.method)

    def _units(self, scaler) -> np.ndarray:
        """M (k, k): the columns [X 1 y] (or [X y]) to the standardized ones."""
        k, d = self.R.shape[0], self.p - self.intercept
        M = np.eye(k)
        M[:d, :d] = np.diag(1 / scaler.std)
        M[k - 1, k - 1] = 1 / scaler.y_std
        if self.intercept:
            M[d, :d] = -scaler.mean / scaler.std
            M[d, k - 1] = -scaler.y_mean / scaler.y_std
        return M


def row_means(X, y, intercept: bool) -> tuple[np.ndarray, float]:
    """The means of the first rows (at most 1024), to shift the columns by; zeros without
    the intercept (which would have to absorb the shift)."""
    d = np.shape(X)[1]
    if not intercept:
        return np.zeros(d), 0.0
    return np.asarray(X[:1024], np.float64).mean(0), float(np.asarray(y[:1024], np.float64).mean())


def _fill(buf, X, y, weights, start, stop, c, cy, intercept) -> np.ndarray:
    """buf[:m] = [X − c, 1, y − cy]·√s for the rows start:stop, in place: no other copy."""
    m, d = stop - start, np.shape(X)[1]
    b = buf[:m]
    b[:, :d] = X[start:stop]
    if intercept:
        b[:, d] = 1.0
    b[:, -1] = np.asarray(y[start:stop]).reshape(-1)
    if intercept and (cy != 0 or np.any(c)):
        b -= np.r_[c, 0.0, cy]  # one pass over the block
    if weights is not None:
        b *= np.sqrt(np.asarray(weights[start:stop], np.float64))[:, None]
    return b


def _unshift(R: np.ndarray, c, cy, intercept: bool) -> np.ndarray:
    """R of [X 1 y] from R of [X − 1cᵀ, 1, y − cy]: [X 1 y] = [X − 1cᵀ, 1, y − cy]·M."""
    if not intercept or (not np.any(c) and cy == 0):
        return R
    k = R.shape[0]
    M = np.eye(k)
    M[k - 2, : k - 2] = c
    M[k - 2, k - 1] = cy
    return np.linalg.qr(R @ M, mode="r")


def _square(R: np.ndarray) -> np.ndarray:
    """A QR's R padded with zero rows to square (k, k) when there were fewer rows than k."""
    k = R.shape[1]
    return R if R.shape[0] >= k else np.vstack([R, np.zeros((k - R.shape[0], k))])


def qr_pass(X, y, intercept=True, weights=None, lo=0, hi=None) -> np.ndarray:
    """R of [X 1 y]·√s over the rows lo:hi, by Householder QR of [R so far; next block]."""
    n, d = np.shape(X)
    hi = n if hi is None else hi
    k = d + 1 + intercept
    rows = max(k, min(4096, QR_BYTES // (8 * k) - k))
    buf = np.zeros((k + rows, k), order="F")  # R so far, then the block
    zero, R = np.zeros(d), None
    pages = ReadAhead(X, y, weights)  # a memory-mapped file read ahead, block by block
    pages.ahead(lo, min(lo + rows, hi))
    for start in range(lo, hi, rows):
        stop = min(start + rows, hi)
        pages.ahead(stop, min(stop + READ_AHEAD * rows, hi))
        _fill(buf[k:], X, y, weights, start, stop, zero, 0.0, intercept)
        if R is None:  # the first block alone (the book's rows: one block, as ever)
            R = _square(np.linalg.qr(buf[k : k + stop - start], mode="r"))
        else:
            buf[:k] = R
            R = np.linalg.qr(buf[: k + stop - start], mode="r")
    return np.zeros((k, k)) if R is None else R


def gram_pass(X, y, intercept=True, weights=None, lo=0, hi=None) -> np.ndarray | None:
    """R of [X 1 y]·√s over the rows lo:hi by the normal equations of the shifted rows, or
    None where they are not safe (ε·κ² > GRAM_LIMIT, or no Cholesky factor)."""
    n, d = np.shape(X)
    hi = n if hi is None else hi
    k = d + 1 + intercept
    c, cy = row_means(X, y, intercept)
    rows = max(256, GRAM_BYTES // (8 * k))
    G = np.zeros((k, k))
    pages = ReadAhead(X, y, weights)  # a memory-mapped file read ahead, block by block
    pages.ahead(lo, min(lo + rows, hi))
    fused = fused_rows(X, y, weights) if d <= FUSED_WIDTH else None
    if fused is not None:
        with FusedGram(fused, c, cy, intercept, k, rows) as gram:
            for start in range(lo, hi, rows):
                pages.ahead(start + rows, min(start + (1 + READ_AHEAD) * rows, hi))
                gram.add(start, min(start + rows, hi), G)
    else:
        rows = block_rows(k)
        with BlockGram(X, y, weights, c, cy, intercept, k, rows) as gram:
            for first in range(lo, hi, rows * gram.threads):
                last = min(first + rows * gram.threads, hi)
                pages.ahead(last, min(last + READ_AHEAD * rows, hi))
                gram.add(first, last, G)
    safe = safe_cholesky(G)
    if safe is None:
        return None
    L, norms = safe
    return _unshift(L.T * norms, c, cy, intercept)


class FusedGram:
    """The fused kernel's sums (`kernels.gram_chunks`) of blocks of rows, their chunks shared
    among `threads` threads (default `resources.pass_threads`: a pool kept for the pass, the
    caller's thread one of them) and added to G in chunk order: the same G on any number.
    `rows` (X, y, weights) as `fused_rows` gives them; c, cy the shift; `ones` the column of
    ones; k the width of G; `block` the most rows a call adds."""

    def __init__(self, rows, c, cy, ones: bool, k: int, block: int, threads=None):
        from linscratch.exact.kernels import CHUNK  # start-up: only for this pass

        self.rows, self.shift, self.ones = rows, (c, cy), ones
        self.out = np.zeros((-(-block // CHUNK), k, k))  # a block's chunk sums
        self.threads = max(1, min(threads or pass_threads(), len(self.out)))
        self.pool = None
        if self.threads > 1:
            from concurrent.futures import ThreadPoolExecutor  # start-up: threads only here

            self.pool = ThreadPoolExecutor(self.threads - 1)

    def __enter__(self) -> FusedGram:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def add(self, lo: int, hi: int, G: np.ndarray) -> None:
        """G += Σ aᵢaᵢᵀ over the rows lo:hi (at most `block`), chunk by chunk in order."""
        from linscratch.exact.kernels import CHUNK, gram_chunks  # start-up: as above

        chunks = -(-(hi - lo) // CHUNK)
        bounds = [chunks * t // self.threads for t in range(self.threads + 1)]
        (c, cy), out = self.shift, self.out

        def part(t: int) -> None:
            gram_chunks(*self.rows, lo, hi, c, cy, self.ones, out, bounds[t], bounds[t + 1])

        others = [] if self.pool is None else [
            self.pool.submit(part, t) for t in range(1, self.threads)
        ]  # fmt: skip
        part(0)
        for other in others:
            other.result()  # its error, if any, raised here
        for q in range(chunks):
            G += out[q]


def block_rows(k: int) -> int:
    """The rows of a block of the BLAS path for rows of width k: BLOCK_BYTES of them, and at
    least 2k where GRAM_BYTES allows (each block's (k, k) product is added to G: for wide
    rows, the fewer the better). Measured on 2 threads of an AMD EPYC, float32 rows, medians
    of 3-4: at d = 100 (2e6 rows) 4 MiB blocks took 0.43 s where 16 MiB took 0.52 s; at
    d = 1,000 (1e5 rows) the 16 MiB of 2k rows 1.17 s, 4 MiB 1.30 s; at d = 40 and 300 the
    size made no difference."""
    return max(256, BLOCK_BYTES // (8 * k), min(2 * k, GRAM_BYTES // (8 * k)))


class BlockGram:
    """The BLAS path's sums: G += BᵀB over blocks B of `rows` rows of [X − c, 1, y − cy]·√s
    in float64 (numpy calls syrk for this form), `threads` blocks at a time, one a thread
    (default `resources.pass_threads`, at most BLOCK_THREADS), each thread with its own
    buffer and BLAS on one thread inside the pass (`resources.one_blas_thread`, set on the
    main thread: `interrupts.on_main`); the blocks' products added to G in block
    order: the same G on any number of threads (a BLAS on several threads sums a product in
    another order). Float rows are converted by the compiled kernel in one pass
    (`kernels.fill_rows`), others by numpy (`_fill`). X (n, d), y (n,), weights (n,) or
    None; c, cy the shift; `ones` the column of ones; k the width of G."""

    def __init__(self, X, y, weights, c, cy, ones: bool, k: int, rows: int, threads=None):
        self.data, self.fused = (X, y, weights), fused_rows(X, y, weights)
        self.shift, self.ones, self.rows = (np.asarray(c, np.float64), float(cy)), ones, rows
        self.threads = max(1, min(threads or pass_threads(), BLOCK_THREADS))
        self.buffers = [np.empty((rows, k)) for _ in range(self.threads)]
        self.pool, self.blas = None, one_blas_thread()

    def __enter__(self) -> BlockGram:
        on_main(self.blas.__enter__)  # the BLAS pools are the main thread's to set
        if self.threads > 1:
            from concurrent.futures import ThreadPoolExecutor  # start-up: threads only here

            self.pool = ThreadPoolExecutor(self.threads - 1)
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown()
        on_main(self.blas.__exit__, *exc)

    def _product(self, t: int, start: int, stop: int) -> np.ndarray:
        """BᵀB (k, k) of the rows start:stop, filled into thread t's buffer."""
        (c, cy), buf = self.shift, self.buffers[t]
        if self.fused is None:
            b = _fill(buf, *self.data, start, stop, c, cy, self.ones)
        else:
            from linscratch.exact.kernels import fill_rows  # start-up: only for this pass

            fill_rows(*self.fused, start, stop, c, cy, self.ones, buf)
            b = buf[: stop - start]
        return b.T @ b  # a symmetric rank-m update (numpy calls syrk for this form)

    def add(self, lo: int, hi: int, G: np.ndarray) -> None:
        """G += BᵀB over the blocks of the rows lo:hi (at most `threads` blocks), in order."""
        starts = list(range(lo, hi, self.rows))
        others = [] if self.pool is None else [
            self.pool.submit(self._product, t, s, min(s + self.rows, hi))
            for t, s in enumerate(starts[1:], 1)
        ]  # fmt: skip
        G += self._product(0, starts[0], min(starts[0] + self.rows, hi))
        for other in others:
            G += other.result()  # its error, if any, raised here


def fused_rows(X, y, weights) -> tuple | None:
    """X (n, d), y (n,) and the weights (n,) or None as the arrays the fused kernel reads
    (`kernels.gram_chunks`: views, no copy; a memory map's pages as they are), or None where
    it cannot: not numpy arrays of float32 or float64 (a tensor, integers), which the BLAS
    path converts."""
    parts = [X, y] if weights is None else [X, y, weights]
    if not all(isinstance(a, np.ndarray) and a.dtype in FLOATS for a in parts):
        return None
    X, y = np.asarray(X), np.asarray(y)  # a memory map as a plain view of its pages
    n = len(X)
    if X.ndim != 2 or y.shape not in ((n,), (n, 1)):
        return None
    if weights is not None and np.shape(weights) != (n,):
        return None
    return X, y.reshape(n), None if weights is None else np.asarray(weights)


def safe_cholesky(G: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The Cholesky factor L of G (k, k) with its columns scaled to unit norm, G/(ννᵀ) = LLᵀ
    with ν = √diag G, and ν; None where the normal equations are not safe: a column of zeros,
    no factor, or ε·κ² > GRAM_LIMIT (κ: L's condition number, the rows' with unit columns)."""
    norms = np.sqrt(np.diag(G))
    if not np.all(norms > 0):
        return None
    try:
        L = np.linalg.cholesky(G / np.outer(norms, norms))
    except np.linalg.LinAlgError:
        return None
    s = np.linalg.svd(L, compute_uv=False)
    if s[-1] <= 0 or EPS * (s[0] / s[-1]) ** 2 > GRAM_LIMIT:
        return None
    return L, norms


def reduce_rows(X, y, intercept=True, weights=None, method="auto", lo=0, hi=None) -> Reduced:
    """The rows lo:hi of X (n, d), y (n,) (weights (n,)) reduced to their `Reduced`; method
    "auto" (the normal equations where safe and worth it, else QR), "normal" or "qr"."""
    n, d = np.shape(X)
    hi = n if hi is None else hi
    k = d + 1 + intercept
    weight = float(hi - lo)
    if weights is not None:
        weight = float(np.sum(np.asarray(weights[lo:hi], np.float64)))
    R = None
    if method == "normal" or (method == "auto" and (hi - lo) * k * k > SMALL):
        R = gram_pass(X, y, intercept, weights, lo, hi)
    if R is not None:
        return Reduced(R, hi - lo, weight, intercept, "normal")
    return Reduced(qr_pass(X, y, intercept, weights, lo, hi), hi - lo, weight, intercept, "qr")


def combine(parts: list[Reduced]) -> Reduced:
    """The R factor of all the rows from those of their parts: a QR of the stacked factors."""
    R = _square(np.linalg.qr(np.vstack([part.R for part in parts]), mode="r"))
    first = parts[0]
    method = "normal" if all(part.method == "normal" for part in parts) else "qr"
    n, weight = sum(part.n for part in parts), sum(part.weight for part in parts)
    return Reduced(R, n, weight, first.intercept, method)
