"""Every registered loss against autograd of its own ρ, its kinks against its ψ, and the
registry against the setting's rule."""

import math

import numpy as np
import pytest
import torch

from linscratch import rules
from linscratch.book.model import huber_loss, squared_loss
from linscratch.losses import LOSSES, given, of
from linscratch.spec import RunSpec

PARAMETER = 1.3  # a loss's parameter (δ) for the checks, where it has one


def _p(loss):
    return None if loss.parameter is None else PARAMETER


def test_registry_names_are_the_rule():
    assert tuple(LOSSES) == tuple(rules.LOSSES)
    assert all(loss.name == name for name, loss in LOSSES.items())
    assert all(loss.parameter == rules.LOSSES[name] for name, loss in LOSSES.items())


@pytest.mark.parametrize("name", rules.LOSSES)
def test_psi_is_autograd_of_rho(name):
    """ψ = dρ/de in float64 on residuals drawn away from every kink."""
    loss = LOSSES[name]
    p = _p(loss)
    e = torch.from_numpy(np.random.default_rng(0).normal(0, 3, 2000))
    far = torch.ones_like(e, dtype=torch.bool)
    for k in loss.kinks(p):
        far &= (e - k).abs() > 1e-3
    e = e[far].clone().requires_grad_(True)
    loss.rho(e, p).sum().backward()
    assert torch.allclose(e.grad, loss.psi(e.detach(), p), rtol=0, atol=1e-15)
    assert torch.equal(e.grad, loss.psi(e.detach(), p))


@pytest.mark.parametrize("name", rules.LOSSES)
def test_kinks_are_where_psi_breaks(name):
    """ψ is one linear piece between kinks (its second differences vanish on a grid step that
    holds no kink) and breaks at each kink (its slope differs on the two sides)."""
    loss = LOSSES[name]
    p = _p(loss)
    h = 2.0**-10  # a grid of binary fractions: the differences below are exact
    grid = torch.arange(-8 * 1024, 8 * 1024 + 1, dtype=torch.float64) * h + h / 3
    psi = loss.psi(grid, p)
    second = psi[2:] - 2 * psi[1:-1] + psi[:-2]
    breaks = grid[1:-1][second.abs() > 1e-9]
    kinks = loss.kinks(p)
    # a kink between two grid points shows in the second differences centred on both
    assert all(min((abs(at - k) for k in kinks), default=math.inf) <= h for at in breaks.tolist())
    assert all((breaks - k).abs().min() <= h for k in kinks)
    for k in kinks:
        k = torch.tensor([k], dtype=torch.float64)
        left = (loss.psi(k, p) - loss.psi(k - 1e-6, p)) / 1e-6
        right = (loss.psi(k + 1e-6, p) - loss.psi(k, p)) / 1e-6
        assert abs(float(left - right)) > 0.5


@pytest.mark.parametrize("name", rules.LOSSES)
def test_rows_are_rho_of_the_residual(name):
    """Each row's term (`rows`, what SGD and the checks sum) is ρ of ŷ − y."""
    loss = LOSSES[name]
    p = _p(loss)
    rng = np.random.default_rng(1)
    y_hat, y = (torch.from_numpy(rng.normal(0, 2, (50, 1))) for _ in range(2))
    assert torch.allclose(loss.rows(y_hat, y, p), loss.rho(y_hat - y, p), rtol=1e-15, atol=0)


def test_the_book_losses_are_the_registry_rows():
    rng = np.random.default_rng(2)
    y_hat, y = (torch.from_numpy(rng.normal(0, 2, (20, 1))) for _ in range(2))
    assert torch.equal(LOSSES["squared"].rows(y_hat, y), squared_loss(y_hat, y))
    assert torch.equal(LOSSES["huber"].rows(y_hat, y, 0.7), huber_loss(y_hat, y, 0.7))
    assert given(None) is LOSSES["squared"] and given(0.7) is LOSSES["huber"]


@pytest.mark.parametrize("name", rules.LOSSES)
def test_mean_and_minimiser_agree(name):
    """The exact minimiser's loss is the loss's mean at the minimiser, and no perturbation of
    it does better."""
    loss = LOSSES[name]
    p = _p(loss)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + rng.standard_t(2, 200)
    best = loss.minimiser(X, y, p)
    at = loss.mean(X, y, best.w, best.b, p)
    assert math.isclose(best.loss, at, rel_tol=1e-12)
    for _ in range(20):
        w = np.asarray(best.w) + rng.normal(0, 1e-3, 3)
        assert loss.mean(X, y, w, best.b, p) >= at


def test_a_spec_gives_its_loss_and_parameter():
    assert of(RunSpec.build()) == (LOSSES["squared"], None)
    assert of(RunSpec.build(loss="huber", huber_delta=2.0)) == (LOSSES["huber"], 2.0)
    assert all(loss.parameter is None or loss.parameter in rules.RULES for loss in LOSSES.values())
