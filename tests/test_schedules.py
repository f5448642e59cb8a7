"""Learning-rate schedules: every engine against a naive float64 loop written from the
definitions, invscaling against scikit-learn's SGDRegressor (batches of one row), a resumed
run bit for bit the uninterrupted one, a step schedule that never cuts the same as a constant
rate, and the command line's flags, refusals and report."""

import json
import warnings

import numpy as np
import pytest
import torch
from test_checkpoint import Interrupt, stop_after

from linscratch.events import Subscriber
from linscratch.train.loop import fit

ENGINES = ["autograd", "analytic", "compiled"]
SCHEDULES = [
    {"lr_schedule": "invscaling", "power_t": 0.5},
    {"lr_schedule": "invscaling", "power_t": 0.25},
    {"lr_schedule": "step", "lr_step_epochs": 2, "lr_step_factor": 0.3},
]


def naive_scheduled_sgd(X, y, w, b, epochs, batch_size, rate):
    """Minibatch SGD in float64 over the rows in order, each epoch: step t of the run
    (t = 1, 2, … across epochs) in epoch e takes rate(t, e) times the batch's mean gradient."""
    w, b, t = np.array(w, np.float64).reshape(-1), float(np.ravel(b)[0]), 0
    for epoch in range(1, epochs + 1):
        for start in range(0, len(X), batch_size):
            t += 1
            Xb, yb = X[start : start + batch_size], y[start : start + batch_size]
            e = Xb @ w + b - yb
            eta = rate(t, epoch)
            w, b = w - eta / len(e) * (Xb.T @ e), b - eta / len(e) * e.sum()
    return w, b


