"""`threads`: the threads of a run's passes, chosen once per run (`resources.run_threads`) and
applied with threadpoolctl (`resources.limited_threads`); a memory-mapped file read ahead in
large blocks (`resources.ReadAhead`)."""

from __future__ import annotations

import contextlib
import mmap
import threading

import numpy as np
import pytest
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401  (fixtures)
from threadpoolctl import threadpool_info

from linscratch import resources
from linscratch.data.dataset import Dataset
from linscratch.exact import reduction
from linscratch.exact.reduction import reduce_rows
from linscratch.resources import ReadAhead, limited_threads, run_threads
from linscratch.spec import RunSpec
from linscratch.train import runs
from linscratch.train.sources import load

VARIABLES = resources.THREAD_VARIABLES


@pytest.fixture
def no_variables(monkeypatch):
    """No thread variable in the environment, and no caller's THREADS (a sweep run in this
    process sets 1)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(resources, "THREADS", None)


@pytest.mark.parametrize("value", ["0", "-1", "x", "1.5", "1025", "2_0", ""])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_bad_threads_is_refused_in_one_line(lin, here, value, as_json):  # noqa: F811
    before = snapshot(here)
    run = lin("train", "--threads", value, "--epochs", "1", *(["--json"] if as_json else []))
    assert_refused(run, here, before, as_json=as_json, words=["--threads", "auto or a whole"])


@pytest.mark.parametrize("value", [0, -1, "two", 1.5, True, 1025])
def test_the_python_api_names_threads(value):
    with pytest.raises(ValueError, match="threads"):
        RunSpec.build(threads=value)


def test_the_config_and_the_timing_line_show_it(cli, no_variables):
    run = cli("train", "--threads", "1", "--epochs", "1", "--seed", "1", "--json")
    assert run.code == 0
    assert run.json["config"]["threads"] == 1 and run.json["threads"] == 1
    text = cli("train", "--threads", "2", "--epochs", "1", "--seed", "1")
    assert text.code == 0
    assert text.out.splitlines()[-1].endswith(", seed 1, 2 threads")
    zh = cli("train", "--threads", "1", "--epochs", "1", "--seed", "1", "--lang", "zh")
    assert zh.out.splitlines()[-1].endswith("，1 个线程")


def test_auto_is_not_in_the_timing_line_but_its_choice_is_in_json(cli, no_variables):
    text = cli("train", "--epochs", "1", "--seed", "1")
    assert "thread" not in text.out.splitlines()[-1]
    run = cli("train", "--epochs", "1", "--seed", "1", "--json")
    assert run.json["config"]["threads"] == "auto"
    assert 1 <= run.json["threads"] <= len(resources.os.sched_getaffinity(0))


@pytest.mark.parametrize("name", VARIABLES)
def test_a_users_variable_wins_over_auto(monkeypatch, no_variables, name):
    monkeypatch.setattr(resources, "idle_cores", lambda: 7)
    assert run_threads("auto") == 7
    monkeypatch.setenv(name, "3")
    assert run_threads("auto") is None  # the libraries keep what the user said
    assert run_threads(2) == 2  # --threads says it explicitly


def test_sweeps_one_thread_stands_under_auto(monkeypatch, no_variables):
    monkeypatch.setattr(resources, "THREADS", 1)  # after the fixture's None
    monkeypatch.setattr(resources, "idle_cores", lambda: 2)
    assert run_threads("auto") == 1


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_threadpoolctl_limits_the_exact_pass(monkeypatch, no_variables):
    """Inside the run's exact pass every BLAS pool runs on the threads asked for; after the
    run they are as they were."""
    outside = blas_threads()
    assert outside, "numpy's BLAS, seen by threadpoolctl"
    seen = []
    original = runs.reduce_training_rows

    def spying(*args, **kwargs):
        seen.append((blas_threads(), resources.THREADS))
        return original(*args, **kwargs)

    monkeypatch.setattr(runs, "reduce_training_rows", spying)
    dataset = load(RunSpec.build(num_examples=200).data.resolved(1), 1, True)
    spec = RunSpec.build(num_examples=200, num_epochs=1, threads=1, exact="always", seed=1)
    run = runs.execute(spec, dataset)
    assert run.threads == 1
    assert seen and all(n == 1 for n in seen[0][0]) and seen[0][1] == 1
    assert blas_threads() == outside and resources.THREADS is None


def test_the_loss_takes_the_runs_threads_chosen_once(monkeypatch):
    """Inside a run the loss's threads are the run's, not the load average read again."""
    from linscratch.train.kernels.epoch_loss import threads

    monkeypatch.setattr(resources, "THREADS", None)
    monkeypatch.setattr("os.getloadavg", lambda: (12.0, 12.0, 12.0))
    with limited_threads(3):
        assert threads() == 3
    assert threads() == 1  # outside a run: the idle cores again


def test_limited_threads_none_changes_nothing():
    outside = blas_threads()
    with limited_threads(None):
        assert blas_threads() == outside


def npy_map(tmp_path, n=50_000, d=4):
    A = np.random.default_rng(2).normal(size=(n, d + 1))
    np.save(tmp_path / "a.npy", A)
    return np.load(tmp_path / "a.npy", mmap_mode="r"), A


def test_a_memory_map_is_read_ahead_block_by_block(tmp_path, monkeypatch):
    """The NPY file's views (features, target) are found in their mapping and each block of
    the pass is advised ahead, at page boundaries inside the mapping."""
    M, _ = npy_map(tmp_path)
    calls = []
    real = mmap.mmap.madvise

    class Counting(ReadAhead):
        def _advise(self, found, advice, offset, length):
            calls.append((advice, offset, length, len(found)))
            return super()._advise(found, advice, offset, length)

    monkeypatch.setattr(reduction, "ReadAhead", Counting)
    monkeypatch.setattr(reduction, "GRAM_BYTES", 1 << 16)  # many blocks
    X, y = M[:, :4], M[:, 4]
    reduce_rows(X, y, method="normal")
    willneed = [c for c in calls if c[0] == mmap.MADV_WILLNEED]
    assert any(c[0] == mmap.MADV_SEQUENTIAL for c in calls)
    assert len(willneed) > 2 * 10  # two views, a block ahead of each of many blocks
    assert all(
        off % mmap.PAGESIZE == 0 and 0 <= off and off + n <= size
        for _, off, n, size in willneed
        if n > 0
    )
    assert real is mmap.mmap.madvise


def test_arrays_in_memory_are_not_advised():
    pages = ReadAhead(np.zeros((10, 3)), np.zeros(10), None)
    pages.ahead(0, 10)
    assert pages.parts == [] and pages.advised == 0


def test_the_read_ahead_pass_is_the_same_answer(tmp_path):
    """Read ahead from the mapping or from memory, the R factor is the same bit for bit, and it
    is numpy's QR's of the same rows to float64's precision."""
    M, A = npy_map(tmp_path)
    mapped = reduce_rows(M[:, :4], M[:, 4], method="normal").R
    inside = reduce_rows(A[:, :4], A[:, 4], method="normal").R
    np.testing.assert_array_equal(mapped, inside)
    reference = np.linalg.qr(np.c_[A[:, :4], np.ones(len(A)), A[:, 4]], mode="r")
    np.testing.assert_allclose(np.abs(mapped), np.abs(reference), rtol=1e-9, atol=1e-9)


