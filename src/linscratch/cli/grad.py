"""`linscratch grad`: a batch's gradients derived step by step and checked three ways."""

from __future__ import annotations

import math
import sys

from linscratch import __version__
from linscratch.errors import UsageError
from linscratch.i18n import Words, tr
from linscratch.spec import ModelSpec, check_owners, default_true_w

# The finite differences evaluate the loss 2(d + 1) times, n·d multiply-adds each, at about 1e8
# a second: beyond this many the walk-through would take more than about ten seconds.
MAX_WORK = 1e9
# Weights whose largest is beyond 4^±FAR are rescaled (`weights.rescaled`): the loss and
# gradients, sums of weights times squares, then stay far from overflow and underflow.
FAR = 30
RANDOM_BATCH = {"num_examples": 10, "num_features": 2}  # the size of a random batch

DEFAULTS = {
    "example": "book",
    "seed": None,
    "num_examples": None,
    "num_features": None,
    "w": None,
    "b": None,
    "dtype": "float64",
    "lr": 0.03,
    "json": False,
    "lang": "en",
    "sample_weight": None,
    "l2": 0.0,
    "loss": "squared",
    "huber_delta": None,
}


def grad_batch(opts: dict):
    """The batch and parameters of `linscratch grad` (`opts`: DEFAULTS with the flags given,
    its seed drawn if a random batch needs one): X (n, d), y (n, 1), w (d, 1), b (1,)."""
    import torch  # start-up: torch only when a run needs it

    from linscratch.book.data import (  # start-up: torch only when a run needs it
        SEED_BATCH_B,
        SEED_BATCH_W,
        seed_batch,
        synthetic_data,
    )
    from linscratch.book.model import init_params  # start-up: not every run needs it
    from linscratch.train.results import torch_dtype  # start-up: not every run needs it

    dtype = torch_dtype(opts["dtype"])
    if opts["example"] == "book":
        for name in ("num_examples", "num_features"):
            if opts[name] is not None:
                raise UsageError("{0} applies to {1} random only", name, "example")
        X, y = seed_batch(dtype)
        if opts["seed"] is None:
            w0 = torch.tensor(SEED_BATCH_W, dtype=torch.float64).reshape(-1, 1)
            b0 = torch.tensor([SEED_BATCH_B], dtype=torch.float64)
        else:
            w0, b0 = init_params(2, torch.Generator().manual_seed(opts["seed"]))
    else:
        n = opts["num_examples"] or RANDOM_BATCH["num_examples"]
        d = opts["num_features"] or RANDOM_BATCH["num_features"]
        g = torch.Generator().manual_seed(opts["seed"])
        true_w = torch.tensor(default_true_w(d, opts["seed"]), dtype=torch.float32)
        X, y = synthetic_data(true_w, 4.2, n, generator=g)
        w0, b0 = init_params(d, g)
        X, y = X.to(dtype), y.to(dtype)
    d = X.shape[1]
    if opts["w"] is not None:
        if len(opts["w"]) != d:
            raise UsageError(
                "{0} has {k} values but the batch has {d} features", "w", k=len(opts["w"]), d=d
            )
        w0 = torch.tensor(opts["w"], dtype=torch.float64).reshape(-1, 1)
    if opts["b"] is not None:
        b0 = torch.tensor([opts["b"]], dtype=torch.float64)
    return X, y, w0.to(dtype), b0.to(dtype)


def _check_work(n: int, d: int) -> None:
    """Refuse, before anything is drawn, a batch whose finite differences would take minutes."""
    work = 2.0 * (d + 1) * n * d
    if work > MAX_WORK:
        raise UsageError(
            "{0}, {1}: the finite differences of {n:,} rows x {d:,} features take about "
            "{work:.1e} multiply-adds, more than the {limit:.0e} (about ten seconds) this "
            "walk-through allows; use fewer",
            "num_examples",
            "num_features",
            n=n,
            d=d,
            work=work,
            limit=MAX_WORK,
        )


