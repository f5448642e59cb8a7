# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled kernels: the fused SGD epoch over numpy arrays (shuffles: `shuffles.pyx`).

Compiled with the package (`meson.build`), without fast-math and without contraction into
FMA, so that every operation happens in the order written here, on any CPU: the reference
kernels of the tests (`tests/kernel_reference`, numba) write the same order and are held equal
to these bit for bit. The residual's order is `residual.pxd`'s, the loss's pieces
`losses/kernels.pxd`'s.

Types: X, y, w, b, the open batch's gradient grad_w and a row's residual e and ψ(e) are in the
data's dtype (float32 or float64, one compiled version each: Cython's fused `floating`); the
batch's sums of dL/db, of the loss and of the weights are float64 (`acc`), and so are the
step's rate and scale. A parameter update w -= scale·grad_w is taken in float64 and rounded to
the dtype once.

Row weights `sw` (n,) or None: weighted, a row adds sᵢ·ψ(eᵢ) where it added ψ(eᵢ), and a step
divides by the batch's Σsᵢ (`model.gradients`).

A learning-rate schedule: the loop passes each epoch's rate as `lr`; under invscaling
`power` > 0 and the epoch's first step `t0` make step k's rate lr / (t0 + k)^power, computed
once a batch as lr·exp(−power·ln t) (half the time of a general `pow`).

Iterate averaging `avg` (d + 2,) float64 or None: given, every step adds its new iterate to the
sums [Σw₁ … Σw_d, Σb, steps].

