"""scikit-learn's epsilon-insensitive loss, added as one module of `losses`: every step equal to
`SGDRegressor`'s, its exact minimiser (a linear program) against its own objective, and the
settings that go with it (its gradients three ways and its kernels' NaN guard, with the squared
one's: tests/test_epsilon_losses.py; the scikit-learn reference both use: epsilon_reference)."""

import json

import numpy as np
import pytest
import torch
from epsilon_reference import outliers, stepwise
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401 (fixtures)

from linscratch.errors import UsageError
from linscratch.losses import LOSSES
from linscratch.spec import RunSpec
from linscratch.train.plan import make_plan

EPS = LOSSES["epsilon_insensitive"]


@pytest.mark.parametrize("engine", ["analytic", "autograd", "compiled"])
def test_every_step_is_sklearns(engine):
    """Batch size 1, no shuffle, zero start, float64: after each row the parameters are
    SGDRegressor's (its partial_fit on that one row is one step of its plain SGD)."""
    X, y = outliers(40, 3)
    steps = stepwise("epsilon_insensitive", engine, X, y, eps=0.2, lr=0.05)
    moved = sum(np.abs(w).sum() > 0 for i, _, w in steps if i == len(X) - 1)
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
    assert make_plan(big, 10**6, 2, 8).engine == "compiled"
    monkeypatch.setattr(EPS, "compiled", False)
    with pytest.raises(UsageError, match="has no compiled kernels"):
        make_plan(RunSpec.build(engine="compiled", loss="epsilon_insensitive"), 10, 2, 8)
    assert make_plan(big, 10**6, 2, 8).engine == "analytic"
    assert make_plan(RunSpec.build(num_epochs=100), 10**6, 2, 8).engine == "compiled"


def test_epsilon_needs_its_loss_and_a_number():
    with pytest.raises(UsageError, match="epsilon applies with loss epsilon_insensitive"):
        RunSpec.build(epsilon=0.5)
    with pytest.raises(UsageError, match="epsilon"):
        RunSpec.build(loss="epsilon_insensitive", epsilon=-1.0)


def test_cli_refusals(lin, here, monkeypatch):  # noqa: F811
    before = snapshot(here)
    monkeypatch.setattr(EPS, "compiled", False)  # a loss without kernels (rule 13)
    run = lin("train", "--loss", "epsilon_insensitive", "--engine", "compiled")
    assert_refused(run, here, before, words=("--loss epsilon_insensitive has no compiled kernels",))
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
