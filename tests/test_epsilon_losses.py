"""scikit-learn's two epsilon-insensitive losses on every engine, and the squared one's exact
minimiser: each SGD step equal to `SGDRegressor`'s (batch 1, no shuffle, zero start, float64),
float32 against float64, the minimiser against scipy's `minimize` and against SGD run long,
both losses' gradients three ways and their kernels' NaN guard, and the settings that go with
it. (epsilon_insensitive's linear
program on data with outliers: tests/test_epsilon_insensitive.py.)"""

import json
import warnings

import numpy as np
import pytest
import torch
from epsilon_reference import outliers, sklearn, stepwise
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401 (fixtures)

from linscratch import resources
from linscratch.derivation.gradcheck import check_gradients
from linscratch.errors import UsageError
from linscratch.losses import LOSSES
from linscratch.spec import RunSpec
from linscratch.train.loop import fit

SQ = LOSSES["squared_epsilon_insensitive"]
BOTH = ("epsilon_insensitive", "squared_epsilon_insensitive")
ENGINES = ("analytic", "autograd", "compiled")


@pytest.mark.parametrize("engine", ENGINES)
def test_every_step_is_sklearns(engine):
    """Batch size 1, no shuffle, zero start, float64: after each row the parameters are
    SGDRegressor's (its partial_fit on one row is one step of its plain SGD)."""
    X, y = outliers(40, 3)
    steps = stepwise("squared_epsilon_insensitive", engine, X, y, eps=0.2, lr=0.01)
    inside = sum(np.array_equal(before, w) for _, before, w in steps)
    assert 0 < inside < 100  # rows inside the tube (no step) and outside it (steps) both met


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("loss", BOTH)
def test_a_whole_run_is_sklearns_fit(loss, engine):
    """`fit` with batch 1, no shuffle, zero start, float64 for k epochs: SGDRegressor's `fit`
    with max_iter=k, tol=None."""
    from sklearn.exceptions import ConvergenceWarning

    X, y = outliers(50, 2, seed=4)
    eps, lr, k = 0.3, 0.02, 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: asked for
        ref = sklearn(loss, eps, lr, k).fit(X, y)
    run = fit(
        X,
        y,
        loss=loss,
        epsilon=eps,
        lr=lr,
        batch_size=1,
        num_epochs=k,
        shuffle="none",
        init="zero",
        dtype="float64",
        engine=engine,
        seed=0,
    )
    assert np.abs(np.asarray(run.w).reshape(-1) - ref.coef_).max() <= 1e-12
    assert abs(float(run.b) - ref.intercept_[0]) <= 1e-12


@pytest.mark.parametrize("loss", BOTH)
@pytest.mark.parametrize("engine", ["analytic", "compiled"])
def test_float32_agrees_with_float64(loss, engine):
    """The same run in float32 and float64 ends within float32's rounding of each other (the
    tube's comparisons in the data's dtype)."""
    X, y = outliers(400, 3, seed=2)
    kw = dict(loss=loss, epsilon=0.2, lr=0.005, num_epochs=5, seed=3, engine=engine)
    a, b = fit(X, y, dtype="float32", **kw), fit(X, y, dtype="float64", **kw)
    theta32 = np.r_[np.asarray(a.w).reshape(-1), a.b]
    theta64 = np.r_[np.asarray(b.w).reshape(-1), b.b]
    assert np.abs(theta32 - theta64).max() <= 1e-4 * (1 + np.abs(theta64).max())
    assert a.losses[-1] == pytest.approx(b.losses[-1], rel=1e-4)


def scipy_minimum(X, y, eps, intercept=True, s=None, l2=0.0):
    """J's minimiser by scipy's BFGS from zero, J and its gradient written here in numpy."""
    from scipy.optimize import minimize

    n, d = X.shape
    s = np.ones(n) if s is None else s
    A = np.hstack([X, np.ones((n, 1))]) if intercept else X

    def J(theta):
        e = A @ theta - y
        a = np.maximum(np.abs(e) - eps, 0.0)
        g = A.T @ (s * 2 * np.sign(e) * a) / s.sum()
        g[:d] += l2 * theta[:d]
        return s @ (a * a) / s.sum() + 0.5 * l2 * theta[:d] @ theta[:d], g

    res = minimize(J, np.zeros(A.shape[1]), jac=True, method="BFGS", options={"gtol": 1e-13})
    return res.x, res.fun


