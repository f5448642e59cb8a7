"""The order in which an epoch visits the rows, made fast.

- `book`: the book's `random.shuffle(list(range(n)))`, one Python shuffle per epoch, from a
  `random.Random(seed)`; bit for bit the seed's order, and slow for large n (~0.5 s per 1e6).
- `full`: a uniform random permutation by a compiled Fisher–Yates shuffle.
- `block`: a block shuffle for data larger than the caches (CorgiPile, arXiv 2206.05830): the
  rows are cut into contiguous blocks of about 64 KiB, the blocks are put in a random order,
  and each run of `buffer_blocks` consecutive blocks (about 1 MiB, the size of an L2 cache) has
  its rows shuffled together. An epoch then reads memory nearly sequentially while every
  minibatch still mixes rows from 16 random places of the data. It converges like a full
  shuffle unless the rows are sorted (see benchmarks/RESULTS.md for the measurement).
- `none`: the rows in their stored order.

The compiled shuffles draw from splitmix64 seeded per epoch from (seed, epoch) by NumPy's
SeedSequence, so an order depends only on the seed, the epoch and n.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

SHUFFLES = ("book", "full", "block", "none")
BUFFER_BLOCKS = 16


@dataclass(frozen=True)
class BlockShuffle:
    """One epoch's block-shuffled order of n rows, described rather than written out: the
    compiled engine walks it inside its kernel; `np.asarray(order)` materialises it for others."""

    n: int
    block_rows: int
    buffer_blocks: int
    seed: np.uint64

    def __len__(self) -> int:
        return self.n

    def __array__(self, dtype=None, copy=None):
        from linscratch.train.kernels.shuffles import block_order  # start-up: scipy only when asked

        out = block_order(
            np.empty(self.n, np.int64), self.block_rows, self.buffer_blocks, self.seed
        )
        return out if dtype is None else out.astype(dtype)


def index_dtype(n: int) -> type:
    """The dtype of an index array over n rows: int32 where it holds them (half the memory)."""
    return np.int32 if n < 2**31 else np.int64


class Orders:
    """Makes each epoch's order of n rows for a given shuffle mode and seed."""

    def __init__(self, shuffle: str, n: int, seed: int, block_rows: int = 4096):
        if shuffle not in SHUFFLES:
            raise ValueError(f"unknown shuffle {shuffle!r}")
        self.shuffle, self.n, self.seed, self.block_rows = shuffle, n, seed, block_rows
        self._book_rng = random.Random(seed)
        self._index_dtype = index_dtype(n)

    def state(self):
        """What `set_state` needs to continue the sequence: the book shuffle's random state
        (a JSON-friendly list); the compiled shuffles need nothing (None)."""
        if self.shuffle != "book":
            return None
        version, internal, gauss = self._book_rng.getstate()
        return [version, list(internal), gauss]

    def set_state(self, state) -> None:
        if self.shuffle == "book":
            version, internal, gauss = state
            self._book_rng.setstate((version, tuple(internal), gauss))

    def epoch(self, epoch: int) -> list[int] | np.ndarray | BlockShuffle:
        """The order of epoch `epoch` (1-based): a list for `book`, a `BlockShuffle` for
        `block`, an index array otherwise."""
        if self.shuffle == "book":
            indices = list(range(self.n))
            self._book_rng.shuffle(indices)
            return indices
        if self.shuffle == "none":
            return np.arange(self.n, dtype=self._index_dtype)
        from linscratch.train.kernels.shuffles import full_order  # start-up: only where used

        state = np.random.SeedSequence([self.seed, epoch]).generate_state(1, np.uint64)[0]
        if self.shuffle == "block":
            return BlockShuffle(self.n, self.block_rows, BUFFER_BLOCKS, state)
        return full_order(np.empty(self.n, dtype=self._index_dtype), state)
