"""The gradients: the analytic formula against PyTorch autograd and float64 finite differences,
on the seed document's worked batch, on random shapes and magnitudes, and at the edges."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from linscratch.book.data import SEED_BATCH_B, SEED_BATCH_W, seed_batch
from linscratch.book.model import gradients
from linscratch.derivation.gradcheck import (
    check_gradients,
    compare,
    finite_difference_gradients,
    gradient_scale,
)

# What the seed document prints after `l.sum().backward()` on its worked batch.
DOCUMENT_W_GRAD = (-9.0000, 65.4477)
DOCUMENT_B_GRAD = -40.9567


def naive_gradients(X, y, w, b):
    """dL/dw and dL/db as two plain Python loops over rows and features (the definition)."""
    n, d = len(X), len(w)
    grad_w, grad_b = [0.0] * d, 0.0
    for i in range(n):
        e_i = sum(X[i][j] * w[j] for j in range(d)) + b - y[i]
        for j in range(d):
            grad_w[j] += e_i * X[i][j]
        grad_b += e_i
    return grad_w, grad_b


def autograd_reference(X, y, w, b):
    """micrograd-style: the same loss through PyTorch, whose backward gives the gradients."""
    w = w.clone().requires_grad_(True)
    b = b.clone().requires_grad_(True)
    loss = ((X @ w + b - y) ** 2 / 2).sum()
    loss.backward()
    return loss.item(), w.grad, b.grad


@pytest.mark.parametrize(("n", "d"), [(1, 1), (10, 2), (7, 5), (64, 32)])
def test_analytic_matches_pytorch_forward_and_backward(n, d):
    g = torch.Generator().manual_seed(n * 100 + d)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    y = torch.randn(n, 1, generator=g, dtype=torch.float64)
    w = torch.randn(d, 1, generator=g, dtype=torch.float64)
    b = torch.randn(1, generator=g, dtype=torch.float64)
    loss, ref_w, ref_b = autograd_reference(X, y, w, b)
    grad_w, grad_b = gradients(X, y, w, b)
    assert grad_w.shape == (d, 1) and grad_b.shape == (1,)
    torch.testing.assert_close(grad_w, ref_w, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(grad_b, ref_b, rtol=1e-12, atol=1e-12)
    check = check_gradients(X, y, w, b)
    assert check.loss == pytest.approx(loss, rel=1e-14)
    naive_w, naive_b = naive_gradients(
        X.tolist(), y.reshape(-1).tolist(), w.reshape(-1).tolist(), b.item()
    )
    np.testing.assert_allclose(check.grads["analytic"], [*naive_w, naive_b], rtol=1e-10, atol=1e-12)


def test_gradients_work_on_numpy_with_flat_shapes():
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=3)
    grad_w, grad_b = gradients(X, y, w, 0.5)
    naive_w, naive_b = naive_gradients(X.tolist(), y.tolist(), w.tolist(), 0.5)
    np.testing.assert_allclose(grad_w, naive_w, rtol=1e-12)
    assert grad_b == pytest.approx(naive_b, rel=1e-12)


def test_the_documents_parameters_were_found_by_solving_its_printed_gradients():
    """How SEED_BATCH_W and SEED_BATCH_B were found. The gradient is affine in θ = (w, b):
    with A = [X 1], dL/dθ = Aᵀ(Aθ − y), so the printed gradient g gives AᵀA θ = g + Aᵀy, three
    equations in three unknowns. Solving them gives b ≈ 7e-7, zero to the printed precision:
    the book's b = 0. Fixing b = 0 and solving the two w equations gives w = [0.0172543,
    -0.0098743], a plausible draw of the book's N(0, 0.01²) initialisation, kept to 6 decimals."""
    X, y = seed_batch(torch.float64)
    A = torch.cat([X, torch.ones(10, 1, dtype=torch.float64)], dim=1)
    g = torch.tensor([*DOCUMENT_W_GRAD, DOCUMENT_B_GRAD], dtype=torch.float64).reshape(-1, 1)
    theta = torch.linalg.solve(A.T @ A, g + A.T @ y).reshape(-1)
    assert abs(theta[2]) < 5e-6
    w = torch.linalg.solve(X.T @ X, g[:2] + X.T @ y).reshape(-1)
    assert w.tolist() == pytest.approx(SEED_BATCH_W, abs=1e-6)
    assert SEED_BATCH_B == 0.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_seed_batch_reproduces_the_documents_printed_gradients(dtype):
    X, y = seed_batch(dtype)
    w = torch.tensor(SEED_BATCH_W, dtype=dtype).reshape(-1, 1)
    b = torch.tensor([SEED_BATCH_B], dtype=dtype)
    check = check_gradients(X, y, w, b)
    assert check.passed
    for method in ("analytic", "autograd", "finite_difference"):
        grad = check.grads[method]
        # Printed to 4 decimals: each value within half a unit of the last digit.
        assert grad[:2] == pytest.approx(DOCUMENT_W_GRAD, abs=5e-5)
        assert grad[2] == pytest.approx(DOCUMENT_B_GRAD, abs=5e-5)


