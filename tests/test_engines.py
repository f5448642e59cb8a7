"""Every engine does the same mathematics: given the same data, initial parameters and order,
each agrees with a naive float64 reference written here, and float32 stays within float32
rounding of it. Also: the orders, and the `auto` rules."""

import numpy as np
import pytest
import torch

from linscratch.spec import RunSpec
from linscratch.train.engines import make_engine
from linscratch.train.engines.compiled import KernelOptions
from linscratch.train.kernels import epochs as _kernels
from linscratch.train.orders import BlockShuffle, Orders
from linscratch.train.plan import make_plan

ENGINES = ["autograd", "analytic", "compiled"]


def naive_sgd(X, y, w, b, orders, lr, batch_size, delta=None, s=None):
    """Minibatch SGD in float64 numpy, straight from the definition: for each batch B of each
    epoch's order, w -= lr/|B| X_Bᵀ(X_B w + b − y_B) and b -= lr/|B| Σ(X_B w + b − y_B); with
    Huber's `delta` ψ(e) = clip(e, −δ, δ) in place of e, with row weights `s` (n,) X_Bᵀ(s∘ψ)
    and Σsψ over Σs in place of |B|."""
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64).reshape(-1)
    w, b = np.asarray(w, np.float64).reshape(-1).copy(), float(np.asarray(b).reshape(-1)[0])
    for order in orders:
        order = np.asarray(order)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            e = X[idx] @ w + b - y[idx]
            if delta is not None:
                e = np.clip(e, -delta, delta)
            sb = np.ones(len(idx)) if s is None else s[idx]
            w -= lr / sb.sum() * (X[idx].T @ (sb * e))
            b -= lr / sb.sum() * (sb * e).sum()
    return w, b


def problem(n=503, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.uniform(-3, 3, d) + 1.5 + 0.1 * rng.normal(size=n)
    w0 = rng.normal(scale=0.01, size=(d, 1))
    return X, y.reshape(-1, 1), w0, np.zeros(1)


def run(engine, X, y, w0, b0, orders, lr, batch_size, dtype):
    eng = make_engine(
        make_plan(RunSpec.build(engine=engine), len(X), X.shape[1], 8),
        torch.as_tensor(X, dtype=dtype),
        torch.as_tensor(y, dtype=dtype),
        torch.as_tensor(w0, dtype=dtype),
        torch.as_tensor(b0, dtype=dtype),
    )
    eng.compile()
    for order in orders:
        assert eng.run_epoch(order, lr, batch_size) is None
    return eng.params(), eng.loss()


def epoch_orders(kind, n, seed=3, epochs=3):
    orders = Orders(kind, n, seed, block_rows=32)
    return [orders.epoch(e) for e in range(1, epochs + 1)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["book", "full", "block", "none"])
@pytest.mark.parametrize("batch_size", [10, 64])
def test_engines_match_the_float64_reference(engine, kind, batch_size):
    X, y, w0, b0 = problem()
    orders = epoch_orders(kind, len(X))
    ref_w, ref_b = naive_sgd(X, y, w0, b0, orders, 0.05, batch_size)
    (w, b), loss = run(engine, X, y, w0, b0, orders, 0.05, batch_size, torch.float64)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12, atol=1e-12)
    assert b == pytest.approx(ref_b, rel=1e-12, abs=1e-12)
    ref_loss = 0.5 * np.mean((X @ ref_w + ref_b - y.reshape(-1)) ** 2)
    assert loss == pytest.approx(ref_loss, rel=1e-10)


