"""The `linscratch` command line: argument parsing, validation at the edge, and output.

Every user mistake becomes one line on stderr and exit status 2; a diverging run, one line
and exit status 1. `--json` prints one JSON object whose keys are an interface.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys

from . import __version__
from .errors import DivergedError, UsageError

ENGINE_CHOICES = ("auto", "autograd", "analytic", "numba")
SHUFFLE_CHOICES = ("auto", "book", "full", "block", "none")

LABELS = {
    "en": {
        "w_error": "error in estimating w",
        "b_error": "error in estimating b",
        "summary": "{epochs} epoch(s) x {n:,} examples in {secs:.3f} s ({sps:,.0f} samples/s), "
        "engine {engine}, {dtype}, seed {seed}",
        "drawn": " (drawn; repeat with --seed {seed})",
    },
    "zh": {
        "w_error": "w的估计误差",
        "b_error": "b的估计误差",
        "summary": "{epochs} 轮 x {n:,} 个样本，用时 {secs:.3f} 秒（每秒 {sps:,.0f} 个样本），"
        "引擎 {engine}，{dtype}，随机种子 {seed}",
        "drawn": "（随机抽取；用 --seed {seed} 可重现）",
    },
}


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit status 2.

    Values that start with a minus and a digit, such as `--true-w -3.4,2`, are values, not flags.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


# Value checkers: each names the rule it enforces, which argparse prefixes with the flag.
def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def seed_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be an integer from 0 to 2**63-1, got {text!r}")
    return value


def finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def nonnegative_float(text: str) -> float:
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative finite number, got {text!r}")
    return value


def float_list(text: str) -> list[float]:
    try:
        values = [finite_float(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        values = []
    if not values:
        raise argparse.ArgumentTypeError(
            f"must be finite numbers separated by commas, such as 2,-3.4; got {text!r}"
        )
    return values


def build_parser() -> Parser:
    parser = Parser(
        prog="linscratch",
        description="Linear regression by minibatch SGD from scratch, as in Dive into Deep "
        "Learning 3.2.",
    )
    parser.add_argument("--version", action="version", version=f"linscratch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    train = sub.add_parser(
        "train",
        help="train on synthetic data (the book's experiment by default)",
        description="Train y = Xw + b by minibatch SGD. Without flags: the book's experiment.",
    )
    data = train.add_argument_group("synthetic data")
    data.add_argument("--num-examples", type=positive_int, default=1000, metavar="N")
    data.add_argument(
        "--num-features",
        type=positive_int,
        metavar="D",
        help="default: the length of --true-w, else 2 (the book's w = [2, -3.4], b = 4.2); "
        "other counts draw w from the seed",
    )
    data.add_argument("--true-w", type=float_list, metavar="W1,W2,...")
    data.add_argument("--true-b", type=finite_float, default=4.2, metavar="B")
    data.add_argument("--noise", type=nonnegative_float, default=0.01, metavar="SIGMA")
    opt = train.add_argument_group("training")
    opt.add_argument("--batch-size", type=positive_int, default=10, metavar="B")
    opt.add_argument("--lr", type=positive_float, default=0.03, metavar="LR")
    opt.add_argument("--epochs", type=positive_int, default=3, metavar="N")
    opt.add_argument(
        "--seed", type=seed_int, metavar="S", help="default: drawn at random and printed"
    )
    opt.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        default="auto",
        help="auto: the book's loop (autograd) below 100,000 row visits (rows x epochs), the "
        "compiled numba engine above",
    )
    opt.add_argument(
        "--shuffle",
        choices=SHUFFLE_CHOICES,
        default="auto",
        help="row order per epoch; auto: the book's for autograd, else full while the data "
        "fit in 32 MiB, block beyond",
    )
    opt.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    opt.add_argument(
        "--check-grad",
        action="store_true",
        help="compare the analytic and autograd gradients on every batch",
    )
    out = train.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--lang", choices=("en", "zh"), default="en", help="labels of the output")
    train.set_defaults(func=cmd_train)

    grad = sub.add_parser(
        "grad",
        help="derive a batch's gradients step by step and check them three ways",
        description="Walk through dL/dw = Xᵀ(ŷ − y) and dL/db = Σ(ŷ − y) with real numbers, "
        "and compare the analytic, autograd and finite-difference gradients.",
    )
    grad.add_argument(
        "--example",
        choices=("seed", "random"),
        default="seed",
        help="seed: the worked 10x2 batch of the book's derivation; random: a batch drawn "
        "from --seed",
    )
    grad.add_argument("--seed", type=seed_int, metavar="S", help="default: drawn and printed")
    grad.add_argument(
        "--num-examples", type=positive_int, metavar="N", help="rows (random; default 10)"
    )
    grad.add_argument(
        "--num-features", type=positive_int, metavar="D", help="features (random; default 2)"
    )
    grad.add_argument(
        "--w",
        type=float_list,
        metavar="W1,W2,...",
        help="default: the book's initialisation drawn from --seed (for the seed batch without "
        "--seed, the w the book's derivation used)",
    )
    grad.add_argument("--b", type=finite_float, metavar="B", help="default: 0")
    grad.add_argument("--dtype", choices=("float32", "float64"), default="float64")
    grad.add_argument("--lr", type=positive_float, default=0.03, help="for the update shown")
    grad.add_argument("--json", action="store_true", help="print one JSON object")
    grad.add_argument("--lang", choices=("en", "zh"), default="en", help="labels of the output")
    grad.set_defaults(func=cmd_grad)
    return parser


def synthetic_problem(args) -> tuple[list[float], float]:
    """Resolve --num-features and --true-w into the truth of the synthetic problem."""
    from .data import default_true_w

    if args.true_w is None:
        args.num_features = args.num_features or 2
        return default_true_w(args.num_features, args.seed), args.true_b
    if args.num_features is not None and args.num_features != len(args.true_w):
        raise UsageError(
            f"--true-w has {len(args.true_w)} values but --num-features is {args.num_features}; "
            "give one weight per feature"
        )
    args.num_features = len(args.true_w)
    return args.true_w, args.true_b


def cmd_train(args) -> int:
    import torch

    from .data import synthetic_data
    from .model import init_params
    from .train import DTYPES, draw_seed, fit

    if args.check_grad and args.engine not in ("auto", "autograd"):
        raise UsageError("--check-grad compares with autograd: use it with --engine autograd")
    drawn = args.seed is None
    if drawn:
        args.seed = draw_seed()
    true_w, true_b = synthetic_problem(args)

    # The book's order of draws: features, noise, then the initial w, all from one generator.
    g = torch.Generator().manual_seed(args.seed)
    features, labels = synthetic_data(
        torch.tensor(true_w, dtype=torch.float32), true_b, args.num_examples, args.noise, g
    )
    w0, b0 = init_params(args.num_features, g)
    result = fit(
        features.to(DTYPES[args.dtype]),
        labels.to(DTYPES[args.dtype]),
        lr=args.lr,
        batch_size=args.batch_size,
        num_epochs=args.epochs,
        engine=args.engine,
        dtype=args.dtype,
        shuffle=args.shuffle,
        seed=args.seed,
        w0=w0,
        b0=b0,
        true_w=torch.tensor(true_w, dtype=torch.float32),
        true_b=true_b,
        check_grad=args.check_grad,
    )
    check = result.extra.get("check_grad")

    if args.json:
        config = {k: v for k, v in vars(args).items() if k not in ("func", "json", "command")}
        config["true_w"] = true_w
        report = {
            "command": "train",
            "version": __version__,
            "seed": result.seed,
            "seed_drawn": drawn,
            "config": config,
            "epochs": [{"epoch": i, "loss": loss} for i, loss in enumerate(result.losses, 1)],
            "loss": result.loss,
            "w": result.w,
            "b": result.b,
            "true_w": true_w,
            "true_b": true_b,
            "w_error": result.w_error,
            "b_error": result.b_error,
            "engine": result.engine,
            "shuffle": result.shuffle,
            "train_seconds": result.train_seconds,
            "compile_seconds": result.compile_seconds,
            "samples_per_second": result.samples_per_second,
        }
        if check is not None:
            report["check_grad"] = check
        print(json.dumps(report, allow_nan=False))
        return 0 if check is None or check["passed"] else 1

    labels_ = LABELS[args.lang]
    tdtype = DTYPES[args.dtype]
    for i, loss in enumerate(result.losses, 1):
        print(f"epoch {i}, loss {loss:f}")
    print(f"{labels_['w_error']}: {torch.tensor(result.w_error, dtype=tdtype)}")
    print(f"{labels_['b_error']}: {torch.tensor([result.b_error], dtype=tdtype)}")
    summary = labels_["summary"].format(
        epochs=args.epochs,
        n=args.num_examples,
        secs=result.train_seconds,
        sps=result.samples_per_second,
        engine=result.engine,
        dtype=result.dtype,
        seed=result.seed,
    )
    print(summary + (labels_["drawn"].format(seed=result.seed) if drawn else ""))
    if check is not None:
        print(
            f"gradient check, analytic vs autograd on {check['batches']} batches: "
            f"max abs diff {check['max_abs_diff']:.3g}, max rel diff {check['max_rel_diff']:.3g} "
            f"(tolerance {check['tolerance']:.0e}): {'ok' if check['passed'] else 'FAILED'}"
        )
        return 0 if check["passed"] else 1
    return 0


def grad_batch(args):
    """The batch and parameters of `linscratch grad`: X (n, d), y (n, 1), w (d, 1), b (1,)."""
    import torch

    from .data import SEED_BATCH_B, SEED_BATCH_W, default_true_w, seed_batch, synthetic_data
    from .model import init_params
    from .train import DTYPES, draw_seed

    dtype = DTYPES[args.dtype]
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


def cmd_grad(args) -> int:
    from .gradcheck import check_gradients, explain

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
    print(json.dumps(report, allow_nan=False))
    return 0 if check.passed else 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv[1:]) and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"linscratch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except DivergedError as exc:
        print(f"linscratch {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("linscratch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`linscratch train | head`): stop quietly
        sys.stdout = None
        return 141
