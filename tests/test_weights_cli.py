"""Weighted rows from the command line (`train --weights COL`, `grad --weights`) and in the
scikit-learn estimator (`sample_weight`)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

from linscratch.estimator import SGDLinearRegression
from linscratch.exact.solve import ols


def weighted_csv(path, n=200, seed=0, zeros=0):
    """A CSV with columns x1, x2, s (the weights), y; its arrays."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    s = rng.uniform(0.2, 3.0, size=n)
    s[:zeros] = 0
    y = X @ [2.0, -1.0] + 1.0 + rng.normal(size=n) / np.sqrt(s + 0.1)
    rows = ["x1,x2,s,y", *(",".join(map(repr, map(float, r))) for r in np.c_[X, s, y])]
    path.write_text("\n".join(rows) + "\n")
    return X, s, y


def test_train_weights_fits_weighted_least_squares(cli, tmp_path):
    X, s, y = weighted_csv(tmp_path / "w.csv", zeros=5)
    run = cli("train", "--data", str(tmp_path / "w.csv"), "--weights", "s", "--epochs", "30",
              "--lr", "0.02", "--dtype", "float64", "--seed", "1", "--json")  # fmt: skip
    assert run.code == 0, run.err
    out = run.json
    assert out["data"]["features"] == ["x1", "x2"]  # the weights are not a feature
    assert out["data"]["weights"] == "s" and out["data"]["weighted_rows"] == 195
    assert out["config"]["weights"] == "s"
    exact = ols(X[5:], y[5:], weights=s[5:])
    np.testing.assert_allclose(out["ols"]["w"], exact.w, rtol=1e-12)
    np.testing.assert_allclose(out["ols"]["se"], exact.se, rtol=1e-12)
    assert out["ols"]["dof"] == 195 - 3
    assert out["loss_gap"] < 0.01  # SGD's weighted loss near the weighted optimum's


def test_train_weights_with_a_split_and_standardization(cli, tmp_path):
    weighted_csv(tmp_path / "w.csv", n=400)
    run = cli("train", "--data", str(tmp_path / "w.csv"), "--weights", "s", "--standardize",
              "--val-fraction", "0.25", "--epochs", "5", "--seed", "2", "--json")  # fmt: skip
    assert run.code == 0, run.err
    assert run.json["validation"]["rows"] == 100 and run.json["loss_gap"] < 0.01


@pytest.mark.parametrize(
    "column, cells, words",
    [
        ("s", {3: "-1"}, ["--weights", "non-negative", "row 4"]),
        ("s", {3: "nan"}, ["--weights", "finite"]),
        ("s", "zero", ["--weights", "every weight is zero"]),
        ("wt", {}, ["--weights", "no column 'wt'"]),
        ("y", {}, ["--weights", "target"]),
    ],
)
def test_hostile_weights_column(cli, tmp_path, column, cells, words):
    weighted_csv(tmp_path / "w.csv", n=10)
    lines = (tmp_path / "w.csv").read_text().splitlines()
    for i in range(1, len(lines)):
        parts = lines[i].split(",")
        if cells == "zero" or (i - 1) in cells:
            parts[2] = "0" if cells == "zero" else cells[i - 1]
        lines[i] = ",".join(parts)
    (tmp_path / "w.csv").write_text("\n".join(lines) + "\n")
    run = cli("train", "--data", str(tmp_path / "w.csv"), "--weights", column)
    assert run.code == 2 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
    assert all(w in run.err for w in words), run.err


def test_weights_refused_without_a_file_and_with_the_books_short_batch(cli, tmp_path):
    run = cli("train", "--weights", "s")
    assert run.code == 2 and "--weights" in run.err and "--data" in run.err
    weighted_csv(tmp_path / "w.csv", n=10)
    run = cli("train", "--data", str(tmp_path / "w.csv"), "--weights", "s", "--short-batch", "book")
    assert run.code == 2 and "--weights" in run.err and "--short-batch mean" in run.err


def test_grad_weights_checks_the_weighted_gradient(cli):
    weights = [1, 2, 1, 0.5, 1, 1, 3, 1, 1, 0]
    run = cli("grad", "--weights", ",".join(map(str, weights)), "--json")
    assert run.code == 0, run.err
    out = run.json
    assert out["passed"] and out["weights"] == weights
    X, y = np.array(out["X"]), np.array(out["y"])
    e = X @ out["w"] + out["b"] - y
    s = np.array(weights)
    np.testing.assert_allclose(out["analytic"]["w"], X.T @ (s * e), rtol=1e-12)
    assert out["analytic"]["b"] == pytest.approx(float(s @ e), rel=1e-12)
    assert out["loss"] == pytest.approx(float(s @ e**2) / 2, rel=1e-12)
    assert out["update"]["total_weight"] == pytest.approx(11.5)
    assert out["update"]["b"] == pytest.approx(out["b"] - 0.03 / 11.5 * float(s @ e), rel=1e-12)
    text = cli("grad", "--weights", ",".join(map(str, weights)))
    assert text.code == 0 and "Xᵀ(s∘e)" in text.out and "lr/Σsᵢ" in text.out
    assert "Σsᵢ = 11.5" in text.out


