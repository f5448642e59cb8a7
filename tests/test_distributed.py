"""Data parallelism: two gloo processes on loopback equal one process, to rounding."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from linscratch import distributed
from linscratch.events import Trace
from linscratch.train.loop import fit

os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")  # loopback, whatever the hostname says


def problem():
    g = torch.Generator().manual_seed(0)
    X = torch.normal(0, 1, (1003, 4), generator=g, dtype=torch.float64)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64) + 0.7
    return X, y + 0.01 * torch.normal(0, 1, (1003,), generator=g, dtype=torch.float64)


def run_fit(**kwargs):
    """The run and its trace (each step's batch loss)."""
    X, y = problem()
    trace = Trace()
    result = fit(
        X,
        y,
        lr=0.05,
        batch_size=64,
        num_epochs=4,
        engine="analytic",
        dtype="float64",
        seed=3,
        subscribers=[trace],
        **kwargs,
    )
    return result, trace.to_dict()


def weights():
    """Row weights for the weighted runs: positive, uneven, one a row of `problem`."""
    return np.random.default_rng(7).uniform(0.1, 3.0, 1003)


def settings(kind, l2: float = 0.0) -> dict:
    """The run's extra settings: none, row weights, or Huber's loss (δ 0.5: the first steps'
    residuals, several units, are clipped); weight decay λ where l2 is not 0."""
    decay = {"l2": l2} if l2 else {}
    if kind == "huber":
        return {"loss": "huber", "huber_delta": 0.5} | decay
    return ({"sample_weight": weights()} if kind else {}) | decay


def worker(rank: int, world: int, init_file: str, out_dir: str, weighted=False, l2=0.0) -> None:
    group = distributed.Group(rank, world, rank)
    distributed.start(group, init_method=f"file://{init_file}", timeout_s=30)
    try:
        result, trace = run_fit(**settings(weighted, l2))
        with open(os.path.join(out_dir, f"{rank}.json"), "w") as f:
            json.dump(
                {
                    "w": result.w,
                    "b": result.b,
                    "losses": result.losses,
                    "steps": trace["step_loss"].tolist(),
                },
                f,
            )
    finally:
        distributed.stop()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("weighted", "l2"), [(False, 0.0), (True, 0.0), (True, 0.3), ("huber", 0.0), ("huber", 0.3)]
)
def test_two_processes_equal_one(tmp_path, weighted, l2):
    args = (2, str(tmp_path / "init"), str(tmp_path), weighted, l2)
    mp.spawn(worker, args=args, nprocs=2, join=True)
    single, single_trace = run_fit(**settings(weighted, l2))
    for rank in (0, 1):
        got = json.loads((tmp_path / f"{rank}.json").read_text())
        np.testing.assert_allclose(got["w"], single.w, rtol=1e-10, atol=1e-12)
        assert got["b"] == pytest.approx(single.b, rel=1e-10)
        np.testing.assert_allclose(got["losses"], single.losses, rtol=1e-10)
        np.testing.assert_allclose(got["steps"], single_trace["step_loss"], rtol=1e-10)


def test_group_from_torchrun_environment():
    assert distributed.from_env({}) is None
    assert distributed.from_env({"RANK": "0", "WORLD_SIZE": "1"}) is None
    group = distributed.from_env({"RANK": "1", "WORLD_SIZE": "4", "LOCAL_RANK": "1"})
    assert group == distributed.Group(1, 4, 1) and not group.is_main


