"""The exact least-squares answer: NIST's certified values for Longley's data, statsmodels'
intervals, numpy's lstsq, and the stability bound."""

import numpy as np
import pytest

from linscratch import datasets
from linscratch.data.files import read_table
from linscratch.exact.reduction import qr_pass
from linscratch.exact.solve import ols, r2_score, stability

# NIST Statistical Reference Datasets, Longley: certified values (b1..b6 for GNPDEFL, GNP,
# UNEMP, ARMED, POP, YEAR, then the intercept b0), their standard deviations, R² and the
# residual standard deviation.
NIST_PARAMS = [
    15.0618722713733,
    -0.358191792925910e-01,
    -2.02022980381683,
    -1.03322686717359,
    -0.511041056535807e-01,
    1829.15146461355,
    -3482258.63459582,
]
NIST_SE = [
    84.9149257747669,
    0.334910077722432e-01,
    0.488399681651699,
    0.214274163161675,
    0.226073200069370,
    455.478499142212,
    890420.383607373,
]
NIST_R2 = 0.995479004577296
NIST_RESIDUAL_SD = 304.854073561965
# statsmodels 0.14: OLS(TOTEMP, add_constant(X)).fit().conf_int(0.05), in our order.
STATSMODELS_CI95 = [
    [-177.0290352984320, 207.1527798415317],
    [-0.1115811024140310, 0.03994274382868859],
    [-3.125066641974859, -0.9153929656601909],
    [-1.517948700172754, -0.5485050341746747],
    [-0.5625172145075420, 0.4603090032002423],
    [798.7875152788567, 2859.515413950436],
    [-5496529.483278159, -1467987.785917726],
]
STATSMODELS_CONDITION_NUMBER = 4859257015.454869


def longley():
    return read_table(datasets.path("longley"), target="TOTEMP")


def test_longley_matches_nists_certified_values():
    """Condition number 5e9, and QR through an SVD of R keeps at least nine digits."""
    table = longley()
    result = ols(table.X, table.y)
    np.testing.assert_allclose(np.r_[result.w, result.b], NIST_PARAMS, rtol=1e-9)
    np.testing.assert_allclose(result.se, NIST_SE, rtol=1e-9)
    assert result.r2 == pytest.approx(NIST_R2, rel=1e-12)
    assert np.sqrt(2 * 16 * result.loss / result.dof) == pytest.approx(NIST_RESIDUAL_SD, rel=1e-9)
    np.testing.assert_allclose(result.ci95, STATSMODELS_CI95, rtol=1e-9)
    assert result.condition_number == pytest.approx(STATSMODELS_CONDITION_NUMBER, rel=1e-6)
    assert (result.rank, result.dof) == (7, 9)


def test_longley_normal_equations_lose_digits_that_qr_keeps():
    """Why QR: through XᵀX (condition number squared, 2e19) float64 keeps far fewer digits."""
    table = longley()
    A = np.c_[table.X, np.ones(16)]
    naive = np.linalg.solve(A.T @ A, A.T @ table.y)
    ours = ols(table.X, table.y)
    naive_error = np.abs(naive / NIST_PARAMS - 1).max()
    our_error = np.abs(np.r_[ours.w, ours.b] / NIST_PARAMS - 1).max()
    assert naive_error > 1e-8 and our_error < 1e-9
    assert naive_error > 100 * our_error


@pytest.mark.parametrize(("n", "d"), [(50, 1), (1000, 5), (3, 2)])
def test_matches_numpy_lstsq(n, d):
    rng = np.random.default_rng(n + d)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 100, d)
    y = X @ rng.normal(size=d) + 3 + rng.normal(size=n)
    result = ols(X, y)
    theta = np.linalg.lstsq(np.c_[X, np.ones(n)], y, rcond=None)[0]
    np.testing.assert_allclose(np.r_[result.w, result.b], theta, rtol=1e-9, atol=1e-12)
    assert result.r2 == pytest.approx(r2_score(X, y, result.w, result.b), rel=1e-9)
    if n <= d + 1:
        assert result.se is None  # no degrees of freedom left


def test_chunked_qr_equals_one_piece():
    """R of [X 1 y] block by block (`reduction.qr_pass`, 4,096-row blocks) is one QR's."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10_000, 3)), rng.normal(size=10_000)
    whole = np.abs(np.linalg.qr(np.c_[X, np.ones(10_000), y], mode="r"))
    chunked = np.abs(qr_pass(X, y))  # R is unique up to the signs of rows
    np.testing.assert_allclose(chunked, whole, rtol=1e-10, atol=1e-10)


def test_collinear_columns_give_the_rank_and_no_standard_errors():
    rng = np.random.default_rng(1)
    x = rng.normal(size=100)
    X = np.c_[x, 2 * x]
    result = ols(X, 3 * x + 1)
    assert result.rank == 2 and result.se is None
    assert result.loss == pytest.approx(0, abs=1e-20)
    np.testing.assert_allclose(X @ result.w + result.b, 3 * x + 1, atol=1e-9)


def test_stability_bound_is_the_top_eigenvalue():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(500, 4)) * [1, 2, 3, 10] + 5
    A = np.c_[X, np.ones(500)]
    top = np.linalg.eigvalsh(A.T @ A / 500)[-1]
    bound = stability(X)
    assert bound["lambda_max"] == pytest.approx(top, rel=1e-6)
    assert bound["lr_max"] == pytest.approx(2 / top, rel=1e-6)


def test_t_quantile_is_scipy_stats_bit_for_bit():
    """The intervals take t(0.975, dof) from `scipy.special.stdtrit`, cheaper to import than
    `scipy.stats`: the same float as `scipy.stats.t.ppf` on every dof a run can have, and the
    intervals of a fit are exactly θ ± t.ppf(0.975, dof)·se."""
    from scipy import stats
    from scipy.special import stdtrit

    dofs = [*range(1, 3000), *(10**k + j for k in range(4, 10) for j in (-1, 0, 7)), 2**31 - 3]
    assert [stdtrit(d, 0.975) for d in dofs] == [stats.t.ppf(0.975, d) for d in dofs]
    table = longley()
    result = ols(table.X, table.y)
    t = stats.t.ppf(0.975, result.dof)
    theta = np.r_[result.w, result.b]
    expected = np.stack([theta - t * result.se, theta + t * result.se], axis=1)
    assert np.array_equal(result.ci95, expected)