@pytest.mark.parametrize(
    "weights, words",
    [("1,2", ["--weights", "one weight per row (10)"]), ("1,-1", ["--weights", ">= 0"])],
)
def test_grad_hostile_weights(cli, weights, words):
    run = cli("grad", "--weights", weights)
    assert run.code == 2 and all(w in run.err for w in words), run.err


def test_estimator_sample_weight_matches_repeated_rows_once_converged():
    """scikit-learn's own check that whole-number weights equal repeated rows (and zero
    weights removed rows), on a configuration that runs SGD to convergence: the check's 15
    rows of 30 features are fitted exactly, and SGD from the same start lands on the same
    point whichever way the rows are counted. (With the default max_iter SGD stops long
    before; see test_estimator.py.)"""
    estimator = SGDLinearRegression(
        random_state=0, max_iter=4000, tol=None, learning_rate_init=0.1, engine="compiled"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_sample_weight_equivalence_on_dense_data("SGDLinearRegression", estimator)


def test_estimator_sample_weight_reaches_weighted_least_squares():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 3))
    s = rng.uniform(0.1, 2.0, size=500)
    y = X @ [1.0, 2.0, -1.0] + 0.5 + rng.normal(size=500) / np.sqrt(s)
    model = SGDLinearRegression(random_state=0, max_iter=100, tol=None, learning_rate_init=0.01)
    model.fit(X, y, sample_weight=s)
    exact, plain = ols(X, y, weights=s), ols(X, y)
    assert model.loss_curve_[-1] <= 1.001 * exact.loss  # the weighted loss, at its optimum
    theta = np.r_[model.coef_, model.intercept_]
    assert np.abs(theta - np.r_[exact.w, exact.b]).max() < 0.02
    assert np.abs(np.r_[plain.w, plain.b] - np.r_[exact.w, exact.b]).max() > 0.08
    ones = SGDLinearRegression(random_state=0, max_iter=5).fit(X, y, sample_weight=np.ones(500))
    plain = SGDLinearRegression(random_state=0, max_iter=5).fit(X, y)
    # Weights of one are the unweighted problem, but not the same arithmetic: the weighted sums
    # add sᵢ·gᵢ where the plain ones add gᵢ, in an order that the CPU's vector width sets, so
    # the two agree to rounding (they happen to agree to the bit on AVX-512, not on AVX2).
    np.testing.assert_allclose(ones.coef_, plain.coef_, rtol=1e-12)
    np.testing.assert_allclose(ones.intercept_, plain.intercept_, rtol=1e-12)


def test_estimator_partial_fit_sample_weight():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    model = SGDLinearRegression(random_state=0)
    model.partial_fit(X, y, sample_weight=np.full(50, 2.0))
    twice = SGDLinearRegression(random_state=0).partial_fit(X, y)
    # a constant weight changes no weighted mean: the same step as without weights
    np.testing.assert_allclose(model.coef_, twice.coef_, rtol=1e-12)
    with pytest.raises(ValueError, match="sample_weight"):
        model.partial_fit(X, y, sample_weight=-np.ones(50))


def test_sweep_weights_compares_with_weighted_least_squares(cli, tmp_path):
    X, s, y = weighted_csv(tmp_path / "w.csv", n=60, zeros=3)
    data = ["--data", str(tmp_path / "w.csv"), "--weights", "s", "--seed", "1", "--jobs", "1"]
    run = cli("sweep", *data, "--lr", "0.01,0.03", "--batch-size", "5", "--epochs", "3", "--json")
    assert run.code == 0, run.err
    exact = ols(X[3:], y[3:], weights=s[3:])
    for one in run.json["runs"]:
        assert one["ols_loss"] == pytest.approx(exact.loss, rel=1e-12)


def test_checkpointed_weighted_run_resumes_and_refuses_other_weights(cli, tmp_path):
    weighted_csv(tmp_path / "w.csv", n=50)
    data = ["--data", str(tmp_path / "w.csv"), "--seed", "1", "--json"]
    whole = cli("train", *data, "--weights", "s", "--epochs", "4").json
    ck = str(tmp_path / "ck")
    assert cli("train", *data, "--weights", "s", "--epochs", "2", "--checkpoint", ck).code == 0
    resumed = cli("train", *data, "--weights", "s", "--epochs", "4", "--resume", ck)
    assert resumed.code == 0 and resumed.json["w"] == whole["w"]
    other = cli("train", *data, "--epochs", "5", "--resume", ck)  # the same rows, unweighted
    assert other.code == 2 and "weights" in other.err


def test_weights_errors_speak_chinese(cli, tmp_path):
    weighted_csv(tmp_path / "w.csv", n=5)
    lines = (tmp_path / "w.csv").read_text().splitlines()
    lines[1:] = [",".join([*row.split(",")[:2], "0", row.split(",")[3]]) for row in lines[1:]]
    (tmp_path / "w.csv").write_text("\n".join(lines) + "\n")
    run = cli("train", "--data", str(tmp_path / "w.csv"), "--weights", "s", "--lang", "zh")
    assert run.code == 2 and "--weights：所有权重都为零" in run.err, run.err
