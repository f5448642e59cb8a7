"""The library API: the book's five functions and `fit`."""

import random

import pytest
import torch

from linscratch import DivergedError, data_iter, fit, linreg, sgd, squared_loss, synthetic_data


def test_synthetic_data_shapes_and_noise():
    g = torch.Generator().manual_seed(0)
    X, y = synthetic_data(torch.tensor([2, -3.4]), 4.2, 500, generator=g)
    assert X.shape == (500, 2) and y.shape == (500, 1)
    residual = y.reshape(-1) - (X @ torch.tensor([2, -3.4]) + 4.2)
    assert 0.008 < float(residual.std()) < 0.012  # noise=0.01 by default


def test_synthetic_data_with_the_global_generator_is_the_books():
    torch.manual_seed(9)
    X, _ = synthetic_data(torch.tensor([2, -3.4]), 4.2, 20)
    torch.manual_seed(9)
    X2 = torch.normal(0, 1, (20, 2))
    assert torch.equal(X, X2)


def test_data_iter_visits_every_row_once_with_a_short_last_batch():
    features = torch.arange(23.0).reshape(-1, 1)
    labels = features * 2
    batches = list(data_iter(10, features, labels, rng=random.Random(0)))
    assert [len(X) for X, _ in batches] == [10, 10, 3]
    seen = torch.cat([X for X, _ in batches]).reshape(-1)
    assert sorted(seen.tolist()) == list(range(23))
    assert all(torch.equal(y, X * 2) for X, y in batches)


def test_squared_loss_reshapes_instead_of_broadcasting():
    y_hat = torch.ones(4, 1)
    y = torch.zeros(4)  # (n,) against (n, 1) would broadcast to (4, 4)
    assert squared_loss(y_hat, y).shape == (4, 1)
    assert float(squared_loss(y_hat, y).sum()) == 2.0


def test_sgd_steps_along_the_mean_gradient_and_zeroes_it():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * torch.tensor([3.0, 4.0])).sum().backward()
    sgd([w], lr=0.5, batch_size=2)
    assert w.tolist() == [1.0 - 0.5 * 3 / 2, 2.0 - 0.5 * 4 / 2]
    assert w.grad.tolist() == [0.0, 0.0]


def test_linreg_shape():
    assert linreg(torch.ones(5, 3), torch.ones(3, 1), torch.zeros(1)).shape == (5, 1)


def test_fit_returns_a_result_with_history_and_errors():
    g = torch.Generator().manual_seed(1)
    true_w = torch.tensor([1.0, -2.0, 0.5])
    X, y = synthetic_data(true_w, 0.3, 1000, generator=g)
    result = fit(X, y, num_epochs=4, seed=1, true_w=true_w, true_b=0.3)
    assert len(result.losses) == 4 and result.losses[-1] < result.losses[0]
    assert result.seed == 1 and result.train_seconds > 0
    assert result.w == pytest.approx([1.0, -2.0, 0.5], abs=0.01)
    expected_error = [t - w for t, w in zip([1, -2, 0.5], result.w, strict=True)]
    assert result.w_error == pytest.approx(expected_error, abs=1e-6)
    assert fit(X, y, num_epochs=4, seed=1).w == result.w  # same seed, same run


def test_fit_raises_when_the_loss_diverges():
    g = torch.Generator().manual_seed(1)
    X, y = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 200, generator=g)
    with pytest.raises(DivergedError) as info:
        fit(X, y, lr=50.0, seed=1)
    assert info.value.epoch == 1 and info.value.step >= 1