Weight decay λ (`l2`): once a step, the batch's summed gradient gains size·λw (size: its rows,
or Σsᵢ) before the step, and the recorded mean loss (λ/2)‖w‖² at the w the step starts from.
"""

import numpy as np

from libc.math cimport exp, isfinite, log
from cython cimport floating
from libc.stdint cimport int64_t, uint64_t

from linscratch.losses.kernels cimport HUBER, SQUARED, psi, twice_rho
from linscratch.train.kernels.residual cimport prefetch, residual
from linscratch.train.kernels.shuffles cimport index_t, shuffle_range
from linscratch.train.kernels.shuffles import block_walk

# the losses' numbers in `losses/kernels.pxd`, by name (`Loss.name`)
KINDS = {
    "squared": SQUARED,
    "huber": HUBER,
    "epsilon_insensitive": 2,
    "squared_epsilon_insensitive": 3,
}


cdef struct Options:
    double lr
    int64_t batch_size
    bint fit_b
    bint nominal
    int64_t ahead
    int64_t every
    double power
    int64_t t0
    double l2
    int loss
    double p


cdef Options _options(opts) except *:
    """The C settings of a `KernelOptions` (the engine's named tuple, by position)."""
    cdef Options o
    (o.lr, o.batch_size, o.fit_b, o.nominal, o.ahead, o.every, o.power, o.t0, o.l2,
     o.loss, o.p) = opts
    return o


cdef struct Arrays:
    bint weighted
    bint averaged
    bint recording


cdef inline double _decay(floating[::1] w, floating[::1] grad_w, double l2,
                          double size) noexcept nogil:
    """Weight decay on a closing batch of `size` rows (Σsᵢ, weighted): grad_w += size·λw, the
    penalty's summed gradient; returns (λ/2)‖w‖², what the batch's recorded mean loss gains."""
    cdef double sq = 0.0
    cdef Py_ssize_t j
    for j in range(w.shape[0]):
        grad_w[j] = <floating>(<double>grad_w[j] + l2 * size * <double>w[j])
        sq = sq + <double>w[j] * <double>w[j]
    return 0.5 * l2 * sq


cdef inline bint _step(floating[::1] w, floating[::1] b, floating[::1] grad_w, double grad_b,
                       double loss, double size, int64_t step, Options* o, Arrays* a,
                       double[::1] step_loss, double[:, ::1] snaps,
                       double[::1] avg) noexcept nogil:
    """Close a batch of `size` rows (Σsᵢ, weighted): w -= rate/|B|·dL/dw, b -= rate/|B|·dL/db
    (b only if `fit_b`), |B| the batch's size, or the nominal batch size with `nominal` (the
    book's `sgd`); then average and record it. False, touching nothing, if the batch loss is
    not finite."""
    cdef double rate = o.lr, scale, pen = 0.0
    cdef Py_ssize_t j, d = w.shape[0], k
    if not isfinite(loss):
        return False
    if o.power != 0.0:  # invscaling: lr / t^power at step t of the run
        rate = o.lr * exp(-o.power * log(<double>(o.t0 + step)))
    scale = rate / (<double>o.batch_size if o.nominal else size)
    if o.l2 != 0.0:  # weight decay: once a step, outside the loop over rows
        pen = _decay(w, grad_w, o.l2, size)
    for j in range(d):
        w[j] = <floating>(<double>w[j] - scale * <double>grad_w[j])
        grad_w[j] = 0
    if o.fit_b:
        b[0] = <floating>(<double>b[0] - scale * grad_b)
    if a.averaged:
        for j in range(d):
            avg[j] += <double>w[j]
        avg[d] += <double>b[0]
        avg[d + 1] += 1
    if a.recording:
        step_loss[step - 1] = loss / (2.0 * size)
        if o.every > 0 and step % o.every == 0 and step // o.every <= snaps.shape[0]:
            k = step // o.every - 1
            for j in range(d):
                snaps[k, j] = <double>w[j]
            snaps[k, d] = <double>b[0]
        step_loss[step - 1] += pen
    return True


cdef int64_t _rows(const floating[:, ::1] X, const floating[:] y, const index_t[::1] rows,
                   floating[::1] w, floating[::1] b, Options* o, Arrays* a,
                   floating[::1] grad_w, double[::1] acc, int64_t[::1] ctr,
                   double[::1] step_loss, double[:, ::1] snaps, const floating[:] sw,
                   double[::1] avg) noexcept nogil:
    """`sgd_rows` without the GIL."""
    cdef Py_ssize_t d = w.shape[0], m = rows.shape[0], k, j, p
    cdef Py_ssize_t i, r
    cdef floating e, g, s, lp = <floating>o.p
    cdef double grad_b = acc[0], loss = acc[1], total = acc[2]
    cdef int64_t count = ctr[0], step = ctr[1]
    for k in range(m):
        if k + o.ahead < m:  # ask for a row `ahead` places on: the gather overlaps the work
            r = rows[k + o.ahead]
            for p in range(0, d, 16):  # one prefetch per 64-byte line of float32
                prefetch(&X[r, p])
            prefetch(&y[r])
        i = rows[k]
        e = residual(&X[i, 0], &w[0], d, b[0], y[i])
        g = psi(o.loss, e, lp)  # e itself for the squared loss
        if a.weighted:  # loss += sᵢ·2ρ(eᵢ), and sᵢψ(eᵢ) in the gradient
            s = sw[i]
            loss += <double>(s * twice_rho(o.loss, e, g, lp))
            g = g * s
            total += <double>s
        else:
            loss += <double>twice_rho(o.loss, e, g, lp)
        for j in range(d):
            grad_w[j] = grad_w[j] + g * X[i, j]
        grad_b += <double>g
        count += 1
        if count == o.batch_size:
            step += 1
            if not _step(w, b, grad_w, grad_b, loss, total if a.weighted else <double>count,
                         step, o, a, step_loss, snaps, avg):
                return step
            grad_b, loss, total, count = 0.0, 0.0, 0.0, 0
    acc[0], acc[1], acc[2] = grad_b, loss, total
    ctr[0], ctr[1] = count, step
    return 0


cdef Arrays _arrays(step_loss, sw, avg):
    cdef Arrays a
    a.weighted, a.averaged, a.recording = sw is not None, avg is not None, step_loss is not None
    return a


def sgd_rows(const floating[:, ::1] X, const floating[:] y, const index_t[::1] rows,
             floating[::1] w, floating[::1] b, opts, floating[::1] grad_w, double[::1] acc,
             int64_t[::1] ctr, double[::1] step_loss, double[:, ::1] snaps,
             const floating[:] sw, double[::1] avg):
    """Feed rows[0:m] into minibatch SGD, one row at a time (the fused loop of every epoch).

    Each row adds its residual's ψ(eᵢ) (eᵢ itself for the squared loss) to the batch's sums
    dL/dw += ψ(eᵢ)xᵢ, dL/db += ψ(eᵢ) and loss += 2ρ(eᵢ) (`model.gradients`); when
    `batch_size` rows are in, the step follows the batch's mean gradient. The open batch's sums
    live in grad_w (d,), acc [dL/db, loss, Σsᵢ] (float64) and ctr [rows in batch, steps taken]
    (int64), so that a batch can span calls. X (n, d) C-contiguous, or (n, d + k) with the
    features first; y (n,); rows (m,) int32 or int64; w (d,) and b (1,) updated in place; opts
    a `KernelOptions`; step_loss (steps,) and snaps (k, d + 1) float64, or None, record each
    batch's mean loss and the parameters every `every` steps; sw (n,) or None the rows'
    weights; avg the averaging sums or None. Returns 0, or the 1-based step whose batch loss
    was not finite (before updating with it).
    """
    cdef Options o = _options(opts)
    cdef Arrays a = _arrays(step_loss, sw, avg)
    cdef int64_t bad
    with nogil:
        bad = _rows(X, y, rows, w, b, &o, &a, grad_w, acc, ctr, step_loss, snaps, sw, avg)
    return bad


def finish_epoch(floating[::1] w, floating[::1] b, opts, floating[::1] grad_w,
                 double[::1] acc, int64_t[::1] ctr, double[::1] step_loss,
                 double[:, ::1] snaps, const floating[:] sw, double[::1] avg):
    """Take the step of a last, short batch, if any (divided by its Σsᵢ, weighted). Returns as
    `sgd_rows`."""
    cdef Options o = _options(opts)
    cdef Arrays a = _arrays(step_loss, sw, avg)
    cdef int64_t count = ctr[0], step = ctr[1] + 1
    if count == 0:
        return 0
    cdef double size = acc[2] if a.weighted else <double>count
    if not _step(w, b, grad_w, acc[0], acc[1], size, step, &o, &a, step_loss, snaps, avg):
        return step
    return 0


def sgd_epoch(const floating[:, ::1] X, const floating[:] y, const index_t[::1] order,
              floating[::1] w, floating[::1] b, opts, double[::1] step_loss,
              double[:, ::1] snaps, const floating[:] sw, double[::1] avg):
    """One epoch of minibatch SGD over the rows in `order` (n,), fused into one loop.

    X (n, d) C-contiguous (or (n, d + k), the features first), y (n,), w (d,) and b (1,)
    updated in place; opts a `KernelOptions`. step_loss (steps,) receives each batch's mean
    loss and snaps (k, d + 1) the parameters every `every` steps (None: record nothing). sw
    (n,) the rows' weights, or None; avg the averaging sums, or None. Returns 0, or the
    1-based step whose batch loss was not finite (the parameters as before that step).
    """
    grad_w = np.zeros_like(np.asarray(w))
    acc = np.zeros(3)
    ctr = np.zeros(2, dtype=np.int64)
    bad = sgd_rows(X, y, order, w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)
    return bad or finish_epoch(w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)


cdef int64_t _blocks(const floating[:, ::1] X, const floating[:] y, floating[::1] w,
                     floating[::1] b, Options* o, Arrays* a, double[::1] step_loss,
                     double[:, ::1] snaps, const int64_t[::1] blocks, uint64_t* state,
                     int64_t[::1] buffer, int64_t g0, int64_t g1, int64_t block_rows,
                     floating[::1] grad_w, double[::1] acc, int64_t[::1] ctr,
                     const floating[:] sw, double[::1] avg) noexcept nogil:
    """`sgd_blocks` without the GIL."""
    cdef int64_t n = X.shape[0], num_blocks = blocks.shape[0]
    cdef int64_t buffer_blocks = buffer.shape[0] // block_rows
    cdef int64_t g, k, r, lo, pos, bad
    cdef int64_t end = min(g1, num_blocks)
    g = g0
    while g < end:
        pos = 0
        for k in range(g, min(g + buffer_blocks, num_blocks)):
            lo = blocks[k] * block_rows
            for r in range(lo, min(lo + block_rows, n)):
                buffer[pos] = r
                pos += 1
        shuffle_range(&buffer[0], 0, pos, state)
        bad = _rows(X, y, buffer[:pos], w, b, o, a, grad_w, acc, ctr, step_loss, snaps, sw,
                    avg)
        if bad:
            return bad
        g += buffer_blocks
    return 0


def sgd_blocks(const floating[:, ::1] X, const floating[:] y, floating[::1] w,
               floating[::1] b, opts, double[::1] step_loss, double[:, ::1] snaps, walk,
               int64_t g0, int64_t g1, int64_t block_rows, sums, const floating[:] sw,
               double[::1] avg):
    """Feed blocks g0 to g1 (exclusive; g0 starts a run of blocks) of the walk (blocks,
    state, buffer: `shuffles.block_walk`) into SGD, each run's rows shuffled into the buffer,
    which stays in the cache; `sums` (grad_w, acc, ctr) carry the open batch. Returns as
    `sgd_rows`."""
    cdef Options o = _options(opts)
    cdef Arrays a = _arrays(step_loss, sw, avg)
    cdef const int64_t[::1] blocks = walk[0]
    cdef uint64_t[::1] state = walk[1]
    cdef int64_t[::1] buffer = walk[2]
    cdef floating[::1] grad_w = sums[0]
    cdef double[::1] acc = sums[1]
    cdef int64_t[::1] ctr = sums[2]
    cdef int64_t bad
    with nogil:
        bad = _blocks(X, y, w, b, &o, &a, step_loss, snaps, blocks, &state[0], buffer, g0, g1,
                      block_rows, grad_w, acc, ctr, sw, avg)
    return bad


def sgd_epoch_blocks(X, y, w, b, opts, step_loss, snaps, int64_t block_rows,
                     int64_t buffer_blocks, seed, sw, avg):
    """`sgd_epoch` over the order `shuffles.block_order(out, block_rows, buffer_blocks, seed)`
    would make, the same arithmetic in the same sequence, never written out (`sgd_blocks`)."""
    sums = (np.zeros_like(np.asarray(w)), np.zeros(3), np.zeros(2, dtype=np.int64))
    walk = block_walk(X.shape[0], block_rows, buffer_blocks, seed)
    bad = sgd_blocks(X, y, w, b, opts, step_loss, snaps, walk, 0, len(walk[0]), block_rows,
                     sums, sw, avg)
    return bad or finish_epoch(w, b, opts, *sums, step_loss, snaps, sw, avg)
