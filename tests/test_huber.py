"""Huber's loss: the loss against PyTorch's, its gradient three ways and against a naive loop,
every engine against a naive float64 reference, the exact minimiser against scipy's
`least_squares` (an independent solver of the same objective), the divergence guard, the
command line and the estimator."""

import math

import numpy as np
import pytest
import torch
from test_engines import naive_sgd

from linscratch.book.model import gradients, huber_loss
from linscratch.derivation.fdiff import kink_limit
from linscratch.derivation.gradcheck import check_gradients, tolerance
from linscratch.errors import DivergedError
from linscratch.exact.huber import huber_fit, mean_huber, objective
from linscratch.exact.solve import ols
from linscratch.losses import LOSSES
from linscratch.spec import RunSpec
from linscratch.train.engines import make_engine
from linscratch.train.engines.compiled import KernelOptions
from linscratch.train.kernels import epochs as _kernels
from linscratch.train.kernels.epoch_loss import mean_loss
from linscratch.train.loop import fit
from linscratch.train.orders import Orders
from linscratch.train.plan import make_plan

ENGINES = ["autograd", "analytic", "compiled"]


def rho(e, delta):
    """Huber's ρ_δ, one residual at a time, from the definition."""
    return 0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta)


def outliers(n=400, d=3, seed=0, fraction=0.1, noise=0.5):
    """A regression with a fraction of its labels moved far off: (X, y, true w, true b)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.uniform(-3, 3, d)
    y = X @ w + 1.5 + noise * rng.normal(size=n)
    bad = rng.random(n) < fraction
    y[bad] += rng.normal(20, 5, bad.sum())
    return X, y, w, 1.5


# --- the loss -------------------------------------------------------------------------------


@pytest.mark.parametrize("delta", [0.1, 1.0, 3.0])
def test_huber_loss_is_pytorchs_and_the_definitions(delta):
    """`huber_loss` against torch.nn.functional.huber_loss (an independent implementation)
    and ρ_δ written out, on residuals either side of ±δ and at it."""
    g = torch.Generator().manual_seed(1)
    y_hat = torch.randn(50, 1, generator=g, dtype=torch.float64) * 3
    y = torch.randn(50, generator=g, dtype=torch.float64)
    y_hat[0, 0], y[0] = delta, 0.0  # exactly at the kink
    ours = huber_loss(y_hat, y, delta)
    assert ours.shape == (50, 1)
    torch_sum = torch.nn.functional.huber_loss(
        y_hat, y.reshape(-1, 1), reduction="sum", delta=delta
    )
    assert float(ours.sum()) == pytest.approx(float(torch_sum), rel=1e-14)
    by_hand = [rho(float(a) - float(b), delta) for a, b in zip(y_hat.reshape(-1), y, strict=True)]
    np.testing.assert_allclose(ours.reshape(-1).numpy(), by_hand, rtol=1e-15)


def test_huber_loss_keeps_nan_and_infinity():
    e = torch.tensor([[math.nan], [math.inf], [-math.inf]])
    out = huber_loss(e, torch.zeros(3), 1.0).reshape(-1)
    assert math.isnan(out[0]) and out[1] == math.inf and out[2] == math.inf


# --- the gradient ---------------------------------------------------------------------------


def naive_gradients(X, y, w, b, delta, s=None):
    """Σᵢ sᵢψ(eᵢ)xᵢ and Σᵢ sᵢψ(eᵢ), a row at a time, ψ(e) = max(−δ, min(δ, e))."""
    gw, gb = np.zeros(X.shape[1]), 0.0
    for i in range(len(X)):
        e = float(X[i] @ w + b - y[i])
        psi = max(-delta, min(delta, e)) * (1.0 if s is None else s[i])
        gw += psi * X[i]
        gb += psi
    return gw, gb


@pytest.mark.parametrize("weighted", [False, True])
def test_gradients_match_a_naive_loop(weighted):
    X, y, _, _ = outliers(60, 3, seed=2)
    w, b, delta = np.array([0.5, -1.0, 2.0]), 0.3, 1.2
    s = np.random.default_rng(0).uniform(0.1, 3, 60) if weighted else None
    gw, gb = gradients(X, y, w, b, s, delta=delta)
    ref_w, ref_b = naive_gradients(X, y, w, b, delta, s)
    np.testing.assert_allclose(gw, ref_w, rtol=1e-13)
    assert float(gb) == pytest.approx(ref_b, rel=1e-13)


def away_from_the_kink(seed, n=20, d=3, delta=1.0, margin=1e-3):
    """A float64 batch and parameters whose residuals all lie at least `margin` from ±δ: the
    points the finite differences can check (module docstring of `gradcheck`)."""
    g = torch.Generator().manual_seed(seed)
    while True:
        X = torch.randn(n, d, generator=g, dtype=torch.float64)
        y = 3 * torch.randn(n, 1, generator=g, dtype=torch.float64)
        w = torch.randn(d, 1, generator=g, dtype=torch.float64)
        b = torch.randn(1, generator=g, dtype=torch.float64)
        e = X @ w + b - y
        if float(((e.abs() - delta).abs()).min()) >= margin:
            return X, y, w, b


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("delta", [0.3, 1.0, 4.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_three_ways_agree_away_from_the_kink(seed, delta, weighted):
    X, y, w, b = away_from_the_kink(seed, delta=delta)
    s = torch.rand(len(X), generator=torch.Generator().manual_seed(seed)) if weighted else None
    check = check_gradients(X, y, w, b, s, delta=delta)
    pair = ("analytic", "autograd")
    assert check.comparisons[pair].max_rel_diff <= 1e-10
    assert check.comparisons[pair].tolerance == tolerance(torch.float64, pair, len(X))
    assert check.passed, check.comparisons
    clipped = int(((X @ w + b - y).abs() > delta).sum())
    assert clipped > 0 or delta == 4.0  # the clipped piece is exercised


def test_a_step_across_the_kink_is_off_by_order_h_and_the_check_caps_it():
    """One row, residual e just inside δ: ρ is C¹ but not C², so a central difference whose
    step crosses the kink errs by O(h) (halving h halves the error), while `kink_limit` caps
    the step below the distance to the kink, where it is exact but for rounding."""
    delta, e0 = 1.0, 0.999
    X = torch.tensor([[1.0]], dtype=torch.float64)
    y = torch.tensor([[0.0]], dtype=torch.float64)

    def diff(h):  # central difference of ρ(w − 0) at w = e0 with step h
        return (rho(e0 + h, delta) - rho(e0 - h, delta)) / (2 * h)

    errors = [abs(diff(h) - e0) for h in (0.1, 0.05, 0.025)]
    assert errors[0] > 1e-3 and errors[1] == pytest.approx(errors[0] / 2, rel=0.1)
    assert errors[2] == pytest.approx(errors[1] / 2, rel=0.1)
    limit = kink_limit(torch.cat([X, torch.ones(1, 1, dtype=torch.float64)], 1), X * e0 - y, 1.0)
    assert limit == pytest.approx([0.0005, 0.0005])
    check = check_gradients(
        X,
        y,
        torch.tensor([[e0]], dtype=torch.float64),
        torch.zeros(1, dtype=torch.float64),
        None,
        delta=1.0,
    )
    assert check.steps.max() <= 0.0005 * (1 + 1e-9) and check.passed


# --- every engine ---------------------------------------------------------------------------


def run_engine(engine, X, y, w0, b0, orders, lr, batch_size, dtype, delta, s=None):
    spec = RunSpec.build(engine=engine, loss="huber", huber_delta=delta)
    plan = make_plan(spec, len(X), X.shape[1], 8, weighted=s is not None)
    assert plan.loss is LOSSES["huber"] and plan.loss_parameter == delta
    t = (lambda a: torch.as_tensor(a, dtype=dtype)) if dtype else (lambda a: a)
    weights = None if s is None else t(s)
    eng = make_engine(plan, t(X), t(y.reshape(-1, 1)), t(w0), t(b0), None, weights)
    eng.compile()
    for order in orders:
        assert eng.run_epoch(order, lr, batch_size) is None
    return eng.params(), eng.loss()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["full", "block"])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_engine_matches_the_float64_reference(engine, kind, weighted):
    X, y, _, _ = outliers(503, 4, seed=3)
    w0, b0, delta = np.full((4, 1), 0.01), np.zeros(1), 1.0
    s = np.random.default_rng(1).uniform(0.2, 2, len(X)) if weighted else None
    orders = Orders(kind, len(X), 3, block_rows=32)
    epochs = [orders.epoch(e) for e in (1, 2, 3)]
    ref_w, ref_b = naive_sgd(X, y, w0, b0, epochs, 0.05, 10, delta, s)
    (w, b), loss = run_engine(engine, X, y, w0, b0, epochs, 0.05, 10, torch.float64, delta, s)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12, atol=1e-12)
    assert b == pytest.approx(ref_b, rel=1e-12, abs=1e-12)
    rows = [rho(e, delta) for e in X @ ref_w + ref_b - y]
    ref_loss = np.mean(rows) if s is None else np.dot(s, rows) / s.sum()
    assert loss == pytest.approx(ref_loss, rel=1e-10)
    assert loss == pytest.approx(mean_huber(X, y, w, b, delta, s), rel=1e-10)


@pytest.mark.parametrize("engine", ENGINES)
def test_float32_stays_within_float32_rounding(engine):
    X, y, _, _ = outliers(503, 4, seed=4)
    w0, b0 = np.full((4, 1), 0.01), np.zeros(1)
    orders = Orders("full", len(X), 3)
    epochs = [orders.epoch(e) for e in (1, 2, 3)]
    ref_w, ref_b = naive_sgd(X, y, w0, b0, epochs, 0.05, 10, 1.0)
    (w, b), _ = run_engine(engine, X, y, w0, b0, epochs, 0.05, 10, torch.float32, 1.0)
    scale = np.abs(np.r_[ref_w, ref_b]).max()
    np.testing.assert_allclose(np.r_[w, b], np.r_[ref_w, ref_b], atol=1e-5 * scale)


def test_the_compiled_kernel_keeps_a_nan_residual_for_the_guard():
    """A NaN residual stays NaN through ψ's clip and 2ρ, so the kernel reports its step."""
    X = np.ones((20, 2))
    X[7, 0] = np.nan
    y, w, b = np.zeros(20), np.zeros(2), np.zeros(1)
    huber = _kernels.KINDS["huber"]
    opts = KernelOptions(0.1, 5, True, False, 16, 0, loss=huber, loss_parameter=1.0)
    bad = _kernels.sgd_epoch(X, y, np.arange(20), w, b, opts, None, None, None, None)
    assert bad == 2 and np.all(w == 0)  # the second batch holds row 8; nothing was updated
    assert math.isnan(mean_loss(X, y, w, b, None, huber, 1.0))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_divergence_guard_stops_a_huber_run(engine):
    """Huber's gradient is bounded (|ψ| ≤ δ), so past the stability limit the iterates grow
    by lr·δ·|x| a step rather than geometrically: the guard's growth bound still stops it."""
    X, y, _, _ = outliers(300, 2, seed=5)
    with pytest.raises(DivergedError):
        fit(X, y, engine=engine, loss="huber", lr=1e12, num_epochs=3, seed=1, dtype="float64")


