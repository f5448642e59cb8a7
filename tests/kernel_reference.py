"""The reference of the compiled kernels: the same loops in numba, another compiler (LLVM),
held equal to them bit for bit (`tests/test_kernels.py`).

The package's kernels are Cython compiled with it (`train/kernels/*.pyx`, `exact/kernels.pyx`);
before they were, these numba loops were the kernels. The tests keep them, with the operation
order and the types written out as the compiled kernels write them (no fast-math, which would
let LLVM reorder the sums by the CPU's vector width; no contraction into FMA; the residual's
lanes of `residual.pxd`; the open batch's sums in float64), so that the two must agree to the
last bit on every variant: float32 and float64, weights or none, averaging or none, recording
or none, each loss, weight decay, invscaling, the nominal batch, int32 and int64 orders, the
block walk. A difference is a bug in one of them. Prefetching changes no number and is left
out here.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

SQUARED, HUBER, EPSILON_INSENSITIVE, SQUARED_EPSILON_INSENSITIVE = 0, 1, 2, 3
LANES = 8
CHUNK_ROWS = 1 << 16
GRAM_CHUNK = 1 << 12

# the losses' pieces (`losses/kernels.pxd`), in the data's dtype but for twice_rho64


@njit(cache=True)
def psi(kind, e, p):
    if kind == SQUARED:
        return e
    if kind == HUBER:
        if e > p:
            return p
        if e < -p:
            return -p
        return e
    if kind == EPSILON_INSENSITIVE:
        if abs(e) > p:
            return np.sign(e)
        return e - e
    if e > p:
        a = e - p
        return a + a
    if e < -p:
        a = e + p
        return a + a
    return e - e


@njit(cache=True)
def twice_rho(kind, e, g, p):
    if kind == SQUARED:
        return e * e
    if kind == HUBER:
        return g * ((e + e) - g)
    a = abs(e) - p
    if kind == EPSILON_INSENSITIVE:
        if a > 0:
            return a + a
        return a - a
    if a > 0:
        return (a + a) * a
    return a - a


@njit(cache=True)
def twice_rho64(kind, s, e, p):
    x, q = np.float64(e), np.float64(p)
    if kind == SQUARED:
        return s * x * x
    if kind == HUBER:
        a = abs(x)
        if a <= q:
            return 2.0 * (s * (0.5 * x * x))
        return 2.0 * (s * (q * (a - 0.5 * q)))
    a = abs(x) - q
    if kind == EPSILON_INSENSITIVE:
        if a > 0:
            return 2.0 * (s * a)
        return s * (a - a)
    if a > 0:
        return 2.0 * (s * (a * a))
    return s * (a - a)


@njit(cache=True)
def residual(X, i, w, b0, yi, lanes):
    """xᵢ·w + b − yᵢ in `residual.pxd`'s order; lanes (LANES,) scratch in the dtype."""
    d = w.shape[0]
    e = b0 - yi
    whole = d - d % LANES
    if whole:
        for k in range(LANES):
            lanes[k] = 0
        for j in range(0, whole, LANES):
            for k in range(LANES):
                lanes[k] = lanes[k] + X[i, j + k] * w[j + k]
        s = lanes
        e = e + (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])))
    for j in range(whole, d):
        e = e + X[i, j] * w[j]
    return e


# the SGD epoch (`train/kernels/epochs.pyx`); opts as `KernelOptions`


@njit(cache=True)
def _decay(w, grad_w, l2, size):
    sq = 0.0
    for j in range(w.shape[0]):
        grad_w[j] = grad_w[j] + l2 * size * np.float64(w[j])
        sq = sq + np.float64(w[j]) * np.float64(w[j])
    return 0.5 * l2 * sq


