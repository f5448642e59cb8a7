"""The compiled kernels: the fused SGD epoch over numpy arrays, in numba (shuffles:
`kernels.shuffles`).

Compiled on first use and kept in numba's on-disk cache, so once per machine. Everything here
is plain loops; `fastmath` is limited to reassociation and contraction (so that sums vectorise
and multiply-adds fuse) and never assumes away NaN or infinity, which the divergence guard needs.

Row weights `sw` (n,) or None: every kernel takes them, and numba compiles the two cases apart
(a branch on `sw is None` is decided at compile time), so the unweighted loop is the same code
as without weights. Weighted, a row adds sᵢ·eᵢ where it added eᵢ, and a step divides by the
batch's Σsᵢ (`model.gradients`).

A learning-rate schedule: the loop passes each epoch's rate as `lr`; under invscaling
`power` > 0 and the epoch's first step `t0` make step k's rate lr / (t0 + k)^power, computed
once a batch, where the step is taken (a branch outside the loop over rows: the plain
constant-rate loop does the same work per row as before).

Iterate averaging `avg` (d + 2,) float64 or None, the same way: given, every step adds its new
iterate to the sums [Σw₁ … Σw_d, Σb, steps] (`_accumulate`); None compiles the plain loop.

Weight decay λ, `KernelOptions.l2`: a runtime branch once a step (`if l2 != 0.0`, outside the
loop over rows), so the plain loop's rows are the same code: the batch's summed gradient gains
Σsᵢ·λw (`_decay`, `model.gradients`) before the step.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from linscratch.train.kernels.losses import psi, twice_rho
from linscratch.train.kernels.prefetch import prefetch1, prefetch2
from linscratch.train.kernels.shuffles import block_walk, shuffle_range

FAST = {"reassoc", "contract"}


class KernelOptions(NamedTuple):
    """The settings of an SGD kernel call, by name (a named tuple: numba passes it as a tuple)."""

    lr: float
    batch_size: int
    fit_b: bool  # train b too
    nominal: bool  # divide a short batch by batch_size, as the book's sgd does
    ahead: int  # rows to prefetch ahead
    every: int  # record the parameters every this many steps (0: record nothing)
    power: float = 0.0  # invscaling: step t of the run takes lr / t^power (0: lr, constant)
    t0: int = 0  # the run's steps before this epoch: step k of the epoch is t = t0 + k
    l2: float = 0.0  # weight decay λ: the summed gradient of w gains (rows or Σsᵢ)·λw
    # the loss's kernel parameter (`Loss.kernel_parameter`), whose type picks the loss's
    # loop: None the squared loss, a float Huber's δ in the data's dtype (`kernels.losses`)
    loss_parameter: object = None


@njit(cache=True)
def _record(w, b, loss, count, step, every, step_loss, snaps):
    """Record a finished step: its batch's mean loss, and every `every` steps the parameters."""
    step_loss[step - 1] = loss / (2 * count)
    if every > 0 and step % every == 0 and step // every <= snaps.shape[0]:
        d = w.shape[0]
        for j in range(d):
            snaps[step // every - 1, j] = w[j]
        snaps[step // every - 1, d] = b[0]


@njit(cache=True)
def _accumulate(w, b, avg):
    """Add the iterate (w, b) to the averaging sums avg = [Σw₁ … Σw_d, Σb, steps] (float64)."""
    d = w.shape[0]
    for j in range(d):
        avg[j] += w[j]
    avg[d] += b[0]
    avg[d + 1] += 1


@njit(cache=True)
def _decayed(lr, power, t):
    """lr / t^power, as lr·exp(−power·ln t): half the time of a general `pow` (15 ns against
    30), which at batches of 10 rows is a fifth of a cached batch's work; within a few
    units in the last place of the quotient."""
    return lr * math.exp(-power * math.log(np.float64(t)))


@njit(cache=True, fastmath=FAST)
def _decay(w, grad_w, l2, size):
    """Weight decay on a closing batch of `size` rows (Σsᵢ, weighted): grad_w += size·λw, the
    penalty's summed gradient; returns (λ/2)‖w‖² (float64), what the batch's recorded mean
    loss gains (at the w the step starts from, as the torch engines record it)."""
    sq = 0.0
    for j in range(w.shape[0]):
        grad_w[j] += l2 * size * w[j]
        sq += np.float64(w[j]) * np.float64(w[j])
    return 0.5 * l2 * sq


@njit(cache=True, fastmath=FAST)
def _step(w, b, grad_w, grad_b, loss, count, step, opts, step_loss, snaps, avg):
    """Close a batch: w -= lr/|B| dL/dw, b -= lr/|B| dL/db (b only if `fit_b`), where |B| is
    the batch's own size, or the nominal batch size with `nominal` (the book's `sgd`); then
    record it unless step_loss is None (None compiles a version without any recording).
    Returns False, touching nothing, if the batch loss is not finite. `sgd_rows` writes the
    same lines out in its loop: calling this there costs a fifth of the epoch."""
    lr, batch_size, fit_b, nominal, _ahead, every, power, t0, l2, _lp = opts
    if not np.isfinite(loss):
        return False
    rate = lr
    if power != 0.0:  # invscaling: lr / t^power at step t of the run
        rate = _decayed(lr, power, t0 + step)
    pen = 0.0
    if l2 != 0.0:
        pen = _decay(w, grad_w, l2, count)
    scale = rate / (batch_size if nominal else count)
    for j in range(w.shape[0]):
        w[j] -= scale * grad_w[j]
        grad_w[j] = 0
    if fit_b:
        b[0] -= scale * grad_b
    if avg is not None:
        _accumulate(w, b, avg)
    if step_loss is not None:
        _record(w, b, loss, count, step, every, step_loss, snaps)
        step_loss[step - 1] += pen
    return True


@njit(cache=True, fastmath=FAST)
def sgd_rows(X, y, rows, w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg):
    """Feed rows[0:m] into minibatch SGD, one row at a time (the fused loop of every epoch).

    Each row adds its residual eᵢ = xᵢ·w + b − yᵢ to the batch's sums dL/dw += eᵢxᵢ,
    dL/db += eᵢ and loss += eᵢ² (`model.gradients`; another loss's: ψ(eᵢ) for eᵢ and 2ρ(eᵢ)
    for eᵢ², `kernels.losses`, compiled apart); when `batch_size` rows are in, `_step`
    follows the batch's mean gradient. The open batch's sums live in grad_w (d,), acc
    [dL/db, loss, Σsᵢ] and ctr [rows in batch, steps taken], so that a batch can span calls. The
    row `ahead` places on is prefetched. Returns 0, or the 1-based step whose batch loss was
    not finite (before updating with it).
    """
    lr, batch_size, fit_b, nominal, ahead, every, power, t0, l2, lp = opts
    d = w.shape[0]  # X may carry more columns after the features (a file's target)
    m = rows.shape[0]
    grad_b, loss, total = acc[0], acc[1], acc[2]
    count, step = ctr[0], ctr[1]
    for k in range(m):
        if k + ahead < m:
            r = rows[k + ahead]
            for p in range(0, d, 16):  # one prefetch per 64-byte line of float32
                prefetch2(X, r, p)
            prefetch1(y, r)
        i = rows[k]
        e = b[0] - y[i]
        for j in range(d):
            e += X[i, j] * w[j]
        g = psi(e, lp)  # e itself for the squared loss
        if sw is not None:  # weighted: loss += sᵢeᵢ², and sᵢeᵢ in the gradient
            loss += sw[i] * twice_rho(e, g, lp)
            g *= sw[i]
            total += sw[i]
        else:
            loss += twice_rho(e, g, lp)
        for j in range(d):
            grad_w[j] += g * X[i, j]
        grad_b += g
        count += 1
        if count == batch_size:
            step += 1
            if not np.isfinite(loss):
                return step
            rate = lr
            if power != 0.0:  # invscaling: lr / t^power at step t of the run
                rate = _decayed(lr, power, t0 + step)
            scale = rate / (batch_size if nominal else count)
            size = count
            if sw is not None:  # the weighted mean (the planner keeps `nominal` off)
                scale, size = rate / total, total
            pen = 0.0
            if l2 != 0.0:  # weight decay: once a step, outside the loop over rows
                pen = _decay(w, grad_w, l2, size)
            for j in range(d):
                w[j] -= scale * grad_w[j]
                grad_w[j] = 0
            if fit_b:
                b[0] -= scale * grad_b
            if avg is not None:
                _accumulate(w, b, avg)
            if step_loss is not None:
                _record(w, b, loss, size, step, every, step_loss, snaps)
                step_loss[step - 1] += pen
            grad_b, loss, total, count = 0 * grad_b, 0 * loss, 0 * total, 0
    acc[0], acc[1], acc[2] = grad_b, loss, total
    ctr[0], ctr[1] = count, step
    return 0


@njit(cache=True, fastmath=FAST)
def finish_epoch(w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg):
    """Take the step of a last, short batch, if any (divided by its Σsᵢ, weighted). Returns as
    sgd_rows."""
    count, step = ctr[0], ctr[1] + 1
    if count == 0:
        return 0
    size = count
    if sw is not None:
        size = acc[2]
    if not _step(w, b, grad_w, acc[0], acc[1], size, step, opts, step_loss, snaps, avg):
        return step
    return 0


@njit(cache=True, fastmath=FAST)
def sgd_epoch(X, y, order, w, b, opts, step_loss, snaps, sw, avg):
    """One epoch of minibatch SGD over the rows in `order` (n,), fused into one loop.

    X (n, d) C-contiguous (or (n, d + k), the features first), y (n,), w (d,) and b (1,)
    updated in place; opts a `KernelOptions`. step_loss (steps,) receives each batch's mean
    loss and snaps (k, d + 1) the parameters every `every` steps; give empty arrays to record
    nothing. sw (n,) the rows' weights, or None; avg the averaging sums, or None. Returns 0,
    or the 1-based step whose batch loss was not finite (the parameters as before that step).
    """
    grad_w = np.zeros_like(w)
    acc = np.zeros(3, dtype=w.dtype)
    ctr = np.zeros(2, dtype=np.int64)
    bad = sgd_rows(X, y, order, w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)
    return bad or finish_epoch(w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)


@njit(cache=True, fastmath=FAST)
def sgd_blocks(X, y, w, b, opts, step_loss, snaps, walk, g0, g1, block_rows, sums, sw, avg):
    """Feed blocks g0 to g1 (exclusive; g0 starts a run of blocks) of the walk (blocks,
    state, buffer) into SGD, each run's rows shuffled into the buffer, which stays in the
    cache; `sums` (grad_w, acc, ctr) carry the open batch. Returns as `sgd_rows`."""
    (blocks, state, buffer), (grad_w, acc, ctr) = walk, sums
    n, num_blocks, buffer_blocks = X.shape[0], blocks.shape[0], buffer.shape[0] // block_rows
    for g in range(g0, min(g1, num_blocks), buffer_blocks):
        pos = 0
        for k in range(g, min(g + buffer_blocks, num_blocks)):
            lo = blocks[k] * block_rows
            for r in range(lo, min(lo + block_rows, n)):
                buffer[pos] = r
                pos += 1
        shuffle_range(buffer, 0, pos, state)
        rows = buffer[:pos]
        bad = sgd_rows(X, y, rows, w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)
        if bad:
            return bad
    return 0


@njit(cache=True, fastmath=FAST)
def sgd_epoch_blocks(X, y, w, b, opts, step_loss, snaps, block_rows, buffer_blocks, seed, sw, avg):
    """`sgd_epoch` over the order `block_order(out, block_rows, buffer_blocks, seed)` would
    make, the same arithmetic in the same sequence, never written out (`sgd_blocks`)."""
    sums = (np.zeros_like(w), np.zeros(3, dtype=w.dtype), np.zeros(2, dtype=np.int64))
    walk = block_walk(X.shape[0], block_rows, buffer_blocks, seed)
    last = len(walk[0])
    args = (walk, 0, last, block_rows, sums, sw, avg)
    bad = sgd_blocks(X, y, w, b, opts, step_loss, snaps, *args)
    return bad or finish_epoch(w, b, opts, *sums, step_loss, snaps, sw, avg)