@pytest.mark.parametrize(
    "intercept, weighted, l2, eps",
    [
        (True, False, 0.0, 0.3),
        (False, False, 0.0, 0.3),
        (True, True, 0.0, 0.5),
        (True, True, 0.2, 0.3),
        (True, False, 0.0, 0.0),
    ],
)
def test_the_minimiser_is_scipys(intercept, weighted, l2, eps):
    X, y = outliers(300, 4, seed=6)
    s = np.random.default_rng(1).uniform(0.5, 2, 300) if weighted else None
    sol = SQ.minimiser(X, y, eps, intercept, s, l2)
    theta = np.r_[sol.w, sol.b] if intercept else np.asarray(sol.w)
    ref, J = scipy_minimum(X, y, eps, intercept, s, l2)
    assert np.abs(theta - ref).max() <= 1e-8 * (1 + np.abs(ref).max())
    assert sol.loss == pytest.approx(J, rel=1e-12)
    assert sol.r2 is None and sol.se is None and sol.l2 == l2
    assert sol.penalty == pytest.approx(0.5 * l2 * float(sol.w @ sol.w), rel=1e-15)
    assert SQ.mean(X, y, sol.w, sol.b, eps, s) + sol.penalty == pytest.approx(J, rel=1e-12)


def test_the_minimiser_inside_a_wide_tube_fits_every_row():
    """With ε past every residual of least squares the loss is 0 there: the answer (not unique)
    has loss 0."""
    X, y = outliers(30, 2, seed=1)
    sol = SQ.minimiser(X, y, 100.0)
    assert sol.loss == 0.0 and SQ.mean(X, y, sol.w, sol.b, 100.0) == 0.0


def test_sgd_run_long_reaches_the_minimiser():
    """Full-batch steps for many epochs (gradient descent on J) end at the exact minimiser."""
    X, y = outliers(200, 2, seed=8)
    sol = SQ.minimiser(X, y, 0.4)
    run = fit(
        X,
        y,
        loss="squared_epsilon_insensitive",
        epsilon=0.4,
        lr=0.2,
        batch_size=200,
        num_epochs=3000,
        shuffle="none",
        init="zero",
        dtype="float64",
        engine="compiled",
        seed=0,
        exact="never",
    )
    theta = np.r_[np.asarray(run.w).reshape(-1), run.b]
    assert np.abs(theta - np.r_[sol.w, sol.b]).max() <= 1e-9
    assert run.losses[-1] == pytest.approx(sol.loss, rel=1e-12)


def test_psi_at_the_tube_edge_is_sklearns():
    """ψ is 0 inside the tube and at its edge, 2(e ∓ ε) outside: scikit-learn's dloss (taken
    with respect to the prediction); autograd of ρ agrees; a NaN stays NaN."""
    from sklearn.linear_model._sgd_fast import SquaredEpsilonInsensitive

    eps = 0.5
    e = [-0.5, 0.5, -0.75, 0.75, 0.0, 3.0, -2.0]
    ref = SquaredEpsilonInsensitive(eps)
    want = torch.tensor([ref.py_dloss(0.0, -v) for v in e], dtype=torch.float64)
    e = torch.tensor(e, dtype=torch.float64)
    assert torch.equal(SQ.psi(e, eps), want)
    x = e.clone().requires_grad_(True)
    SQ.rho(x, eps).sum().backward()
    assert torch.equal(x.grad, want)
    rho = torch.tensor([ref.py_loss(0.0, -v) for v in e.tolist()], dtype=torch.float64)
    assert torch.equal(SQ.rho(e, eps), rho)
    assert torch.isnan(SQ.psi(torch.tensor([float("nan")]), eps)).all()


@pytest.mark.parametrize("loss", BOTH)
def test_the_compiled_kernel_keeps_a_nan_residual_for_the_guard(loss):
    """A NaN residual stays NaN through ψ and 2ρ (inside the tube too), so the kernel reports
    its step; an infinite one gives an infinite loss."""
    from linscratch.train.engines.compiled import KernelOptions
    from linscratch.train.kernels import epochs
    from linscratch.train.kernels.epoch_loss import mean_loss

    X = np.zeros((20, 2))
    X[7, 0] = np.nan
    y, w, b = np.zeros(20), np.zeros(2), np.zeros(1)
    p, kind = LOSSES[loss].kernel_parameter(0.5, np.dtype(np.float64)), epochs.KINDS[loss]
    opts = KernelOptions(0.1, 5, True, False, 16, 0, loss=kind, loss_parameter=p)
    bad = epochs.sgd_epoch(X, y, np.arange(20), w, b, opts, None, None, None, None)
    assert bad == 2 and np.all(w == 0)  # the second batch holds row 8; nothing was updated
    assert np.isnan(mean_loss(X, y, w, b, None, kind, p))
    X[7, 0] = np.inf
    assert mean_loss(X, y, np.ones(2), b, None, kind, p) == np.inf