@pytest.mark.slow
def test_torchrun_cli_prints_once_and_matches_one_process():
    args = [
        "train",
        "--seed",
        "1",
        "--dtype",
        "float64",
        "--json",
        "--batch-size",
        "100",
        "--epochs",
        "3",
    ]
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc-per-node",
        "2",
        "-m",
        "linscratch",
        *args,
    ]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "GLOO_SOCKET_IFNAME": "lo"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1  # rank 0 alone prints
    shared = json.loads(lines[0])
    single = json.loads(
        subprocess.run(
            [sys.executable, "-m", "linscratch", *args, "--engine", "analytic"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert shared["engine"] == "analytic"
    np.testing.assert_allclose(shared["w"], single["w"], rtol=1e-10)
    # the exact answer: each rank reduced half the rows, the two R factors combined
    for key in ("w", "se"):
        np.testing.assert_allclose(shared["ols"][key], single["ols"][key], rtol=1e-12)
    assert shared["ols"]["loss"] == pytest.approx(single["ols"]["loss"], rel=1e-12)
    np.testing.assert_allclose(
        [e["loss"] for e in shared["epochs"]], [e["loss"] for e in single["epochs"]], rtol=1e-10
    )


def test_one_process_engines_are_refused_under_torchrun(cli, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    run = cli("train", "--engine", "compiled")
    assert run.code == 2 and "torchrun" in run.err


def test_cuda_without_a_gpu_is_a_usage_error(cli):
    if torch.cuda.is_available():
        pytest.skip("a GPU is here: the error does not apply")
    run = cli("train", "--device", "cuda")
    assert run.code == 2 and "no CUDA device" in run.err


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_analytic_engine_matches_cpu(cli):
    cpu = cli("train", "--seed", "1", "--dtype", "float64", "--engine", "analytic", "--json").json
    gpu = cli("train", "--seed", "1", "--dtype", "float64", "--device", "cuda", "--json").json
    assert gpu["engine"] == "analytic"
    np.testing.assert_allclose(gpu["w"], cpu["w"], rtol=1e-10)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_analytic_engine_matches_cpu_weighted():
    X, y = problem()
    settings = dict(lr=0.05, batch_size=64, num_epochs=3, engine="analytic", dtype="float64")
    cpu = fit(X, y, seed=3, sample_weight=weights(), **settings)
    gpu = fit(X, y, seed=3, sample_weight=weights(), device="cuda", **settings)
    np.testing.assert_allclose(gpu.w, cpu.w, rtol=1e-10)
    np.testing.assert_allclose(gpu.losses, cpu.losses, rtol=1e-10)


SCHEDULED = {"lr_schedule": "invscaling", "power_t": 0.5}


def scheduled_worker(rank: int, world: int, init_file: str, out_dir: str) -> None:
    """`worker` for a run whose rate falls as lr / t^0.5 (every rank counts the same steps)."""
    group = distributed.Group(rank, world, rank)
    distributed.start(group, init_method=f"file://{init_file}", timeout_s=30)
    try:
        result, _ = run_fit(**SCHEDULED)
        with open(os.path.join(out_dir, f"{rank}.json"), "w") as f:
            json.dump({"w": result.w, "b": result.b, "last_lr": result.last_lr}, f)
    finally:
        distributed.stop()


@pytest.mark.slow
def test_two_processes_equal_one_under_a_schedule(tmp_path):
    mp.spawn(scheduled_worker, args=(2, str(tmp_path / "init"), str(tmp_path)), nprocs=2)
    single, _ = run_fit(**SCHEDULED)
    for rank in (0, 1):
        got = json.loads((tmp_path / f"{rank}.json").read_text())
        np.testing.assert_allclose(got["w"], single.w, rtol=1e-10, atol=1e-12)
        assert got["b"] == pytest.approx(single.b, rel=1e-10)
        assert got["last_lr"] == single.last_lr


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize(
    "schedule",
    [SCHEDULED, {"lr_schedule": "step", "lr_step_epochs": 1, "lr_step_factor": 0.5}],
)
def test_cuda_analytic_engine_matches_cpu_under_a_schedule(schedule):
    X, y = problem()
    settings = dict(lr=0.05, batch_size=64, num_epochs=3, engine="analytic", dtype="float64")
    cpu = fit(X, y, seed=3, **settings, **schedule)
    gpu = fit(X, y, seed=3, device="cuda", **settings, **schedule)
    np.testing.assert_allclose(gpu.w, cpu.w, rtol=1e-10)
    np.testing.assert_allclose(gpu.losses, cpu.losses, rtol=1e-10)
