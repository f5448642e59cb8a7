"""Huber's loss and weight decay together, and the options beside the exact-answer switch:
each against an independent computation of the same objective."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from linscratch.cli import main
from linscratch.derivation.gradcheck import check_gradients
from linscratch.exact.huber import huber_fit
from linscratch.train.loop import fit


def outliers(n=300, d=3, seed=0):
    """A regression with a tenth of its labels moved far off: X (n, d), y (n,)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.uniform(-3, 3, d) + 1.5 + 0.5 * rng.normal(size=n)
    bad = rng.random(n) < 0.1
    y[bad] += 20
    return X, y


def penalised_huber(theta, X, y, delta, l2):
    """mean ρ_δ(xᵢ·w + b − yᵢ) + (λ/2)‖w‖², written out."""
    e = X @ theta[:-1] + theta[-1] - y
    a = np.abs(e)
    rho = np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))
    return rho.mean() + 0.5 * l2 * theta[:-1] @ theta[:-1]


@pytest.mark.parametrize("l2", [0.05, 1.0])
def test_huber_with_weight_decay_is_the_minimiser_of_its_objective(l2):
    """Huber's minimiser with the penalty against scipy's BFGS on the objective written out
    (an independent solver; BFGS's own tolerance limits the agreement to about 1e-7)."""
    from scipy.optimize import minimize

    X, y = outliers()
    ours = huber_fit(X, y, 1.0, True, None, l2=l2)
    start = np.zeros(X.shape[1] + 1)
    ref = minimize(penalised_huber, start, args=(X, y, 1.0, l2), method="BFGS", tol=1e-13)
    np.testing.assert_allclose(np.r_[ours.w, ours.b], ref.x, rtol=1e-6, atol=1e-7)
    assert ours.loss == pytest.approx(ref.fun, rel=1e-10)
    assert ours.penalty == pytest.approx(0.5 * l2 * float(ours.w @ ours.w), rel=1e-12)


@pytest.mark.parametrize("engine", ["autograd", "analytic", "compiled"])
def test_sgd_with_huber_and_weight_decay_reaches_that_minimiser(engine):
    X, y = outliers(seed=1)
    exact = huber_fit(X, y, 1.0, True, None, l2=0.3)
    result = fit(
        X, y, loss="huber", huber_delta=1.0, l2=0.3, engine=engine, dtype="float64",
        lr=0.05, batch_size=10, num_epochs=60, seed=2, average=20,
    )  # fmt: skip
    np.testing.assert_allclose(np.r_[result.w, result.b], np.r_[exact.w, exact.b], atol=0.01)
    assert result.losses[-1] == pytest.approx(exact.loss, rel=1e-5)  # the penalised objective
    assert result.losses[-1] >= exact.loss * (1 - 1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_the_gradient_of_huber_with_weight_decay_agrees_three_ways(weighted):
    g = torch.Generator().manual_seed(3)
    X = torch.randn(12, 3, generator=g, dtype=torch.float64)
    y = 4 * torch.randn(12, generator=g, dtype=torch.float64)
    w, b = torch.randn(3, 1, generator=g, dtype=torch.float64), torch.tensor([0.5])
    s = torch.rand(12, generator=g, dtype=torch.float64) + 0.5 if weighted else None
    check = check_gradients(X, y, w, b.double(), s, 0.7, delta=1.5)
    assert check.passed
    assert check.comparisons[("analytic", "autograd")].max_rel_diff <= 1e-10
    e = (X @ w + b - y.reshape(-1, 1)).clamp(-1.5, 1.5)  # ψ(e), the clipped residual
    sw = torch.ones(12, 1, dtype=torch.float64) if s is None else s.reshape(-1, 1)
    by_hand = X.T @ (sw * e) + float(sw.sum()) * 0.7 * w  # Xᵀ(s∘ψ) + Σs·λw
    np.testing.assert_allclose(check.grads["analytic"][:3], by_hand.reshape(-1), rtol=1e-12)


def test_train_reports_huber_with_weight_decay(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = outliers(seed=4)
    np.save("rows.npy", np.c_[X, y].astype(np.float32))
    args = ["train", "--data", "rows.npy", "--loss", "huber", "--l2", "0.1", "--epochs", "8"]
    args += ["--no-standardize"]  # the penalty on the weights of the rows as they are
    assert main([*args, "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = huber_fit(np.load("rows.npy")[:, :3], np.load("rows.npy")[:, 3], 1.0, l2=0.1)
    assert out["ols"]["kind"] == "huber" and out["ols"]["l2"] == 0.1
    np.testing.assert_allclose(out["ols"]["w"], ref.w, rtol=1e-9)
    assert out["weight_decay"]["l2"] == 0.1
    assert out["loss_gap"] >= -1e-9  # SGD's objective is never below the exact minimum
    assert main([*args, "--seed", "1", "--lang", "zh"]) == 0
    assert "Huber" in capsys.readouterr().out


def test_weight_decay_without_the_exact_answer(capsys):
    """--exact never with --l2: SGD's penalised losses alone, no ridge, no weight-decay line."""
    assert main(["train", "--seed", "1", "--l2", "0.1", "--exact", "never", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["exact"] == "never" and out["ols"] is None and out["loss_gap"] is None
    assert "weight_decay" not in out
    assert main(["train", "--seed", "1", "--l2", "0.1", "--exact", "never"]) == 0
    assert "not computed (--exact never)" in capsys.readouterr().out


def test_a_checkpoint_remembers_the_loss(tmp_path):
    """Regression: a squared-loss checkpoint resumed with --loss huber (or another δ) was
    continued as if the loss had not changed; Huber's loss and δ are now in its fingerprint."""
    from linscratch.errors import UsageError

    X, y = outliers(n=100, seed=5)
    folder = str(tmp_path / "ck")
    settings = {"seed": 0, "engine": "compiled", "checkpoint": folder}
    fit(X, y, num_epochs=1, **settings)
    with pytest.raises(UsageError):
        fit(X, y, num_epochs=2, loss="huber", resume=folder, seed=0, engine="compiled")
    huber = {"seed": 0, "engine": "compiled", "loss": "huber", "huber_delta": 1.0}
    fit(X, y, num_epochs=1, checkpoint=str(tmp_path / "h"), **huber)
    with pytest.raises(UsageError):
        fit(X, y, num_epochs=2, resume=str(tmp_path / "h"), **(huber | {"huber_delta": 2.0}))
    resumed = fit(X, y, num_epochs=2, resume=str(tmp_path / "h"), **huber)
    whole = fit(X, y, num_epochs=2, **huber)
    assert resumed.w == whole.w and resumed.b == whole.b


def test_a_files_figure_without_the_exact_answer_claims_none(tmp_path, monkeypatch):
    """Regression: with --exact never the figure's dashes (SGD's own last values, for want of
    an exact answer) were labelled least squares, and the data panel drew SGD's line twice."""
    from linscratch.show.plots import training_figure
    from linscratch.spec import RunSpec
    from linscratch.train.runs import execute
    from linscratch.train.sources import load

    monkeypatch.chdir(tmp_path)
    X, y = outliers(n=200, d=1, seed=6)
    np.save("rows.npy", np.c_[X, y])
    spec = RunSpec.build(data="rows.npy", exact="never", seed=1).with_seed(1)
    dataset = load(spec.data, 1)
    run = execute(spec, dataset, trace=True)
    assert run.ols is None
    figure = training_figure(run, dataset.X, dataset.y)
    assert figure.axes[1].get_title() == "Parameters, step by step"
    assert figure.axes[-1].get_legend_handles_labels()[1] == ["data", "SGD fit"]
