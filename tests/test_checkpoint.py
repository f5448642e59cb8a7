"""Checkpoints: an interrupted run, resumed, ends bit for bit where an uninterrupted one does."""

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
import torch

from linscratch.train.loop import fit


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
    [("autograd", "book"), ("compiled", "block"), ("compiled", "full"), ("analytic", "book")],
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
    resumed = fit(X, y, resume=str(tmp_path / "b"), **kwargs)
    assert resumed.losses == whole.losses
    assert resumed.w == whole.w and resumed.b == whole.b


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    from linscratch.errors import UsageError

    X, y = problem()
    fit(X, y, num_epochs=2, seed=1, checkpoint=str(tmp_path))
    with pytest.raises(UsageError, match="another run: lr"):
        fit(X, y, num_epochs=2, seed=1, lr=0.1, resume=str(tmp_path))
    with pytest.raises(UsageError, match="data"):
        fit(X * 2, y, num_epochs=2, seed=1, resume=str(tmp_path))


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


KILL_AT_EPOCH = """
import os, signal, sys
from linscratch.cli import main
from linscratch.cli import train
from linscratch.events import Subscriber

class KillAfter(Subscriber):
    def epoch_end(self, event):  # after the checkpoint of this epoch is written
        if event.epoch == int(os.environ["KILL_AT"]):
            os.kill(os.getpid(), signal.SIGKILL)

execute = train.execute
train.execute = lambda spec, data, subs=(), **kw: execute(spec, data, [*subs, KillAfter()], **kw)
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_killed_process_resumes_exactly(tmp_path):
    """A real interruption: the run kills itself with SIGKILL right after epoch 7's checkpoint
    (no timing involved), then --resume finishes it as if nothing had happened."""
    args = ["train", "--seed", "2", "--epochs", "30", "--engine", "autograd", "--json"]
    folder = tmp_path / "ck"
    proc = subprocess.run(
        [sys.executable, "-c", KILL_AT_EPOCH, *args, "--checkpoint", str(folder)],
        capture_output=True,
        env={**os.environ, "KILL_AT": "7"},
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    saved = json.loads((folder / "checkpoint.json").read_text())
    assert saved["epoch"] == 7  # it really stopped part way
    cmd = [sys.executable, "-m", "linscratch", *args]
    resumed = json.loads(
        subprocess.run(
            [*cmd, "--resume", str(folder)], capture_output=True, text=True, check=True
        ).stdout
    )
    whole = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    assert resumed["epochs"] == whole["epochs"]
    assert resumed["w"] == whole["w"] and resumed["b"] == whole["b"]
    assert np.isfinite(resumed["loss"])


@pytest.mark.parametrize(
    ("engine", "shuffle"),
    [("autograd", "book"), ("compiled", "block"), ("compiled", "full"), ("analytic", "full")],
)
def test_a_finished_run_continued_to_more_epochs_equals_the_longer_run(tmp_path, engine, shuffle):
    """Warm start: 3 epochs, then `resume` with num_epochs=7, ends bit for bit where a 7-epoch
    run does; the checkpoint then records all 7."""
    X, y = problem()
    kwargs = {"engine": engine, "shuffle": shuffle, "seed": 5, "lr": 0.05}
    longer = fit(X, y, num_epochs=7, **kwargs)
    fit(X, y, num_epochs=3, checkpoint=str(tmp_path), **kwargs)
    continued = fit(X, y, num_epochs=7, resume=str(tmp_path), **kwargs)
    assert continued.losses == longer.losses
    assert continued.w == longer.w and continued.b == longer.b
    assert json.loads((tmp_path / "checkpoint.json").read_text())["epoch"] == 7


def test_fewer_epochs_than_a_checkpoint_has_run_are_refused(tmp_path):
    from linscratch.errors import UsageError

    X, y = problem()
    fit(X, y, num_epochs=4, seed=1, checkpoint=str(tmp_path))
    with pytest.raises(
        UsageError, match=r"num_epochs is 2, but the run in .* has already trained 4"
    ):
        fit(X, y, num_epochs=2, seed=1, resume=str(tmp_path))


@pytest.mark.slow
def test_cli_warm_start_keeps_the_plan_and_matches_the_longer_run(cli, tmp_path):
    """`--resume DIR --epochs N` continues a finished run; with engine auto the continued run
    keeps the engine its checkpoint chose (a fresh 120-epoch run would pick the compiled one)."""
    folder = str(tmp_path / "ck")
    args = ("--seed", "4", "--num-examples", "1000", "--json")
    first = cli("train", *args, "--epochs", "3", "--checkpoint", folder).json
    assert first["engine"] == "autograd"
    continued = cli("train", *args, "--epochs", "120", "--resume", folder).json
    longer = cli("train", *args, "--epochs", "120", "--engine", "autograd").json
    assert continued["engine"] == "autograd" and continued["shuffle"] == "book"
    assert continued["epochs"] == longer["epochs"] and continued["w"] == longer["w"]
    run = cli("train", *args, "--epochs", "2", "--resume", folder)
    assert run.code == 2 and "--epochs is 2" in run.err and "120 epochs" in run.err


def test_two_runs_on_one_checkpoint_folder_the_second_is_refused(tmp_path):
    """While a run holds its checkpoint folder (an advisory lock), another run on it is
    refused, and the first one's checkpoint is left intact."""
    from linscratch.errors import UsageError

    X, y = problem()
    refusals = []

    def second_run(epoch, loss, w, b):
        if epoch == 1:
            with pytest.raises(UsageError, match="in use by another run") as info:
                fit(X, y, num_epochs=2, seed=9, checkpoint=str(tmp_path), force=True)
            refusals.append(str(info.value))

    first = fit(X, y, num_epochs=3, seed=1, checkpoint=str(tmp_path), callback=second_run)
    saved = json.loads((tmp_path / "checkpoint.json").read_text())
    assert refusals and saved["epoch"] == 3 and saved["fingerprint"]["seed"] == 1
    assert saved["losses"] == first.losses


def test_a_checkpoint_of_the_numba_engine_resumes_on_the_compiled_one(cli, tmp_path):
    """The compiled engine was named numba before its kernels were compiled with the package:
    a checkpoint that names it so resumes on the compiled engine, and says compiled."""
    import json

    folder = tmp_path / "ck"
    args = ("--seed", "1", "--num-examples", "50000", "--json")
    first = cli("train", *args, "--epochs", "2", "--checkpoint", str(folder)).json
    assert first["engine"] == "compiled"
    path = folder / "checkpoint.json"
    state = json.loads(path.read_text())
    state["plan"]["engine"] = state["fingerprint"]["engine"] = "numba"
    path.write_text(json.dumps(state))
    resumed = cli("train", *args, "--epochs", "4", "--resume", str(folder))
    longer = cli("train", *args, "--epochs", "4").json
    assert resumed.code == 0 and resumed.json["engine"] == "compiled"
    assert resumed.json["w"] == longer["w"]
