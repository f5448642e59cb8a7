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

ENGINE_CHOICES = ("autograd",)

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
    opt.add_argument("--engine", choices=ENGINE_CHOICES, default="autograd")
    opt.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    out = train.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--lang", choices=("en", "zh"), default="en", help="labels of the output")
    train.set_defaults(func=cmd_train)
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
        seed=args.seed,
        w0=w0,
        b0=b0,
        true_w=torch.tensor(true_w, dtype=torch.float32),
        true_b=true_b,
    )

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
            "train_seconds": result.train_seconds,
            "samples_per_second": result.samples_per_second,
        }
        print(json.dumps(report, allow_nan=False))
        return 0

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
    return 0


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
