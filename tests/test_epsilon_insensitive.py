"""scikit-learn's epsilon-insensitive loss, added as one module of `losses`: every step equal to
`SGDRegressor`'s, its gradients checked three ways, its exact minimiser (a linear program)
against its own objective, and the settings that go with it."""

import json

import numpy as np
import pytest
import torch
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401 (fixtures)

from linscratch.derivation.gradcheck import check_gradients
from linscratch.errors import UsageError
from linscratch.losses import LOSSES
from linscratch.spec import RunSpec
from linscratch.train.engines import make_engine
from linscratch.train.plan import make_plan

EPS = LOSSES["epsilon_insensitive"]


def outliers(n=60, d=3, seed=0):
    """Rows y = Xw + b + noise with a tenth of the labels moved far up."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.arange(1.0, d + 1) + 0.5 + rng.normal(0, 0.3, n)
    y[rng.choice(n, n // 10, replace=False)] += 25.0
    return X, y


@pytest.mark.parametrize("engine", ["analytic", "autograd", "numba"])
def test_every_step_is_sklearns(engine):
    """Batch size 1, no shuffle, zero start, float64: after each row the parameters are
    SGDRegressor's (its partial_fit on that one row is one step of its plain SGD)."""
    from sklearn.linear_model import SGDRegressor

    X, y = outliers(40, 3)
    eps, lr = 0.2, 0.05
    ref = SGDRegressor(
        loss="epsilon_insensitive",
        epsilon=eps,
        penalty=None,
        learning_rate="constant",
        eta0=lr,
        shuffle=False,
        fit_intercept=True,
    )
    spec = RunSpec.build(engine=engine, loss="epsilon_insensitive", epsilon=eps, init="zero")
    plan = make_plan(spec, len(X), X.shape[1], 8)
    assert plan.loss is EPS and plan.loss_parameter == eps
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    eng = make_engine(plan, t(X), t(y.reshape(-1, 1)), t(np.zeros((3, 1))), t(np.zeros(1)), None)
    eng.compile()
    moved = 0
    for epoch in range(3):
        for i in range(len(X)):
            ref.partial_fit(X[i : i + 1], y[i : i + 1])
            assert eng.run_epoch(np.array([i]), lr, 1) is None
            w, b = eng.params()
            assert np.abs(w - ref.coef_).max() <= 1e-12, (epoch, i)
            assert abs(b - ref.intercept_[0]) <= 1e-12, (epoch, i)
        moved += np.abs(w).sum() > 0
    assert moved == 3  # the steps were taken, not all inside the tube


def test_psi_at_the_tube_edge_is_sklearns_zero():
    """At |e| = ε exactly scikit-learn's dloss is 0 (strict comparisons): ψ and autograd of ρ
    agree with it; just outside, ±1."""
    eps = 0.5
    e = torch.tensor([-0.5, 0.5, -0.5000001, 0.5000001, 0.0, 3.0], dtype=torch.float64)
    want = torch.tensor([0.0, 0.0, -1.0, 1.0, 0.0, 1.0], dtype=torch.float64)
    assert torch.equal(EPS.psi(e, eps), want)
    x = e.clone().requires_grad_(True)
    EPS.rho(x, eps).sum().backward()
    assert torch.equal(x.grad, want)
    assert torch.isnan(EPS.psi(torch.tensor([float("nan")]), eps)).all()  # the divergence guard


