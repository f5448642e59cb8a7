"""The statistician's table (`exact.summary`, `train`'s report) against statsmodels' own
`OLS`/`WLS` results on five real data sets, with and without the intercept, with and without
row weights; and how the table reads (text, JSON, both languages, other objectives)."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.datasets import load_diabetes

TOL = 1e-10


def statsmodels_data(name: str):
    """(X, y, feature names, target name) of a data set statsmodels ships."""
    data = getattr(sm.datasets, name).load_pandas()
    return data.exog.to_numpy(float), data.endog.to_numpy(float), list(data.exog.columns), "y"


def diabetes():
    X, y = load_diabetes(return_X_y=True, scaled=False)
    return X, y, [f"f{j}" for j in range(X.shape[1])], "y"


DATASETS = {
    "longley": lambda: statsmodels_data("longley"),
    "stackloss": lambda: statsmodels_data("stackloss"),
    "scotland": lambda: statsmodels_data("scotland"),
    "ccard": lambda: statsmodels_data("ccard"),
    "diabetes": diabetes,
}


def write_csv(path, X, y, names, weights=None) -> str:
    """The table as a CSV file (features, then `s` the weights if any, then y), at full
    precision (repr), so that the file holds the very floats statsmodels is given."""
    head = [*names, *(["s"] if weights is not None else []), "y"]
    rows = [[*X[i], *([weights[i]] if weights is not None else []), y[i]] for i in range(len(y))]
    text = ",".join(head) + "\n" + "".join(",".join(map(repr, map(float, r))) + "\n" for r in rows)
    path.write_text(text)
    return str(path)


def reference(X, y, intercept: bool, weights=None):
    """statsmodels' results, in our order (features, then the constant)."""
    A = sm.add_constant(X, prepend=False, has_constant="add") if intercept else X
    model = sm.OLS(y, A) if weights is None else sm.WLS(y, A, weights=weights)
    return model.fit()


def close(ours, theirs, rtol=TOL):
    np.testing.assert_allclose(np.asarray(ours, float), np.asarray(theirs, float), rtol=rtol)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_summary_equals_statsmodels(cli, tmp_path, name, intercept, weighted):
    X, y, names, _ = DATASETS[name]()
    weights = None
    if weighted:  # positive weights drawn once, of a spread of two orders of magnitude
        weights = np.exp(np.random.default_rng(7).uniform(-2.3, 2.3, size=len(y)))
    path = write_csv(tmp_path / "t.csv", X, y, names, weights)
    args = ["train", "--data", path, "--target", "y", "--standardize", "--lr", "0.001"]
    args += ["--epochs", "1", "--seed", "1", "--json", "--exact", "always"]
    args += ["--weights", "s"] if weighted else []
    args += [] if intercept else ["--no-intercept"]
    run = cli(*args)
    assert run.code == 0, run.err
    table = run.json["summary"]
    ref = reference(X, y, intercept, weights)
    rows = table["coefficients"]
    assert [r["name"] for r in rows] == [*names, *(["const"] if intercept else [])]
    # Longley's design has condition number 5e9: any two backward-stable solvers agree to
    # about ε·κ ≈ 1e-6 there, not better (statsmodels' pinv included); elsewhere to 1e-10.
    kappa = ref.condition_number
    rtol = max(TOL, 1e-15 * kappa)
    close([r["exact"] for r in rows], ref.params, rtol)
    close([r["se"] for r in rows], ref.bse, rtol)
    close([r["t"] for r in rows], ref.tvalues, rtol)
    close([r["p_value"] for r in rows], ref.pvalues, max(rtol, 1e-9))
    close([r["ci95"] for r in rows], ref.conf_int(0.05), rtol)
    assert table["n"] == len(y) and table["d"] == X.shape[1]
    assert table["r2_uncentered"] is (not intercept)
    close(table["r2"], ref.rsquared)
    close(table["adj_r2"], ref.rsquared_adj)
    close(table["f"], ref.fvalue, rtol)
    close(table["f_p_value"], ref.f_pvalue, max(rtol, 1e-9))
    close(table["residual_sd"], math.sqrt(ref.scale))
    close(table["log_likelihood"], ref.llf)
    close(table["aic"], ref.aic)
    close(table["bic"], ref.bic)
    # the smallest singular value of the design is known to about ε·σ_max: ε·κ relative
    close(table["condition_number"], ref.condition_number, max(TOL, 1e-14 * kappa))
    assert table["large_condition"] is bool(ref.condition_number > 1000)
    assert table["weighted"] is weighted


