"""The exact answer does not depend on SGD: when SGD diverges, `train` still reports the exact
least-squares answer on the same rows (text before the error line, or one JSON document with
the error in it), exits 1 and saves nothing."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from linscratch import DivergedError, RunSpec
from linscratch.cli.flags import flag
from linscratch.data.rows import split_rows
from linscratch.train.runs import execute
from linscratch.train.sources import load


@pytest.fixture
def raw_csv(tmp_path):
    """A table in raw units: one column about 5000 times larger than the other, so that the
    book's rate 0.03 (given: `lr` auto is the default on a file) is far past the stability
    limit. Returns the path, X and y."""
    rng = np.random.default_rng(5)
    X = np.c_[rng.normal(0, 1, 40), rng.normal(5000, 1000, 40)]
    y = 3 * X[:, 0] + 0.002 * X[:, 1] + 1 + rng.normal(0, 0.1, 40)
    path = tmp_path / "raw.csv"
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in np.c_[X, y])
    path.write_text("small,large,y\n" + rows + "\n")
    return path, X, y


def lstsq(X, y):
    """numpy's least squares with an intercept: w (d,), b."""
    theta = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    return theta[:-1], theta[-1]


def error_line(err: str) -> str:
    """The one error line on stderr (a warning given before training may precede it)."""
    lines = [line for line in err.strip().splitlines() if not ("warning" in line or "警告" in line)]
    assert len(lines) == 1, err
    return lines[0]


def test_a_raw_csv_with_the_default_rate_still_gets_the_exact_answer(cli, raw_csv, tmp_path):
    path, X, y = raw_csv
    model, plot = tmp_path / "m.json", tmp_path / "p.png"
    run = cli(
        "train", "--data", str(path), "--seed", "1", "--lr", "0.03", "--save", str(model),
        "--plot", str(plot), "--no-standardize",
    )  # fmt: skip
    assert run.code == 1
    assert "training diverged" in error_line(run.err)
    assert not model.exists() and not plot.exists()  # nothing saved
    head, *lines = run.out.splitlines()
    assert ": target y, 2 features, 40 rows" in head  # the report's first line
    assert lines[0].startswith("SGD diverged") and "40 training rows" in lines[0]
    assert lines[1].split() == ["parameter", "least", "squares"]
    printed = {line.split()[0]: float(line.split()[1]) for line in lines[2:5]}
    w, b = lstsq(X, y)
    assert printed == pytest.approx({"small": w[0], "large": w[1], "b": b}, rel=1e-5)
    assert lines[5].startswith("exact least squares: loss ")


def test_the_json_document_carries_the_error_and_the_exact_answer(cli, raw_csv):
    path, X, y = raw_csv
    run = cli(
        "train", "--data", str(path), "--seed", "1", "--lr", "0.03", "--no-standardize", "--json"
    )
    assert run.code == 1
    assert len(run.out.strip().splitlines()) == 1  # one JSON document
    report = run.json
    message = error_line(run.err).removeprefix("linscratch train: error: ")
    assert report["error"] == {"kind": "diverged", "message": message, "exit_code": 1}
    w, b = lstsq(X, y)
    np.testing.assert_allclose(report["ols"]["w"], w, rtol=1e-10)
    assert report["ols"]["b"] == pytest.approx(b, rel=1e-10)
    resid = np.c_[X, np.ones(len(X))] @ np.r_[w, b] - y
    assert report["ols"]["loss"] == pytest.approx(np.mean(resid**2) / 2, rel=1e-10)
    assert report["ols_rmse"] == pytest.approx(np.sqrt(np.mean(resid**2)), rel=1e-10)
    assert report["command"] == "train" and report["seed"] == 1
    assert report["config"]["lr"] == 0.03 and report["config"]["data"] == str(path)
    assert report["data"]["features"] == ["small", "large"] and report["data"]["target"] == "y"
    assert report["stability"]["exceeded"] is True
    assert report["diverged_at"]["epoch"] == 1 and report["epochs"] == []
    for absent in ("w", "b", "loss", "r2", "loss_gap", "coef_diff", "model", "stopped_early"):
        assert absent not in report


def test_synthetic_data_show_the_truth_beside_the_exact_answer(cli):
    run = cli("train", "--seed", "1", "--lr", "100")
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[1].split() == ["parameter", "true", "least", "squares"]
    rows = [line.split() for line in lines[2:5]]
    assert [r[0] for r in rows] == ["x1", "x2", "b"]
    assert [float(r[1]) for r in rows] == [2.0, -3.4, 4.2]
    report = cli("train", "--seed", "1", "--lr", "100", "--json").json
    spec = RunSpec.build().with_seed(1)
    data = load(spec.data, 1)
    w, b = lstsq(np.asarray(data.X, np.float64), np.asarray(data.y, np.float64).reshape(-1))
    np.testing.assert_allclose(report["ols"]["w"], w, rtol=1e-9)
    assert [float(r[2]) for r in rows] == pytest.approx([*w, b], rel=1e-5)
    assert report["true_w"] == [2.0, -3.4] and report["true_b"] == 4.2


