"""Checkpoints: an interrupted run, resumed, ends bit for bit where an uninterrupted one does."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from linscratch.train import fit


def problem():
    g = torch.Generator().manual_seed(0)
    X = torch.normal(0, 1, (503, 3), generator=g)
    return X, X @ torch.tensor([1.0, -2.0, 0.5]) + 0.3 + 0.01 * torch.normal(
        0, 1, (503,), generator=g
    )


class Interrupt(Exception):
    pass


def stop_after(epochs):
    def callback(epoch, loss, w, b):
        if epoch == epochs:
            raise Interrupt

    return callback


@pytest.mark.parametrize(
    ("engine", "shuffle"),
    [("autograd", "book"), ("numba", "block"), ("numba", "full"), ("analytic", "book")],
)
def test_resumed_run_equals_uninterrupted_bit_for_bit(tmp_path, engine, shuffle):
    X, y = problem()
    kwargs = {"num_epochs": 6, "engine": engine, "shuffle": shuffle, "seed": 5, "lr": 0.05}
    whole = fit(X, y, checkpoint=str(tmp_path / "a"), **kwargs)
    (tmp_path / "b").mkdir()
    with pytest.raises(Interrupt):
        fit(X, y, checkpoint=str(tmp_path / "b"), callback=stop_after(3), **kwargs)
    saved = json.loads((tmp_path / "b" / "checkpoint.json").read_text())
    assert saved["epoch"] == 3
    resumed = fit(X, y, checkpoint=str(tmp_path / "b"), resume=True, **kwargs)
    assert resumed.losses == whole.losses
    assert resumed.w == whole.w and resumed.b == whole.b


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    from linscratch.errors import UsageError

    X, y = problem()
    fit(X, y, num_epochs=2, seed=1, checkpoint=str(tmp_path))
    with pytest.raises(UsageError, match="another run: lr"):
        fit(X, y, num_epochs=2, seed=1, lr=0.1, checkpoint=str(tmp_path), resume=True)
    with pytest.raises(UsageError, match="data"):
        fit(X * 2, y, num_epochs=2, seed=1, checkpoint=str(tmp_path), resume=True)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{broken", "corrupt"),
        ('{"format": "other"}', "not a linscratch checkpoint"),
        ("", "corrupt"),
    ],
)
def test_corrupt_checkpoints_are_refused(cli, tmp_path, content, words):
    (tmp_path / "checkpoint.json").write_text(content)
    run = cli("train", "--seed", "1", "--resume", str(tmp_path))
    assert run.code == 2 and words in run.err and len(run.err.strip().splitlines()) == 1


def test_checkpoint_flags(cli, tmp_path):
    run = cli("train", "--seed", "1", "--resume", str(tmp_path / "none"))
    assert run.code == 2 and "no checkpoint" in run.err
    assert cli("train", "--seed", "1", "--checkpoint", str(tmp_path / "c")).code == 0
    before = (tmp_path / "c" / "checkpoint.json").read_text()
    run = cli("train", "--seed", "1", "--checkpoint", str(tmp_path / "c"))
    assert run.code == 2 and "--resume" in run.err
    assert (tmp_path / "c" / "checkpoint.json").read_text() == before
    done = cli("train", "--seed", "1", "--resume", str(tmp_path / "c"), "--json")
    assert done.code == 0 and len(done.json["epochs"]) == 3


def test_killed_process_resumes_exactly(tmp_path):
    """A real interruption: SIGKILL in the middle of a run, then --resume."""
    args = [
        "train",
        "--seed",
        "2",
        "--epochs",
        "300",
        "--num-examples",
        "1000",
        "--engine",
        "autograd",
        "--json",
    ]
    cmd = [sys.executable, "-m", "linscratch", *args]
    folder = tmp_path / "ck"
    proc = subprocess.Popen(
        [*cmd, "--checkpoint", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while not (folder / "checkpoint.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    saved = json.loads((folder / "checkpoint.json").read_text())
    assert 0 < saved["epoch"] < 300  # it really stopped part way
    resumed = json.loads(
        subprocess.run(
            [*cmd, "--resume", str(folder)], capture_output=True, text=True, check=True
        ).stdout
    )
    whole = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    assert resumed["epochs"] == whole["epochs"]
    assert resumed["w"] == whole["w"] and resumed["b"] == whole["b"]
    assert np.isfinite(resumed["loss"])