def run(args) -> int:

    check_owners(vars(args))  # --huber-delta without --loss huber, as train refuses it
    opts = {**DEFAULTS, **vars(args)}
    if opts["lr"] == "auto":
        raise UsageError("{0} auto chooses the rate of a training run; {command} takes a number",
                         "lr", command="grad")  # fmt: skip
    size = {k: opts[k] or v for k, v in RANDOM_BATCH.items()}
    _check_work(size["num_examples"], size["num_features"])
    from linscratch.cli.json_report import dumps  # start-up: not every run needs it
    from linscratch.derivation.gradcheck import (  # start-up: torch only when a run needs it
        check_gradients,
    )
    from linscratch.derivation.walkthrough import (  # start-up: torch only when a run needs it
        explain,
    )
    from linscratch.train.loop import draw_seed  # start-up: not every run needs it

    if opts["example"] == "random" and opts["seed"] is None:
        opts["seed"] = draw_seed()
    X, y, w, b = grad_batch(opts)
    weights, shift = None, 0
    if opts["sample_weight"] is not None:
        from linscratch.data.weights import (  # start-up: torch only when a run needs it
            checked,
            rescaled,
            shift_of,
        )

        weights = checked(opts["sample_weight"], len(X), dtype=opts["dtype"])  # zeros stay
        if abs(shift_of(weights)) > FAR:  # a loss and gradients out of the arithmetic's reach
            weights, shift = rescaled(weights)
            notice = tr(
                "the weights are rescaled by 4^{m} to keep the loss and the gradients within "
                "the arithmetic's range; the step divides by Σsᵢ and does not change"
            )
            if not opts["json"]:
                print(notice.format(m=-shift))
    from linscratch.losses import LOSSES  # start-up: not every run needs it

    loss, delta = LOSSES[opts["loss"]], None  # its parameter (Huber's δ), or None
    if loss.parameter is not None:
        delta = opts.get(loss.parameter) or getattr(ModelSpec, loss.parameter)
    check = check_gradients(X, y, w, b, weights, opts["l2"], delta, loss)
    if check.overflow:
        _say_overflow(check)
    if not opts["json"]:
        print(explain(check, opts["lr"], opts["lang"]))
        return 0 if check.passed else 1

    d = X.shape[1]

    def split(g):
        return {"w": g[:d].tolist(), "b": float(g[d])}

    new_w, new_b = check.update(opts["lr"])
    comparisons = {
        f"{a}_vs_{c}": {
            "max_abs_diff": comp.max_abs_diff,
            "max_rel_diff": comp.max_rel_diff,
            "tolerance": comp.tolerance,
            "passed": comp.passed,
            "overflow": comp.overflow,
        }
        for (a, c), comp in check.comparisons.items()
    }
    report = {
        "command": "grad",
        "version": __version__,
        "example": opts["example"],
        "seed": opts["seed"],
        "dtype": opts["dtype"],
        "X": X.tolist(),
        "y": y.reshape(-1).tolist(),
        "w": w.reshape(-1).tolist(),
        "b": float(b[0]),
        **({} if weights is None else {"weights": weights.tolist()}),
        **({} if not shift else {"weights_rescaled_by_4_to_the": -shift}),
        **({"l2": opts["l2"]} if opts["l2"] else {}),
        "y_hat": check.y_hat.reshape(-1).tolist(),
        "residual": check.residual.reshape(-1).tolist(),
        "loss": check.loss,
        **({} if delta is None else {loss.parameter: delta, "psi": _psi(check, delta)}),
        "analytic": split(check.grads["analytic"]),
        "autograd": split(check.grads["autograd"]),
        "finite_difference": {
            **split(check.grads["finite_difference"]),
            "step": check.steps.tolist(),
        },
        "comparisons": comparisons,
        "max_abs_diff": max(c["max_abs_diff"] for c in comparisons.values()),
        "max_rel_diff": max(c["max_rel_diff"] for c in comparisons.values()),
        "passed": check.passed,
        "overflow": check.overflow,
        "update": {
            "lr": opts["lr"],
            "batch_size": len(X),
            **({} if weights is None else {"total_weight": check.total}),
            "w": new_w.tolist(),
            "b": new_b,
        },
    }
    print(dumps(report))
    return 0 if check.passed else 1


def _psi(check, delta: float) -> list[float]:
    """The loss's ψ(e) of each row (Huber's clip(e, −δ, δ)), what it adds to the gradient in
    e's place."""
    return check.objective.psi(check.residual.reshape(-1), delta).tolist()


def _say_overflow(check) -> None:
    """One line on stderr: the gradient check cannot pass because the values overflow
    float64, not because a derivation is wrong."""

    from linscratch.cli.flags import flag  # cycle: linscratch.cli.flags imports this module

    what = Words("the loss") if not math.isfinite(check.loss) else Words("a gradient")
    text = tr(
        "linscratch grad: warning: the values overflow float64: {what} is not finite at these "
        "{w} and {b}, so the finite differences cannot check the gradients; try smaller values"
    )
    print(text.format(what=what.said(), w=flag("w"), b=flag("b")), file=sys.stderr)