# ψ(e) at ε = 0.25 in numpy, independent of the losses' torch
PSI = {
    "epsilon_insensitive": lambda e: np.sign(e) * (np.abs(e) > 0.25),
    "squared_epsilon_insensitive": lambda e: 2 * np.sign(e) * np.maximum(np.abs(e) - 0.25, 0),
}


@pytest.mark.parametrize("loss", BOTH)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradients_three_ways(weighted, loss):
    X, y = outliers(30, 2, seed=3)
    X, y = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    w, b = torch.tensor([[0.7], [1.1]], dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    s = torch.from_numpy(np.random.default_rng(1).uniform(0.5, 2, 30)) if weighted else None
    check = check_gradients(X, y, w, b, s, 0.0, 0.25, LOSSES[loss])
    assert check.passed
    psi = PSI[loss]((X @ w + b - y).reshape(-1).numpy())
    sw = np.ones(30) if s is None else s.numpy()
    np.testing.assert_allclose(check.grads["analytic"][:2], X.numpy().T @ (sw * psi), atol=1e-12)
    assert check.grads["analytic"][2] == pytest.approx(float(sw @ psi), abs=1e-12)


def test_train_reports_the_exact_minimiser(lin, here):  # noqa: F811
    """train --json: the exact answer is the minimiser's, SGD's loss at or above it, no R² or
    RMSE; the text names it."""
    args = ("--loss", "squared_epsilon_insensitive", "--epsilon", "0.05", "--lr", "0.01")
    run = lin("train", *args, "--epochs", "5", "--noise", "1", "--seed", "0", "--json")
    assert run.code == 0, run.err
    r = json.loads(run.out)
    assert r["exact"] == "computed" and r["ols"]["r2"] is None and r["rmse"] is None
    assert r["config"]["epsilon"] == 0.05 and r["loss"] >= r["ols"]["loss"] > 0
    text = lin("train", *args, "--epochs", "2", "--seed", "0", "--engine", "compiled")
    assert text.code == 0 and "exact squared epsilon-insensitive minimiser: loss" in text.out
    zh = lin("train", *args, "--epochs", "1", "--seed", "0", "--lang", "zh")
    assert zh.code == 0 and "平方 ε-不敏感损失的精确最优解" in zh.out


def test_exact_auto_prices_it():
    """`exact` auto weighs its passes: a size where least squares is computed and this loss's
    minimiser is skipped."""
    n, d, epochs = 1_000_000, 60, 1
    assert resources.decide("auto", n, d, epochs, LOSSES["squared"].exact_passes) == "computed"
    assert resources.decide("auto", n, d, epochs, SQ.exact_passes) == "skipped"


def test_grad_checks_it_three_ways(lin, here):  # noqa: F811
    run = lin("grad", "--loss", "squared_epsilon_insensitive", "--epsilon", "0.5", "--json")
    report = json.loads(run.out)
    assert run.code == 0 and report["passed"] and report["epsilon"] == 0.5
    e = np.array(report["residual"])
    want = 2 * np.sign(e) * np.maximum(np.abs(e) - 0.5, 0)
    np.testing.assert_allclose(report["psi"], want, rtol=1e-15, atol=0)
    text = lin("grad", "--loss", "squared_epsilon_insensitive", "--epsilon", "0.5")
    assert text.code == 0 and "2·sign(e)·max(0, |e| − ε)" in text.out


def test_epsilon_applies_with_either_loss(lin, here):  # noqa: F811
    assert RunSpec.build(loss="squared_epsilon_insensitive", epsilon=0.5).model.epsilon == 0.5
    with pytest.raises(UsageError, match=r"epsilon_insensitive\|squared_epsilon_insensitive"):
        RunSpec.build(loss="huber", epsilon=0.5)
    before = snapshot(here)
    words = ("--epsilon applies with --loss epsilon_insensitive|squared_epsilon_insensitive",)
    assert_refused(lin("train", "--epsilon", "0.5"), here, before, words=words)
    run = lin("train", "--loss", "squared_epsilon_insensitive", "--epsilon", "-1", "--json")
    assert_refused(run, here, before, as_json=True, words=("--epsilon",))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # a few epochs
@pytest.mark.parametrize("loss", BOTH)
def test_the_estimator_takes_both_with_sklearns_epsilon(loss):
    """`SGDLinearRegression(loss=..., epsilon=...)` trains what `fit(loss=..., epsilon=...)`
    trains, `epsilon` defaulting to scikit-learn's 0.1 for these losses."""
    pytest.importorskip("sklearn")
    from sklearn.utils import check_random_state

    from linscratch.estimator import SGDLinearRegression

    X, y = outliers(200, 2, seed=9)
    kw = dict(max_iter=3, random_state=0, tol=None, learning_rate_init=0.01)
    seed = int(check_random_state(0).randint(2**31 - 1))
    same = dict(lr=0.01, batch_size=10, num_epochs=3, seed=seed, dtype="float64", loss=loss)
    for given, eps in ((0.3, 0.3), (None, 0.1)):
        model = SGDLinearRegression(loss=loss, epsilon=given, **kw).fit(X, y)
        assert model.loss_curve_ == fit(X, y, epsilon=eps, **same).losses
        assert model.loss_curve_ != fit(X, y, epsilon=eps + 0.5, **same).losses
    assert SGDLinearRegression().get_params()["epsilon"] is None


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 2 epochs
def test_the_estimator_refuses_epsilon_without_such_a_loss():
    pytest.importorskip("sklearn")
    from linscratch.estimator import SGDLinearRegression

    X, y = outliers(20, 2)
    takes = r"epsilon applies with loss huber\|epsilon_insensitive\|squared_epsilon_insensitive$"
    with pytest.raises(UsageError, match=takes):
        SGDLinearRegression(epsilon=0.2, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="squared_epsilon_insensitive, got 'absolute'"):
        SGDLinearRegression(loss="absolute", max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match=r"epsilon must be a number from 0 to 1e30, got -1\.0"):
        SGDLinearRegression(loss="epsilon_insensitive", epsilon=-1.0, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="epsilon must be a positive number, at most 1e30"):
        SGDLinearRegression(loss="huber", epsilon=0.0, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="epsilon must be a number from 0 to 1e30, got inf"):
        SGDLinearRegression(loss="squared_epsilon_insensitive", epsilon=np.inf).fit(X, y)
    zero = SGDLinearRegression(loss="squared_epsilon_insensitive", epsilon=0.0, max_iter=2)
    zero.fit(X, y)  # ε = 0, as scikit-learn takes it


@pytest.mark.parametrize("loss", list(LOSSES))
def test_a_standardized_run_reports_its_loss_in_the_data_s_units(lin, here, loss):  # noqa: F811
    """With --standardize the epochs' losses are converted back to the data's units: the last
    one is the loss's mean at the reported (w, b), recomputed here from the file's rows, for
    every loss (the epsilon-insensitive loss scales by σ_y, the others by σ_y²)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 2))
    y = X @ [20.0, -34.0] + 40.0 + rng.normal(0, 3.0, 300)  # σ_y about 40
    np.savetxt(here / "d.csv", np.c_[X, y], delimiter=",", header="x1,x2,y", comments="")
    run = lin("train", "--data", "d.csv", "--standardize", "--loss", loss, "--epochs", "5",
              "--lr", "0.05", "--seed", "0", "--dtype", "float64", "--json")  # fmt: skip
    assert run.code == 0, run.err
    r = json.loads(run.out)
    p = {"huber": 1.0, "squared": None}.get(loss, 0.1)  # the defaults of δ and ε
    want = LOSSES[loss].mean(X, y, r["w"], r["b"], p)
    assert r["loss"] == pytest.approx(want, rel=1e-9)
    assert r["epochs"][-1]["loss"] == r["loss"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_diverged_run_reports_the_minimiser(lin, here, lang):  # noqa: F811
    """A diverged run on the squared epsilon-insensitive loss prints its exact minimiser (the
    squared loss's least-squares lines had no RMSE to print: a traceback) and exits 1."""
    args = ("--loss", "squared_epsilon_insensitive", "--lr", "1e6", "--seed", "0")
    run = lin("train", *args, "--epochs", "2", "--lang", lang)
    assert run.code == 1 and "Traceback" not in run.err
    line = {
        "en": "exact squared epsilon-insensitive minimiser: loss 0",
        "zh": "平方 ε-不敏感损失的精确最优解：损失 0",
    }
    assert line[lang] in run.out
    doc = lin("train", *args, "--epochs", "2", "--json")
    r = json.loads(doc.out)
    assert doc.code == 1 and r["error"]["kind"] == "diverged" and r["ols_rmse"] is None


def test_sweep_heads_the_gap_by_the_minimiser(lin, here):  # noqa: F811
    args = ("--loss", "squared_epsilon_insensitive", "--epsilon", "0.05", "--noise", "1")
    run = lin("sweep", *args, "--lr", "0.01,0.03", "--batch-size", "10", "--epochs", "2")
    assert run.code == 0, run.err
    head = run.out.splitlines()[0]
    assert "vs exact minimiser" in head and "vs OLS" not in head
    zh = lin("sweep", *args, "--lr", "0.01", "--batch-size", "10", "--lang", "zh")
    assert zh.code == 0 and "比精确最优解" in zh.out.splitlines()[0]