magnitudes = st.floats(min_value=-3, max_value=3).map(lambda p: 10.0**p)


@st.composite
def batches(draw):
    n = draw(st.integers(1, 64))
    d = draw(st.integers(1, 32))
    seed = draw(st.integers(0, 2**32 - 1))
    sx, sw, sy = draw(magnitudes), draw(magnitudes), draw(magnitudes)
    residual = draw(st.sampled_from(["random", "small", "zero"]))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * sx
    w = rng.normal(size=(d, 1)) * sw
    b = rng.normal(size=1) * sw
    if residual == "random":
        y = rng.normal(size=(n, 1)) * sy
    elif residual == "small":
        y = X @ w + b + rng.normal(size=(n, 1)) * sy * 1e-6
    else:
        y = X @ w + b
    return X, y, w, b


@settings(max_examples=150, deadline=None)
@given(batches())
def test_three_methods_agree_in_float64(batch):
    X, y, w, b = (torch.tensor(a, dtype=torch.float64) for a in batch)
    check = check_gradients(X, y, w, b)
    for pair, comparison in check.comparisons.items():
        assert comparison.passed, (pair, comparison)
        limit = 1e-10 if "finite_difference" not in pair else 1e-6
        assert comparison.max_rel_diff <= limit


@settings(max_examples=150, deadline=None)
@given(batches())
def test_three_methods_agree_in_float32(batch):
    X, y, w, b = (torch.tensor(a, dtype=torch.float32) for a in batch)
    check = check_gradients(X, y, w, b)
    assert check.passed, check.comparisons


@settings(max_examples=60, deadline=None)
@given(batches())
def test_a_wrong_gradient_is_caught(batch):
    """The comparison is not vacuous: a gradient 1% off fails against finite differences,
    whenever the true gradient is not lost in cancellation (its size is ≥ 1% of its scale)."""
    X, y, w, b = (torch.tensor(a, dtype=torch.float64) for a in batch)
    check = check_gradients(X, y, w, b)
    fd = check.grads["finite_difference"]
    big = np.abs(fd) >= 0.01 * check.scale
    assume(big.any())
    wrong = check.grads["analytic"] * 1.01
    _, rel = compare(wrong[big], fd[big], check.scale[big])
    assert rel > 1e-6


def test_batch_of_one_row():
    X = torch.tensor([[2.0, -1.0]], dtype=torch.float64)
    y = torch.tensor([[3.0]], dtype=torch.float64)
    w = torch.tensor([[0.5], [0.25]], dtype=torch.float64)
    b = torch.tensor([0.1], dtype=torch.float64)
    check = check_gradients(X, y, w, b)
    e = 2 * 0.5 - 0.25 + 0.1 - 3  # the one residual
    np.testing.assert_allclose(check.grads["analytic"], [2 * e, -e, e], rtol=1e-15)
    assert check.passed


def test_zero_residual_gives_zero_gradients():
    X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], dtype=torch.float64)
    w = torch.tensor([[1.5], [-2.0]], dtype=torch.float64)
    b = torch.tensor([0.25], dtype=torch.float64)
    y = X @ w + b  # exact in binary: every residual is exactly zero
    check = check_gradients(X, y, w, b)
    assert check.loss == 0.0
    assert not check.grads["analytic"].any() and not check.grads["autograd"].any()
    assert np.abs(check.grads["finite_difference"]).max() < 1e-12
    assert check.passed


def test_finite_difference_step_moves_predictions_by_the_residual():
    X, y = seed_batch(torch.float64)
    w = torch.zeros(2, 1, dtype=torch.float64)
    b = torch.zeros(1, dtype=torch.float64)
    _, steps = finite_difference_gradients(X, y, w, b)
    e_norm = float(torch.linalg.vector_norm(y))  # at w = 0, b = 0 the residual is -y
    cols = torch.cat([X, torch.ones(10, 1, dtype=torch.float64)], 1)
    expected = e_norm / torch.linalg.vector_norm(cols, dim=0)
    np.testing.assert_allclose(steps, expected.numpy(), rtol=1e-12)


def test_scale_bounds_every_gradient_component():
    g = torch.Generator().manual_seed(3)
    X = torch.randn(20, 4, generator=g, dtype=torch.float64)
    y = torch.randn(20, 1, generator=g, dtype=torch.float64)
    w, b = torch.randn(4, 1, generator=g, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    grad_w, grad_b = gradients(X, y, w, b)
    flat = np.abs(np.r_[grad_w.reshape(-1).numpy(), grad_b.numpy()])
    assert (flat <= gradient_scale(X, y, w, b)).all()  # Cauchy–Schwarz