@pytest.mark.parametrize("engine", ENGINES)
def test_float32_stays_within_float32_rounding(engine):
    X, y, w0, b0 = problem(seed=1)
    orders = epoch_orders("full", len(X))
    ref_w, ref_b = naive_sgd(X, y, w0, b0, orders, 0.05, 10)
    (w, b), _ = run(engine, X, y, w0, b0, orders, 0.05, 10, torch.float32)
    # 150 steps, each rounding at about 6e-8 relative: allow 1e-5 of the parameters' size.
    scale = np.abs(ref_w).max()
    np.testing.assert_allclose(w, ref_w, atol=1e-5 * scale)
    assert b == pytest.approx(ref_b, abs=1e-5 * scale)
    assert not np.array_equal(w, ref_w)  # really float32 arithmetic


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_block_shuffle_equals_its_written_out_order_bit_for_bit(dtype):
    X, y, w0, _ = problem(n=2000, d=3, seed=2)
    X, y = X.astype(dtype), y.reshape(-1).astype(dtype)
    order = BlockShuffle(2000, 37, 4, np.uint64(99))
    w1, b1 = w0.reshape(-1).astype(dtype), np.zeros(1, dtype)
    w2, b2 = w1.copy(), b1.copy()
    opts = KernelOptions(0.05, 10, True, False, 16, 0)  # (the squared loss)
    nothing = (None, None)
    for sw in (None, np.random.default_rng(3).uniform(0.5, 2.0, 2000).astype(dtype)):
        _kernels.sgd_epoch_blocks(X, y, w1, b1, opts, *nothing, 37, 4, np.uint64(99), sw, None)
        _kernels.sgd_epoch(X, y, np.asarray(order), w2, b2, opts, *nothing, sw, None)
        assert np.array_equal(w1, w2) and np.array_equal(b1, b2)


@pytest.mark.parametrize("kind", ["book", "full", "block", "none"])
def test_every_order_is_a_permutation_and_repeatable(kind):
    n = 1001
    first, second = epoch_orders(kind, n, epochs=2)
    again = epoch_orders(kind, n, epochs=2)
    for order in (first, second):
        assert sorted(np.asarray(order).tolist()) == list(range(n))
    assert np.array_equal(np.asarray(first), np.asarray(again[0]))
    if kind != "none":
        assert not np.array_equal(np.asarray(first), np.asarray(second))  # reshuffled


def test_book_order_is_pythons_shuffle():
    import random

    indices = list(range(50))
    random.Random(8).shuffle(indices)
    assert Orders("book", 50, 8).epoch(1) == indices


def test_block_shuffle_keeps_blocks_together_within_a_buffer():
    order = np.asarray(BlockShuffle(1000, 10, 4, np.uint64(5)))
    for start in range(0, 1000, 40):  # each buffer: 4 whole blocks of 10 rows, rows mixed
        buffer = np.sort(order[start : start + 40])
        blocks = np.unique(buffer // 10)
        assert len(blocks) == 4 and len(buffer) == 40
        assert not np.array_equal(order[start : start + 40], buffer)


def test_cli_auto_picks_numba_for_large_runs(cli):
    report = cli("train", "--seed", "1", "--num-examples", "100000", "--epochs", "1", "--json")
    assert report.code == 0
    assert report.json["engine"] == "compiled" and report.json["shuffle"] == "full"
    assert report.json["compile_seconds"] >= 0 and report.json["loss"] < 1e-4


def test_cli_default_is_still_the_books_loop(cli):
    report = cli("train", "--seed", "1", "--json").json
    assert report["engine"] == "autograd" and report["shuffle"] == "book"


@pytest.mark.parametrize("engine", ["analytic", "compiled"])
def test_fast_engines_reach_the_same_answer_as_the_book(cli, engine):
    book = cli("train", "--seed", "4", "--json", "--shuffle", "book").json
    fast = cli("train", "--seed", "4", "--json", "--shuffle", "book", "--engine", engine).json
    assert fast["engine"] == engine
    np.testing.assert_allclose(fast["w"], book["w"], rtol=1e-5)
    assert [e["loss"] for e in fast["epochs"]] == pytest.approx(
        [e["loss"] for e in book["epochs"]], rel=1e-3
    )


@pytest.mark.parametrize("engine", ["analytic", "compiled"])
def test_fast_engines_stop_when_diverging(cli, engine):
    run_ = cli("train", "--seed", "1", "--lr", "100", "--engine", engine)
    assert run_.code == 1 and "epoch 1, step" in run_.err


def test_numba_short_last_batch_divides_by_its_own_size():
    X, y, w0, b0 = problem(n=105, d=2)
    orders = epoch_orders("full", 105, epochs=1)
    ref_w, _ = naive_sgd(X, y, w0, b0, orders, 0.1, 50)  # batches 50, 50, 5
    (w, _), _ = run("compiled", X, y, w0, b0, orders, 0.1, 50, torch.float64)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12)