@pytest.mark.parametrize("engine", ENGINES)
def test_huber_sgd_stays_near_the_truth_where_squares_are_pulled_away(engine):
    X, y, _, b = outliers(2000, 2, seed=6, fraction=0.05)
    settings = {"engine": engine, "num_epochs": 10, "seed": 1, "dtype": "float64", "lr": 0.03}
    huber = fit(X, y, loss="huber", **settings)
    squares = fit(X, y, **settings)
    assert abs(huber.b - b) < 0.1 < abs(squares.b - b)


# --- the exact minimiser --------------------------------------------------------------------


def scipy_huber(A, y, delta):
    """scipy.optimize.least_squares with loss="huber" and f_scale=δ minimises
    C(θ) = ½ Σᵢ δ² ρₛ((fᵢ/δ)²) with ρₛ(z) = z for z ≤ 1 and 2√z − 1 beyond, fᵢ = aᵢθ − yᵢ:
    for |fᵢ| ≤ δ, ½δ²·fᵢ²/δ² = ½fᵢ²; beyond, ½δ²(2|fᵢ|/δ − 1) = δ|fᵢ| − ½δ² = δ(|fᵢ| − ½δ).
    So C = Σᵢ ρ_δ(fᵢ) exactly: the same objective, by an independent solver (trust region
    reflective), run to tolerances at rounding level."""
    from scipy.optimize import least_squares

    out = least_squares(
        lambda t: A @ t - y, np.zeros(A.shape[1]), loss="huber", f_scale=delta,
        xtol=1e-15, ftol=1e-15, gtol=1e-15, method="trf",
    )  # fmt: skip
    return out.x


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - b)) / np.max(np.abs(b)))


