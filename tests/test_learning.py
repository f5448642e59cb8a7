"""Seeing it learn: the stability limit, traces, plots, sweeps, the progress bar, and the
options the book's exercises need (zero initialisation, the book's short batch)."""

import io

import numpy as np
import pytest
import torch
from test_seed_fidelity import book_script

from linscratch.events import EpochEnd, Progress, RunStart
from linscratch.show import progress
from linscratch.spec import RunSpec
from linscratch.train.engines import EpochTrace, make_engine
from linscratch.train.orders import Orders
from linscratch.train.plan import make_plan


def plan_for(engine: str, **settings):
    """The plan of a small run on `engine` (the planner decides the rest)."""
    return make_plan(RunSpec.build(engine=engine, **settings), 100, 3, 8)


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_stability_is_the_top_eigenvalue_of_the_data(cli):
    report = cli("train", "--seed", "2", "--json").json
    torch.manual_seed(2)
    X = torch.normal(0, 1, (1000, 2)).double().numpy()  # the book's features for seed 2
    A = np.c_[X, np.ones(1000)]
    top = np.linalg.eigvalsh(A.T @ A / 1000)[-1]
    assert report["stability"]["lambda_max"] == pytest.approx(top, rel=1e-6)
    assert report["stability"]["gd_lr_max"] == pytest.approx(2 / top, rel=1e-6)
    norms = (A * A).sum(axis=1)  # SGD's limit at batch 10 (docs/stability.md)
    rows = min(norms.max(), (norms**2).mean() / norms.mean() + 2 * top)
    assert report["stability"]["lr_max"] == pytest.approx(20 / (rows + 9 * top), rel=1e-6)
    assert report["stability"]["exceeded"] is False


def test_a_rate_above_the_limit_is_warned_about_and_named_when_it_diverges(cli, tmp_path):
    model, plot = tmp_path / "m.json", tmp_path / "p.png"
    run = cli("train", "--seed", "2", "--lr", "2.5", "--save", str(model), "--plot", str(plot))
    assert run.code == 1 and run.out.startswith("SGD diverged")  # the exact answer stands
    warning, error = run.err.strip().splitlines()
    assert "exceeds SGD's stability limit at batch size 10" in warning and "2/λ_max" in warning
    assert "diverged" in error and "epoch" in error and "step" in error and "2/λ_max" in error
    assert not model.exists() and not plot.exists()


@pytest.mark.parametrize("engine", ["autograd", "analytic", "compiled"])
def test_every_engine_records_the_same_trace(engine):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(95, 3)), rng.normal(size=(95, 1))
    order = Orders("full", 95, 1).epoch(1)
    ref = EpochTrace.for_epoch(10, 3, 3)
    eng = make_engine(
        plan_for("autograd"),
        torch.tensor(X),
        torch.tensor(y),
        torch.zeros(3, 1).double(),
        torch.zeros(1).double(),
    )
    eng.run_epoch(order, 0.1, 10, ref)
    trace = EpochTrace.for_epoch(10, 3, 3)
    eng = make_engine(
        plan_for(engine),
        torch.tensor(X),
        torch.tensor(y),
        torch.zeros(3, 1).double(),
        torch.zeros(1).double(),
    )
    eng.compile()
    eng.run_epoch(order, 0.1, 10, trace)
    np.testing.assert_allclose(trace.step_loss, ref.step_loss, rtol=1e-12)
    np.testing.assert_allclose(trace.params, ref.params, rtol=1e-12)
    assert trace.params.shape == (3, 4) and np.isfinite(trace.step_loss).all()
    w, b = eng.params()
    assert trace.params[-1].tolist() != [*w, b]  # step 9 is not the last step (10)


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_is_written(cli, tmp_path, suffix):
    path = tmp_path / f"learn{suffix}"
    run = cli("train", "--seed", "1", "--plot", str(path))
    assert run.code == 0 and f"plot written to {path}" in run.out
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) if suffix == ".png" else b"<svg" in data[:2000]
    assert len(data) > 10_000


