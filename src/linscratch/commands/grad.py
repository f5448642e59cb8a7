"""`linscratch grad`: a batch's gradients derived step by step and checked three ways."""

from __future__ import annotations

from .. import __version__
from ..errors import UsageError
from . import dumps


def grad_batch(args):
    """The batch and parameters of `linscratch grad`: X (n, d), y (n, 1), w (d, 1), b (1,)."""
    import torch

    from ..data import SEED_BATCH_B, SEED_BATCH_W, default_true_w, seed_batch, synthetic_data
    from ..model import init_params
    from ..train import draw_seed, torch_dtype

    dtype = torch_dtype(args.dtype)
    if args.example == "seed":
        for flag, value in (
            ("--num-examples", args.num_examples),
            ("--num-features", args.num_features),
        ):
            if value is not None:
                raise UsageError(f"{flag} applies to --example random only")
        X, y = seed_batch(dtype)
        if args.seed is None:
            w0 = torch.tensor(SEED_BATCH_W, dtype=torch.float64).reshape(-1, 1)
            b0 = torch.tensor([SEED_BATCH_B], dtype=torch.float64)
        else:
            w0, b0 = init_params(2, torch.Generator().manual_seed(args.seed))
    else:
        args.seed = draw_seed() if args.seed is None else args.seed
        n, d = args.num_examples or 10, args.num_features or 2
        g = torch.Generator().manual_seed(args.seed)
        true_w = torch.tensor(default_true_w(d, args.seed), dtype=torch.float32)
        X, y = synthetic_data(true_w, 4.2, n, generator=g)
        w0, b0 = init_params(d, g)
        X, y = X.to(dtype), y.to(dtype)
    d = X.shape[1]
    if args.w is not None:
        if len(args.w) != d:
            raise UsageError(f"--w has {len(args.w)} values but the batch has {d} features")
        w0 = torch.tensor(args.w, dtype=torch.float64).reshape(-1, 1)
    if args.b is not None:
        b0 = torch.tensor([args.b], dtype=torch.float64)
    return X, y, w0.to(dtype), b0.to(dtype)


def run(args) -> int:
    from ..gradcheck import check_gradients, explain

    X, y, w, b = grad_batch(args)
    check = check_gradients(X, y, w, b)
    if not args.json:
        print(explain(check, args.lr, args.lang))
        return 0 if check.passed else 1

    d = X.shape[1]

    def split(g):
        return {"w": g[:d].tolist(), "b": float(g[d])}

    new_w, new_b = check.update(args.lr)
    comparisons = {
        f"{a}_vs_{c}": {
            "max_abs_diff": comp.max_abs_diff,
            "max_rel_diff": comp.max_rel_diff,
            "tolerance": comp.tolerance,
            "passed": comp.passed,
        }
        for (a, c), comp in check.comparisons.items()
    }
    report = {
        "command": "grad",
        "version": __version__,
        "example": args.example,
        "seed": args.seed,
        "dtype": args.dtype,
        "X": X.tolist(),
        "y": y.reshape(-1).tolist(),
        "w": w.reshape(-1).tolist(),
        "b": float(b[0]),
        "y_hat": check.y_hat.reshape(-1).tolist(),
        "residual": check.residual.reshape(-1).tolist(),
        "loss": check.loss,
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
        "update": {"lr": args.lr, "batch_size": len(X), "w": new_w.tolist(), "b": new_b},
    }
    print(dumps(report))
    return 0 if check.passed else 1