@pytest.mark.parametrize("weighted", [False, True])
def test_gradients_three_ways(weighted):
    X, y = outliers(30, 2, seed=3)
    X, y = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    w, b = torch.tensor([[0.7], [1.1]], dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    s = torch.from_numpy(np.random.default_rng(1).uniform(0.5, 2, 30)) if weighted else None
    check = check_gradients(X, y, w, b, s, 0.0, 0.25, EPS)
    assert check.passed
    e = (X @ w + b - y).reshape(-1)
    psi = np.sign(e.numpy()) * (np.abs(e.numpy()) > 0.25)  # numpy's, independent of torch's
    sw = np.ones(30) if s is None else s.numpy()
    np.testing.assert_allclose(check.grads["analytic"][:2], X.numpy().T @ (sw * psi), atol=1e-12)
    assert check.grads["analytic"][2] == pytest.approx(float(sw @ psi), abs=1e-12)


@pytest.mark.parametrize("intercept", [True, False])
def test_the_linear_program_is_the_minimum(intercept):
    """On data with outliers the LP's answer has the least mean ρ_ε: no perturbation of it, nor
    least squares' answer, nor SGD's, does better."""
    from linscratch.exact.solve import ols

    X, y = outliers(80, 3, seed=5)
    eps = 0.3
    sol = EPS.minimiser(X, y, eps, intercept)
    theta = np.r_[sol.w, sol.b]
    best = EPS.mean(X, y, sol.w, sol.b, eps)
    assert sol.loss == best and sol.r2 is None and sol.se is None
    rng = np.random.default_rng(0)
    for _ in range(300):
        step = rng.normal(0, 10.0 ** rng.uniform(-6, 0), theta.shape)
        if not intercept:
            step[-1] = 0.0
        t = theta + step
        assert EPS.mean(X, y, t[:3], t[3], eps) >= best - 1e-12
    o = ols(X, y, fit_intercept=intercept)
    assert EPS.mean(X, y, o.w, o.b, eps) > best  # the outliers pull least squares away
    assert not intercept or abs(sol.b - 0.5) < 0.3  # and not the LP's answer


def test_weighted_minimiser_and_penalty():
    X, y = outliers(50, 2, seed=7)
    s = np.random.default_rng(2).uniform(0.5, 3, 50)
    sol = EPS.minimiser(X, y, 0.2, True, s)
    best = EPS.mean(X, y, sol.w, sol.b, 0.2, s)
    rng = np.random.default_rng(3)
    for _ in range(200):
        t = np.r_[sol.w, sol.b] + rng.normal(0, 1e-3, 3)
        assert EPS.mean(X, y, t[:2], t[2], 0.2, s) >= best - 1e-12
    assert EPS.minimiser(X, y, 0.2, True, s, l2=0.1) is None  # a quadratic program: not here


def test_train_reports_the_lp_answer(lin, here):  # noqa: F811
    """train --json: the exact answer is the LP's, SGD's loss above it, no R² or RMSE."""
    args = ("--loss", "epsilon_insensitive", "--epsilon", "0.2", "--lr", "0.01", "--seed", "0")
    run = lin("train", *args, "--epochs", "5", "--noise", "1", "--json")
    assert run.code == 0, run.err
    r = json.loads(run.out)
    assert r["exact"] == "computed" and r["ols"]["r2"] is None and r["rmse"] is None
    assert r["config"]["epsilon"] == 0.2 and r["loss"] > r["ols"]["loss"] > 0
    text = lin("train", *args, "--epochs", "5", "--noise", "1")
    assert "exact epsilon-insensitive minimiser: loss" in text.out
    decay = lin("train", *args, "--epochs", "1", "--l2", "0.1")
    assert decay.code == 0 and "minimiser: not computed (--exact never; with --l2" in decay.out


def test_auto_takes_numba_and_a_loss_without_kernels_is_refused_there(monkeypatch):
    """Its kernels exist: `engine` auto takes numba on a large run. Rule 13 still holds for a
    loss without kernels (`compiled` false, as this one was): refused, and auto goes analytic."""
    big = RunSpec.build(loss="epsilon_insensitive", num_epochs=100)
    assert make_plan(big, 10**6, 2, 8).engine == "numba"
    monkeypatch.setattr(EPS, "compiled", False)
    with pytest.raises(UsageError, match="has no numba kernels"):
        make_plan(RunSpec.build(engine="numba", loss="epsilon_insensitive"), 10, 2, 8)
    assert make_plan(big, 10**6, 2, 8).engine == "analytic"
    assert make_plan(RunSpec.build(num_epochs=100), 10**6, 2, 8).engine == "numba"


def test_the_numba_kernel_keeps_a_nan_residual_for_the_guard():
    """A NaN residual stays NaN through ψ and 2ρ (inside the tube too), so the kernel reports
    its step; an infinite one gives ψ = ±1 and an infinite loss."""
    from linscratch.train.kernels import epochs
    from linscratch.train.kernels.epoch_loss import mean_loss

    X = np.zeros((20, 2))
    X[7, 0] = np.nan
    y, w, b = np.zeros(20), np.zeros(2), np.zeros(1)
    tube = EPS.kernel_parameter(0.5, np.dtype(np.float64))
    opts = epochs.KernelOptions(0.1, 5, True, False, 16, 0, loss_parameter=tube)
    bad = epochs.sgd_epoch(X, y, np.arange(20), w, b, opts, None, None, None, None)
    assert bad == 2 and np.all(w == 0)  # the second batch holds row 8; nothing was updated
    assert np.isnan(mean_loss(X, y, w, b, None, tube))
    X[7, 0] = np.inf
    assert mean_loss(X, y, np.ones(2), b, None, tube) == np.inf


def test_epsilon_needs_its_loss_and_a_number():
    with pytest.raises(UsageError, match="epsilon applies with loss epsilon_insensitive"):
        RunSpec.build(epsilon=0.5)
    with pytest.raises(UsageError, match="epsilon"):
        RunSpec.build(loss="epsilon_insensitive", epsilon=-1.0)


def test_cli_refusals(lin, here, monkeypatch):  # noqa: F811
    before = snapshot(here)
    monkeypatch.setattr(EPS, "compiled", False)  # a loss without kernels (rule 13)
    run = lin("train", "--loss", "epsilon_insensitive", "--engine", "numba")
    assert_refused(run, here, before, words=("--loss epsilon_insensitive has no numba kernels",))
    assert_refused(lin("train", "--epsilon", "0.5"), here, before, words=("--epsilon",))
    run = lin("train", "--loss", "epsilon_insensitive", "--epsilon", "-1", "--json")
    assert_refused(run, here, before, as_json=True, words=("--epsilon",))


def test_grad_checks_it_three_ways(lin, here):  # noqa: F811
    run = lin("grad", "--loss", "epsilon_insensitive", "--epsilon", "0.5", "--json")
    report = json.loads(run.out)
    assert run.code == 0 and report["passed"] and report["epsilon"] == 0.5
    e = np.array(report["residual"])
    assert report["psi"] == (np.sign(e) * (np.abs(e) > 0.5)).tolist()
    text = lin("grad", "--loss", "epsilon_insensitive", "--lang", "zh")
    assert text.code == 0 and "ε-不敏感损失" in text.out


def test_checkpoint_fingerprint_names_epsilon():
    from linscratch.train.checkpoint import fingerprint

    spec = RunSpec.build(loss="epsilon_insensitive", epsilon=0.3)
    plan = make_plan(spec, 5, 1, 8)
    X, y = np.zeros((5, 1)), np.zeros(5)
    mark = fingerprint(spec, plan, 0, X, y, np.zeros(1), np.zeros(1))
    assert mark["loss"] == {"loss": "epsilon_insensitive", "epsilon": 0.3}
