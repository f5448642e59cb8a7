"""`train --early-stopping`: the estimator's rule (`stopping.NoImprovement`) on the command line,
off by default; a run that stops early says where and why, and a checkpointed run resumes to
the same end."""

import numpy as np
import pytest

from linscratch import fit

FIXED = ["--seed", "1", "--engine", "analytic", "--shuffle", "full"]  # the same plan at any length


def windowed_fall(losses, k: int, epoch: int) -> float | None:
    """The relative fall of the mean loss of epochs epoch-k+1..epoch against the k before,
    computed here from the losses (None before 2k epochs)."""
    if epoch < 2 * k:
        return None
    recent = sum(losses[epoch - k : epoch]) / k
    before = sum(losses[epoch - 2 * k : epoch - k]) / k
    return (before - recent) / before


def stop_epoch(losses, tol: float, k: int) -> int | None:
    """The first epoch at which the windowed fall is below `tol`, by hand."""
    for epoch in range(1, len(losses) + 1):
        fall = windowed_fall(losses, k, epoch)
        if fall is not None and fall < tol:
            return epoch
    return None


def test_a_plateau_stops_early_where_the_rule_says(cli):
    full = cli("train", *FIXED, "--epochs", "60", "--json").json
    losses = [e["loss"] for e in full["epochs"]]
    expected = stop_epoch(losses, 1e-4, 5)
    assert expected is not None and expected < 60  # the book's loss reaches its noise floor
    report = cli("train", *FIXED, "--epochs", "60", "--early-stopping", "--json").json
    assert report["stopped_early"] == {
        "epoch": expected,
        "rule": "no_improvement",
        "tol": 1e-4,
        "n_iter_no_change": 5,
    }
    assert [e["loss"] for e in report["epochs"]] == losses[:expected]  # the same run, shorter
    assert report["config"]["early_stopping"] is True and report["config"]["tol"] == 1e-4


def test_the_text_says_where_and_why(cli):
    run = cli("train", *FIXED, "--epochs", "60", "--early-stopping", "--tol", "1e-3")
    assert run.code == 0, run.err
    epoch = int(run.out.split("stopped early at epoch ")[1].split()[0])
    lines = run.out.splitlines()
    stopped = lines.index(next(line for line in lines if line.startswith("stopped early")))
    assert lines[stopped - 1].startswith(f"epoch {epoch}, loss ")  # its last epoch is shown
    assert f"stopped early at epoch {epoch} of 60: the mean loss of the last 5 epochs" in run.out
    assert "fell by less than 0.001" in run.out
    assert f"{epoch} epochs x 1,000 examples" in run.out
    zh = cli("train", *FIXED, "--epochs", "60", "--early-stopping", "--tol", "1e-3", "--lang", "zh")
    assert f"在第 {epoch} 个迭代周期提前停止（共 60 个）" in zh.out


def test_a_loss_still_falling_does_not_stop(cli):
    """A small rate: the loss falls by far more than tol per window, all the way."""
    args = [*FIXED, "--epochs", "25", "--lr", "0.001"]
    plain = cli("train", *args, "--json").json
    losses = [e["loss"] for e in plain["epochs"]]
    assert stop_epoch(losses, 1e-4, 5) is None
    report = cli("train", *args, "--early-stopping", "--json").json
    assert report["stopped_early"] is None
    assert [e["loss"] for e in report["epochs"]] == losses
    assert report["w"] == plain["w"] and report["b"] == plain["b"]


def test_the_default_run_is_unchanged(cli):
    """Off by default: the book's run has the same losses with the rule's settings left out,
    and reports no early stop."""
    book = cli("train", "--seed", "1", "--json").json
    assert book["config"]["early_stopping"] is False and book["stopped_early"] is None
    # a run too short for two windows is the same run with the rule on
    short = cli("train", "--seed", "1", "--early-stopping", "--json").json
    assert short["epochs"] == book["epochs"] and short["w"] == book["w"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--tol", "0.1"], "--tol"),
        (["--n-iter-no-change", "3"], "--n-iter-no-change"),
        (["--early-stopping", "--tol", "-1"], "--tol"),
        (["--early-stopping", "--tol", "2"], "--tol"),
        (["--early-stopping", "--tol", "nan"], "--tol"),
        (["--early-stopping", "--n-iter-no-change", "0"], "--n-iter-no-change"),
    ],
)
def test_bad_settings_are_one_line(cli, args, named):
    run = cli("train", *args)
    assert run.code == 2 and run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], run.err
    if "--early-stopping" not in args:
        assert "--early-stopping" in lines[0]


def test_a_resumed_run_stops_where_the_uninterrupted_run_stopped(cli, tmp_path):
    args = [*FIXED, "--early-stopping", "--json"]
    whole = cli("train", *args, "--epochs", "60").json
    stop = whole["stopped_early"]["epoch"]
    folder = str(tmp_path / "ck")
    # interrupted before the stop: resumed, it stops at the same epoch with the same numbers
    first = cli("train", *args, "--epochs", str(stop - 3), "--checkpoint", folder).json
    assert first["stopped_early"] is None
    resumed = cli("train", *args, "--epochs", "60", "--resume", folder).json
    assert resumed["stopped_early"] == whole["stopped_early"]
    assert resumed["epochs"] == whole["epochs"] and resumed["w"] == whole["w"]
    # resumed again after it stopped: it had stopped, and trains no further
    again = cli("train", *args, "--epochs", "60", "--resume", folder).json
    assert again["stopped_early"] == whole["stopped_early"]
    assert again["epochs"] == whole["epochs"] and again["w"] == whole["w"]


def test_fit_takes_the_setting():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + 0.01 * rng.normal(size=500)
    kwargs = {"lr": 0.05, "num_epochs": 80, "seed": 0, "engine": "analytic", "dtype": "float64"}
    plain = fit(X, y, **kwargs)
    stopped = fit(X, y, early_stopping=True, tol=1e-3, n_iter_no_change=4, **kwargs)
    expected = stop_epoch(plain.losses, 1e-3, 4)
    assert stopped.stopped_at == expected and len(stopped.losses) == expected
    assert stopped.losses == plain.losses[:expected] and plain.stopped_at is None
