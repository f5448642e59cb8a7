"""The shuffles of the compiled engine, in numba: a full permutation, a block shuffle, and the
walk of a block-shuffled epoch that `kernels.epochs.sgd_blocks` follows without writing it out. One
generator (splitmix64), seeded by the caller, so that an order is the same on every machine."""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True)
def _splitmix64(state):
    """Advance the one-word state `state[0]` and return 64 random bits (Steele et al. 2014)."""
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True)
def _below(state, bound):
    """A random integer in [0, bound): 53 random bits scaled (bias below bound / 2**53)."""
    return int((_splitmix64(state) >> _S11) * _TO_UNIT * bound)


@njit(cache=True)
def shuffle_range(out, start, stop, state):
    """Fisher–Yates shuffle of out[start:stop] in place."""
    for i in range(stop - 1, start, -1):
        j = start + _below(state, i - start + 1)
        out[i], out[j] = out[j], out[i]


@njit(cache=True)
def full_order(out, seed):
    """Fill `out` (n,) with a uniform random permutation of 0..n-1 and return it."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed
    for i in range(out.shape[0]):
        out[i] = i
    shuffle_range(out, 0, out.shape[0], state)
    return out


@njit(cache=True)
def block_order(out, block_rows, buffer_blocks, seed):
    """Fill `out` (n,) with a block-shuffled order of 0..n-1 and return it: blocks of
    `block_rows` rows in a random order, rows shuffled within each run of `buffer_blocks`."""
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
    """The start of a block-shuffled epoch (`block_order`'s order): the blocks (num_blocks,)
    in their random order, the random state (1,) after drawing it, and the buffer for one run
    of `buffer_blocks` blocks' rows."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed
    num_blocks = (n + block_rows - 1) // block_rows
    blocks = np.arange(num_blocks)
    shuffle_range(blocks, 0, num_blocks, state)
    return blocks, state, np.empty(block_rows * buffer_blocks, dtype=np.int64)