@njit(cache=True)
def _step(w, b, grad_w, grad_b, loss, size, step, opts, step_loss, snaps, avg):
    lr, batch_size, fit_b, nominal, _ahead, every, power, t0, l2, _kind, _p = opts
    if not np.isfinite(loss):
        return False
    rate = lr
    if power != 0.0:
        rate = lr * math.exp(-power * math.log(np.float64(t0 + step)))
    scale = rate / (np.float64(batch_size) if nominal else size)
    pen = 0.0
    if l2 != 0.0:
        pen = _decay(w, grad_w, l2, size)
    d = w.shape[0]
    for j in range(d):
        w[j] = w[j] - scale * grad_w[j]
        grad_w[j] = 0
    if fit_b:
        b[0] = b[0] - scale * grad_b
    if avg is not None:
        for j in range(d):
            avg[j] += np.float64(w[j])
        avg[d] += np.float64(b[0])
        avg[d + 1] += 1
    if step_loss is not None:
        step_loss[step - 1] = loss / (2.0 * size)
        if every > 0 and step % every == 0 and step // every <= snaps.shape[0]:
            for j in range(d):
                snaps[step // every - 1, j] = w[j]
            snaps[step // every - 1, d] = b[0]
        step_loss[step - 1] += pen
    return True


@njit(cache=True)
def sgd_rows(X, y, rows, w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg):
    batch_size, kind = opts[1], opts[9]
    lanes = np.zeros(LANES, dtype=w.dtype)
    pt = w[:1].copy()
    pt[0] = opts[10]  # the loss's parameter in the data's dtype
    lp = pt[0]
    d = w.shape[0]
    grad_b, loss, total = np.float64(acc[0]), np.float64(acc[1]), np.float64(acc[2])
    count, step = ctr[0], ctr[1]
    for k in range(rows.shape[0]):
        i = rows[k]
        e = residual(X, i, w, b[0], y[i], lanes)
        g = psi(kind, e, lp)
        if sw is not None:
            s = sw[i]
            loss += np.float64(s * twice_rho(kind, e, g, lp))
            g = g * s
            total += np.float64(s)
        else:
            loss += np.float64(twice_rho(kind, e, g, lp))
        for j in range(d):
            grad_w[j] = grad_w[j] + g * X[i, j]
        grad_b += np.float64(g)
        count += 1
        if count == batch_size:
            step += 1
            size = total if sw is not None else np.float64(count)
            if not _step(w, b, grad_w, grad_b, loss, size, step, opts, step_loss, snaps, avg):
                return step
            grad_b, loss, total, count = 0.0, 0.0, 0.0, 0
    acc[0], acc[1], acc[2] = grad_b, loss, total
    ctr[0], ctr[1] = count, step
    return 0


@njit(cache=True)
def finish_epoch(w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg):
    count, step = ctr[0], ctr[1] + 1
    if count == 0:
        return 0
    size = acc[2] if sw is not None else np.float64(count)
    if not _step(w, b, grad_w, acc[0], acc[1], size, step, opts, step_loss, snaps, avg):
        return step
    return 0


@njit(cache=True)
def sgd_epoch(X, y, order, w, b, opts, step_loss, snaps, sw, avg):
    grad_w = np.zeros_like(w)
    acc = np.zeros(3)
    ctr = np.zeros(2, dtype=np.int64)
    bad = sgd_rows(X, y, order, w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)
    return bad or finish_epoch(w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)


@njit(cache=True)
def sgd_epoch_blocks(X, y, w, b, opts, step_loss, snaps, block_rows, buffer_blocks, seed, sw, avg):
    grad_w, acc, ctr = np.zeros_like(w), np.zeros(3), np.zeros(2, dtype=np.int64)
    blocks, state, buffer = block_walk(X.shape[0], block_rows, buffer_blocks, seed)
    n, num_blocks = X.shape[0], blocks.shape[0]
    for g in range(0, num_blocks, buffer_blocks):
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
    return finish_epoch(w, b, opts, grad_w, acc, ctr, step_loss, snaps, sw, avg)


# the loss over all rows (`train/kernels/epoch_loss.pyx`)


@njit(cache=True)
def chunk_sums(X, y, w, b, sw, first, last, out, kind, p):
    n = X.shape[0]
    lanes = np.zeros(LANES, dtype=w.dtype)
    pt = w[:1].copy()
    pt[0] = p
    lp = pt[0]
    for c in range(first, last):
        lo, rows = c * CHUNK_ROWS, min(CHUNK_ROWS, n - c * CHUNK_ROWS)
        even, odd, weight = 0.0, 0.0, 0.0
        k = 0
        while k + 1 < rows:
            i = lo + k
            e0 = residual(X, i, w, b[0], y[i], lanes)
            e1 = residual(X, i + 1, w, b[0], y[i + 1], lanes)
            if sw is not None:
                even += twice_rho64(kind, np.float64(sw[i]), e0, lp)
                odd += twice_rho64(kind, np.float64(sw[i + 1]), e1, lp)
                weight += np.float64(sw[i]) + np.float64(sw[i + 1])
            else:
                even += twice_rho64(kind, 1.0, e0, lp)
                odd += twice_rho64(kind, 1.0, e1, lp)
            k += 2
        if k < rows:
            i = lo + k
            e0 = residual(X, i, w, b[0], y[i], lanes)
            if sw is not None:
                even += twice_rho64(kind, np.float64(sw[i]), e0, lp)
                weight += np.float64(sw[i])
            else:
                even += twice_rho64(kind, 1.0, e0, lp)
        out[c, 0] = even + odd
        out[c, 1] = weight


# the shuffles (`train/kernels/shuffles.pyx`), as the numba kernels had them

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True)
def _splitmix64(state):
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True)
def _below(state, bound):
    return int((_splitmix64(state) >> _S11) * _TO_UNIT * bound)


