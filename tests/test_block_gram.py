"""The exact pass's BLAS path for wide rows (`reduction.BlockGram`, chosen by
`reduction.gram_pass` for d > FUSED_WIDTH): the compiled fill (`kernels.fill_rows`) makes the
rows numpy makes, bit for bit; the blocks' products, summed on any number of threads, give the
same G bit for bit, equal to a plain loop of numpy's fill and product with BLAS on one thread
and to numpy's float64 product of all the rows."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from linscratch.exact import reduction
from linscratch.exact.kernels import fill_rows


def problem(n, d, dtype=np.float64, seed=0, offset=50.0):
    """Rows of unequal scales about a large mean (what the shift is for), y linear in them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 4.0, d) + offset
    y = X @ rng.normal(size=d) + 3.0 + rng.normal(size=n)
    return X.astype(dtype), y.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weights", [None, np.float32, np.float64])
@pytest.mark.parametrize("ones", [True, False])
def test_fill_equals_numpys_fill(dtype, weights, ones):
    """Rows start:stop of a strided view of one table (features, then the target), shifted and
    scaled, as numpy's conversion, subtraction and scaling give them (`reduction._fill`)."""
    n, d = 301, 7
    X, y = problem(n, d, dtype)
    table = np.c_[X, y]
    s = None if weights is None else np.random.default_rng(1).uniform(0.1, 3.0, n).astype(weights)
    c, cy = (np.zeros(d), 0.0)
    if ones:
        c, cy = X[:50].astype(np.float64).mean(0), float(y[:50].mean())
    k = d + 1 + ones
    got, want = np.full((200, k), np.nan), np.full((200, k), np.nan)
    fill_rows(table[:, :d], table[:, d], s, 40, 240, c, cy, ones, got)
    reduction._fill(want, table[:, :d], table[:, d], s, 40, 240, c, cy, ones)
    np.testing.assert_array_equal(got, want)


def plain_loop(X, y, s, c, cy, ones, rows):
    """G of the blocks of `rows` rows: numpy's fill, then BᵀB with BLAS on one thread, added
    in order (the reference the threads must equal)."""
    k = X.shape[1] + 1 + ones
    G, buf = np.zeros((k, k)), np.empty((rows, k))
    with threadpool_limits(1, user_api="blas"):
        for start in range(0, len(X), rows):
            b = reduction._fill(buf, X, y, s, start, min(start + rows, len(X)), c, cy, ones)
            G += b.T @ b
    return G


@pytest.mark.parametrize("weighted", [False, True])
def test_the_same_sum_on_any_number_of_threads(weighted):
    """1, 2 or 3 threads, float32 rows (the compiled fill) or integers (numpy's): G bit for
    bit the plain loop's, and numpy's float64 product of all the shifted rows to 1e-12."""
    n, d, rows = 5000, 40, 600
    X, y = problem(n, d, np.float32)
    s = np.random.default_rng(2).uniform(0.1, 3.0, n) if weighted else None
    c, cy = X[:100].astype(np.float64).mean(0), float(y[:100].mean())
    for rowsof in (lambda a: a, lambda a: np.rint(a).astype(np.int64)):
        Xs, ys = rowsof(X), rowsof(y)
        want = plain_loop(Xs, ys, s, c, cy, True, rows)
        for threads in (1, 2, 3):
            G = np.zeros((d + 2, d + 2))
            with reduction.BlockGram(Xs, ys, s, c, cy, True, d + 2, rows, threads) as gram:
                assert gram.threads == threads
                for first in range(0, n, rows * threads):
                    gram.add(first, min(first + rows * threads, n), G)
            np.testing.assert_array_equal(G, want)
        B = np.c_[Xs - c, np.ones(n), ys - cy]
        B = B if s is None else B * np.sqrt(s)[:, None]
        np.testing.assert_allclose(G, B.T @ B, rtol=1e-12, atol=1e-12 * np.abs(G).max())


def test_blocks_in_flight_bounded():
    """However many threads a machine offers, at most BLOCK_THREADS blocks' (k, k) products
    are held at once (memory the run's check counts)."""
    X, y = problem(300, 40)
    with reduction.BlockGram(X, y, None, X[:10].mean(0), 0.0, True, 42, 256, 64) as gram:
        assert gram.threads == reduction.BLOCK_THREADS
        assert len(gram.buffers) == reduction.BLOCK_THREADS


def test_blocks_wide_enough_and_bounded():
    """A block holds BLOCK_BYTES of rows, at least 2k rows while that fits in GRAM_BYTES, and
    never more than GRAM_BYTES but for the floor of 256 rows."""
    for k in (34, 102, 302, 1002, 5002, 20002):
        rows = reduction.block_rows(k)
        assert rows * 8 * k >= min(reduction.BLOCK_BYTES, 256 * 8 * k)
        assert rows * 8 * k <= max(reduction.GRAM_BYTES, 256 * 8 * k)
        assert rows >= min(2 * k, reduction.GRAM_BYTES // (8 * k))


def test_blas_threads_given_back():
    """The pass holds BLAS to one thread inside, and gives the pool its threads back after."""
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    X, y = problem(300, 40)
    c, cy = X[:100].mean(0), float(y[:100].mean())
    with reduction.BlockGram(X, y, None, c, cy, True, 42, 256, 2) as gram:
        assert set(blas_threads()) == {1}
        gram.add(0, 300, np.zeros((42, 42)))
    assert blas_threads() == before
