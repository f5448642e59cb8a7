"""Weighted rows: weighted least squares against statsmodels' WLS, the weighted gradient three
ways, every engine converging to the weighted answer, weights of one and whole-number weights
against the unweighted and the repeated rows, and hostile weights."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_diabetes

from linscratch.book.model import gradients
from linscratch.derivation.gradcheck import check_gradients
from linscratch.errors import UsageError
from linscratch.exact.solve import mean_loss, ols, r2_score, stability
from linscratch.train.loop import fit

# statsmodels 0.15.0, on scikit-learn's diabetes data in its own units (442 rows, 10 features:
# load_diabetes(return_X_y=True, scaled=False)) with the weights 1/(1 + age), age the first
# column, produced by
#   r = sm.WLS(y, sm.add_constant(X), weights=1 / (1 + X[:, 0])).fit()
#   r.params, r.bse, r.rsquared, r.scale, r.ssr
# Intercept first, then the ten features, as statsmodels orders them.
WLS_PARAMS = [
    -278.4512080527324,
    -0.17674725155953286,
    -28.544097466165447,
    5.424453640201303,
    1.0915085241069404,
    -0.9060197620834539,
    0.6752505365696138,
    -0.06381640682539513,
    3.3515303553240696,
    62.90221418997344,
    0.28144920777310106,
]
WLS_BSE = [
    67.25125678470715,
    0.2127790313694412,
    5.900821836027676,
    0.7098846362902239,
    0.23135575642109393,
    0.5898451840538169,
    0.550507156224501,
    0.799082539058562,
    6.1429354496323425,
    15.635256730101531,
    0.2782980908802464,
]
WLS_RSQUARED = 0.5021519007554532
WLS_SCALE = 64.86792774049925  # σ̂² = Σwᵢeᵢ² / (n − p)
WLS_SSR = 27958.07685615518  # Σwᵢeᵢ²


def diabetes_weighted():
    X, y = load_diabetes(return_X_y=True, scaled=False)
    return X, y, 1 / (1 + X[:, 0])


def heteroskedastic(n=600, seed=0):
    """y = Xw + b + noise whose spread grows with |x₁|, and the inverse-variance weights."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    spread = 0.2 + np.abs(X[:, 0])
    y = X @ [1.5, -2.0, 0.5] + 3.0 + spread * rng.normal(size=n)
    return X, y, 1 / spread**2


def test_wls_matches_statsmodels_on_diabetes():
    X, y, w = diabetes_weighted()
    result = ols(X, y, weights=w)
    np.testing.assert_allclose(np.r_[result.b, result.w], WLS_PARAMS, rtol=1e-10)
    np.testing.assert_allclose(np.r_[result.se[-1], result.se[:-1]], WLS_BSE, rtol=1e-10)
    assert result.r2 == pytest.approx(WLS_RSQUARED, rel=1e-12)
    assert result.residual_sd**2 == pytest.approx(WLS_SCALE, rel=1e-12)
    assert result.loss == pytest.approx(WLS_SSR / (2 * w.sum()), rel=1e-12)  # weighted ½e²
    assert result.dof == 442 - 11
    # the loss and R² of the same coefficients, computed apart from the solver
    assert mean_loss(X, y, result.w, result.b, w) == pytest.approx(result.loss, rel=1e-12)
    assert r2_score(X, y, result.w, result.b, True, w) == pytest.approx(WLS_RSQUARED, rel=1e-12)