@pytest.mark.parametrize("delta", [0.05, 1.0, 3.0])
@pytest.mark.parametrize("intercept", [True, False])
def test_the_exact_minimiser_is_scipys(delta, intercept):
    X, y, _, _ = outliers(500, 3, seed=7)
    fitted = huber_fit(X, y, delta, intercept, chunk_rows=128)  # several chunks
    A = np.hstack([X, np.ones((len(X), 1))]) if intercept else X
    theta = np.r_[fitted.w, fitted.b] if intercept else fitted.w
    assert rel(theta, scipy_huber(A, y, delta)) <= 1e-8
    assert fitted.loss == pytest.approx(np.mean([rho(e, delta) for e in A @ theta - y]), rel=1e-12)
    assert fitted.se is None and fitted.r2 is None and fitted.ci95 is None
    assert fitted.to_dict()["se"] is None and fitted.to_dict()["kind"] == "huber"
    assert 0 < fitted.clipped < len(X)


def _passes(monkeypatch) -> list[bool]:
    """Record, for each pass `huber_fit` takes, whether it took the normal equations."""
    from linscratch.exact import huber

    took, original = [], huber._pass

    def spy(*args):
        took.append(args[-1] is not None)
        return original(*args)

    monkeypatch.setattr(huber, "_pass", spy)
    return took


