"""`train --save-exact FILE`: the exact answer the run computed, saved as a model `predict`
uses like any other, checked against numpy's and scikit-learn's own answers; its destination
checked as `--save`'s is."""

import json
import os

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge


def write_csv(path, X, y, names, weights=None):
    head = [*names, *(["s"] if weights is not None else []), "y"]
    columns = [X, *([weights[:, None]] if weights is not None else []), y[:, None]]
    rows = np.hstack(columns)
    text = ",".join(head) + "\n" + "".join(",".join(map(repr, map(float, r))) + "\n" for r in rows)
    path.write_text(text)
    return str(path)


@pytest.fixture
def diabetes(tmp_path):
    X, y = load_diabetes(return_X_y=True, scaled=False)
    names = [f"f{j}" for j in range(X.shape[1])]
    return X, y, names


def predicted(cli, model, data, tmp_path):
    out = tmp_path / "p.csv"
    run = cli("predict", "--model", model, "--data", data, "--output", str(out), "--force")
    assert run.code == 0, run.err
    return np.loadtxt(out, skiprows=1)


@pytest.mark.parametrize("intercept", [True, False])
def test_save_exact_then_predict_gives_least_squares_predictions(
    cli, tmp_path, diabetes, intercept
):
    X, y, names = diabetes
    data = write_csv(tmp_path / "d.csv", X, y, names)
    model = str(tmp_path / "exact.json")
    args = ["train", "--data", data, "--target", "y", "--standardize", "--seed", "1"]
    run = cli(*args, "--save-exact", model, *([] if intercept else ["--no-intercept"]))
    assert run.code == 0, run.err
    assert f"exact answer saved to {model}" in run.out
    A = np.c_[X, np.ones(len(y))] if intercept else X
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(predicted(cli, model, data, tmp_path), A @ theta, rtol=1e-12)
    saved = json.loads((tmp_path / "exact.json").read_text())
    assert saved["exact"] == "least squares" and saved["convergence"] is None
    # its standard errors, (w, b): σ̂² diag((AᵀA)⁻¹) computed apart
    e = A @ theta - y
    sigma2 = e @ e / (len(y) - A.shape[1])
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(A.T @ A)))
    np.testing.assert_allclose(saved["se"], se, rtol=1e-8)


def test_weighted_exact_model_is_weighted_least_squares(cli, tmp_path, diabetes):
    X, y, names = diabetes
    s = 1 / (1 + X[:, 0])
    data = write_csv(tmp_path / "d.csv", X, y, names, s)
    model = str(tmp_path / "exact.json")
    args = ["train", "--data", data, "--target", "y", "--weights", "s", "--standardize"]
    assert cli(*args, "--seed", "1", "--save-exact", model).code == 0
    A = np.c_[X, np.ones(len(y))]
    root = np.sqrt(s)
    theta = np.linalg.lstsq(A * root[:, None], y * root, rcond=None)[0]
    np.testing.assert_allclose(predicted(cli, model, data, tmp_path), A @ theta, rtol=1e-12)
    assert json.loads((tmp_path / "exact.json").read_text())["exact"] == "weighted least squares"


def test_ridge_exact_model_is_scikit_learns_ridge(cli, tmp_path):
    """Weight decay λ on the mean ½e² is scikit-learn's Ridge(alpha = λ·n) on the sum of
    squares, without standardization (the penalty in the data's units)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4))
    y = X @ [1.0, -2.0, 0.5, 3.0] + 1.5 + rng.normal(size=200)
    data = write_csv(tmp_path / "d.csv", X, y, ["a", "b", "c", "d"])
    model = str(tmp_path / "ridge.json")
    run = cli("train", "--data", data, "--target", "y", "--l2", "0.5", "--lr", "0.01",
              "--no-standardize", "--seed", "1", "--save-exact", model)  # fmt: skip
    assert run.code == 0, run.err
    ridge = Ridge(alpha=0.5 * 200, solver="svd").fit(X, y)
    saved = json.loads((tmp_path / "ridge.json").read_text())
    assert saved["exact"] == "ridge" and saved["se"] is None
    np.testing.assert_allclose(predicted(cli, model, data, tmp_path), ridge.predict(X), rtol=1e-10)


def test_save_exact_beside_save_and_destination_checks(cli, tmp_path, diabetes):
    X, y, names = diabetes
    data = write_csv(tmp_path / "d.csv", X, y, names)
    both = [str(tmp_path / "sgd.json"), str(tmp_path / "exact.json")]
    args = ["train", "--data", data, "--target", "y", "--standardize", "--seed", "1"]
    run = cli(*args, "--save", both[0], "--save-exact", both[1], "--json")
    assert run.code == 0 and run.json["exact_model"] == both[1] and run.json["model"] == both[0]
    sgd, exact = (json.loads(open(p).read()) for p in both)
    assert sgd["exact"] is None and exact["exact"] == "least squares"
    assert exact["w"] == run.json["ols"]["w"] and exact["b"] == run.json["ols"]["b"]
    before = os.stat(both[1]).st_mtime_ns, open(both[1]).read()
    again = cli(*args, "--save-exact", both[1], "--json")  # exists: refused before training
    assert again.code == 2 and "--force" in again.json["error"]["message"]
    assert "--save-exact" in again.json["error"]["message"] and "epoch" not in again.err
    assert (os.stat(both[1]).st_mtime_ns, open(both[1]).read()) == before
    same = cli(*args, "--save", both[0], "--save-exact", both[0], "--force")
    assert same.code == 2 and "--save-exact" in same.err and "Traceback" not in same.err
    never = cli(*args, "--save-exact", str(tmp_path / "n.json"), "--exact", "never")
    assert never.code == 2 and "--exact" in never.err and not (tmp_path / "n.json").exists()


def test_no_exact_answer_is_one_line_and_no_file(cli, tmp_path):
    """The epsilon-insensitive loss with weight decay has no exact answer here (a quadratic
    program): one line, exit 2, no file, rather than a traceback."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 2))
    y = X @ [1.0, 2.0] + rng.normal(size=40)
    data = write_csv(tmp_path / "d.csv", X, y, ["a", "b"])
    model = tmp_path / "e.json"
    args = ["train", "--data", data, "--target", "y", "--loss", "epsilon_insensitive"]
    run = cli(*args, "--l2", "0.1", "--seed", "1", "--save-exact", str(model))
    assert run.code == 2 and "Traceback" not in run.err and not model.exists()
    errors = [line for line in run.err.splitlines() if "error" in line]
    assert len(errors) == 1 and "--save-exact" in errors[0]
