"""`fit_model`: any differentiable model by the same loop as linear regression, checked against
`fit` itself, against laws of physics with known answers, and against a wrong gradient."""

import pytest
import torch

import linscratch

H, C, K = 6.62607015e-34, 2.99792458e8, 1.380649e-23


def test_a_linear_model_gives_fit_s_run_bit_for_bit():
    g = torch.Generator().manual_seed(3)
    X = torch.normal(0, 1, (503, 2), generator=g)
    y = X @ torch.tensor([2.0, -3.4]) + 4.2
    w0, b0 = torch.normal(0, 0.01, (2, 1), generator=g), torch.zeros(1)
    settings = {"lr": 0.03, "batch_size": 10, "num_epochs": 3, "seed": 7}
    book = linscratch.fit(X, y, w0=w0, b0=b0, engine="autograd", shuffle="book", **settings)
    model = linscratch.fit_model(
        lambda X, w, b: X @ w + b, [w0, b0], X, y.reshape(-1, 1), **settings
    )
    assert model.losses == book.losses
    assert model.params[0].reshape(-1).tolist() == book.w and model.params[1].item() == book.b
    assert w0.abs().sum() > 0 and b0.item() == 0  # the initial tensors are left as they were


def test_ohms_law_recovers_the_resistance():
    g = torch.Generator().manual_seed(0)
    current = torch.rand(1000, 1, generator=g) * 2
    voltage = 5.0 * current + 0.05 * torch.randn(1000, 1, generator=g)
    result = linscratch.fit_model(
        lambda current, R: current * R,
        [torch.zeros(1)],
        current,
        voltage,
        lr=0.1,
        num_epochs=10,
        seed=1,
        check_grad=True,
    )
    assert result.params[0].item() == pytest.approx(5.0, rel=0.01)
    assert result.check_grad["passed"] and result.check_grad["batches"] == 1000


def planck(lam, T):
    return 2 * H * C**2 / lam**5 / torch.expm1(H * C / (lam * K * T))


def test_plancks_law_diverges_in_raw_units_and_recovers_the_temperature_rescaled():
    g = torch.Generator().manual_seed(0)
    lam = torch.linspace(0.3e-6, 3e-6, 1000, dtype=torch.float64).reshape(-1, 1)
    B = planck(lam, torch.tensor(5000.0, dtype=torch.float64))
    B = B * (1 + 0.01 * torch.randn(B.shape, generator=g, dtype=torch.float64))
    T0 = torch.tensor(4000.0, dtype=torch.float64)
    with pytest.raises(linscratch.DivergedError):
        linscratch.fit_model(planck, [T0], lam, B, lr=0.03, seed=1)
    scale = float(B.max())  # B of order 1, wavelengths in µm, the temperature in kK

    def scaled(lam_um, t):
        return planck(lam_um * 1e-6, t * 1000) / scale

    result = linscratch.fit_model(
        scaled, [T0 / 1000], lam * 1e6, B / scale, lr=0.5, num_epochs=20, seed=1, check_grad=True
    )
    assert result.params[0].item() * 1000 == pytest.approx(5000.0, rel=0.01)
    assert result.check_grad["passed"]


class WrongBackward(torch.autograd.Function):
    """y = x·R whose backward is 1% off: the finite-difference check must notice."""

    @staticmethod
    def forward(ctx, current, R):
        ctx.save_for_backward(current)
        return current * R

    @staticmethod
    def backward(ctx, grad):
        (current,) = ctx.saved_tensors
        return None, (grad * current).sum().reshape(1) * 1.01


def test_a_wrong_gradient_fails_the_check():
    g = torch.Generator().manual_seed(0)
    current = torch.rand(200, 1, generator=g, dtype=torch.float64) * 2
    voltage = 5.0 * current
    result = linscratch.fit_model(
        WrongBackward.apply,
        [torch.zeros(1, dtype=torch.float64)],
        current,
        voltage,
        lr=0.1,
        seed=1,
        check_grad=True,
    )
    assert not result.check_grad["passed"] and result.check_grad["max_rel_diff"] > 1e-3


def test_the_result_reads_in_one_line():
    result = linscratch.fit_model(
        lambda X, a: X * a, [torch.ones(1)], torch.ones(20, 1), torch.ones(20, 1) * 2, seed=0
    )
    assert repr(result).startswith("ModelResult(3 epochs, loss ") and "\n" not in repr(result)
