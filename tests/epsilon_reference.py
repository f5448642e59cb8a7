"""scikit-learn's reference for the two epsilon-insensitive losses, shared by their tests:
data with outliers, `SGDRegressor` as plain SGD (constant rate, no penalty, no shuffle, no
averaging), and a linscratch engine stepped row by row beside it."""

import numpy as np
import torch

from linscratch.losses import LOSSES
from linscratch.spec import RunSpec
from linscratch.train.engines import make_engine
from linscratch.train.plan import make_plan


def outliers(n=60, d=3, seed=0):
    """Rows y = Xw + b + noise with a tenth of the labels moved far up."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.arange(1.0, d + 1) + 0.5 + rng.normal(0, 0.3, n)
    y[rng.choice(n, n // 10, replace=False)] += 25.0
    return X, y


def sklearn(loss, eps, lr, epochs=1):
    """`SGDRegressor` taking plain SGD steps of rate `lr` on `loss` with ε = `eps`, for
    `epochs` passes in `fit` (its `partial_fit` takes one)."""
    from sklearn.linear_model import SGDRegressor

    return SGDRegressor(
        loss=loss,
        epsilon=eps,
        penalty=None,
        alpha=0.0,
        learning_rate="constant",
        eta0=lr,
        shuffle=False,
        max_iter=epochs,
        tol=None,
        fit_intercept=True,
        average=False,
    )


def stepwise(loss, engine, X, y, eps, lr, epochs=3):
    """Batch size 1, no shuffle, zero start, float64: `engine` and scikit-learn's
    `partial_fit` each take a step on row i, and their parameters are held equal to 1e-12
    after it; yields (i, w before the step, w after it) for the caller's own checks."""
    ref = sklearn(loss, eps, lr)
    spec = RunSpec.build(engine=engine, loss=loss, epsilon=eps, init="zero")
    plan = make_plan(spec, len(X), X.shape[1], 8)
    assert plan.loss is LOSSES[loss] and plan.loss_parameter == eps
    t = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    d = X.shape[1]
    eng = make_engine(plan, t(X), t(y.reshape(-1, 1)), t(np.zeros((d, 1))), t(np.zeros(1)), None)
    eng.compile()
    for epoch in range(epochs):
        for i in range(len(X)):
            ref.partial_fit(X[i : i + 1], y[i : i + 1])
            before = np.array(eng.params()[0])
            assert eng.run_epoch(np.array([i]), lr, 1) is None
            w, b = eng.params()
            assert np.abs(w - ref.coef_).max() <= 1e-12, (epoch, i)
            assert abs(b - ref.intercept_[0]) <= 1e-12, (epoch, i)
            yield i, before, w