def test_summary_text_names_rows_and_notes_a_large_condition_number(cli, tmp_path):
    X, y, names, _ = statsmodels_data("longley")
    path = write_csv(tmp_path / "t.csv", X, y, names)
    args = ["train", "--data", path, "--target", "y", "--standardize", "--lr", "0.01"]
    run = cli(*args, "--seed", "1", "--epochs", "2")
    assert run.code == 0, run.err
    out = run.out
    assert "least squares (statsmodels' OLS summary):" in out
    for name in [*names, "const"]:
        assert any(line.strip().startswith(name) for line in out.splitlines())
    assert "P>|t|" in out and "adjusted R²" in out and "log-likelihood" in out
    assert "note: the condition number is above 1,000" in out
    zh = cli(*args, "--seed", "1", "--epochs", "2", "--lang", "zh")
    assert zh.code == 0, zh.err
    assert "条件数" in zh.out and "调整 R²" in zh.out and "对数似然" in zh.out


def test_no_intercept_names_the_uncentered_r2(cli, tmp_path):
    X, y, names, _ = statsmodels_data("stackloss")
    path = write_csv(tmp_path / "t.csv", X, y, names)
    args = ["train", "--data", path, "--target", "y", "--standardize", "--lr", "0.01"]
    run = cli(*args, "--seed", "1", "--epochs", "2", "--no-intercept")
    assert run.code == 0, run.err
    assert "uncentered R²" in run.out and "const" not in run.out
    assert "note: the condition number" not in run.out or "above 1,000" in run.out


def test_synthetic_data_gets_the_table_only_when_asked(cli):
    plain = cli("train", "--seed", "1", "--json")
    assert "summary" not in plain.json
    asked = cli("train", "--seed", "1", "--json", "--summary")
    rows = asked.json["summary"]["coefficients"]
    assert [r["name"] for r in rows] == ["x1", "x2", "const"]
    assert [r["sgd"] for r in rows] == [*asked.json["w"], asked.json["b"]]
    text = cli("train", "--seed", "1", "--summary")
    assert "statsmodels' OLS summary" in text.out


@pytest.mark.parametrize("extra", [["--l2", "0.1"], ["--loss", "huber"]])
def test_other_objectives_get_their_coefficients_without_inference(cli, tmp_path, extra):
    """Ridge's and Huber's minimisers have no standard errors in statsmodels' OLS sense: the
    table gives both coefficients, n, d and the condition number, and says the rest is not
    defined, rather than printing least squares' figures beside another answer."""
    X, y, names, _ = statsmodels_data("stackloss")
    path = write_csv(tmp_path / "t.csv", X, y, names)
    args = ["train", "--data", path, "--target", "y", "--standardize", "--lr", "0.01"]
    run = cli(*args, "--seed", "1", "--epochs", "2", "--json", *extra)
    assert run.code == 0, run.err
    table = run.json["summary"]
    assert table["inference"] is False
    assert all(r["se"] is None and r["p_value"] is None for r in table["coefficients"])
    assert table["r2"] is None and table["aic"] is None
    exact = [*run.json["ols"]["w"], run.json["ols"]["b"]]
    assert [r["exact"] for r in table["coefficients"]] == exact
    close(table["condition_number"], reference(X, y, True).condition_number, 1e-10)
    text = cli(*args, "--seed", "1", "--epochs", "2", *extra)
    assert "no standard errors, t, p, intervals or fit statistics" in text.out