@njit(cache=True)
def shuffle_range(out, start, stop, state):
    for i in range(stop - 1, start, -1):
        j = start + _below(state, i - start + 1)
        out[i], out[j] = out[j], out[i]


@njit(cache=True)
def full_order(out, seed):
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed
    for i in range(out.shape[0]):
        out[i] = i
    shuffle_range(out, 0, out.shape[0], state)
    return out


@njit(cache=True)
def block_order(out, block_rows, buffer_blocks, seed):
    n = out.shape[0]
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed
    num_blocks = (n + block_rows - 1) // block_rows
    blocks = np.arange(num_blocks)
    shuffle_range(blocks, 0, num_blocks, state)
    pos = 0
    for g in range(0, num_blocks, buffer_blocks):
        start = pos
        for k in range(g, min(g + buffer_blocks, num_blocks)):
            lo = blocks[k] * block_rows
            for r in range(lo, min(lo + block_rows, n)):
                out[pos] = r
                pos += 1
        shuffle_range(out, start, pos, state)
    return out


@njit(cache=True)
def block_walk(n, block_rows, buffer_blocks, seed):
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed
    num_blocks = (n + block_rows - 1) // block_rows
    blocks = np.arange(num_blocks)
    shuffle_range(blocks, 0, num_blocks, state)
    return blocks, state, np.empty(block_rows * buffer_blocks, dtype=np.int64)


# the exact pass's Gram sums (`exact/kernels.pyx`), as the numba kernel had them


@njit(cache=True)
def _put(a, r, X, y, sw, i, c, cy):
    k, d = a.shape[1], X.shape[1]
    for j in range(d):
        a[r, j] = np.float64(X[i, j]) - c[j]
    a[r, k - 1] = np.float64(y[i]) - cy
    if sw is not None:
        s = np.sqrt(np.float64(sw[i]))
        for j in range(d):
            a[r, j] *= s
        a[r, k - 1] *= s
        if k == d + 2:
            a[r, d] = s


@njit(cache=True)
def _add4(a, P):
    k = P.shape[0]
    for i in range(k):
        a0, a1, a2, a3 = a[0, i], a[1, i], a[2, i], a[3, i]
        for j in range(k):
            P[i, j] += a0 * a[0, j] + a1 * a[1, j] + a2 * a[2, j] + a3 * a[3, j]


@njit(cache=True)
def gram_chunks(X, y, sw, lo, hi, c, cy, ones, out, first, last):
    k, d = out.shape[1], X.shape[1]
    a = np.zeros((4, k))
    P = np.zeros((k, k))
    for q in range(first, last):
        start = lo + q * GRAM_CHUNK
        stop = min(start + GRAM_CHUNK, hi)
        whole = start + (stop - start) // 4 * 4
        P[:] = 0.0
        if ones:
            a[:, d] = 1.0
        for row in range(start, whole, 4):
            for r in range(4):
                _put(a, r, X, y, sw, row + r, c, cy)
            _add4(a, P)
        if whole < stop:
            a[:] = 0.0
            for r in range(stop - whole):
                if ones:
                    a[r, d] = 1.0
                _put(a, r, X, y, sw, whole + r, c, cy)
            _add4(a, P)
        out[q] = P