def test_weights_of_one_are_ordinary_least_squares():
    X, y, _ = diabetes_weighted()
    plain, ones = ols(X, y), ols(X, y, weights=np.ones(len(y)))
    np.testing.assert_allclose(np.r_[ones.w, ones.b], np.r_[plain.w, plain.b], rtol=1e-12)
    np.testing.assert_allclose(ones.se, plain.se, rtol=1e-12)
    assert ones.loss == pytest.approx(plain.loss, rel=1e-12)
    assert ones.r2 == pytest.approx(plain.r2, rel=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_whole_number_weights_equal_repeated_rows(fit_intercept):
    """The coefficients, the loss (a weighted mean) and R² of weights k are those of the rows
    repeated k times; the standard errors differ, as they should: repeated rows claim more
    observations (statsmodels' WLS too counts rows, not weights)."""
    X, y, _ = heteroskedastic(200)
    k = np.random.default_rng(1).integers(1, 5, size=len(y))
    weighted = ols(X, y, fit_intercept=fit_intercept, weights=k.astype(float))
    repeated = ols(np.repeat(X, k, axis=0), np.repeat(y, k), fit_intercept=fit_intercept)
    np.testing.assert_allclose(weighted.w, repeated.w, rtol=1e-12)
    assert weighted.b == pytest.approx(repeated.b, rel=1e-12, abs=1e-14)
    assert weighted.loss == pytest.approx(repeated.loss, rel=1e-12)
    assert weighted.r2 == pytest.approx(repeated.r2, rel=1e-12)
    lam_w = stability(X, weights=k, intercept=fit_intercept)["lambda_max"]
    lam_r = stability(np.repeat(X, k, axis=0), intercept=fit_intercept)["lambda_max"]
    assert lam_w == pytest.approx(lam_r, rel=1e-9)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_weighted_gradient_three_ways(dtype):
    g = torch.Generator().manual_seed(4)
    X = torch.randn(12, 3, generator=g, dtype=dtype)
    y = torch.randn(12, 1, generator=g, dtype=dtype)
    w, b = torch.randn(3, 1, generator=g, dtype=dtype), torch.tensor([0.3], dtype=dtype)
    s = torch.rand(12, generator=g, dtype=torch.float64) * 3
    check = check_gradients(X, y, w, b, s.numpy())
    assert check.passed, check
    # the formula, by numpy in float64: Xᵀ(s∘e) and Σ sᵢeᵢ
    X64, y64 = X.double().numpy(), y.double().numpy().reshape(-1)
    e = X64 @ w.double().numpy().reshape(-1) + float(b) - y64
    expected = np.r_[X64.T @ (s.numpy() * e), np.sum(s.numpy() * e)]
    tol = 1e-12 if dtype == torch.float64 else 1e-4
    np.testing.assert_allclose(check.grads["analytic"], expected, rtol=tol, atol=tol)
    assert check.total == pytest.approx(float(s.sum()))


def test_whole_number_weighted_gradient_is_the_repeated_batch():
    g = torch.Generator().manual_seed(5)
    X, y = torch.randn(6, 2, generator=g, dtype=torch.float64), torch.randn(6, 1, generator=g)
    y = y.double()
    w, b = torch.randn(2, 1, generator=g, dtype=torch.float64), torch.tensor([-0.4]).double()
    k = torch.tensor([1, 3, 2, 1, 4, 2])
    gw, gb = gradients(X, y, w, b, k.double())
    rw, rb = gradients(X.repeat_interleave(k, 0), y.repeat_interleave(k, 0), w, b)
    torch.testing.assert_close(gw, rw, rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(gb, rb, rtol=1e-13, atol=1e-13)


ENGINES = ["autograd", "analytic", "compiled"]


@pytest.mark.parametrize("engine", ENGINES)
def test_full_batch_weighted_descent_reaches_the_wls_answer(engine):
    """With the whole data in one batch each step follows the exact weighted gradient, so
    gradient descent converges to the weighted least-squares answer itself."""
    X, y, s = heteroskedastic(300)
    s[:20] = 0  # dropped
    exact = ols(X[20:], y[20:], weights=s[20:])
    result = fit(
        X, y, engine=engine, dtype="float64", lr=0.5, batch_size=300, num_epochs=400,
        seed=0, sample_weight=s, shuffle="none",
    )  # fmt: skip
    assert result.num_examples == 280
    np.testing.assert_allclose(np.r_[result.w, result.b], np.r_[exact.w, exact.b], rtol=1e-9)
    assert result.losses[-1] == pytest.approx(exact.loss, rel=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_minibatch_weighted_sgd_converges_near_the_wls_answer(engine):
    X, y, s = heteroskedastic(2000, seed=2)
    exact = ols(X, y, weights=s)
    plain = ols(X, y)
    result = fit(
        X, y, engine=engine, dtype="float64", lr=0.01, batch_size=20, num_epochs=40, seed=1,
        sample_weight=s,
    )  # fmt: skip
    assert result.losses[-1] <= exact.loss * 1.001
    assert np.max(np.abs(np.r_[result.w, result.b] - np.r_[exact.w, exact.b])) < 0.01
    # and the weights matter: the unweighted answer is five times farther off than that
    assert np.max(np.abs(np.r_[plain.w, plain.b] - np.r_[exact.w, exact.b])) > 0.05


# every engine with its own shuffle, and the block shuffle where an engine takes it (autograd
# walks the book's order only)
PAIRS = [(engine, "auto") for engine in ENGINES] + [
    (engine, "block") for engine in ENGINES if engine != "autograd"
]


@pytest.mark.parametrize("engine, shuffle", PAIRS)
def test_weights_of_one_equal_the_unweighted_run_bit_for_bit(engine, shuffle):
    X, y, _ = heteroskedastic(1000, seed=3)
    X, y = X.astype(np.float32), y.astype(np.float32)
    settings = dict(engine=engine, shuffle=shuffle, lr=0.02, batch_size=7, num_epochs=2, seed=5)
    plain = fit(X, y, **settings)
    ones = fit(X, y, sample_weight=np.ones(len(y)), **settings)
    assert ones.w == plain.w and ones.b == plain.b and ones.losses == plain.losses


def test_a_recorded_run_reports_weighted_batch_losses():
    """The compiled kernels' chunked path (progress reports) equals the plain one, weighted."""
    from linscratch.events import Trace

    X, y, s = heteroskedastic(3000, seed=4)
    settings = dict(engine="compiled", lr=0.01, num_epochs=2, seed=2, sample_weight=s)
    trace = Trace()
    traced = fit(X, y, subscribers=[trace], **settings)
    plain = fit(X, y, **settings)
    assert traced.w == plain.w and traced.losses == plain.losses
    assert np.all(np.isfinite(trace.to_dict()["step_loss"]))


@pytest.mark.parametrize(
    "weights, words",
    [
        ([1.0, -1.0, 1.0], ["sample_weight", "non-negative", "row 2"]),
        ([1.0, np.nan, 1.0], ["sample_weight", "finite"]),
        ([1.0, np.inf, 1.0], ["sample_weight", "finite"]),
        ([0.0, 0.0, 0.0], ["sample_weight", "every weight is zero"]),
        ([1.0, 1.0], ["sample_weight", "one weight per row"]),
        (["a", "b", "c"], ["sample_weight", "numbers"]),
    ],
)
def test_hostile_sample_weights_are_usage_errors(weights, words):
    X, y = np.ones((3, 2)), np.ones(3)
    with pytest.raises(UsageError) as info:
        fit(X, y, sample_weight=weights, num_epochs=1)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_weights_are_refused_with_the_books_short_batch_and_a_gradient_check():
    X, y = np.ones((3, 2)), np.ones(3)
    with pytest.raises(UsageError, match="short_batch"):
        fit(X, y, sample_weight=[1, 2, 3], short_batch="book")
    with pytest.raises(UsageError, match="check_grad"):
        fit(X, y, sample_weight=[1, 2, 3], check_grad=True, engine="autograd")
