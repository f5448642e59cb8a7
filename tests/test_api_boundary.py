"""The library as careful as the command line (issue 22, items 5 and 6): every bad argument to
`fit`, `fit_model`, the estimator, `explain`, `gradients` and the book's helpers is one of the
project's own errors (`UsageError`, a ValueError; `UsageTypeError`, also a TypeError) naming the
argument, raised before anything trains or draws; and row weights at the edges of float64 give
the answers of their ratios (`weights.rescaled`), or a refusal with the ratio."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest
import torch
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401 (fixtures)

import linscratch
from linscratch import (
    UsageError,
    UsageTypeError,
    data_iter,
    explain,
    fit,
    fit_model,
    gradients,
    linreg,
    sgd,
    squared_loss,
    synthetic_data,
)
from linscratch.derivation.gradcheck import check_gradients
from linscratch.exact.solve import ols

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 2))
Y = X @ [2.0, -3.4] + 4.2 + 0.01 * RNG.normal(size=20)
XT, YT = torch.tensor(X), torch.tensor(Y).reshape(-1, 1)


def with_cell(value, row=3, col=1, target=False):
    """X and y with one cell set to `value` (y's where `target`)."""
    Xb, yb = X.copy(), Y.copy()
    if target:
        yb[row] = value
    else:
        Xb[row, col] = value
    return Xb, yb


def line(X_, w):  # a model for fit_model: the linear model with w (d, 1) and b (1,)
    return X_ @ w


def frame_with_text():
    import pandas as pd

    return pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["1", "two", "3"]}), np.zeros(3)


def sparse_matrix():
    import scipy.sparse

    return scipy.sparse.csr_matrix(X)


W0 = torch.zeros(2, 1, dtype=torch.float64)
P = [torch.zeros(2, 1, dtype=torch.float64)]

