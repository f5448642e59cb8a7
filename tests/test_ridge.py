"""Weight decay (L2): the ridge answer against scikit-learn's `Ridge`, every engine against a
naive float64 reference with the penalty, the gradient three ways, the stability limit
2/(λ_max + λ), SGD converging to ridge, the estimator's `alpha`."""

import json

import numpy as np
import pytest
import torch
from sklearn.linear_model import Ridge

from linscratch import cli
from linscratch.derivation.gradcheck import check_gradients
from linscratch.errors import DivergedError
from linscratch.exact.ridge import ridge
from linscratch.exact.solve import ols, stability
from linscratch.spec import RunSpec
from linscratch.train.engines import make_engine
from linscratch.train.loop import fit
from linscratch.train.orders import Orders
from linscratch.train.plan import make_plan

ENGINES = ["autograd", "analytic", "compiled"]


def problem(n=503, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, d) + rng.uniform(-2, 2, d)
    y = X @ rng.uniform(-3, 3, d) + 1.5 + 0.5 * rng.normal(size=n)
    return X, y, rng.uniform(0.1, 3, n)


def _rel(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l2", [1e-3, 0.3, 10.0])
def test_ridge_equals_scikit_learns_ridge(intercept, weighted, l2):
    """Σsᵢ½eᵢ²/W + (λ/2)‖w‖² is scikit-learn's Σsᵢeᵢ² + alpha‖w‖² at alpha = W·λ."""
    X, y, s = problem()
    sw = s if weighted else None
    total = s.sum() if weighted else len(X)
    ours = ridge(X, y, l2, fit_intercept=intercept, weights=sw)
    theirs = Ridge(alpha=total * l2, fit_intercept=intercept, solver="cholesky", tol=1e-14)
    theirs.fit(X, y, sample_weight=sw)
    assert _rel(ours.w, theirs.coef_) <= 1e-8
    assert ours.b == pytest.approx(float(theirs.intercept_), rel=1e-8, abs=1e-12)
    assert ours.se is None and ours.ci95 is None and ours.residual_sd is None
    # its loss is the penalised objective at the answer, computed here by hand
    e = X @ theirs.coef_ + theirs.intercept_ - y
    data = 0.5 * np.average(e * e, weights=sw)
    assert ours.loss == pytest.approx(data + 0.5 * l2 * theirs.coef_ @ theirs.coef_, rel=1e-10)
    assert ours.penalty == pytest.approx(0.5 * l2 * theirs.coef_ @ theirs.coef_, rel=1e-10)


def test_ridge_is_as_stable_as_ols_on_an_ill_conditioned_design():
    """Nearly collinear columns (condition ~1e7): at a tiny λ ridge is least squares to the
    digits QR keeps, and against scikit-learn's SVD solver on the centered problem."""
    rng = np.random.default_rng(1)
    t = rng.normal(size=400)
    X = np.c_[t, t + 1e-7 * rng.normal(size=400), rng.normal(size=400)]
    y = X @ [1.0, 2.0, -1.0] + 0.01 * rng.normal(size=400)
    tiny = ridge(X, y, 1e-30)
    plain = ols(X, y)
    assert _rel(tiny.w, plain.w) <= 1e-6
    l2 = 1e-4
    theirs = Ridge(alpha=len(X) * l2, solver="svd").fit(X, y)
    assert _rel(ridge(X, y, l2).w, theirs.coef_) <= 1e-8


def naive_sgd_l2(X, y, w, b, orders, lr, batch_size, l2, s=None):
    """Minibatch SGD with weight decay in float64 numpy, from the definition: each batch B's
    weighted mean gradient of ½eᵢ² plus λw, w -= lr·(X_Bᵀ(s∘e)/Σs + λw), b -= lr·Σsᵢeᵢ/Σs."""
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64).reshape(-1)
    w, b = np.asarray(w, np.float64).reshape(-1).copy(), float(np.asarray(b).reshape(-1)[0])
    s = np.ones(len(X)) if s is None else s
    for order in orders:
        for start in range(0, len(order), batch_size):
            idx = np.asarray(order)[start : start + batch_size]
            e = s[idx] * (X[idx] @ w + b - y[idx])
            total = s[idx].sum()
            w, b = w - lr * (X[idx].T @ e / total + l2 * w), b - lr * e.sum() / total
    return w, b


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["full", "block"])
def test_every_engine_matches_the_float64_reference_with_weight_decay(engine, weighted, kind):
    X, y, s = problem(n=203, d=3)
    sw = s if weighted else None
    rng = np.random.default_rng(2)
    w0, b0 = rng.normal(scale=0.5, size=(3, 1)), np.zeros(1)
    orders = Orders(kind, len(X), 3, block_rows=32)
    epochs = [orders.epoch(e) for e in (1, 2, 3)]
    l2, lr = 0.2, 0.02
    ref_w, ref_b = naive_sgd_l2(X, y, w0, b0, epochs, lr, 10, l2, sw)
    plan = make_plan(RunSpec.build(engine=engine, l2=l2), len(X), 3, 8, weighted=weighted)
    t = torch.float64
    eng = make_engine(
        plan,
        torch.as_tensor(X, dtype=t),
        torch.as_tensor(y, dtype=t).reshape(-1, 1),
        torch.as_tensor(w0, dtype=t),
        torch.as_tensor(b0, dtype=t),
        weights=sw,
    )
    eng.compile()
    for order in epochs:
        assert eng.run_epoch(order, lr, 10) is None
    w, b = eng.params()
    np.testing.assert_allclose(w, ref_w, rtol=1e-12, atol=1e-12)
    assert b == pytest.approx(ref_b, rel=1e-12, abs=1e-12)
    assert not np.allclose(ref_w, naive_sgd_l2(X, y, w0, b0, epochs, lr, 10, 0.0, sw)[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_the_recorded_losses_are_the_objective(engine):
    """Epoch losses are mean ½e² + (λ/2)‖w‖² at the reported parameters; step losses carry
    the penalty too (the figure's two curves are of one objective)."""
    X, y, _ = problem(n=300, d=2)
    l2 = 0.5
    result = fit(X, y, engine=engine, l2=l2, lr=0.02, num_epochs=2, seed=0, dtype="float64")
    w = np.asarray(result.w)
    e = X @ w + result.b - y
    assert result.losses[-1] == pytest.approx(0.5 * np.mean(e * e) + 0.5 * l2 * w @ w, rel=1e-10)


def test_the_gradient_checks_three_ways_with_the_penalty():
    rng = np.random.default_rng(4)
    X = torch.as_tensor(rng.normal(size=(12, 3)))
    y = torch.as_tensor(rng.normal(size=(12, 1)))
    w, b = torch.as_tensor(rng.normal(size=(3, 1))), torch.tensor([0.3], dtype=torch.float64)
    for weights in (None, rng.uniform(0, 2, 12)):
        check = check_gradients(X, y, w, b, weights, l2=0.7)
        assert check.passed
        assert check.comparisons[("analytic", "autograd")].max_rel_diff <= 1e-10
        plain = check_gradients(X, y, w, b, weights)
        total = 12 if weights is None else weights.sum()
        expected = plain.grads["analytic"][:3] + total * 0.7 * w.numpy().reshape(-1)
        np.testing.assert_allclose(check.grads["finite_difference"][:3], expected, rtol=1e-8)
        assert check.grads["analytic"][3] == plain.grads["analytic"][3]  # b is not penalised


def test_the_stability_limit_counts_the_penalty_and_the_guard_still_catches_it():
    """H gains λ on the w block: with centred features whose curvature (4) tops b's (1),
    λ_max grows by exactly λ. Full-batch gradient descent at a rate between 2/(λ_max + λ)
    and 2/λ_max diverges with the penalty and converges without it."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2000, 2)) * [2.0, 1.0]
    X -= X.mean(axis=0)
    y = X @ [1.0, -1.0] + 3.0
    plain, decayed = stability(X), stability(X, l2=1.0)
    A = np.c_[X, np.ones(len(X))]
    H = A.T @ A / len(X) + np.diag([1.0, 1.0, 0.0])
    assert decayed["lambda_max"] == pytest.approx(np.linalg.eigvalsh(H).max(), rel=1e-8)
    assert decayed["lambda_max"] == pytest.approx(plain["lambda_max"] + 1.0, rel=1e-8)
    lr = 2 / (plain["lambda_max"] + 0.5)  # between the two limits
    settings = dict(lr=lr, batch_size=len(X), shuffle="none", num_epochs=300, seed=0)
    fit(X, y, engine="analytic", dtype="float64", **settings)  # converges
    with pytest.raises(DivergedError):
        fit(X, y, engine="analytic", dtype="float64", l2=1.0, **settings)


def test_sgd_with_weight_decay_converges_to_ridge():
    X, y, _ = problem(n=2000, d=3, seed=6)
    l2 = 0.1
    result = fit(
        X, y, l2=l2, lr=0.01, num_epochs=40, engine="compiled", dtype="float64", seed=0, average=20
    )
    exact = ridge(X, y, l2)
    assert _rel(result.w, exact.w) <= 2e-3
    assert result.losses[-1] >= exact.loss * (1 - 1e-12)  # the optimum is below every point
    assert result.losses[-1] <= exact.loss * (1 + 1e-4)


def _train_json(capsys, *args) -> dict:
    assert cli.main(["train", "--json", "--seed", "3", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_train_with_l2_reports_ridge_beside_sgd(capsys):
    out = _train_json(capsys, "--l2", "0.2", "--epochs", "5")
    assert out["config"]["l2"] == 0.2
    assert out["ols"]["l2"] == 0.2 and out["ols"]["se"] is None and out["ols"]["ci95"] is None
    assert out["loss_gap"] >= 0
    decay = out["weight_decay"]
    assert decay["exact"] == pytest.approx(0.1 * decay["exact_w_norm"] ** 2, rel=1e-12)
    assert out["loss"] == out["epochs"][-1]["loss"]
    plain = _train_json(capsys, "--epochs", "5")
    assert "l2" not in plain["ols"] and "weight_decay" not in plain and plain["config"]["l2"] == 0


def test_with_standardize_ridge_is_solved_on_the_rows_sgd_trained_on(capsys, tmp_path):
    """Ridge is not scale-invariant: the exact answer is the standardized problem's ridge,
    in the data's units, as SGD's parameters are converted."""
    X, y, _ = problem(n=400, d=3, seed=7)
    path = tmp_path / "d.csv"
    np.savetxt(path, np.c_[X, y], delimiter=",", header="a,b,c,y", comments="")
    out = _train_json(
        capsys,
        "--data",
        str(path),
        "--target",
        "y",
        "--standardize",
        "--l2",
        "0.3",
        "--epochs",
        "30",
        "--engine",
        "compiled",
        "--dtype",
        "float64",
    )
    mu, sd, ym, ys = X.mean(0), X.std(0), y.mean(), y.std()
    scaled = Ridge(alpha=len(X) * 0.3, solver="cholesky").fit((X - mu) / sd, (y - ym) / ys)
    w = ys * scaled.coef_ / sd
    b = ym + ys * scaled.intercept_ - w @ mu
    assert _rel(out["ols"]["w"], w) <= 1e-8
    assert out["ols"]["b"] == pytest.approx(b, rel=1e-8)
    assert 0 <= out["loss_gap"] < 0.01


def test_the_estimators_alpha_is_weight_decay():
    from linscratch.estimator import SGDLinearRegression

    X, y, s = problem(n=1000, d=3, seed=8)
    est = SGDLinearRegression(alpha=0.5, max_iter=200, tol=None, random_state=0, average=True)
    est.fit(X, y, sample_weight=s)
    exact = Ridge(alpha=0.5 * s.sum()).fit(X, y, sample_weight=s)
    plain = ols(X, y, weights=s)
    assert _rel(est.coef_, exact.coef_) <= 2e-2  # still creeping in: lr is 1/20 of the limit
    assert _rel(est.coef_, exact.coef_) * 10 < _rel(plain.w, exact.coef_)  # ridge's, not OLS's
    assert est.get_params()["alpha"] == 0.5
    assert SGDLinearRegression().alpha == 0.0
    for bad in (-1.0, float("nan"), float("inf"), "0.1", True):
        with pytest.raises(ValueError, match="alpha"):
            SGDLinearRegression(alpha=bad).fit(X, y)


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "abc", "1e999", "", "1e308"])
@pytest.mark.parametrize("command", ["train", "sweep", "grad"])
def test_a_bad_l2_is_refused_in_one_line(capsys, value, command):
    extra = ["--lr", "0.03", "--batch-size", "10", "--jobs", "1"] if command == "sweep" else []
    assert cli.main([command, *extra, "--l2", value]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--l2" in err and "Traceback" not in err


def test_fit_refuses_a_negative_l2():
    from linscratch.errors import UsageError

    with pytest.raises(UsageError, match="l2 must be"):
        fit(np.ones((3, 1)), np.ones(3), l2=-0.1)


def test_grad_shows_the_penalty_with_its_numbers(capsys):
    assert cli.main(["grad", "--l2", "0.5"]) == 0
    text = capsys.readouterr().out
    assert "λ = 0.5" in text and "|B|·λ·w_1" in text and "ok" in text
    assert cli.main(["grad", "--l2", "0.5", "--lang", "zh"]) == 0
    assert "权重衰减" in capsys.readouterr().out
    assert cli.main(["grad", "--l2", "0.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["l2"] == 0.5 and out["passed"]


def test_sweep_compares_each_pair_with_ridge(capsys):
    """Each pair's exact loss is ridge's penalised objective, below every epoch's loss."""
    args = ["sweep", "--lr", "0.03,0.1", "--batch-size", "10", "--epochs", "2", "--seed", "1"]
    assert cli.main([*args, "--jobs", "1", "--l2", "0.1", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert cli.main([*args, "--jobs", "1", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)["runs"]
    assert runs[0]["ols_loss"] == runs[1]["ols_loss"] > plain[0]["ols_loss"]
    assert all(r["final_loss"] >= r["ols_loss"] for r in runs)


def test_a_diverged_run_reports_ridge(capsys):
    assert cli.main(["train", "--seed", "1", "--lr", "100", "--l2", "0.5", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["exit_code"] == 1 and out["ols"]["l2"] == 0.5
    assert out["ols"]["se"] is None
    assert cli.main(["train", "--seed", "1", "--lr", "100", "--json"]) == 1
    plain = json.loads(capsys.readouterr().out)["stability"]["lambda_max"]
    # the penalty's curvature counts: λ_max + λ within the spread of H's top eigenvalues (~1)
    assert plain + 0.4 < out["stability"]["lambda_max"] <= plain + 0.5 + 1e-9


def test_the_books_short_batch_decays_as_the_book_does_on_every_engine():
    """With `short_batch="book"` a short last batch of m rows divides its summed gradient,
    penalty included (m·λw), by the nominal size, as the book's `sgd` after its
    `l.sum().backward()`: (m/B)·λw; every engine the same, to rounding."""
    X, y, _ = problem(n=203, d=3, seed=9)
    got = [
        fit(X, y, engine=e, l2=0.3, short_batch="book", shuffle="none", dtype="float64", seed=0)
        for e in ENGINES
    ]
    for other in got[1:]:
        np.testing.assert_allclose(other.w, got[0].w, rtol=1e-12)
    mean = fit(X, y, engine="compiled", l2=0.3, shuffle="none", dtype="float64", seed=0)
    assert not np.allclose(mean.w, got[0].w, rtol=1e-12)  # the short batch's step differs


def test_a_checkpoint_remembers_the_penalty(tmp_path):
    from linscratch.errors import UsageError

    X, y, _ = problem(n=100, d=2)
    folder = str(tmp_path / "ck")
    fit(X, y, l2=0.1, num_epochs=1, checkpoint=folder, seed=0, engine="compiled")
    with pytest.raises(UsageError):
        fit(X, y, l2=0.2, num_epochs=2, resume=folder, seed=0, engine="compiled")
    resumed = fit(X, y, l2=0.1, num_epochs=2, resume=folder, seed=0, engine="compiled")
    whole = fit(X, y, l2=0.1, num_epochs=2, seed=0, engine="compiled")
    assert resumed.w == whole.w and resumed.b == whole.b
