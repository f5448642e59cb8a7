"""The compiled engine's loss over all rows (`kernels.epoch_loss`): the mean of ½(xᵢ·w + b − yᵢ)²
against a naive float64 loop, weighted or not, over every layout the engine gives it; and the
same value, bit for bit, on any number of threads."""

import numpy as np
import pytest

from linscratch import resources
from linscratch.train.kernels.epoch_loss import CHUNK_ROWS, PARALLEL_ELEMENTS, mean_loss


def naive(X, y, w, b, s=None) -> float:
    """Σ sᵢ·½(xᵢ·w + b − yᵢ)² / Σ sᵢ, one row at a time in float64."""
    total = weight = 0.0
    for i in range(len(y)):
        e = float(b) - float(y[i])
        for j in range(len(w)):
            e += float(X[i, j]) * float(w[j])
        si = 1.0 if s is None else float(s[i])
        total += si * 0.5 * e * e
        weight += si
    return total / weight


def problem(n, d, dtype, seed=0, weighted=False, wide=False):
    """X (n, d), or (n, d + 1) with the target last as a memory-mapped file has it (y then a
    strided column of it), w (d,), b (1,), weights (n,) or None."""
    rng = np.random.default_rng(seed)
    table = rng.standard_normal((n, d + 1)).astype(dtype)
    w = rng.standard_normal(d).astype(dtype)
    b = np.array([0.3], dtype)
    s = rng.uniform(0.1, 3.0, n).astype(dtype) if weighted else None
    if wide:
        return table, table[:, d], w, b, s
    return np.ascontiguousarray(table[:, :d]), table[:, d].copy(), w, b, s


@pytest.mark.parametrize("dtype, rel", [(np.float64, 1e-12), (np.float32, 3e-6)])
@pytest.mark.parametrize("n, d", [(1, 1), (2, 3), (7, 2), (1001, 5), (CHUNK_ROWS + 3, 2)])
@pytest.mark.parametrize("weighted", [False, True])
def test_against_a_naive_loop(dtype, rel, n, d, weighted):
    X, y, w, b, s = problem(n, d, dtype, seed=n + d, weighted=weighted)
    assert mean_loss(X, y, w, b, s) == pytest.approx(naive(X, y, w, b[0], s), rel=rel)


@pytest.mark.parametrize("weighted", [False, True])
def test_a_files_layout_reads_the_first_columns(weighted):
    X, y, w, b, s = problem(3001, 4, np.float32, weighted=weighted, wide=True)
    assert X.shape == (3001, 5) and not y.flags.c_contiguous
    got = mean_loss(X, y, w, b, s)
    assert got == pytest.approx(naive(X, y, w, b[0], s), rel=3e-6)
    assert got == mean_loss(np.ascontiguousarray(X[:, :4]), y.copy(), w, b, s)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_the_same_bits_on_any_number_of_threads(dtype, weighted):
    n = 5 * CHUNK_ROWS + 11  # six chunks, the last short
    X, y, w, b, s = problem(n, 3, dtype, weighted=weighted)
    assert n * 4 >= PARALLEL_ELEMENTS  # large enough to run on threads
    values = {k: mean_loss(X, y, w, b, s, workers=k) for k in (1, 2, 3, 4, 6, 8)}
    assert len(set(values.values())) == 1, values
    # and it is the loss: the chunks all counted, once
    rows = np.float64(X) @ np.float64(w) + np.float64(b[0]) - np.float64(y)
    if dtype == np.float64:
        sw = np.ones(n) if s is None else s
        assert values[1] == pytest.approx(0.5 * (sw * rows * rows).sum() / sw.sum(), rel=1e-12)


def test_a_process_limited_to_one_thread_gives_the_same(monkeypatch):
    X, y, w, b, s = problem(3 * CHUNK_ROWS, 6, np.float32)
    many = mean_loss(X, y, w, b, s, workers=4)
    monkeypatch.setattr(resources, "THREADS", 1)
    assert mean_loss(X, y, w, b, s) == many


def test_threads_are_the_idle_cores_at_most(monkeypatch):
    from linscratch.train.kernels.epoch_loss import threads

    monkeypatch.setattr(resources, "THREADS", None)  # a sweep in this process sets 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr("os.getloadavg", lambda: (1.0, 1.0, 1.0))  # this process alone
    assert threads() == 4
    monkeypatch.setattr("os.getloadavg", lambda: (3.2, 3.0, 3.0))  # two more cores busy
    assert threads() == 2
    monkeypatch.setattr("os.getloadavg", lambda: (12.0, 12.0, 12.0))
    assert threads() == 1
    monkeypatch.setattr("os.getloadavg", lambda: (0.2, 0.3, 0.4))  # quiet: not a fifth core
    assert threads() == 4
