"""`--epochs auto` (a file's default): train until SGD's loss is within `verdicts.EXCESS` (1%)
of the exact optimum's, at most `spec.AUTO_EPOCHS`; without the exact answer, until the loss
stops falling. And `--standardize`'s default: on for a file whose training rows fit
`spec.STANDARDIZE_CELLS`, off for synthetic data and larger files. The gaps are computed apart,
by numpy's least squares on the same rows."""

import numpy as np
import pytest

from linscratch.spec import AUTO_EPOCHS, STANDARDIZE_CELLS, RunSpec
from linscratch.train.stopping import NearOptimum


def table(tmp_path, n=300, seed=3, scales=(1.0, 100.0, 0.01)):
    """A CSV of n rows, features on very different scales (SGD on them raw is ill-conditioned),
    a weights column w and a target y; returns the path and the arrays."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(scales))) * np.asarray(scales) + 5
    y = X @ (1.0 / np.asarray(scales)) + 3 + rng.normal(0, 0.5, n)
    w = rng.uniform(0.5, 2.0, n)
    names = [f"x{j + 1}" for j in range(len(scales))]
    lines = [",".join([*names, "w", "y"])]
    lines += [",".join(map(repr, map(float, row))) for row in np.c_[X, w, y]]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path), X, y, w


def given(path) -> list[str]:
    """`train` on the table's three features and its target y, seed 2."""
    return ["train", "--data", path, "--target", "y", "--features", "x1,x2,x3", "--seed", "2"]


def half_mse_gap(X, y, w_fit, b_fit, s=None):
    """SGD's ½ MSE (weighted where s) over the least-squares optimum's, minus one, by numpy."""
    s = np.ones(len(y)) if s is None else s
    A = np.c_[X, np.ones(len(y))] * np.sqrt(s)[:, None]
    theta = np.linalg.lstsq(A, y * np.sqrt(s), rcond=None)[0]

    def loss(w, b):
        e = X @ np.asarray(w) + b - y
        return 0.5 * float(np.sum(s * e * e) / np.sum(s))

    return loss(w_fit, b_fit) / loss(theta[:-1], theta[-1]) - 1


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--weights", "w"], ["--val-fraction", "0.2"]])
def test_a_file_trains_until_within_one_percent(cli, tmp_path, extra):
    path, X, y, w = table(tmp_path)
    report = cli(*given(path), "--json", *extra)
    assert report.code == 0, report.err
    out = report.json
    assert out["config"]["num_epochs"] == "auto" and out["config"]["standardize"] is True
    assert out["stopped_early"] == {"epoch": len(out["epochs"]), "rule": "optimum", "within": 0.01}
    assert out["converged"] is True and out["loss_gap"] <= 0.01
    if "--val-fraction" in extra:  # the gap is on the training rows; checked by the run itself
        return
    s = w if "--weights" in extra else None
    assert half_mse_gap(X, y, out["w"], out["b"], s) <= 0.01 + 1e-6


@pytest.mark.slow
def test_epochs_auto_stops_at_the_huber_optimum_too(cli, tmp_path):
    path, *_ = table(tmp_path)
    report = cli(*given(path), "--loss", "huber", "--json")
    assert report.code == 0, report.err
    assert report.json["stopped_early"]["rule"] == "optimum"
    assert report.json["loss_gap"] <= 0.01


@pytest.mark.slow
def test_the_text_says_where_and_why_it_stopped(cli, tmp_path):
    path, *_ = table(tmp_path)
    for lang, said in (
        ("en", "(--epochs auto, at most 1000): the loss is within 1%"),
        ("zh", "（--epochs auto，最多 1000 个）：损失与精确最优解的损失相差不超过 1%"),
    ):
        run = cli(*given(path), "--lang", lang)
        assert run.code == 0, run.err
        assert said in run.out
        assert "SGD" not in run.err  # converged: no warning


@pytest.mark.slow
def test_without_the_exact_answer_auto_stops_when_the_loss_stops_falling(cli, tmp_path):
    path, *_ = table(tmp_path)
    report = cli(*given(path), "--exact", "never", "--json")
    assert report.code == 0, report.err
    stopped = report.json["stopped_early"]
    assert stopped["rule"] == "no_improvement" and stopped["epoch"] < AUTO_EPOCHS
    assert len(report.json["epochs"]) == stopped["epoch"]


@pytest.mark.slow
def test_a_number_of_epochs_and_no_standardize_are_kept(cli, tmp_path):
    path, *_ = table(tmp_path)
    report = cli(*given(path), "--epochs", "4", "--no-standardize", "--json")
    assert report.code == 0, report.err
    assert len(report.json["epochs"]) == 4 and report.json["stopped_early"] is None
    assert report.json["config"]["standardize"] is False
    assert "standardization" not in report.json or report.json["standardization"] is None