def _by_qr(monkeypatch, *args, **kwargs):
    """`huber_fit` with every pass by QR, as it was before the normal equations."""
    from linscratch.exact import huber

    with monkeypatch.context() as m:
        m.setattr(huber, "_shift", lambda *a: None)
        return huber_fit(*args, **kwargs)


@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_the_minimiser_takes_the_normal_equations_where_safe(monkeypatch, offset):
    """Regression: every Newton pass took a QR of the rows, 130x the least-squares answer's
    time at 200,000 x 100. The Gram of the rows shifted by their means is safe here, even for
    features around 1e4 (the shift keeps the column of ones from ruling its condition): the
    same answer as QR's, and no worse than scipy's (whose J is higher at offset 1e4)."""
    X, y, _, _ = outliers(500, 3, seed=13)
    X = X + offset
    qr = _by_qr(monkeypatch, X, y, 1.0, True, chunk_rows=128)
    took = _passes(monkeypatch)
    fitted = huber_fit(X, y, 1.0, True, chunk_rows=128)
    assert all(took) and len(took) >= 2
    theta, A = np.r_[fitted.w, fitted.b], np.hstack([X, np.ones((len(X), 1))])
    assert rel(theta, np.r_[qr.w, qr.b]) <= 1e-10
    ref = scipy_huber(A, y, 1.0)
    assert objective(X, y, theta, 1.0) <= objective(X, y, ref, 1.0) * (1 + 1e-14)


def test_an_ill_conditioned_problem_takes_qr_and_keeps_its_digits(monkeypatch):
    """Powers of x on [1, 2], κ beyond the normal equations' limit: the passes then take QR,
    and give QR's answer (scipy's stops short here: its J is higher)."""
    rng = np.random.default_rng(14)
    x = rng.uniform(1, 2, 600)
    X = np.column_stack([x**k for k in range(1, 6)])
    y = X @ np.array([1.0, -2.0, 0.5, 0.3, -0.1]) + 0.05 * rng.normal(size=600)
    y[::20] += 5.0
    qr = _by_qr(monkeypatch, X, y, 0.1)
    took = _passes(monkeypatch)
    fitted = huber_fit(X, y, 0.1)
    assert took[0] and not any(took[1:])  # the normal equations refused, then QR
    theta, A = np.r_[fitted.w, fitted.b], np.hstack([X, np.ones((len(X), 1))])
    assert rel(theta, np.r_[qr.w, qr.b]) <= 1e-10
    assert objective(X, y, theta, 0.1) <= objective(X, y, scipy_huber(A, y, 0.1), 0.1)


