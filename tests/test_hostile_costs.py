# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)
"""Every cost priced before it is paid: a file far wider than it is long, counts past what a
run can do, and long runs that must answer Ctrl-C and SIGTERM at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from test_hostile import (  # noqa: F401  (lin, here and the imports: fixtures)
    GiB,
    _imports_done_before_timing,
    assert_refused,
    here,
    lin,
    snapshot,
)

from linscratch import fit, resources
from linscratch.errors import UsageError
from linscratch.exact.solve import stability
from linscratch.resources import matrix_free
from linscratch.spec import RunSpec

WIDE = 20_000  # features: with the target, 20,001 columns


def wide_csv(path: Path, d: int = WIDE, n: int = 3, seed: int = 0) -> Path:
    """A CSV of n rows of d random features and a target y, with a header."""
    values = np.random.default_rng(seed).normal(size=(n, d + 1))
    header = ",".join([*(f"x{j}" for j in range(d)), "y"])
    rows = [",".join(f"{v:.6f}" for v in row) for row in values]
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# 3 rows x 20,001 columns: done in seconds, the exact answer priced away
# ---------------------------------------------------------------------------------------------


def test_wide_file_finishes_within_ten_seconds_in_bounded_memory(lin, here):
    data = wide_csv(here / "wide.csv")
    run = lin(
        "train",
        "--data",
        data,
        "--lr",
        "1e-5",
        "--no-standardize",
        "--json",
        limit=10,
        memory=3 * GiB,
    )
    assert run.crash is None and run.code == 0, run.show()
    assert run.seconds < 10
    report = json.loads(run.out)
    assert report["exact"] == "skipped" and report["ols"] is None
    assert len(report["w"]) == WIDE
    # the stability limit of the 3 rows, without the (20,001)² curvature: that of A Aᵀ/n
    X = np.loadtxt(data, delimiter=",", skiprows=1)[:, :-1]
    A = np.c_[X, np.ones(3)]
    lam = np.linalg.eigvalsh(A @ A.T / 3)[-1]
    assert report["stability"]["lambda_max"] == pytest.approx(lam, rel=1e-8)


def test_wide_file_text_says_why_and_that_rows_are_fewer(lin, here):
    data = wide_csv(here / "wide.csv")
    run = lin("train", "--data", data, "--lr", "1e-5", limit=10, memory=3 * GiB)
    assert run.code == 0, run.show()
    assert "exact least squares: skipped" in run.out
    assert "3 rows, fewer than the 20,001 parameters" in run.out


def test_wide_file_diverging_is_one_line_within_ten_seconds(lin, here):
    data = wide_csv(here / "wide.csv")
    before = snapshot(here)
    run = lin("train", "--data", data, "--lr", "0.03", limit=10, memory=3 * GiB)
    assert_refused(run, here, before, code=1, words=("diverged", "SGD's stability limit"))


def test_exact_cost_counts_the_factorizations_of_a_wide_problem():
    # with few rows the cost grows as d³: twice the columns, about eight times the seconds
    ratio = resources.exact_cost(3, 2 * WIDE) / resources.exact_cost(3, WIDE)
    assert ratio == pytest.approx(8, rel=1e-3)
    assert resources.decide("auto", 3, WIDE, 3) == "skipped"
    assert resources.decide("always", 3, WIDE, 3) == "computed"
    assert resources.decide("auto", 1000, 2, 3) == "computed"  # the book's run


def test_stability_of_few_wide_rows_matches_the_formed_curvature():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3000))
    s = rng.uniform(0.5, 2.0, size=5)
    assert matrix_free(5, 3001)
    for weights, l2 in ((None, 0.0), (s, 0.0), (s, 0.3)):
        A = np.c_[X, np.ones(5)]
        S = np.ones(5) if weights is None else weights
        H = (A.T * S) @ A / S.sum()
        H[np.arange(3000), np.arange(3000)] += l2
        expected = np.linalg.eigvalsh(H)[-1]
        got = stability(X, weights=weights, l2=l2)["lambda_max"]
        assert got == pytest.approx(expected, rel=1e-7)


def test_the_stability_limits_of_a_square_file_are_cheap(lin, here):
    # 3,000 rows x 3,000 features: a formed curvature would cost about 7 s; 12 power steps on
    # the rows and their norms cost a small part of the run, so the limits are always estimated
    assert resources.stability_cost(3000, 3000) < 0.2 * resources.rest_cost(3000, 3000, 3)
    X = np.random.default_rng(2).normal(size=(3000, 3001)).astype(np.float32)
    np.save(here / "square.npy", X)
    run = lin(
        "train", "--data", "square.npy", "--lr", "1e-4", "--no-standardize", "--json", limit=30
    )
    assert run.code == 0, run.show()
    report = json.loads(run.out)
    assert report["exact"] == "skipped"
    A = np.c_[X[:, :-1].astype(np.float64), np.ones(len(X))]
    assert report["stability"]["beta"] == pytest.approx((A * A).sum(axis=1).max(), rel=1e-5)


# ---------------------------------------------------------------------------------------------
# Counts past what a run can do: refused at once, with the number and the limit
# ---------------------------------------------------------------------------------------------

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "args, words",
    [
        (["--epochs", HUGE], ("--epochs", "1,000,000", "99,999,999,999,999,999,999,999")),
        (["--epochs", "1000001"], ("--epochs", "1,000,000", "1,000,001")),
        (["--early-stopping", "--n-iter-no-change", HUGE], ("--n-iter-no-change", "1,000,000")),
        (["--lr-schedule", "step", "--lr-step-epochs", HUGE], ("--lr-step-epochs", "1,000,000")),
        (
            ["--epochs", "1000000", "--num-examples", "1000000", "--num-features", "1000"],
            ("--epochs", "1e+15", "1e+14"),
        ),
        (["--num-examples", HUGE], ("--num-examples", "memory")),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_counts_past_the_machine_are_refused_at_once(lin, here, args, words, as_json):
    before = snapshot(here)
    run = lin("train", *args, *(["--json"] if as_json else []), limit=5)
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=1.0)


def test_sweep_grid_past_the_limit_is_refused_before_listing_it(lin, here):
    lrs = ",".join(f"{0.001 * (i + 1):g}" for i in range(1001))
    sizes = ",".join(str(i + 1) for i in range(1000))
    before = snapshot(here)
    run = lin("sweep", "--lr", lrs, "--batch-size", sizes, limit=5)
    assert_refused(run, here, before, words=("--lr", "--batch-size", "1,001,000"), seconds=1.0)


def test_api_refuses_the_same_counts_naming_the_field(monkeypatch):
    with pytest.raises(UsageError, match="num_epochs must be at most 1,000,000"):
        RunSpec.build(num_epochs=10**23)
    with pytest.raises(UsageError, match="n_iter_no_change must be at most"):
        RunSpec.build(n_iter_no_change=10**7)
    X = np.zeros((10, 2), np.float32)
    with pytest.raises(UsageError, match="num_epochs must be at most"):
        fit(X, np.zeros(10, np.float32), num_epochs=10**23)
    # epochs x rows x features past the budget: fit refuses before it plans (limit lowered)
    monkeypatch.setattr(resources, "WORK_LIMIT", 100)
    with pytest.raises(UsageError, match=r"num_epochs: 6 epochs x 10 rows x 2 features"):
        fit(X, np.zeros(10, np.float32), num_epochs=6)


# ---------------------------------------------------------------------------------------------
# Ctrl-C and SIGTERM answered within a second, whatever the run is doing
# ---------------------------------------------------------------------------------------------

CODES = {signal.SIGINT: (130, "linscratch: interrupted"), signal.SIGTERM: (143, "terminated")}


def _signalled(args, tmp_path: Path, sig, ready) -> tuple[float, int, str, list]:
    """Start `linscratch ARGS`, wait until `ready(stdout so far)` or 20 s, send `sig`, and
    return the seconds it took to exit, its status, its stderr and what TMPDIR holds."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "linscratch", *map(str, args)]
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it: a suite started in the background by a shell
        # without job control inherits SIGINT ignored, and so would the run (as it should)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        ready(proc)
        assert proc.poll() is None, "the run ended before the signal"
        sent = time.monotonic()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        seconds = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return seconds, proc.returncode, err, sorted(p.name for p in scratch.iterdir())