def test_the_epochs_before_it_diverged_are_in_the_datas_units(cli, tmp_path):
    """A standardized run that finishes three epochs and then diverges reports them as the
    same run stopped after one epoch does (in the data's units), and the loss that grew too."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 3)) * [30, 1, 10] + [100, 4, 40]
    y = X @ [2500, 20000, -1000] + rng.normal(0, 5000, 12)
    path = tmp_path / "h.csv"
    path.write_text(
        "a,b,c,y\n" + "\n".join(",".join(repr(float(v)) for v in r) for r in np.c_[X, y]) + "\n"
    )
    args = ["train", "--data", str(path), "--standardize", "--batch-size", "1", "--seed", "1"]
    diverged = cli(*args, "--lr", "0.75", "--epochs", "30", "--json")
    assert diverged.code == 1, diverged.err
    report = diverged.json
    epochs = report["epochs"]
    assert len(epochs) >= 2
    one = cli(*args, "--lr", "0.75", "--epochs", "1", "--json").json
    assert epochs[0]["loss"] == one["epochs"][0]["loss"]
    # the loss that grew past 1e8 times the standardized start (at least ½), in y's units
    assert report["diverged_at"]["loss"] > 0.9 * 1e8 * 0.5 * np.var(y)
    assert report["standardization"] is not None
    # sweep's diverged pair is told in the same units
    sweep = ["sweep", "--data", str(path), "--standardize", "--seed", "1", "--epochs", "30"]
    pair = cli(*sweep, "--lr", "0.75", "--batch-size", "1", "--json").json["runs"][0]
    assert pair["diverged"] and pair["epochs"] == epochs


def test_held_out_rows_get_the_exact_answers_loss(cli, raw_csv):
    """With a split, the exact answer is fitted on the training rows (the seed's split) and
    its loss reported on the held-out rows."""
    path, X, y = raw_csv
    run = cli(
        "train", "--data", str(path), "--seed", "1", "--lr", "0.03", "--val-fraction", "0.25",
        "--json",
    )  # fmt: skip
    report = run.json
    train, held = split_rows(40, 0.25, 1)
    w, b = lstsq(X[train], y[train])
    np.testing.assert_allclose(report["ols"]["w"], w, rtol=1e-10)
    loss = np.mean((X[held] @ w + b - y[held]) ** 2) / 2
    assert report["validation"]["rows"] == len(held) == 10
    assert report["validation"]["ols_loss"] == pytest.approx(loss, rel=1e-10)


def test_in_chinese(cli):
    run = cli("train", "--seed", "1", "--lr", "100", "--lang", "zh")
    assert run.code == 1
    assert run.out.startswith("SGD 发散了") and "精确最小二乘解：损失" in run.out
    assert "训练发散" in error_line(run.err)


def test_the_library_error_holds_the_exact_answer(raw_csv):
    path, X, y = raw_csv
    spec = RunSpec.build(data=str(path), seed=1, lr=0.03, standardize=False)
    with pytest.raises(DivergedError) as caught:
        execute(spec, load(spec.data, 1), warn=lambda w: None)
    run = caught.value.run
    w, b = lstsq(X, y)
    np.testing.assert_allclose(run.ols.w, w, rtol=1e-10)
    assert run.ols.b == pytest.approx(b, rel=1e-10)
    assert run.rows == 40 and run.feature_names == ["small", "large"]
    assert "--lr" in caught.value.render(flag)


@pytest.mark.slow
def test_under_torchrun_rank_0_alone_reports():
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    args = ["-m", "linscratch", "train", "--seed", "1", "--lr", "100", "--dtype", "float64"]
    proc = subprocess.run(
        [*cmd, *args, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "GLOO_SOCKET_IFNAME": "lo"},
    )
    assert proc.returncode != 0
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, proc.stdout  # rank 0 alone prints
    report = json.loads(lines[0])
    assert report["error"]["kind"] == "diverged" and len(report["ols"]["w"]) == 2
    assert proc.stderr.count("linscratch train: error:") == 1, proc.stderr[-2000:]


def test_a_weighted_run_that_diverges_reports_the_weighted_answer(cli, raw_csv, tmp_path):
    """Regression test (the merge of weights and the divergence report): the exact answer
    beside a diverged weighted run is weighted least squares, on the √s-scaled rows."""
    _, X, y = raw_csv
    s = np.random.default_rng(6).uniform(0.2, 3.0, len(y))
    path = tmp_path / "weighted.csv"
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in np.c_[X, s, y])
    path.write_text("small,large,s,y\n" + rows + "\n")
    run = cli(
        "train", "--data", str(path), "--target", "y", "--weights", "s", "--lr", "0.03",
        "--no-standardize", "--json",
    )  # fmt: skip
    assert run.code == 1
    A = np.c_[X, np.ones(len(X))] * np.sqrt(s)[:, None]
    theta = np.linalg.lstsq(A, y * np.sqrt(s), rcond=None)[0]
    np.testing.assert_allclose(run.json["ols"]["w"], theta[:-1], rtol=1e-9)
    assert run.json["ols"]["b"] == pytest.approx(theta[-1], rel=1e-9)
    unweighted, _ = lstsq(X, y)
    assert not np.allclose(run.json["ols"]["w"], unweighted, rtol=1e-6)