def test_weighted_is_rows_repeated():
    """A weight of k counts a row k times: Huber's minimiser with whole-number weights is
    scipy's on the rows repeated."""
    X, y, _, _ = outliers(300, 2, seed=8)
    s = np.random.default_rng(2).integers(1, 4, len(X)).astype(float)
    fitted = huber_fit(X, y, 1.0, True, weights=s, chunk_rows=100)
    rows = np.repeat(np.arange(len(X)), s.astype(int))
    A = np.hstack([X, np.ones((len(X), 1))])[rows]
    assert rel(np.r_[fitted.w, fitted.b], scipy_huber(A, y[rows], 1.0)) <= 1e-8


def test_with_an_l2_penalty():
    """J = mean ρ_δ + (λ/2)‖w‖² (b not penalised) is scipy's Huber least squares with d more
    residuals √(λn)·wⱼ, as long as those stay within δ (each is then ½λn·wⱼ², checked)."""
    X, y, _, _ = outliers(400, 3, seed=9)
    lam, n = 1e-4, len(X)
    fitted = huber_fit(X, y, 1.0, True, l2=lam)
    A = np.vstack(
        [np.hstack([X, np.ones((n, 1))]), np.c_[np.sqrt(lam * n) * np.eye(3), np.zeros(3)]]
    )
    target = np.r_[y, np.zeros(3)]
    ref = scipy_huber(A, target, 1.0)
    assert np.all(np.sqrt(lam * n) * np.abs(ref[:3]) < 1.0)
    assert rel(np.r_[fitted.w, fitted.b], ref) <= 1e-8
    plain = huber_fit(X, y, 1.0, True)
    assert rel(np.r_[plain.w, plain.b], ref) > 1e-5  # the penalty made a difference
    theta = np.r_[fitted.w, fitted.b]
    assert fitted.loss == pytest.approx(objective(X, y, theta, 1.0, True, None, lam), rel=1e-12)


def test_a_delta_beyond_every_residual_gives_least_squares():
    X, y, _, _ = outliers(300, 3, seed=10, fraction=0.0)
    fitted, exact = huber_fit(X, y, 1e6), ols(X, y)
    assert fitted.clipped == 0 and fitted.iterations == 1
    np.testing.assert_allclose(np.r_[fitted.w, fitted.b], np.r_[exact.w, exact.b], rtol=1e-12)


def test_it_streams_over_a_memory_mapped_file(tmp_path):
    X, y, _, _ = outliers(3000, 2, seed=11)
    path = tmp_path / "rows.npy"
    np.save(path, np.column_stack([X, y]))
    table = np.load(path, mmap_mode="r")
    on_disk = huber_fit(table[:, :2], table[:, 2], 1.0, chunk_rows=512)
    in_memory = huber_fit(X, y, 1.0)
    np.testing.assert_allclose(np.r_[on_disk.w, on_disk.b], np.r_[in_memory.w, in_memory.b], 1e-12)


def test_a_tiny_delta_falls_back_to_reweighted_least_squares():
    """δ so small that fewer rows than parameters lie inside: Newton's H is singular, and
    the IRLS steps still reach scipy's answer."""
    X, y, _, _ = outliers(200, 2, seed=12)
    fitted = huber_fit(X, y, 1e-4)
    A = np.hstack([X, np.ones((len(X), 1))])
    assert rel(np.r_[fitted.w, fitted.b], scipy_huber(A, y, 1e-4)) <= 1e-6


# --- the command line and the estimator -----------------------------------------------------