def test_plot_of_a_file_with_a_split_and_many_features(cli, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = X @ np.arange(1, 6) + 3 + 0.1 * rng.normal(size=300)
    data = tmp_path / "d.npy"
    np.save(data, np.c_[X, y])
    path = tmp_path / "p.png"
    run = cli(
        "train",
        "--data",
        str(data),
        "--val-fraction",
        "0.2",
        "--epochs",
        "150",
        "--plot",
        str(path),
        "--json",
    )
    assert run.code == 0, run.err
    assert len(run.json["validation"]["epochs"]) == 150
    assert path.read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--plot", "learn.pdf"], ["--plot", ".png or .svg"]),
        (["--plot", "missing-folder/learn.png"], ["--plot", "not a folder"]),
    ],
)
def test_bad_plot_paths(cli, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    run = cli("train", "--seed", "1", *args)
    assert run.code == 2 and run.out == "" and len(run.err.strip().splitlines()) == 1
    assert all(word in run.err for word in words)


def test_plot_is_regenerated_without_force(cli, tmp_path):
    path = tmp_path / "p.png"
    path.write_bytes(b"mine")
    assert cli("train", "--seed", "1", "--plot", str(path)).code == 0
    assert path.read_bytes().startswith(PNG_MAGIC)
    assert cli("train", "--seed", "1", "--plot", str(path), "--force").code == 0
    assert path.read_bytes().startswith(PNG_MAGIC)


def test_sweep_json_runs_every_pair(cli, tmp_path):
    plot = tmp_path / "sweep.svg"
    run = cli(
        "sweep",
        "--lr",
        "0.03,3",
        "--batch-size",
        "10,1000",
        "--seed",
        "1",
        "--jobs",
        "1",
        "--json",
        "--plot",
        str(plot),
    )
    assert run.code == 0, run.err
    runs = run.json["runs"]
    assert [(r["lr"], r["batch_size"]) for r in runs] == [
        (0.03, 10),
        (0.03, 1000),
        (3, 10),
        (3, 1000),
    ]
    for r in runs:
        assert set(r) >= {"lr", "batch_size", "epochs", "diverged"}
    ok, _, diverged, _ = runs
    assert ok["diverged"] is False and len(ok["epochs"]) == 3 and ok["final_loss"] < 1e-4
    assert diverged["diverged"] is True and diverged["diverged_at"]["epoch"] == 1
    assert b"<svg" in plot.read_bytes()[:2000]
    # the same data and seed: the sweep's run equals a plain training run
    single = cli("train", "--seed", "1", "--json").json
    assert [e["loss"] for e in ok["epochs"]] == [e["loss"] for e in single["epochs"]]


@pytest.mark.slow
def test_sweep_in_parallel_processes_agrees_with_one(cli):
    args = ("sweep", "--lr", "0.01,0.03", "--batch-size", "10", "--seed", "4", "--json")
    serial = cli(*args, "--jobs", "1").json["runs"]
    parallel = cli(*args, "--jobs", "2").json
    assert parallel["jobs"] == 2
    assert [r["epochs"] for r in parallel["runs"]] == [r["epochs"] for r in serial]


def test_sweep_table(cli):
    run = cli("sweep", "--lr", "0.03,5", "--batch-size", "10", "--seed", "1", "--jobs", "1")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].split()[:3] == ["lr", "batch", "final"]
    assert lines[1].rstrip().endswith("converged") and "diverged at epoch" in lines[2]


@pytest.mark.parametrize(
    "args",
    [
        ["--lr", "0.1,x", "--batch-size", "10"],
        ["--lr", "0.1"],
        ["--lr", "0.1", "--batch-size", "0"],
    ],
)
def test_sweep_bad_input(cli, args):
    run = cli("sweep", *args)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def test_zero_initialisation_still_learns(cli):
    """The book's exercise: zero weights work for linear regression (no symmetry to break)."""
    book = cli("train", "--seed", "5", "--json").json
    zero = cli("train", "--seed", "5", "--json", "--init", "zero").json
    assert zero["w"] != book["w"]
    assert zero["loss"] < 1e-4 and max(abs(e) for e in zero["w_error"]) < 0.01


def test_short_batch_book_reproduces_the_book_exactly(cli):
    """With --short-batch book even a batch size that does not divide the data gives the
    book's script bit for bit, its flaw included."""
    args = ("--num-examples", "1005", "--seed", "11", "--json")
    report = cli("train", *args, "--short-batch", "book").json
    losses, w, b, _, _ = book_script(11, num_examples=1005)
    assert [e["loss"] for e in report["epochs"]] == losses
    assert (report["w"], report["b"]) == (w, b)


def test_progress_bar_draws_on_a_terminal(monkeypatch):
    from rich.console import Console

    out = io.StringIO()
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    start = RunStart(None, 1000, 2, 100, 1, 4, np.zeros(2), 0.0)
    with progress.Feedback(console=Console(file=out, force_terminal=True)) as bar:
        bar.run_start(start)
        for epoch in range(1, 5):
            bar.progress(Progress(epoch, 50))  # within the epoch: half of its 100 steps
            assert bar.bar.tasks[0].completed == epoch - 0.5
            assert bar.bar.tasks[0].fields["batches"] == f"{epoch * 100 - 50}/400"
            assert not bar.epoch_end(EpochEnd(epoch, 0.5 / epoch, np.zeros(2), 0.0))
    text = out.getvalue()
    assert "epoch" in text and "4/4" in text and "400/400" in text and "loss" in text


def test_progress_bar_is_off_when_not_wanted(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert progress.wanted(json=False, quiet=False)
    assert not progress.wanted(json=False, quiet=True)
    assert not progress.wanted(json=True, quiet=False)


def test_no_progress_bar_in_captured_output(cli):
    run = cli("train", "--seed", "1", "--epochs", "30", "--num-examples", "20000")
    assert "batches" not in run.err  # stderr is not a terminal here
    assert run.code == 0 and run.out.startswith("epoch 1, loss")