@pytest.mark.slow
def test_the_book_keeps_its_three_epochs_and_raw_rows(cli):
    report = cli("train", "--seed", "1", "--json")
    assert report.code == 0, report.err
    config = report.json["config"]
    assert config["num_epochs"] == 3 and config["standardize"] is False and config["lr"] == 0.03
    assert len(report.json["epochs"]) == 3


def test_standardize_is_decided_by_the_training_rows_size():
    spec = RunSpec.build(data="t.csv").with_seed(1)
    assert spec.data.standardize is None  # a file's: decided on its rows
    assert spec.with_rows(STANDARDIZE_CELLS // 4, 4).data.standardize is True
    assert spec.with_rows(STANDARDIZE_CELLS // 4 + 1, 4).data.standardize is False
    fixed = RunSpec.build(data="t.csv", standardize=False).with_seed(1)
    assert fixed.with_rows(10, 2).data.standardize is False
    assert RunSpec.build().with_seed(1).data.standardize is False  # synthetic


def test_epochs_auto_is_a_setting_and_its_limit():
    assert RunSpec.build(num_epochs="auto").optim.epoch_limit == AUTO_EPOCHS
    assert RunSpec.build(num_epochs=7).optim.epoch_limit == 7
    assert RunSpec.build().optim.epoch_limit == 3  # arrays and the book
    assert RunSpec.build(data="t.csv").with_seed(1).optim.num_epochs == "auto"
    with pytest.raises(ValueError, match="num_epochs"):
        RunSpec.build(num_epochs="many")


def test_near_optimum_stops_at_the_first_epoch_within_its_budget_and_on_resume():
    from linscratch.events import EpochEnd, RunStart

    rule = NearOptimum(1.01, most=10)
    losses = [3.0, 1.5, 1.02, 1.009, 1.2]
    stops = [
        rule.epoch_end(EpochEnd(k, loss, None, None, None)) for k, loss in enumerate(losses, 1)
    ]
    assert stops == [False, False, False, True, True] and rule.stopped_at == 4
    assert rule.name == "optimum"
    spent = NearOptimum(1.01, most=3)
    stops = [spent.epoch_end(EpochEnd(k, 2.0, None, None, None)) for k in (1, 2, 3)]
    assert stops == [False, False, True] and spent.stopped_at == 3 and spent.name == "budget"
    resumed = NearOptimum(1.01, most=10)
    start = RunStart(None, 10, 2, 1, 5, 10, None, None, None, (3.0, 1.005))
    assert resumed.run_start(start) is True and resumed.stopped_at == 2
    fresh = RunStart(None, 10, 2, 1, 3, 10, None, None, None, (3.0, 2.0))
    assert NearOptimum(1.01, most=10).run_start(fresh) is False


def test_a_larger_file_is_trained_raw(tmp_path, monkeypatch, cli):
    """Above STANDARDIZE_CELLS the rows are trained as they are (no float64 copy)."""
    import linscratch.spec as spec_module

    monkeypatch.setattr(spec_module, "STANDARDIZE_CELLS", 10)
    path, *_ = table(tmp_path, n=20)
    report = cli(*given(path), "--json", "--epochs", "2")
    assert report.code == 0, report.err
    assert report.json["config"]["standardize"] is False


def test_a_run_held_above_the_line_by_sgds_noise_stops_at_its_budget(cli, tmp_path, monkeypatch):
    """Wide rows at a constant rate hover above the optimum by more than 1% (SGD's noise):
    auto stops at its budget of row-feature visits, says so, and suggests the mean of the
    iterates, which gets within 1% (checked by numpy's least squares)."""
    from linscratch.train import runs

    monkeypatch.setattr(runs, "AUTO_WORK", 1e7)  # 20,000 x 50: at most 10 epochs
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 50))
    y = X @ rng.uniform(-5, 5, 50) + 4.2 + 0.01 * rng.normal(size=20_000)
    np.save(tmp_path / "wide.npy", np.c_[X, y].astype(np.float32))
    path = str(tmp_path / "wide.npy")
    noisy = cli("train", "--data", path, "--seed", "1", "--json")
    assert noisy.code == 0, noisy.err
    out = noisy.json
    assert out["stopped_early"]["rule"] == "budget" and out["stopped_early"]["epoch"] == 10
    assert out["converged"] is False
    X32, y32 = np.load(path)[:, :50].astype(np.float64), np.load(path)[:, 50].astype(np.float64)
    assert half_mse_gap(X32, y32, out["w"], out["b"]) > 0.01
    text = cli("train", "--data", path, "--seed", "1")
    assert "--average 2" in text.err and "budget" in text.out
    averaged = cli("train", "--data", path, "--seed", "1", "--average", "2", "--json").json
    assert averaged["stopped_early"]["rule"] == "optimum" and averaged["converged"] is True
    assert half_mse_gap(X32, y32, averaged["w"], averaged["b"]) <= 0.01 + 1e-6


def test_the_stop_lines_name_the_flag_the_parser_has():
    from linscratch.cli.epochs import EPOCHS_FLAG
    from linscratch.cli.flags import flag

    assert EPOCHS_FLAG == flag("num_epochs")