def test_train_reports_the_exact_huber_minimiser(cli, tmp_path):
    data = tmp_path / "outliers.npy"
    made = cli("make-data", "--num-examples", "1000", "--num-features", "1", "--noise", "0.5",
               "--corrupt", "0.05", "--seed", "3", "--out", str(data), "--json")  # fmt: skip
    assert made.code == 0 and made.json["corrupt"] == 0.05
    table = np.load(data)
    X, y = table[:, :1].astype(np.float64), table[:, 1].astype(np.float64)
    run = cli("train", "--data", str(data), "--loss", "huber", "--huber-delta", "1.5",
              "--epochs", "10", "--seed", "3", "--json")  # fmt: skip
    assert run.code == 0, run.err
    report, exact = run.json, huber_fit(X, y, 1.5)
    assert report["config"]["loss"] == "huber" and report["config"]["huber_delta"] == 1.5
    assert report["ols"]["kind"] == "huber" and report["ols"]["se"] is None
    assert report["ols"]["ci95"] is None and report["r2"] is None and report["rmse"] is None
    np.testing.assert_allclose(report["ols"]["w"], exact.w, rtol=1e-12)
    loss = mean_huber(X, y, report["w"], report["b"], 1.5)
    assert report["loss_gap"] == pytest.approx(loss / exact.loss - 1, rel=1e-9)
    assert 0 <= report["loss_gap"] < 0.01
    text = cli("train", "--data", str(data), "--loss", "huber", "--epochs", "10", "--seed", "3")
    assert "exact Huber minimiser (δ = 1)" in text.out and "R²" not in text.out


def test_delta_is_in_the_targets_units_when_standardized(cli, tmp_path):
    """Standardized, SGD trains with δ/σ_y, so that its answer in the data's units is the
    minimiser of the same objective (ρ_δ(e) = σ²ρ_{δ/σ}(e/σ)), computed unscaled: SGD lands
    near it, and not near the minimiser for δ·σ_y, which an unscaled δ would have made."""
    data = tmp_path / "outliers.npy"
    cli("make-data", "--num-examples", "1000", "--num-features", "1", "--noise", "0.5",
        "--corrupt", "0.05", "--seed", "3", "--out", str(data))  # fmt: skip
    args = ("train", "--data", str(data), "--loss", "huber", "--standardize", "--lr", "0.1",
            "--epochs", "10", "--seed", "3", "--json")  # fmt: skip
    report = cli(*args).json
    assert report["standardization"] is not None and report["loss_gap"] < 2e-3
    table = np.load(data).astype(np.float64)
    unscaled = huber_fit(table[:, :1], table[:, 1], float(table[:, 1].std()))
    sgd = np.r_[report["w"], report["b"]]
    near = np.abs(sgd - np.r_[report["ols"]["w"], report["ols"]["b"]]).max()
    assert near < 0.05 < np.abs(sgd - np.r_[unscaled.w, unscaled.b]).max()


def test_check_grad_compares_huber_gradients(cli):
    run = cli("train", "--seed", "1", "--loss", "huber", "--huber-delta", "0.5", "--check-grad",
              "--json")  # fmt: skip
    assert run.code == 0 and run.json["check_grad"]["passed"]
    assert run.json["check_grad"]["max_rel_diff"] <= 1e-4


def test_grad_explains_which_rows_are_clipped(cli):
    run = cli("grad", "--loss", "huber", "--huber-delta", "2", "--json")
    report = run.json
    assert run.code == 0 and report["passed"] and report["huber_delta"] == 2
    np.testing.assert_allclose(report["psi"], np.clip(report["residual"], -2, 2))
    X, y = np.array(report["X"]), np.array(report["y"])
    w, b = np.array(report["w"]), report["b"]
    ref_w, ref_b = naive_gradients(X, y, w, b, 2.0)
    np.testing.assert_allclose(report["analytic"]["w"], ref_w, rtol=1e-12)
    assert report["analytic"]["b"] == pytest.approx(ref_b, rel=1e-12)
    text = cli("grad", "--loss", "huber", "--huber-delta", "2").out
    assert "7 of 10 rows have |eᵢ| > δ = 2" in text and "ψ_i" in text


def test_the_estimator_takes_sgdregressors_names():
    from linscratch.estimator import SGDLinearRegression

    X, y, _, b = outliers(1000, 2, seed=13, fraction=0.05)
    model = SGDLinearRegression(loss="huber", epsilon=1.0, random_state=0, max_iter=30).fit(X, y)
    exact = huber_fit(X, y, 1.0)
    np.testing.assert_allclose(model.coef_, exact.w, atol=0.05)
    assert abs(model.intercept_ - b) < 0.15
    squares = SGDLinearRegression(random_state=0, max_iter=30).fit(X, y)
    assert abs(squares.intercept_ - b) > 0.5
    for bad in ({"loss": "absolute"}, {"epsilon": 0}, {"epsilon": math.inf}):
        with pytest.raises(ValueError):
            SGDLinearRegression(**bad).fit(X, y)
