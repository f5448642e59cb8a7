"""The largest stable learning rate measured by bisection (`train.stable_rate`) against
numpy's eigenvalues, and its figure against the batch size (`show.stability_plot`): the line
is the formula 2m/(β̂ + (m − 1)λ₁) in numpy's arithmetic, the labels in the language in use."""

from __future__ import annotations

import re

import numpy as np
import pytest

from linscratch.i18n import set_language
from linscratch.show.stability_plot import stability_figure
from linscratch.train.stable_rate import largest_stable_rate, rate_curve


def rows(n: int, d: int, seed: int = 0, shift: float = 1.0):
    """n rows of d normal features with means up to `shift` away from zero, and a noisy
    linear target."""
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, d)) + rng.uniform(-shift, shift, d)).astype(np.float32)
    y = (X @ rng.uniform(-2, 2, d) + 1.0 + 0.1 * rng.normal(size=n)).astype(np.float32)
    return X, y


def test_a_full_batch_is_gradient_descent_whose_edge_is_two_over_lambda():
    # one batch of all the rows is gradient descent: the largest stable rate is 2/λ₁, λ₁ of
    # AᵀA/n by numpy's symmetric eigensolver (to the bisection's resolution, 10^(2/2^9) = 0.9%)
    X, y = rows(300, 4)
    A = np.c_[X.astype(np.float64), np.ones(len(X))]
    edge = 2 / np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    found = largest_stable_rate(X, y, len(X), edge, 9, 10.0, 200, "compiled")
    assert edge / 1.01 < found < edge * 1.05


def test_sgds_limit_is_never_above_the_measured_rate():
    X, y = rows(2000, 30, seed=1, shift=0.0)  # centred: m* = β̂/λ₁ about d
    curve = rate_curve(X, y, batch_sizes=(1, 10, 100), bisections=5)
    A = np.c_[X.astype(np.float64), np.ones(len(X))]
    lam = np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    norms = (A * A).sum(axis=1)
    beta = min(norms.max(), (norms**2).sum() / norms.sum() + 2 * lam)
    assert curve["lambda_max"] == pytest.approx(lam, rel=1e-9)
    assert curve["beta"] == pytest.approx(beta, rel=1e-6)  # float32's squares
    assert curve["critical"] == pytest.approx(beta / lam, rel=1e-6)
    found_limits = zip(curve["measured"], curve["limits"], strict=True)
    for m, (found, limit) in zip(curve["batch_sizes"], found_limits, strict=True):
        formula = min(2 / lam, 2 * m / (beta + (m - 1) * lam))
        assert limit == pytest.approx(formula, rel=1e-6)
        # at most a factor 2 below (docs/stability.md); the bisection's first try is the limit
        # itself, through log and exp (an ulp either way): where only that try stood, found is
        # the limit to 1e-12
        assert limit * (1 - 1e-12) <= found < 2.5 * limit, m
    # below m* the batch size sets the rate: ten times the batch, about ten times the rate
    assert curve["critical"] > 10
    assert 7 < curve["measured"][1] / curve["measured"][0] < 13


CURVE = {  # what `rate_curve` gives, made up: the figure draws what it is given
    "d": 100,
    "n": 4000,
    "batch_sizes": [1, 10, 100, 1000],
    "measured": [0.019, 0.18, 0.95, 1.5],
    "lambda_max": 1.35,
    "beta": 105.0,
    "limits": [0.019, 0.17, 0.84, 1.38],
    "gd": 2 / 1.35,
    "critical": 105.0 / 1.35,
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_figure_draws_the_formula_in_the_language_in_use(lang):
    set_language(lang)
    try:
        fig = stability_figure([CURVE])
    finally:
        set_language("en")
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    line, points = ax.lines[0], ax.lines[2]
    m = np.asarray(line.get_xdata(), np.float64)
    assert m[0] == 1 and m[-1] == 1000
    formula = np.minimum(2 / 1.35, 2 * m / (105.0 + (m - 1) * 1.35))
    np.testing.assert_allclose(line.get_ydata(), formula, rtol=1e-12)
    np.testing.assert_array_equal(points.get_ydata(), CURVE["measured"])
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    texts += [t.get_text() for t in ax.get_legend().get_texts()]
    words = {w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)}
    if lang == "zh":
        assert words <= {"SGD"}, words
        assert "最大稳定学习率" in ax.get_ylabel()
    else:
        assert "largest stable learning rate" in ax.get_ylabel()
