"""A model through the origin, y = Xw (`--no-intercept`, `fit_intercept=False`): NIST's
certified answers, an independent computation of the same statistics, SGD that keeps b at 0 on
every engine, and predict's uncentered R²."""

import json

import numpy as np
import pytest

from linscratch import cli
from linscratch.data.rows import Standardizer
from linscratch.exact.solve import ols, r2_score, stability

# NIST StRD linear regression, NoInt1 (x = 60..70, y = 130..140) and NoInt2 (x = 4, 5, 6;
# y = 3, 4, 4): certified B1, its standard deviation, the residual standard deviation, R².
NOINT1 = (np.arange(60.0, 71.0), np.arange(130.0, 141.0))
NOINT1_CERTIFIED = (2.07438016528926, 0.0165289256198347, 3.56753034006338, 0.999365492298663)
NOINT2 = (np.array([4.0, 5.0, 6.0]), np.array([3.0, 4.0, 4.0]))
NOINT2_CERTIFIED = (0.727272727272727, 0.0420827318078432, 0.369274472937998, 0.993348115299335)


@pytest.mark.parametrize(
    "data, certified", [(NOINT1, NOINT1_CERTIFIED), (NOINT2, NOINT2_CERTIFIED)]
)
def test_nist_no_intercept_problems_to_twelve_digits(data, certified, tmp_path, capsys):
    x, y = data
    path = tmp_path / "noint.csv"
    path.write_text("x,y\n" + "".join(f"{a:g},{b:g}\n" for a, b in zip(x, y, strict=True)))
    argv = ["train", "--data", str(path), "--target", "y", "--no-intercept", "--standardize"]
    status = cli.main([*argv, "--lr", "0.5", "--batch-size", "11", "--epochs", "50", "--json"])
    exact = json.loads(capsys.readouterr().out)["ols"]
    assert status == 0 and exact["fit_intercept"] is False and exact["b"] == 0.0
    b1, se, residual_sd, r2 = certified
    assert exact["w"][0] == pytest.approx(b1, rel=1e-12)
    assert exact["se"] == [pytest.approx(se, rel=1e-12)]  # one parameter: no intercept's se
    assert exact["residual_sd"] == pytest.approx(residual_sd, rel=1e-12)
    assert exact["r2"] == pytest.approx(r2, rel=1e-12)


def test_matches_an_independent_computation_through_the_origin():
    """lstsq for w; σ̂²(XᵀX)⁻¹ for the standard errors; R² = 1 − RSS/Σy² (uncentered)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) + 2.0
    y = X @ [1.5, -2.0, 0.5] + rng.normal(size=200)
    result = ols(X, y, fit_intercept=False)
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    rss = float(np.sum((X @ w - y) ** 2))
    se = np.sqrt(rss / 197 * np.diag(np.linalg.inv(X.T @ X)))
    np.testing.assert_allclose(result.w, w, rtol=1e-12)
    np.testing.assert_allclose(result.se, se, rtol=1e-10)
    assert result.b == 0.0 and result.dof == 197 and result.ci95.shape == (3, 2)
    assert result.r2 == pytest.approx(1 - rss / float(y @ y), rel=1e-12)
    assert r2_score(X, y, w, 0.0, centered=False) == pytest.approx(result.r2, rel=1e-12)
    assert result.loss == pytest.approx(rss / 400, rel=1e-12)


def test_the_intercept_s_answer_is_unchanged_by_the_option():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    with_b, default = ols(X, y, fit_intercept=True), ols(X, y)
    assert with_b.w.tolist() == default.w.tolist() and with_b.b == default.b


def test_stability_without_the_column_of_ones():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3)) + 3.0
    lam = np.linalg.eigvalsh(X.T @ X / 300)[-1]
    assert stability(X, intercept=False)["lambda_max"] == pytest.approx(lam, rel=1e-8)
    A = np.c_[X, np.ones(300)]
    assert stability(X)["lambda_max"] == pytest.approx(np.linalg.eigvalsh(A.T @ A / 300)[-1])


def test_scaling_without_centering_maps_back_through_the_origin():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(40, 2)) + 5.0, rng.normal(size=40) + 1.0
    scaler = Standardizer.fit(X, y, ["a", "b"], center=False)
    Xs, ys = scaler.transform(X, y)
    np.testing.assert_allclose(np.sqrt(np.mean(Xs**2, axis=0)), 1.0)
    w_scaled, *_ = np.linalg.lstsq(Xs, ys, rcond=None)
    w, b = scaler.to_original(w_scaled, 0.0)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    assert b == 0.0


@pytest.mark.parametrize("engine", ["autograd", "analytic", "compiled"])
def test_sgd_keeps_b_at_zero_on_every_engine(engine, capsys):
    argv = ["train", "--no-intercept", "--engine", engine, "--seed", "3", "--epochs", "5"]
    assert cli.main([*argv, "--true-w", "2,-3.4", "--true-b", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["b"] == 0.0 and out["config"]["fit_intercept"] is False
    np.testing.assert_allclose(out["w"], out["ols"]["w"], atol=5e-3)


def test_predict_applies_the_model_through_the_origin(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = NOINT1
    (tmp_path / "d.csv").write_text(
        "x,y\n" + "".join(f"{a:g},{b:g}\n" for a, b in zip(x, y, strict=True))
    )
    argv = ["train", "--data", "d.csv", "--target", "y", "--no-intercept", "--standardize"]
    assert cli.main([*argv, "--lr", "0.5", "--epochs", "50", "--save", "m.json", "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert cli.main(["predict", "--model", "m.json", "--data", "d.csv", "--json"]) == 0
    predicted = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(predicted["predictions"], trained["w"][0] * x, rtol=1e-12)
    assert predicted["r2"] == pytest.approx(trained["r2"], rel=1e-9)  # both uncentered


def test_the_estimator_through_the_origin_learns_the_least_squares_w():
    from linscratch.estimator import SGDLinearRegression

    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 2)) + 3.0  # far from centered: the intercept would matter
    y = X @ [1.0, -2.0] + 0.1 * rng.normal(size=500)
    model = SGDLinearRegression(fit_intercept=False, random_state=0).fit(X, y)
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.coef_, ols(X, y, fit_intercept=False).w, atol=0.02)
