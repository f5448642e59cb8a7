"""The rows reduced to their R factor in one pass (reduction.py, statistics.py): the exact
answer, loss, R², totals and curvature from it equal numpy's lstsq and naive float64 loops;
the normal equations are refused where they would lose digits; factors combine."""

import json
import os

import numpy as np
import pytest
import torch.multiprocessing as mp

from linscratch import distributed
from linscratch.data.rows import Standardizer
from linscratch.exact.reduction import combine, gram_pass, reduce_rows
from linscratch.exact.solve import ols_of
from linscratch.exact.statistics import reduce_training_rows
from linscratch.resources import decide

os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")


def problem(n=5000, d=6, seed=0, offset=0.0, noise=0.1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + offset
    y = X @ rng.normal(size=d) + 3.0 + offset + noise * rng.normal(size=n)
    return X, y


def lstsq(X, y, s=None, intercept=True):
    A = np.c_[X, np.ones(len(X))] if intercept else X
    if s is not None:
        A, y = A * np.sqrt(s)[:, None], y * np.sqrt(s)
    return np.linalg.lstsq(A, y, rcond=None)[0]


@pytest.mark.parametrize("method", ["normal", "qr", "auto"])
@pytest.mark.parametrize("intercept", [True, False])
def test_random_problems_equal_lstsq(method, intercept):
    for seed in range(3):
        X, y = problem(seed=seed, offset=50.0 if intercept else 0.0)
        reduced = reduce_rows(X, y, intercept, method=method)
        assert reduced.method == ("normal" if method == "normal" else "qr")  # small: QR first
        fit = ols_of(reduced)
        theta = np.r_[fit.w, fit.b] if intercept else fit.w
        np.testing.assert_allclose(theta, lstsq(X, y, intercept=intercept), rtol=1e-10)
        e = (X @ fit.w + fit.b - y) if intercept else X @ fit.w - y
        assert fit.loss == pytest.approx(0.5 * np.mean(e * e), rel=1e-8)


def test_weighted_equals_lstsq_of_scaled_rows():
    X, y = problem(seed=4)
    s = np.random.default_rng(5).uniform(0.1, 3.0, len(y))
    for method in ("normal", "qr"):
        fit = ols_of(reduce_rows(X, y, True, s, method=method))
        np.testing.assert_allclose(np.r_[fit.w, fit.b], lstsq(X, y, s), rtol=1e-10)


def test_ill_conditioned_problem_goes_to_qr_and_keeps_digits():
    """A degree-9 polynomial on [0, 1]: κ ≈ 1e7, squared past what the normal equations
    keep; the reduction falls back to QR and matches lstsq to about κε."""
    t = np.linspace(0, 1, 20000)
    X = np.vander(t, 10, increasing=True)[:, 1:]
    y = np.sin(3 * t) + 1e-3 * np.random.default_rng(0).normal(size=len(t))
    assert gram_pass(X, y) is None
    reduced = reduce_rows(X, y, True, method="normal")
    assert reduced.method == "qr"
    fit = ols_of(reduced)
    np.testing.assert_allclose(np.r_[fit.w, fit.b], lstsq(X, y), rtol=1e-6)


def test_loss_r2_totals_and_curvature_equal_naive_loops():
    X, y = problem(seed=6, offset=1e4)  # a large mean: Σ(y − ȳ)² by Σy² − nȳ² would cancel
    n = len(y)
    reduced = reduce_rows(X, y, True, method="normal")
    w, b = np.arange(1.0, 7.0) / 10, -2.0
    e = X @ w + b - y
    assert reduced.loss(w, b) == pytest.approx(0.5 * np.mean(e**2), rel=1e-9)
    tss = float(np.sum((y - y.mean()) ** 2))
    assert reduced.total() == pytest.approx(tss, rel=1e-9)
    assert reduced.total(centered=False) == pytest.approx(float(y @ y), rel=1e-12)
    assert reduced.r2(w, b) == pytest.approx(1 - np.sum(e**2) / tss, rel=1e-9)
    A = np.c_[X, np.ones(n)]
    np.testing.assert_allclose(reduced.hessian(), A.T @ A / n, rtol=1e-9)
    scaler = Standardizer.fit(X, y, [str(j) for j in range(6)])
    Z = np.c_[scaler.transform(X, y)[0], np.ones(n)]
    np.testing.assert_allclose(reduced.hessian(scaler), Z.T @ Z / n, rtol=1e-8, atol=1e-10)


def test_halves_combine_to_the_whole():
    X, y = problem(seed=8)
    whole = ols_of(reduce_rows(X, y, True))
    halves = [reduce_rows(X, y, True, lo=0, hi=2000), reduce_rows(X, y, True, lo=2000)]
    both = ols_of(combine(halves))
    np.testing.assert_allclose(np.r_[both.w, both.b], np.r_[whole.w, whole.b], rtol=1e-12)
    assert both.loss == pytest.approx(whole.loss, rel=1e-12)
    np.testing.assert_allclose(both.se, whole.se, rtol=1e-10)


def test_exact_choice():
    assert decide("never", 10, 2, 3) == "never"
    assert decide("always", 10**7, 1000, 1) == "computed"
    assert decide("auto", 1000, 2, 3) == "computed"
    assert decide("auto", 2 * 10**6, 100, 3) == "computed"  # about 2 s
    assert decide("auto", 10**6, 1000, 1) == "skipped"  # about 100 s, training 2 s


def worker(rank, world, init_file, out_dir):
    distributed.start(distributed.Group(rank, world, rank), init_method=f"file://{init_file}")
    try:
        X, y = problem(n=3001, seed=9)
        fit = ols_of(reduce_training_rows(X, y, True))
        with open(os.path.join(out_dir, f"{rank}.json"), "w") as f:
            json.dump({"theta": [*fit.w.tolist(), fit.b], "loss": fit.loss}, f)
    finally:
        distributed.stop()


@pytest.mark.slow
def test_two_processes_reduce_their_shares_to_one_processes_answer(tmp_path):
    mp.spawn(worker, args=(2, str(tmp_path / "init"), str(tmp_path)), nprocs=2, join=True)
    X, y = problem(n=3001, seed=9)
    single = ols_of(reduce_rows(X, y, True))
    for rank in (0, 1):
        got = json.loads((tmp_path / f"{rank}.json").read_text())
        np.testing.assert_allclose(got["theta"], np.r_[single.w, single.b], rtol=1e-12)
        assert got["loss"] == pytest.approx(single.loss, rel=1e-12)


def _peak_anonymous_mib(cmd) -> int:
    """Run a command, sampling its anonymous memory (RssAnon, not the file's pages) every
    10 ms; the peak in MiB."""
    import re
    import subprocess
    import time
    from pathlib import Path

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(re.search(r"RssAnon:\s+(\d+)", status).group(1)) >> 10)
        except (OSError, AttributeError):
            pass
        time.sleep(0.01)
    assert proc.returncode == 0
    return peak


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_training_from_a_wide_file_holds_bounded_memory(tmp_path):
    """100,000 rows x 200 features (80 MB of float32): the run's anonymous memory beyond the
    same run on 100 rows stays under 100 MiB, the exact answer included (a float64 copy of
    the data would be 160 MB)."""
    import sys

    rng = np.random.default_rng(0)
    big, small = tmp_path / "big.npy", tmp_path / "small.npy"
    data = np.lib.format.open_memmap(big, "w+", np.float32, (100_000, 201))
    for start in range(0, 100_000, 10_000):
        data[start : start + 10_000] = rng.normal(size=(10_000, 201))
    data.flush()
    np.save(small, np.asarray(data[:300]))
    del data
    cmd = [sys.executable, "-m", "linscratch", "train", "--engine", "compiled", "--seed", "1"]
    cmd += ["--epochs", "1", "--exact", "always", "--data"]
    base = _peak_anonymous_mib([*cmd, str(small)])
    assert _peak_anonymous_mib([*cmd, str(big)]) - base < 100
