"""Converged, or it says so: `train` judges SGD's end against the exact optimum by the
estimator's rule (`verdicts.converged`), warns in the user's language, says so in --json and
in a saved model, and `predict` warns when it loads a model that did not converge."""

import json
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning

from linscratch.estimator import SGDLinearRegression
from linscratch.exact.verdicts import AUTO_EXCESS, EXCESS, converged, excess_of


@pytest.fixture
def diabetes_csv(tmp_path):
    X, y = load_diabetes(return_X_y=True, scaled=False)
    names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    lines = [",".join([*names, "target"])]
    rows = np.c_[X, y]
    lines += [",".join(map(repr, map(float, row))) for row in rows]
    path = tmp_path / "diabetes.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path), X, y


def half_mse(X, y, w, b):
    e = X @ np.asarray(w) + b - y
    return 0.5 * float(np.mean(e * e))


def reference_gap(X, y, w, b):
    """SGD's ½ MSE over numpy's least squares', minus one: the gap, computed apart."""
    A = np.c_[X, np.ones(len(y))]
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    return half_mse(X, y, w, b) / half_mse(X, y, theta[:-1], theta[-1]) - 1


SHORT = ["--standardize", "--seed", "1", "--lr", "0.003", "--epochs", "3"]  # 22% above it
LONG = ["--standardize", "--seed", "1", "--epochs", "100", "--lr", "0.01"]


def test_the_rule_is_the_estimators():
    assert converged(EXCESS, 1.0, 10.0, 1) and not converged(EXCESS * 1.001, 1.0, 10.0, 1)
    # where the optimum fits every row: against ½ mean y² (here 10 / 2 = 5)
    assert converged(None, 0.1, 10.0, 1) and not converged(None, 0.2, 10.0, 1)
    # `--epochs auto` is judged by the line it trains to
    assert excess_of("auto") == AUTO_EXCESS == 0.01 and excess_of(3) == EXCESS == 0.02
    assert converged(0.01, 1.0, 10.0, 1, AUTO_EXCESS) and not converged(0.011, 1.0, 10.0, 1, 0.01)


def test_an_unconverged_run_warns_and_says_so_in_json(cli, diabetes_csv):
    path, X, y = diabetes_csv
    run = cli("train", "--data", path, "--target", "target", *SHORT)
    assert run.code == 0, run.err
    warning = [line for line in run.err.splitlines() if "SGD has not converged" in line]
    assert len(warning) == 1 and warning[0].startswith("linscratch train: warning: ")
    assert "--epochs" in warning[0] and "--lr" in warning[0]
    report = cli("train", "--data", path, "--target", "target", *SHORT, "--json")
    doc = report.json
    assert doc["converged"] is False
    gap = reference_gap(X, y, doc["w"], doc["b"])
    assert gap > EXCESS
    assert doc["loss_gap"] == pytest.approx(gap, rel=1e-6)
    assert f"{gap:+.2%}" in warning[0]
    zh = cli("train", "--data", path, "--target", "target", *SHORT, "--lang", "zh")
    assert "SGD 尚未收敛" in zh.err and "迭代周期" in zh.err


def test_a_converged_run_is_quiet(cli, diabetes_csv):
    path, X, y = diabetes_csv
    run = cli("train", "--data", path, "--target", "target", *LONG, "--json")
    assert run.code == 0, run.err
    assert run.json["converged"] is True and "not converged" not in run.err
    assert reference_gap(X, y, run.json["w"], run.json["b"]) <= EXCESS


def test_the_estimator_agrees(diabetes_csv):
    """The estimator, trained as the short run (batches of 10, rate 0.003, 3 epochs, without
    early stopping), warns by the same rule on the same kind of run."""
    _, X, y = diabetes_csv
    Xs = (X - X.mean(0)) / X.std(0)
    model = SGDLinearRegression(learning_rate_init=0.003, max_iter=3, tol=None, random_state=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(Xs, y)
    gap = reference_gap(Xs, y, model.coef_, model.intercept_)
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert warned == (not converged(gap, 0.0, 1.0, 1))


def test_a_saved_model_records_it_and_predict_warns(cli, diabetes_csv, tmp_path):
    path, _, _ = diabetes_csv
    model = str(tmp_path / "m.json")
    run = cli("train", "--data", path, "--target", "target", *SHORT, "--save", model)
    assert run.code == 0, run.err
    saved = json.loads((tmp_path / "m.json").read_text())
    assert saved["convergence"]["converged"] is False and saved["convergence"]["loss_gap"] > 0.02
    out = str(tmp_path / "p.csv")
    predicted = cli("predict", "--model", model, "--data", path, "--output", out)
    assert predicted.code == 0
    assert "did not converge" in predicted.err and "linscratch predict: warning" in predicted.err
    as_json = cli("predict", "--model", model, "--data", path, "--json")
    assert as_json.json["model_converged"] is False
    good = str(tmp_path / "good.json")
    assert cli("train", "--data", path, "--target", "target", *LONG, "--save", good).code == 0
    quiet = cli("predict", "--model", good, "--data", path, "--json")
    assert quiet.json["model_converged"] is True and "did not converge" not in quiet.err


def test_a_model_file_with_a_broken_convergence_record_is_refused(cli, diabetes_csv, tmp_path):
    path, _, _ = diabetes_csv
    model = tmp_path / "m.json"
    trained = cli("train", "--data", path, "--target", "target", *SHORT, "--save", str(model))
    assert trained.code == 0
    saved = json.loads(model.read_text())
    saved["convergence"] = {"converged": "maybe"}
    model.write_text(json.dumps(saved))
    run = cli("predict", "--model", str(model), "--data", path, "--json")
    assert run.code == 2 and "Traceback" not in run.err
    assert run.json["error"]["kind"] and '"convergence"' in run.json["error"]["message"]


def test_a_sweep_warns_when_no_run_converged(cli, diabetes_csv):
    """sweep judges each run by train's rule too (`converged` in its JSON) and warns, once,
    when none converged, naming the closest; a sweep with a converged run says nothing."""
    path, X, y = diabetes_csv
    given = ["--data", path, "--target", "target", "--standardize", "--seed", "1"]
    short = cli("sweep", *given, "--lr", "0.001,0.003", "--batch-size", "10", "--json")
    assert short.code == 0, short.err
    runs = short.json["runs"]
    assert [r["converged"] for r in runs] == [False, False]
    A = np.c_[X, np.ones(len(y))]
    optimum = 0.5 * float(np.mean((A @ np.linalg.lstsq(A, y, rcond=None)[0] - y) ** 2))
    for r in runs:  # each one's gap beyond the line, by numpy's least squares
        assert r["final_loss"] / optimum - 1 > EXCESS
        assert r["loss_gap"] == pytest.approx(r["final_loss"] / optimum - 1, rel=1e-4)
    text = cli("sweep", *given, "--lr", "0.001,0.003", "--batch-size", "10", "--jobs", "1")
    warning = [line for line in text.err.splitlines() if "warning" in line]
    assert len(warning) == 1 and "lr 0.003 and batch size 10" in warning[0]
    zh = cli("sweep", *given, "--lr", "0.001,0.003", "--batch-size", "10", "--lang", "zh")
    assert "没有一次训练" in zh.err and "--epochs" in zh.err
    converged = cli("sweep", *given, "--lr", "0.01", "--batch-size", "10", "--epochs", "100")
    assert converged.code == 0 and "warning" not in converged.err
