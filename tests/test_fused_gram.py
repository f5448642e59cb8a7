"""The fused kernel of the exact pass for narrow rows (`exact/kernels.py`, chosen by
`reduction.gram_pass` for d ≤ FUSED_WIDTH): its Gram matrix equals numpy's float64 product of
the shifted rows, and the R factor, coefficients and standard errors it leads to equal the BLAS
path's and numpy's lstsq, from float32 or float64 rows, with and without weights and the
intercept, in memory or memory-mapped."""

import numpy as np
import pytest
import torch

# NIST Statistical Reference Datasets, Longley: the certified b1..b6, b0 and their standard
# deviations, as tests/test_solve.py holds them
from test_solve import NIST_PARAMS, NIST_SE

from linscratch import datasets
from linscratch.data.files import read_table
from linscratch.exact import reduction
from linscratch.exact.kernels import CHUNK, gram_chunks
from linscratch.exact.reduction import reduce_rows
from linscratch.exact.solve import ols_of


def problem(n, d, dtype=np.float64, seed=0, offset=50.0):
    """Rows of unequal scales about a large mean (what the shift is for), y linear in them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 4.0, d) + offset
    y = X @ rng.normal(size=d) + 3.0 + rng.normal(size=n)
    return X.astype(dtype), y.astype(dtype)


def shifted(X, y, s, c, cy, ones):
    """[X − c, 1, y − cy]·√s in float64, as numpy makes it (the reference's rows)."""
    cols = [X.astype(np.float64) - c, *([np.ones((len(X), 1))] if ones else [])]
    B = np.c_[(*cols, y.astype(np.float64) - cy)]
    return B if s is None else B * np.sqrt(s)[:, None]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ones", [True, False])
def test_kernel_gram_equals_numpys_product(dtype, weighted, ones):
    """Rows lo:hi across chunks (and a count not a multiple of four) from a strided view of
    one table, features then target, as a file's columns are."""
    n, d = 3 * CHUNK + 7, 5
    X, y = problem(n, d, dtype)
    table = np.c_[X, y]
    s = np.random.default_rng(1).uniform(0.1, 3.0, n) if weighted else None
    c = X[:100].astype(np.float64).mean(0) if ones else np.zeros(d)
    cy = float(y[:100].astype(np.float64).mean()) if ones else 0.0
    lo, hi = 3, n - 2
    k = d + 1 + ones
    out = np.zeros((4, k, k))
    gram_chunks(table[:, :d], table[:, d], s, lo, hi, c, cy, ones, out, 0, 4)
    G = out[0] + out[1] + out[2] + out[3]
    B = shifted(X[lo:hi], y[lo:hi], None if s is None else s[lo:hi], c, cy, ones)
    np.testing.assert_allclose(G, B.T @ B, rtol=1e-12, atol=1e-12 * np.abs(G).max())
    np.testing.assert_array_equal(G, G.T)
    last = B[3 * CHUNK :]  # the last chunk alone: 3 rows past the whole groups of four
    np.testing.assert_allclose(out[3], last.T @ last, rtol=1e-12, atol=1e-12 * np.abs(G).max())


def test_the_same_sum_on_any_number_of_threads():
    """Blocks whose chunks are shared among 1, 2 or 3 threads give G bit for bit."""
    X, y = problem(5 * CHUNK + 1, 4, np.float32)
    c, cy = X[:100].astype(np.float64).mean(0), float(y[:100].mean())
    found = []
    for threads in (1, 2, 3):
        G = np.zeros((6, 6))
        with reduction.FusedGram((X, y, None), c, cy, True, 6, 3 * CHUNK, threads) as gram:
            assert gram.threads == threads
            for start in range(0, len(y), 3 * CHUNK):
                gram.add(start, min(start + 3 * CHUNK, len(y)), G)
        found.append(G)
    np.testing.assert_array_equal(found[0], found[1])
    np.testing.assert_array_equal(found[0], found[2])
    B = shifted(X, y, None, c, cy, True)
    np.testing.assert_allclose(found[0], B.T @ B, rtol=1e-12, atol=1e-12 * np.abs(B.T @ B).max())


def _blas(monkeypatch):
    monkeypatch.setattr(reduction, "FUSED_WIDTH", -1)


@pytest.mark.parametrize("d", [2, 10, 32])
@pytest.mark.parametrize("intercept", [True, False])
def test_fused_path_equals_blas_path_and_lstsq(d, intercept, monkeypatch):
    """R, θ and the standard errors by the kernel equal the BLAS path's to 1e-12 (well
    conditioned rows: both err by about ε·κ², κ here below 1e3) and lstsq's θ to 1e-10."""
    X, y = problem(20_000, d, np.float32, seed=d, offset=50.0 if intercept else 0.0)
    fused = reduce_rows(X, y, intercept, method="normal")
    with monkeypatch.context() as m:
        _blas(m)
        blas = reduce_rows(X, y, intercept, method="normal")
    assert fused.method == blas.method == "normal"
    np.testing.assert_allclose(fused.R, blas.R, rtol=1e-12, atol=1e-12 * np.abs(blas.R).max())
    a, b = ols_of(fused), ols_of(blas)
    theta = np.r_[a.w, a.b] if intercept else a.w
    np.testing.assert_allclose(theta, np.r_[b.w, b.b] if intercept else b.w, rtol=1e-12)
    np.testing.assert_allclose(a.se, b.se, rtol=1e-12)
    A = np.c_[X, np.ones(len(X))] if intercept else X
    ref = np.linalg.lstsq(A.astype(np.float64), y.astype(np.float64), rcond=None)[0]
    np.testing.assert_allclose(theta, ref, rtol=1e-10)


def test_weighted_rows_equal_lstsq_of_scaled_rows():
    X, y = problem(20_000, 10)
    s = np.random.default_rng(5).uniform(0.1, 3.0, len(y))
    fit = ols_of(reduce_rows(X, y, True, s, method="normal"))
    A = np.c_[X, np.ones(len(X))] * np.sqrt(s)[:, None]
    ref = np.linalg.lstsq(A, y * np.sqrt(s), rcond=None)[0]
    np.testing.assert_allclose(np.r_[fit.w, fit.b], ref, rtol=1e-10)


def test_a_float32_memory_map_is_read_as_it_is(tmp_path, monkeypatch):
    """A float32 NPY file's columns go to the kernel as views of the map (no float64 copy)
    and give the in-memory rows' R bit for bit."""
    X, y = problem(20_000, 3, np.float32)
    np.save(tmp_path / "a.npy", np.c_[X, y])
    M = np.load(tmp_path / "a.npy", mmap_mode="r")
    seen = []
    real = reduction.fused_rows

    def spy(*args):
        found = real(*args)
        seen.append(found)
        return found

    monkeypatch.setattr(reduction, "fused_rows", spy)
    mapped = reduce_rows(M[:, :3], M[:, 3], method="normal")
    ((Xm, ym, _),) = seen
    assert Xm.dtype == np.float32 and np.shares_memory(Xm, M) and np.shares_memory(ym, M)
    np.testing.assert_array_equal(mapped.R, reduce_rows(X, y, method="normal").R)


def test_what_the_kernel_does_not_read_goes_to_blas(monkeypatch):
    """Integer rows, a tensor, a target of shape (n, 2)'s column: the BLAS path, the same
    answer."""
    X, y = problem(20_000, 4)
    Xi = np.round(X).astype(np.int32)
    assert reduction.fused_rows(Xi, y, None) is None
    assert reduction.fused_rows(torch.from_numpy(X), y, None) is None
    assert reduction.fused_rows(X, y.reshape(-1, 1), None) is not None
    fused = reduce_rows(Xi.astype(np.float64), y, method="normal").R
    np.testing.assert_allclose(reduce_rows(Xi, y, method="normal").R, fused, rtol=1e-12)


def test_longley_through_the_kernel_keeps_nists_digits():
    """Longley (κ 5e9 as it is; its columns shifted by their means, well within the guard):
    forced through the normal equations, by the kernel, NIST's certified coefficients and
    standard errors to 1e-10 (QR's answer, `ols`, holds them to 1e-9: tests/test_solve.py)."""
    table = read_table(datasets.path("longley"), target="TOTEMP")
    assert reduction.fused_rows(table.X, table.y, None) is not None  # the kernel's to read
    reduced = reduce_rows(table.X, table.y, True, method="normal")
    assert reduced.method == "normal"
    fit = ols_of(reduced)
    np.testing.assert_allclose(np.r_[fit.w, fit.b], NIST_PARAMS, rtol=1e-10)
    np.testing.assert_allclose(fit.se, NIST_SE, rtol=1e-10)
