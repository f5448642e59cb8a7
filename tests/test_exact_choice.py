"""`train --exact auto|always|never` (statistics.py): never trains by SGD alone and says so,
the JSON's exact keys null; always and auto (on a small run) give the same answer, equal to
numpy's lstsq on the file's rows; the numbers from the R factor equal naive float64 passes."""

import json

import numpy as np
import pytest

from linscratch.cli import main
from linscratch.losses import LOSSES


def run(capsys, *args):
    assert main(["train", *args]) == 0
    return capsys.readouterr().out


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2000, 3)).astype(np.float32)
    y = X @ np.array([1.5, -2.0, 0.5], np.float32) + 7.0 + 0.1 * rng.normal(size=2000)
    path = tmp_path / "d.npy"
    np.save(path, np.c_[X, y].astype(np.float32))
    return path, X.astype(np.float64), y.astype(np.float32).astype(np.float64)


def test_never_computes_no_exact_answer_and_says_so(capsys, data):
    path = str(data[0])
    text = run(capsys, "--data", path, "--seed", "1", "--exact", "never")
    assert "exact least squares: not computed (--exact never)" in text
    out = json.loads(run(capsys, "--data", path, "--seed", "1", "--exact", "never", "--json"))
    assert out["exact"] == "never" and out["config"]["exact"] == "never"
    for key in ("ols", "loss_gap", "coef_diff", "ols_rmse", "r2", "rmse"):
        assert out[key] is None, key


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_auto_and_always_equal_lstsq_and_naive_passes(capsys, data, mode):
    path, X, y = data
    args = ("--data", str(path), "--seed", "1", "--exact", mode, "--no-standardize", "--json")
    out = json.loads(run(capsys, *args))
    assert out["exact"] == "computed"
    A = np.c_[X, np.ones(len(X))]
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose([*out["ols"]["w"], out["ols"]["b"]], theta, rtol=1e-10)
    w, b = np.asarray(out["w"], np.float64), out["b"]
    e = X @ w + b - y
    sgd = 0.5 * np.mean(e * e)
    ols = 0.5 * np.mean((A @ theta - y) ** 2)
    assert out["ols"]["loss"] == pytest.approx(ols, rel=1e-9)
    assert out["loss_gap"] == pytest.approx((sgd - ols) / ols, rel=1e-6, abs=1e-12)
    assert out["r2"] == pytest.approx(1 - np.sum(e * e) / np.sum((y - y.mean()) ** 2), rel=1e-9)
    assert out["rmse"] == pytest.approx(np.sqrt(2 * sgd), rel=1e-9)
    A1 = np.c_[X, np.ones(len(X))]
    lam = np.linalg.eigvalsh(A1.T @ A1 / len(X))[-1]
    assert out["stability"]["lambda_max"] == pytest.approx(lam, rel=1e-9)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_auto_counts_hubers_passes_and_names_what_it_skipped(capsys, data, monkeypatch, lang):
    """Regression: `auto` priced Huber's minimiser as one pass of the normal equations; it
    takes a QR pass to start and Newton's passes after (`losses.huber.EXACT_PASSES`)."""
    from linscratch import resources

    n, d = 10**7, 30  # the normal equations: about 1 s; Huber's minimiser: 20 s or more
    squared = resources.exact_cost(n, d)
    passes = LOSSES["huber"].exact_passes
    assert passes == 15 and LOSSES["squared"].exact_passes == 1
    assert resources.exact_cost(n, d, passes) == passes * squared
    assert resources.decide("auto", n, d, 3) == "computed"
    assert resources.decide("auto", n, d, 3, passes) == "skipped"
    monkeypatch.setattr(resources, "FREE", 0.0)
    monkeypatch.setattr(resources, "STARTUP", 0.0)
    args = ("--data", str(data[0]), "--seed", "1", "--loss", "huber", "--epochs", "3")
    args += ("--lang", lang)
    text = run(capsys, *args)
    said = {"en": "exact Huber minimiser: skipped, about", "zh": "Huber 损失的精确最优解：已跳过"}
    assert said[lang] in text