def _after_first_epoch(proc) -> None:
    line = proc.stdout.readline()  # "epoch 1, loss ..."
    assert line.startswith("epoch 1"), line
    time.sleep(0.5)


def _after(seconds: float):
    return lambda proc: time.sleep(seconds)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize(
    "args, ready",
    [
        # training: 200,000 rows x 20 features, epoch after epoch
        (
            [
                "--num-examples",
                200_000,
                "--num-features",
                20,
                "--epochs",
                100_000,
                "--exact",
                "never",
            ],
            _after_first_epoch,
        ),
        # inside LAPACK: the exact answer of 3 rows x 6,000 columns (minutes of SVDs)
        (["--data", "wide.csv", "--exact", "always", "--lr", "1e-5"], _after(6.0)),
    ],
    ids=["training", "lapack"],
)
def test_long_runs_answer_signals_within_a_second(tmp_path, sig, args, ready):
    wide_csv(tmp_path / "wide.csv", d=6000)
    seconds, code, err, left = _signalled(["train", *args], tmp_path, sig, ready)
    status, line = CODES[sig]
    assert code == status, err
    assert seconds < 1.0, f"exited {seconds:.2f} s after the signal"
    assert err.strip().splitlines() == [line if sig == signal.SIGINT else "linscratch: terminated"]
    assert "Traceback" not in err
    assert left == []


@pytest.mark.parametrize("raised, code", [(KeyboardInterrupt, 130), ("terminated", 143)])
def test_a_signal_inside_a_compiled_call_is_still_an_interrupt(cli, monkeypatch, raised, code):
    """A compiled call's wrapper can turn a signal's exception raised as it returns into
    "SystemError: ... returned a result with an exception set", the signal as its context."""
    from linscratch import cli as cli_module

    signal_error = cli_module.Terminated() if raised == "terminated" else raised()

    class Command:
        @staticmethod
        def run(args):
            try:
                raise signal_error
            except BaseException:
                raise SystemError("CPUDispatcher returned a result with an exception set")  # noqa: B904 (numba sets only the context)

    monkeypatch.setattr(cli_module, "_command", lambda name: Command)
    run = cli("train")
    assert run.code == code
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1
