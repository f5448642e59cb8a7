# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The shuffles of the compiled engine: a full permutation, a block shuffle, and the walk of a
block-shuffled epoch that `epochs.sgd_blocks` follows without writing it out. One generator
(splitmix64, `shuffles.pxd`), seeded by the caller, so that an order is the same on every
machine."""

import numpy as np

from libc.stdint cimport int64_t, uint64_t


def full_order(index_t[::1] out, seed):
    """Fill `out` (n,) int32 or int64 with a uniform random permutation of 0..n-1 and return
    it."""
    cdef uint64_t state = <uint64_t>seed
    cdef int64_t i, n = out.shape[0]
    with nogil:
        for i in range(n):
            out[i] = <index_t>i
        shuffle_range(&out[0] if n else NULL, 0, n, &state)
    return out.base


def block_order(index_t[::1] out, int64_t block_rows, int64_t buffer_blocks, seed):
    """Fill `out` (n,) with a block-shuffled order of 0..n-1 and return it: blocks of
    `block_rows` rows in a random order, rows shuffled within each run of `buffer_blocks`."""
    cdef int64_t n = out.shape[0]
    cdef uint64_t state = <uint64_t>seed
    cdef int64_t num_blocks = (n + block_rows - 1) // block_rows
    cdef int64_t[::1] blocks = np.arange(num_blocks, dtype=np.int64)
    cdef int64_t pos = 0, start, g, k, r, lo
    with nogil:
        shuffle_range(&blocks[0] if num_blocks else NULL, 0, num_blocks, &state)
        g = 0
        while g < num_blocks:
            start = pos
            for k in range(g, min(g + buffer_blocks, num_blocks)):
                lo = blocks[k] * block_rows
                for r in range(lo, min(lo + block_rows, n)):
                    out[pos] = <index_t>r
                    pos += 1
            shuffle_range(&out[0], start, pos, &state)
            g += buffer_blocks
    return out.base


def block_walk(int64_t n, int64_t block_rows, int64_t buffer_blocks, seed):
    """The start of a block-shuffled epoch (`block_order`'s order): the blocks (num_blocks,)
    int64 in their random order, the random state (1,) uint64 after drawing it, and the buffer
    (block_rows·buffer_blocks,) int64 for one run of `buffer_blocks` blocks' rows."""
    cdef int64_t num_blocks = (n + block_rows - 1) // block_rows
    blocks = np.arange(num_blocks, dtype=np.int64)
    state = np.array([seed], dtype=np.uint64)
    cdef int64_t[::1] b = blocks
    cdef uint64_t[::1] s = state
    shuffle_range(&b[0] if num_blocks else NULL, 0, num_blocks, &s[0])
    return blocks, state, np.empty(block_rows * buffer_blocks, dtype=np.int64)