def test_one_thread_and_two_give_the_same_run(tmp_path, no_variables, monkeypatch):
    """The whole run on one thread or two: BLAS's blocking may move the exact pass's last
    digits, nothing more; SGD's (numba, no BLAS) is the same bit for bit. The run's exact pass
    reads the NPY file's memory map ahead (its views found in the mapping)."""
    readers = []

    class Recorded(ReadAhead):
        def __init__(self, *arrays):
            super().__init__(*arrays)
            readers.append(self)

    monkeypatch.setattr(reduction, "ReadAhead", Recorded)
    n = 300_000  # n·k² past reduction.SMALL: the streamed normal equations, syrk
    A = np.random.default_rng(3).normal(size=(n, 21))
    A[:, 20] = A[:, :20] @ np.linspace(-1, 1, 20) + 0.1 * A[:, 20]
    np.save(tmp_path / "d.npy", A)
    out = []
    for threads in (1, 2):
        spec = RunSpec.build(
            data=str(tmp_path / "d.npy"), num_epochs=1, engine="compiled", threads=threads, seed=1
        )
        dataset = load(spec.data, 1, True)
        out.append(runs.execute(spec, dataset))
    one, two = out
    assert one.threads == 1 and two.threads == 2
    np.testing.assert_allclose(one.ols.w, two.ols.w, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(one.result.w, two.result.w)
    assert one.result.losses == two.result.losses
    blocks = -(-n // (reduction.GRAM_BYTES // (8 * 22)))  # the pass's blocks of 22 columns
    assert readers and all(len(r.parts) == 2 for r in readers)  # features and target
    assert all(r.advised == 2 * (blocks + 1) for r in readers)  # the first, then one ahead each


def test_a_runs_wide_pass_holds_blas_to_one_thread_only_around_the_gram(monkeypatch, no_variables):
    """A run on 2 threads, wide rows (the BLAS path, `reduction.BlockGram`) with two equal
    columns: BLAS held to one thread, set on the main thread, while the blocks' products are
    taken; the QR fallback (the normal equations refused) on the run's threads; after the run
    the pools as they were."""
    outside = blas_threads()
    seen: dict = {"gram": [], "qr": [], "held on the main thread": []}
    product, qr_pass, hold = (
        reduction.BlockGram._product,
        reduction.qr_pass,
        reduction.one_blas_thread,
    )

    def spy_product(self, *args):
        seen["gram"].append(blas_threads())
        return product(self, *args)

    def spy_qr(*args, **kwargs):
        seen["qr"].append(blas_threads())
        return qr_pass(*args, **kwargs)

    @contextlib.contextmanager
    def spy_hold():
        main = threading.current_thread() is threading.main_thread()
        seen["held on the main thread"].append(main)
        with hold():
            yield

    monkeypatch.setattr(reduction.BlockGram, "_product", spy_product)
    monkeypatch.setattr(reduction, "qr_pass", spy_qr)
    monkeypatch.setattr(reduction, "one_blas_thread", spy_hold)
    rng = np.random.default_rng(3)
    n, d = 80_000, 40  # n·k² above reduction.SMALL: the normal equations are tried first
    X = rng.normal(size=(n, d))
    X[:, 1] = X[:, 0]
    y = (X[:, :3].sum(1) + rng.normal(size=n)).reshape(-1, 1)
    dataset = Dataset(X, y, [f"x{j}" for j in range(d)], "y", {"kind": "arrays"})
    spec = RunSpec.build(num_epochs=1, threads=2, exact="always", seed=1)
    with limited_threads(2):
        asked = blas_threads()
    run = runs.execute(spec, dataset)
    assert run.exact == "computed" and run.ols is not None
    assert seen["gram"] and all(set(n) == {1} for n in seen["gram"])
    assert seen["held on the main thread"] == [True]
    assert seen["qr"] == [asked]
    assert blas_threads() == outside
