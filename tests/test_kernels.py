"""The compiled kernels against their numba reference (`kernel_reference`), bit for bit.

Every variant the engine can call: float32 and float64, weights or none, averaging and
recording or neither, int32 and int64 orders, each loss with its parameter, weight decay,
invscaling, the nominal batch, a short last batch, rows as wide as the residual's lanes and
wider, the block walk, the loss over all rows, and the exact pass's Gram sums. Both run here,
on this machine, on the same inputs; any difference in any bit fails.
"""

from __future__ import annotations

import itertools

import kernel_reference as ref
import numpy as np
import pytest

from linscratch.exact import kernels as gram
from linscratch.train.engines.compiled import KernelOptions
from linscratch.train.kernels import epoch_loss, epochs, shuffles

LOSSES = {
    "squared": 0.0,
    "huber": 0.7,
    "epsilon_insensitive": 0.2,
    "squared_epsilon_insensitive": 0.3,
}


def _data(n, d, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(dtype)
    y = (X @ rng.normal(size=d) + 0.5 * rng.normal(size=n)).astype(dtype)
    sw = rng.uniform(0.2, 2.0, size=n).astype(dtype)
    return X, y, sw


def _same(a, b):
    """Equal to the bit (NaNs where NaNs)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), np.max(np.abs(a.astype(float) - b.astype(float)))


def _run(module, X, y, order, opts, weighted, extras, sw, blocks=None):
    n, d = X.shape
    w, b = np.full(d, 0.01, X.dtype), np.zeros(1, X.dtype)
    steps = -(-n // opts.batch_size)
    step_loss = np.full(steps, np.nan) if extras else None
    snaps = np.full((steps // 3, d + 1), np.nan) if extras else None
    avg = np.zeros(d + 2) if extras else None
    weights = sw if weighted else None
    if module is ref:
        opts = tuple(opts)  # numba would pickle the named tuple's class into its cache
    bads = []
    for _epoch in range(3):
        if blocks is None:
            bad = module.sgd_epoch(X, y, order, w, b, opts, step_loss, snaps, weights, avg)
        else:
            bad = module.sgd_epoch_blocks(X, y, w, b, opts, step_loss, snaps, *blocks, weights, avg)
        bads.append(bad)
    return w, b, step_loss, snaps, avg, bads


TYPES = list(itertools.product([np.float32, np.float64], [False, True], [False, True]))


@pytest.mark.parametrize(("dtype", "weighted", "extras"), TYPES)
def test_epochs_equal_their_reference(dtype, weighted, extras):
    for d, batch in ((2, 10), (3, 1), (13, 7), (20, 32)):
        X, y, sw = _data(203, d, dtype, seed=d)
        for index in (np.int32, np.int64):
            order = shuffles.full_order(np.empty(len(X), index), np.uint64(d))
            for (name, p), l2, power, nominal in itertools.product(
                LOSSES.items(), (0.0, 0.01), (0.0, 0.5), (False, True)
            ):
                if weighted and nominal:
                    continue  # the planner keeps `nominal` off with weights
                opts = KernelOptions(
                    0.05,
                    batch,
                    True,
                    nominal,
                    16,
                    3,
                    power,
                    5,
                    l2,
                    epochs.KINDS[name],
                    float(dtype(p)),
                )
                ours = _run(epochs, X, y, order, opts, weighted, extras, sw)
                theirs = _run(ref, X, y, order, opts, weighted, extras, sw)
                for a, b in zip(ours[:5], theirs[:5], strict=True):
                    if a is not None:
                        _same(a, b)
                assert ours[5] == theirs[5]


@pytest.mark.parametrize(("dtype", "weighted", "extras"), TYPES)
def test_block_walk_equals_its_reference(dtype, weighted, extras):
    X, y, sw = _data(1000, 9, dtype)
    for name, p in LOSSES.items():
        opts = KernelOptions(
            0.02, 16, True, False, 16, 3, 0.0, 0, 0.0, epochs.KINDS[name], float(dtype(p))
        )
        blocks = (64, 4, np.uint64(12345))
        ours = _run(epochs, X, y, None, opts, weighted, extras, sw, blocks)
        theirs = _run(ref, X, y, None, opts, weighted, extras, sw, blocks)
        for a, b in zip(ours[:5], theirs[:5], strict=True):
            if a is not None:
                _same(a, b)


def test_a_diverging_step_is_reported_alike():
    X, y, _sw = _data(300, 4, np.float32)
    order = np.arange(300, dtype=np.int64)
    opts = KernelOptions(1e6, 5, True, False, 16, 0)
    ours = _run(epochs, X, y, order, opts, False, False, None)
    theirs = _run(ref, X, y, order, opts, False, False, None)
    assert ours[5] == theirs[5] and ours[5][0] > 0
    _same(ours[0], theirs[0])


def test_shuffles_equal_their_reference():
    for n, index in ((1, np.int32), (17, np.int32), (1000, np.int64)):
        for seed in (np.uint64(0), np.uint64(2**64 - 1), np.uint64(42)):
            _same(
                shuffles.full_order(np.empty(n, index), seed),
                ref.full_order(np.empty(n, index), seed),
            )
            _same(
                shuffles.block_order(np.empty(n, index), 7, 3, seed),
                ref.block_order(np.empty(n, index), 7, 3, seed),
            )
            for a, b in zip(
                shuffles.block_walk(n, 7, 3, seed)[:2],
                ref.block_walk(n, 7, 3, seed)[:2],
                strict=True,
            ):
                _same(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_epoch_loss_equals_its_reference(dtype, weighted):
    for d in (1, 2, 8, 11, 24):
        X, y, sw = _data(2 * epoch_loss.CHUNK_ROWS + 3, d, dtype, seed=d)
        w = np.linspace(-1, 1, d).astype(dtype)
        b = np.array([0.3], dtype)
        weights = sw if weighted else None
        for name, p in LOSSES.items():
            kind, p = epochs.KINDS[name], float(dtype(p))
            ours, theirs = np.zeros((3, 2)), np.zeros((3, 2))
            epoch_loss.chunk_sums(X, y, w, b, weights, 0, 3, ours, kind, p)
            ref.chunk_sums(X, y, w, b, weights, 0, 3, theirs, kind, p)
            _same(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ones", [False, True])
def test_gram_equals_its_reference(dtype, weighted, ones):
    X, y, sw = _data(3 * gram.CHUNK + 5, 6, dtype)
    c, cy = X[:100].mean(axis=0).astype(np.float64), float(y[:100].mean())
    k = 6 + (2 if ones else 1)
    for weights in [sw, sw.astype(np.float64), sw.astype(np.float32)] if weighted else [None]:
        ours, theirs = np.zeros((4, k, k)), np.zeros((4, k, k))
        gram.gram_chunks(X, y, weights, 3, len(X), c, cy, ones, ours, 0, 4)
        ref.gram_chunks(X, y, weights, 3, len(X), c, cy, ones, theirs, 0, 4)
        _same(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_seed_batch_equals_its_reference(dtype):
    """The seed document's worked 10x2 batch, one step of batch 10 and then batches of 3 (a
    short last one), each loss: the same parameters and step losses to the bit."""
    from linscratch.book.data import seed_batch

    Xt, yt = seed_batch()
    X, y = Xt.numpy().astype(dtype), yt.numpy().reshape(-1).astype(dtype)
    order = np.arange(10, dtype=np.int64)
    for (name, p), batch in itertools.product(LOSSES.items(), (10, 3)):
        opts = KernelOptions(
            0.03, batch, True, False, 16, 1, loss=epochs.KINDS[name], loss_parameter=float(dtype(p))
        )
        ours = _run(epochs, X, y, order, opts, False, True, None)
        theirs = _run(ref, X, y, order, opts, False, True, None)
        for a, b in zip(ours[:5], theirs[:5], strict=True):
            _same(a, b)