def reference_rate(settings, lr):
    """The rate of step t in epoch e, from the schedules' definitions."""
    if settings["lr_schedule"] == "invscaling":
        return lambda t, e: lr / t ** settings["power_t"]
    k, factor = settings["lr_step_epochs"], settings["lr_step_factor"]
    return lambda t, e: lr * factor ** ((e - 1) // k)


def problem(n=203, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.uniform(-3, 3, d) + 1.5 + 0.1 * rng.normal(size=n)
    return X, y, rng.normal(scale=0.01, size=(d, 1)), np.zeros(1)


class WantsProgress(Subscriber):
    """Makes the engines report in chunks (the compiled engine then calls its kernels a chunk
    of steps at a time)."""

    wants_progress = True


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("settings", SCHEDULES)
@pytest.mark.parametrize("batch_size", [10, 1, 64])  # 203 rows: a short last batch but for 1
def test_every_engine_follows_the_float64_reference(engine, settings, batch_size):
    X, y, w0, b0 = problem()
    lr, epochs = 0.05, 5
    kwargs = {"engine": engine, "shuffle": "none", "dtype": "float64", "seed": 0}
    result = fit(
        X, y, w0=w0, b0=b0, lr=lr, batch_size=batch_size, num_epochs=epochs, **kwargs, **settings
    )
    w, b = naive_scheduled_sgd(X, y, w0, b0, epochs, batch_size, reference_rate(settings, lr))
    np.testing.assert_allclose(result.w, w, rtol=1e-10, atol=1e-12)
    assert result.b == pytest.approx(b, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("settings", SCHEDULES)
def test_numba_in_chunks_and_block_shuffled_is_the_same_run(settings):
    X, y, w0, b0 = problem(n=30_011)
    kwargs = {"engine": "compiled", "num_epochs": 3, "seed": 4, "w0": w0, "b0": b0, **settings}
    for shuffle in ("full", "block"):
        whole = fit(X, y, shuffle=shuffle, **kwargs)
        chunked = fit(X, y, shuffle=shuffle, subscribers=[WantsProgress()], **kwargs)
        assert chunked.w == whole.w and chunked.b == whole.b


@pytest.mark.parametrize("engine", ENGINES)
def test_float32_stays_near_the_float64_run(engine):
    X, y, w0, b0 = problem()
    settings = SCHEDULES[0]
    w, _ = naive_scheduled_sgd(X, y, w0, b0, 4, 10, reference_rate(settings, 0.05))
    r = fit(
        X, y, w0=w0, b0=b0, lr=0.05, num_epochs=4, engine=engine, shuffle="none", seed=0, **settings
    )
    np.testing.assert_allclose(r.w, w, rtol=1e-4, atol=1e-5)


def test_invscaling_with_batches_of_one_is_scikit_learns_sgdregressor():
    """SGDRegressor counts samples; with one row a batch that is our count of steps."""
    from sklearn.linear_model import SGDRegressor

    X, y, _, _ = problem(n=200)
    sk = SGDRegressor(
        penalty=None,
        learning_rate="invscaling",
        eta0=0.05,
        power_t=0.3,
        max_iter=3,
        tol=None,
        shuffle=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached
        sk.fit(X, y, coef_init=np.zeros(3), intercept_init=0.0)
    r = fit(
        X,
        y,
        w0=np.zeros((3, 1)),
        b0=np.zeros(1),
        engine="compiled",
        shuffle="none",
        batch_size=1,
        lr=0.05,
        lr_schedule="invscaling",
        power_t=0.3,
        num_epochs=3,
        dtype="float64",
        seed=0,
    )
    np.testing.assert_allclose(r.w, sk.coef_, rtol=1e-10)
    assert r.b == pytest.approx(sk.intercept_[0], rel=1e-10)
    assert r.last_lr == pytest.approx(0.05 / (sk.t_ - 1) ** 0.3, rel=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_step_schedule_that_never_cuts_is_the_constant_rate_bit_for_bit(engine):
    X, y, _, _ = problem()
    kwargs = {"engine": engine, "num_epochs": 3, "seed": 2, "lr": 0.05}
    constant = fit(X, y, **kwargs)
    never = fit(X, y, lr_schedule="step", lr_step_epochs=5, **kwargs)
    power0 = fit(X, y, lr_schedule="invscaling", power_t=0.0, **kwargs)
    assert never.w == constant.w and never.losses == constant.losses
    assert power0.w == constant.w and power0.losses == constant.losses
    assert constant.last_lr == never.last_lr == 0.05


def test_last_rate_is_the_last_steps():
    X, y, _, _ = problem(n=200)
    r = fit(X, y, lr=0.1, batch_size=10, num_epochs=4, seed=0, lr_schedule="invscaling")
    assert r.last_lr == pytest.approx(0.1 / 80**0.25, rel=1e-12)  # 4 epochs x 20 steps
    r = fit(
        X, y, lr=0.1, num_epochs=5, seed=0, lr_schedule="step", lr_step_epochs=2, lr_step_factor=0.5
    )
    assert r.last_lr == pytest.approx(0.1 * 0.5**2, rel=1e-12)  # epoch 5: two cuts


@pytest.mark.parametrize(
    ("engine", "shuffle"),
    [("autograd", "book"), ("compiled", "block"), ("compiled", "full"), ("analytic", "full")],
)
@pytest.mark.parametrize("settings", [SCHEDULES[0], SCHEDULES[2]])
def test_resumed_run_equals_uninterrupted_bit_for_bit(tmp_path, engine, shuffle, settings):
    g = torch.Generator().manual_seed(0)
    X = torch.normal(0, 1, (503, 3), generator=g)
    y = X @ torch.tensor([1.0, -2.0, 0.5]) + 0.3 + 0.01 * torch.normal(0, 1, (503,), generator=g)
    kwargs = {"num_epochs": 5, "engine": engine, "shuffle": shuffle, "seed": 5, "lr": 0.05}
    kwargs |= settings
    whole = fit(X, y, checkpoint=str(tmp_path / "a"), **kwargs)
    (tmp_path / "b").mkdir()
    with pytest.raises(Interrupt):
        fit(X, y, checkpoint=str(tmp_path / "b"), callback=stop_after(2), **kwargs)
    resumed = fit(X, y, resume=str(tmp_path / "b"), **kwargs)
    assert resumed.losses == whole.losses
    assert resumed.w == whole.w and resumed.b == whole.b
    assert resumed.last_lr == whole.last_lr


def test_a_checkpoint_with_another_schedule_is_refused(tmp_path):
    from linscratch.errors import UsageError

    X, y, _, _ = problem()
    fit(X, y, num_epochs=2, seed=1, checkpoint=str(tmp_path), lr_schedule="invscaling")
    with pytest.raises(UsageError, match="another run: lr_schedule"):
        fit(X, y, num_epochs=3, seed=1, resume=str(tmp_path))


def test_the_estimator_takes_scikit_learns_names():
    from linscratch.estimator import SGDLinearRegression

    X, y, _, _ = problem()
    kwargs = {"learning_rate_init": 0.05, "max_iter": 4, "tol": None, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inv = SGDLinearRegression(learning_rate="invscaling", power_t=0.5, **kwargs).fit(X, y)
        plain = SGDLinearRegression(**kwargs).fit(X, y)
    assert not np.array_equal(inv.coef_, plain.coef_)
    seed = int(np.random.RandomState(0).randint(2**31 - 1))
    r = fit(
        X,
        y,
        lr=0.05,
        num_epochs=4,
        seed=seed,
        lr_schedule="invscaling",
        power_t=0.5,
        dtype="float64",
    )
    np.testing.assert_array_equal(inv.coef_, r.w)
    with pytest.raises(ValueError, match="learning_rate must be constant or invscaling"):
        SGDLinearRegression(learning_rate="optimal").fit(X, y)
    with pytest.raises(ValueError, match="power_t must be"):
        SGDLinearRegression(power_t=-1).fit(X, y)
    with pytest.raises(ValueError, match="partial_fit takes a constant learning rate"):
        SGDLinearRegression(learning_rate="invscaling").partial_fit(X, y)


def test_cli_reports_the_schedule_and_its_last_rate(cli):
    out = cli("train", "--seed", "1", "--lr-schedule", "invscaling", "--power-t", "0.5").out
    assert (
        "learning rate: invscaling, 0.03 / t^0.5 at step t of the run; the last step's "
        f"rate {0.03 / 300**0.5:.4g}" in out
    )
    doc = json.loads(cli("train", "--seed", "1", "--lr-schedule", "step", "--json").out)
    assert doc["lr_schedule"] == {
        "name": "step",
        "lr_step_epochs": 1,
        "lr_step_factor": 0.1,
        "last_lr": 0.03 * 0.1**2,
    }
    assert doc["config"]["lr_schedule"] == "step"
    plain = json.loads(cli("train", "--seed", "1", "--json").out)
    assert plain["lr_schedule"] == {"name": "constant", "last_lr": 0.03}
    assert "learning rate:" not in cli("train", "--seed", "1").out


def test_sweep_trains_each_pair_with_the_schedule(cli):
    args = ("--lr", "0.05", "--seed", "1", "--lr-schedule", "invscaling", "--json")
    swept = json.loads(cli("sweep", "--batch-size", "10", "--jobs", "1", *args).out)
    trained = json.loads(cli("train", *args).out)
    plain = json.loads(cli("train", "--lr", "0.05", "--seed", "1", "--json").out)
    assert swept["config"]["lr_schedule"] == "invscaling"
    assert swept["runs"][0]["final_loss"] == trained["loss"] != plain["loss"]


@pytest.mark.parametrize("engine", ENGINES)
def test_weighted_rows_follow_the_schedule(engine):
    """Each step along the batch's weighted mean gradient, at the scheduled rate."""
    X, y, w0, b0 = problem()
    s = np.random.default_rng(5).uniform(0.2, 3.0, len(X))
    settings, lr, epochs = SCHEDULES[0], 0.05, 3
    rate = reference_rate(settings, lr)
    w, b, t = w0.reshape(-1).copy(), 0.0, 0
    for epoch in range(1, epochs + 1):
        for start in range(0, len(X), 10):
            t += 1
            Xb, yb, sb = X[start : start + 10], y[start : start + 10], s[start : start + 10]
            e = sb * (Xb @ w + b - yb)
            eta = rate(t, epoch)
            w, b = w - eta / sb.sum() * (Xb.T @ e), b - eta / sb.sum() * e.sum()
    r = fit(X, y, w0=w0, b0=b0, lr=lr, num_epochs=epochs, engine=engine, shuffle="none",
            dtype="float64", seed=0, sample_weight=s, **settings)  # fmt: skip
    np.testing.assert_allclose(r.w, w, rtol=1e-10, atol=1e-12)
    assert r.b == pytest.approx(b, rel=1e-10)