# (callable, its arguments (a function returning (args, kwargs)), the error class, the argument
# name (and any other words) its message must say)
CASES = {
    # fit: the cells of X and y, named as the command line names a file's
    "fit NaN in X": (fit, lambda: (with_cell(np.nan), {}), UsageError, ["X", "'x2'", "row 4"]),
    "fit inf in y": (
        fit,
        lambda: (with_cell(np.inf, target=True), {}),
        UsageError,
        ["y", "row 4", "not finite"],
    ),
    "fit 1e200 in X": (
        fit,
        lambda: (with_cell(1e200), {}),
        UsageError,
        ["X", "'x2'", "row 4", "too large"],
    ),
    "fit 1e200 in y, float64": (
        fit,
        lambda: (with_cell(1e200, target=True), {"dtype": "float64"}),
        UsageError,
        ["y", "row 4", "too large"],
    ),
    "fit NaN in a tensor": (
        fit,
        lambda: ((torch.tensor(with_cell(np.nan)[0]), YT), {}),
        UsageError,
        ["X", "'x2'", "row 4"],
    ),
    # fit: the kinds of object X may not be
    "fit complex X": (fit, lambda: ((X + 1j, Y), {}), UsageError, ["X", "complex", ".real"]),
    "fit sparse matrix": (
        fit,
        lambda: ((sparse_matrix(), Y), {}),
        UsageTypeError,
        ["X", "sparse", "toarray()"],
    ),
    "fit generator": (
        fit,
        lambda: (((r for r in X), Y), {}),
        UsageTypeError,
        ["X", "generator"],
    ),
    "fit DataFrame with text": (
        fit,
        lambda: (frame_with_text(), {}),
        UsageError,
        ["X", "'b'", "row 2", "'two'"],
    ),
    "fit text": (fit, lambda: (("data.csv", Y), {}), UsageTypeError, ["X", "str"]),
    "fit meta tensor": (
        fit,
        lambda: ((torch.ones(20, 2, device="meta"), Y), {}),
        UsageTypeError,
        ["X", "meta"],
    ),
    "fit sparse tensor": (
        fit,
        lambda: ((XT.to_sparse(), Y), {}),
        UsageTypeError,
        ["X", "sparse", "to_dense()"],
    ),
    "fit sparse tensor y": (
        fit,
        lambda: ((X, YT.to_sparse()), {}),
        UsageTypeError,
        ["y", "sparse"],
    ),
    "fit shapes": (fit, lambda: ((X, Y[:5]), {}), UsageError, ["X", "y", "(5,)"]),
    # fit: its other arguments
    "fit spec a dict": (
        fit,
        lambda: ((X, Y), {"spec": {"lr": 0.1}}),
        UsageTypeError,
        ["spec", "RunSpec", "dict"],
    ),
    "fit spec a number": (fit, lambda: ((X, Y, 0.1), {}), UsageTypeError, ["spec", "float"]),
    "fit callback not callable": (
        fit,
        lambda: ((X, Y), {"callback": "stop"}),
        UsageTypeError,
        ["callback", "str"],
    ),
    "fit subscriber not one": (
        fit,
        lambda: ((X, Y), {"subscribers": [print]}),
        UsageTypeError,
        ["subscribers[0]", "Subscriber"],
    ),
    "fit true_w wrong length": (
        fit,
        lambda: ((X, Y), {"true_w": [2.0, -3.4, 1.0]}),
        UsageError,
        ["true_w", "(3,)"],
    ),
    "fit w0 wrong length": (
        fit,
        lambda: ((X, Y), {"w0": np.zeros((3, 1))}),
        UsageError,
        ["w0", "(2, 1)", "(3, 1)"],
    ),
    "fit b0 two numbers": (
        fit,
        lambda: ((X, Y), {"b0": [1.0, 2.0]}),
        UsageError,
        ["b0", "(2,)"],
    ),
    "fit b0 not finite": (fit, lambda: ((X, Y), {"b0": np.nan}), UsageError, ["b0", "finite"]),
    "fit b0 without intercept": (
        fit,
        lambda: ((X, Y), {"b0": 1.0, "fit_intercept": False}),
        UsageError,
        ["b0", "fit_intercept"],
    ),
    "fit weights ratio": (
        fit,
        lambda: ((X, Y), {"sample_weight": np.r_[1e300, np.full(19, 1e-10)], "dtype": "float64"}),
        UsageError,
        ["sample_weight", "1e+310", "weight 0"],
    ),
    "fit weights ratio float32": (
        fit,
        lambda: ((X, Y), {"sample_weight": np.r_[1e30, np.full(19, 1e-10)]}),
        UsageError,
        ["sample_weight", "1e+40", "float32"],
    ),
    # fit_model: its model checked once on the first rows, its parameters and names
    "fit_model scalar output": (
        fit_model,
        lambda: ((lambda X_, w: (X_ @ w).sum(), P, XT, YT), {}),
        UsageError,
        ["model", "shape ()", "(10,) or (10, 1)"],
    ),
    "fit_model broadcast shape": (
        fit_model,
        lambda: ((lambda X_, w: X_ @ w + torch.zeros(1, 3, dtype=w.dtype), P, XT, YT), {}),
        UsageError,
        ["model", "(10, 3)"],
    ),
    "fit_model numpy output": (
        fit_model,
        lambda: ((lambda X_, w: (X_ @ w).detach().numpy(), P, XT, YT), {}),
        UsageTypeError,
        ["model", "ndarray"],
    ),
    "fit_model None output": (
        fit_model,
        lambda: ((lambda X_, w: None, P, XT, YT), {}),
        UsageTypeError,
        ["model", "NoneType"],
    ),
    "fit_model no gradient": (
        fit_model,
        lambda: ((lambda X_, w: (X_ @ w).detach(), P, XT, YT), {}),
        UsageError,
        ["model", "no gradient"],
    ),
    "fit_model unused parameter": (
        fit_model,
        lambda: ((lambda X_, w, b: X_ @ w, [*P, torch.zeros(1, dtype=torch.float64)], XT, YT), {}),
        UsageError,
        ["model", "params[1]"],
    ),
    "fit_model integer parameter": (
        fit_model,
        lambda: ((line, [torch.zeros(2, 1, dtype=torch.int64)], XT, YT), {}),
        UsageError,
        ["params[0]", "int64", "floating point"],
    ),
    "fit_model empty parameters": (
        fit_model,
        lambda: ((line, [], XT, YT), {}),
        UsageError,
        ["params", "empty"],
    ),
    "fit_model empty tensor": (
        fit_model,
        lambda: ((line, [torch.zeros(0)], XT, YT), {}),
        UsageError,
        ["params[0]", "empty"],
    ),
    "fit_model names wrong length": (
        fit_model,
        lambda: ((line, P, XT, YT), {"names": ["w", "b"]}),
        UsageError,
        ["names", "1 parameters", "2 names"],
    ),
    "fit_model model not callable": (
        fit_model,
        lambda: (("linear", P, XT, YT), {}),
        UsageTypeError,
        ["model", "str"],
    ),
    "fit_model y NaN": (
        fit_model,
        lambda: ((line, P, XT, torch.tensor(with_cell(np.nan, target=True)[1])), {}),
        UsageError,
        ["y", "row 4"],
    ),
    # the book's helpers
    "synthetic_data negative count": (
        synthetic_data,
        lambda: ((torch.tensor([2.0, -3.4]), 4.2, -5), {}),
        UsageError,
        ["num_examples", "-5"],
    ),
    "synthetic_data w a list": (
        synthetic_data,
        lambda: (([2.0, -3.4], 4.2, 10), {}),
        UsageTypeError,
        ["w", "torch.tensor"],
    ),
    "synthetic_data negative noise": (
        synthetic_data,
        lambda: ((torch.tensor([2.0, -3.4]), 4.2, 10, -0.1), {}),
        UsageError,
        ["noise", "-0.1"],
    ),
    "data_iter batch_size 0": (
        data_iter,
        lambda: ((0, XT, YT), {}),
        UsageError,
        ["batch_size", "got 0"],
    ),
    "data_iter batch_size -3": (
        data_iter,
        lambda: ((-3, XT, YT), {}),
        UsageError,
        ["batch_size", "got -3"],
    ),
    "data_iter rows differ": (
        data_iter,
        lambda: ((5, XT, YT[:7]), {}),
        UsageError,
        ["features", "labels", "20 and 7"],
    ),
    "sgd batch_size 0": (
        sgd,
        lambda: (([torch.zeros(2, requires_grad=True)], 0.03, 0), {}),
        UsageError,
        ["batch_size", "got 0"],
    ),
    "sgd lr NaN": (
        sgd,
        lambda: (([torch.zeros(2, requires_grad=True)], float("nan"), 10), {}),
        UsageError,
        ["lr", "nan"],
    ),
    "sgd no gradient": (
        sgd,
        lambda: (([torch.zeros(2, requires_grad=True)], 0.03, 10), {}),
        UsageError,
        ["params[0]", "backward()"],
    ),
    "linreg w wrong shape": (
        linreg,
        lambda: ((XT, torch.zeros(3, 1, dtype=torch.float64), torch.zeros(1)), {}),
        UsageError,
        ["w", "(3, 1)", "(20, 2)"],
    ),
    "linreg numpy X": (
        linreg,
        lambda: ((X, torch.zeros(2, 1), torch.zeros(1)), {}),
        UsageTypeError,
        ["X", "ndarray"],
    ),
    "squared_loss y wrong size": (
        squared_loss,
        lambda: ((torch.zeros(20, 1), torch.zeros(7)), {}),
        UsageError,
        ["y", "(20, 1)", "(7,)"],
    ),
    # gradients and explain
    "gradients w wrong length": (
        gradients,
        lambda: ((X, Y, np.zeros(3), 0.0), {}),
        UsageError,
        ["w", "2 values", "(3,)"],
    ),
    "gradients y wrong length": (
        gradients,
        lambda: ((X, Y[:4], np.zeros(2), 0.0), {}),
        UsageError,
        ["y", "20 values"],
    ),
    "gradients negative weight": (
        gradients,
        lambda: ((X, Y, np.zeros(2), 0.0), {"weights": -np.ones(20)}),
        UsageError,
        ["weights", "non-negative"],
    ),
    "explain not a check": (
        explain,
        lambda: (("the batch",), {}),
        UsageTypeError,
        ["check", "check_gradients", "str"],
    ),
    "explain lr 0": (
        explain,
        lambda: (
            (check_gradients(XT[:5], YT[:5], W0, torch.zeros(1, dtype=torch.float64)),),
            {"lr": 0},
        ),
        UsageError,
        ["lr", "got 0"],
    ),
    "explain lang": (
        explain,
        lambda: (
            (check_gradients(XT[:5], YT[:5], W0, torch.zeros(1, dtype=torch.float64)),),
            {"lang": "fr"},
        ),
        UsageError,
        ["lang", "'fr'"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_api_names_the_argument(case):
    function, arguments, kind, words = CASES[case]
    args, kwargs = arguments()
    with pytest.raises(kind) as caught:
        function(*args, **kwargs)
    error = caught.value
    assert isinstance(error, UsageError), type(error)  # the project's own, a ValueError
    assert isinstance(error, ValueError)
    message = str(error)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)


def test_type_errors_are_type_errors_too():
    with pytest.raises(TypeError):
        fit(X, Y, spec={"lr": 0.1})
    with pytest.raises(TypeError):
        fit_model(lambda X_, w: None, P, XT, YT)


@pytest.mark.parametrize(
    ("case", "chinese"),
    [
        ("fit NaN in X", "请删去该行或填入数值"),
        ("fit spec a dict", "必须是 RunSpec"),
        ("fit_model scalar output", "必须每个样本返回一个预测值"),
        ("data_iter batch_size 0", "必须是大于等于 1 的整数"),
    ],
)
def test_api_errors_in_chinese(case, chinese):
    function, arguments, kind, words = CASES[case]
    args, kwargs = arguments()
    linscratch.set_language("zh")
    try:
        with pytest.raises(kind) as caught:
            function(*args, **kwargs)
        message = str(caught.value)
    finally:
        linscratch.set_language("en")
    assert chinese in message and words[0] in message, message


def test_the_book_helpers_draw_as_before_for_valid_calls():
    """The checks draw nothing: the same generator state gives d2l's data and order."""
    g = torch.Generator().manual_seed(0)
    X1, y1 = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 50, generator=g)
    g = torch.Generator().manual_seed(0)
    Xr = torch.normal(0, 1, (50, 2), generator=g)
    yr = torch.matmul(Xr, torch.tensor([2.0, -3.4])) + 4.2
    yr += torch.normal(0, 0.01, yr.shape, generator=g)
    assert torch.equal(X1, Xr) and torch.equal(y1, yr.reshape(-1, 1))
    # data_iter still shuffles when the first batch is asked for, as the book's generator does
    state = random.Random(5)
    batches = data_iter(7, X1, y1, state)
    assert state.getstate() == random.Random(5).getstate()
    order = list(range(50))
    random.Random(5).shuffle(order)
    first = next(batches)[0]
    assert torch.equal(first, X1[torch.tensor(order[:7])])
    assert len(list(data_iter(50, X1, y1))) == 1 and list(data_iter(7, X1[:0], y1[:0])) == []


def test_sgd_checks_move_no_parameter():
    w = torch.ones(2, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    (w.sum() + b.sum()).backward()
    b.grad = None
    with pytest.raises(UsageError, match=r"params\[1\]"):
        sgd([w, b], 0.1, 2)
    assert torch.equal(w.detach(), torch.ones(2))  # refused before any step


@pytest.mark.parametrize("engine", ["autograd", "analytic", "compiled"])
def test_w0_in_its_documented_shapes_and_b0_alone(engine):
    settings = {"engine": engine, "seed": 0, "num_epochs": 2, "dtype": "float64"}
    runs = [
        fit(X, Y, w0=w0, b0=b0, **settings)
        for w0, b0 in [
            (np.zeros((2, 1)), np.zeros(1)),
            (np.zeros(2), 0.0),
            ([0.0, 0.0], torch.tensor(0.0)),
            (torch.zeros(2, 1), [[0.0]]),
        ]
    ]
    assert all(r.w == runs[0].w and r.b == runs[0].b for r in runs)
    # b0 without w0: the run starts at b0 (with the book's initial w), on every engine
    tiny = {**settings, "num_epochs": 1, "lr": 1e-12}
    assert fit(X, Y, b0=100.0, **tiny).b == pytest.approx(100.0, abs=1e-6)
    assert fit(X, Y, **tiny).b == pytest.approx(0.0, abs=1e-6)
    start, book = fit(X, Y, b0=100.0, **tiny).path[0], fit(X, Y, **tiny).path[0]
    assert np.array_equal(start[:2], book[:2]) and start[2] == 100.0  # the same initial w


def test_true_w_checked_before_training():
    heard = []
    with pytest.raises(UsageError, match="true_w"):
        fit(X, Y, true_w=[1.0], callback=lambda *a: heard.append(a))
    assert heard == []  # no epoch ran


def test_fit_model_trial_call_leaves_torch_random_state_as_it_was():
    """The call that checks the model is invisible to a model that draws random numbers."""
    from linscratch.train.models import _trial

    def noisy(X_, w):
        return X_ @ w + 0.0 * torch.rand(len(X_), 1, dtype=w.dtype)

    state = torch.get_rng_state()
    _trial(noisy, P, XT[:10])
    assert torch.equal(torch.get_rng_state(), state)


def test_one_row_estimator_warns_sensibly():
    pytest.importorskip("sklearn")
    from linscratch.estimator import SGDLinearRegression

    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        SGDLinearRegression(random_state=0, max_iter=20, tol=None).fit([[1.0, 2.0]], [3.0])
    texts = [str(w.message) for w in heard]
    assert not any("%" in t for t in texts), texts  # no relative gap against a zero optimum


# Item 5: weights at the edges of float64


def weighted_problem():
    rng = np.random.default_rng(1)
    Xw = rng.normal(size=(40, 3))
    yw = Xw @ [1.5, -2.0, 0.5] + 3.0 + rng.normal(size=40)
    return Xw, yw, rng.uniform(0.5, 3.0, size=40)


def _exact(Xw, yw, s):
    from linscratch.data.weights import checked, rescaled

    return ols(Xw, yw, weights=rescaled(checked(s, len(yw)))[0])


@pytest.mark.parametrize("c", [1e-300, 1e300, 4.0**-500, 4.0**500])
def test_weights_c_times_w_give_the_answer_of_w(c):
    Xw, yw, s = weighted_problem()
    base, scaled = _exact(Xw, yw, s), _exact(Xw, yw, c * s)
    exact_scale = np.log2(c) % 2 == 0  # an even power of two: every bit the same
    rel = 0 if exact_scale else 1e-12
    np.testing.assert_allclose(scaled.w, base.w, rtol=rel)
    for a, b in [(scaled.b, base.b), (scaled.loss, base.loss), (scaled.r2, base.r2)]:
        assert a == pytest.approx(b, rel=rel, abs=0)
    np.testing.assert_allclose(scaled.se, base.se, rtol=rel)
    settings = {"seed": 0, "num_epochs": 3, "dtype": "float64", "lr": 0.05}
    for engine in ("compiled", "analytic", "autograd"):
        one = fit(Xw, yw, sample_weight=s, engine=engine, **settings)
        other = fit(Xw, yw, sample_weight=c * s, engine=engine, **settings)
        np.testing.assert_allclose(other.w, one.w, rtol=rel)
        np.testing.assert_allclose(other.losses, one.losses, rtol=rel)


def test_weights_of_1e_320_are_the_unweighted_problem():
    """Every weight 1e-320 (subnormal): the answer of equal weights, the unweighted one."""
    Xw, yw, _ = weighted_problem()
    tiny = np.full(len(yw), 1e-320)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow or underflow warning leaks
        exact = _exact(Xw, yw, tiny)
        sgd_run = fit(Xw, yw, sample_weight=tiny, seed=0, num_epochs=3, dtype="float64")
    plain = ols(Xw, yw)
    np.testing.assert_allclose(exact.w, plain.w, rtol=1e-12)
    assert exact.loss == pytest.approx(plain.loss, rel=1e-12)
    assert exact.r2 == pytest.approx(plain.r2, rel=1e-12)
    unweighted = fit(Xw, yw, seed=0, num_epochs=3, dtype="float64")
    np.testing.assert_allclose(sgd_run.w, unweighted.w, rtol=1e-12)


def test_residual_sd_stays_in_the_weights_given(tmp_path, cli):
    """The train command rescales a file's weights; the residual standard deviation, the one
    number their scale moves (statsmodels' √(Σsᵢeᵢ²/dof)), is still the file's."""
    Xw, yw, s = weighted_problem()
    path = tmp_path / "w.csv"
    rows = np.c_[Xw, yw, 100.0 * s]
    np.savetxt(path, rows, delimiter=",", header="a,b,c,y,s", comments="")
    run = cli("train", "--data", str(path), "--target", "y", "--weights", "s", "--json")
    assert run.code == 0, run.err
    import json

    reported = json.loads(run.out)["ols"]["residual_sd"]
    e = yw - (Xw @ ols(Xw, yw, weights=s).w + ols(Xw, yw, weights=s).b)
    assert reported == pytest.approx(np.sqrt(np.sum(100.0 * s * e * e) / (40 - 4)), rel=1e-10)


def test_weight_ratio_refused_on_the_command_line(lin, here):  # noqa: F811
    path = here / "w.csv"
    Xw, yw, _ = weighted_problem()
    s = np.ones(len(yw))
    s[0] = 1e308
    np.savetxt(path, np.c_[Xw, yw, s], delimiter=",", header="a,b,c,y,s", comments="")
    before = snapshot(here)
    run = lin("train", "--data", path, "--target", "y", "--weights", "s")
    assert_refused(run, here, before, words=["--weights", "1e+308", "weight 0"])


def test_grad_with_weights_of_1e_320_takes_the_unweighted_step(cli):
    tiny = ",".join(["1e-320"] * 10)
    import json

    plain = json.loads(cli("grad", "--json").out)
    run = cli("grad", "--weights", tiny, "--json")
    assert run.code == 0, run.err
    weighted = json.loads(run.out)
    assert weighted["passed"] and weighted["weights_rescaled_by_4_to_the"] == 532
    np.testing.assert_allclose(weighted["update"]["w"], plain["update"]["w"], rtol=1e-12)
    text = cli("grad", "--weights", tiny)
    assert text.code == 0 and "inf" not in text.out and "FAILED" not in text.out
    assert "rescaled by 4^532" in text.out
