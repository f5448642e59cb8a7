"""The `linscratch` command line: argument parsing, validation at the edge, and output.

Every user mistake becomes one line on stderr and exit status 2; a diverging run, one line
and exit status 1. `--json` prints one JSON object whose keys are an interface.
"""

from __future__ import annotations

import argparse
import importlib
import math
import re
import sys

from . import __version__
from .datasets import DATASETS
from .errors import DivergedError, UsageError

ENGINE_CHOICES = ("auto", "autograd", "analytic", "numba")
SHUFFLE_CHOICES = ("auto", "book", "full", "block", "none")


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
def _checked(text: str, convert, ok, rule: str):
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _checked(text, int, lambda v: v >= 1, "a positive integer")


def seed_int(text: str) -> int:
    return _checked(text, int, lambda v: 0 <= v < 2**63, "an integer from 0 to 2**63-1")


def finite_float(text: str) -> float:
    return _checked(text, float, math.isfinite, "a finite number")


def positive_float(text: str) -> float:
    return _checked(text, float, lambda v: math.isfinite(v) and v > 0, "a positive finite number")


def nonnegative_float(text: str) -> float:
    return _checked(
        text, float, lambda v: math.isfinite(v) and v >= 0, "a non-negative finite number"
    )


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


def device_name(text: str) -> str:
    if text == "cpu" or re.fullmatch(r"cuda(:\d+)?", text):
        return text
    raise argparse.ArgumentTypeError(f"must be cpu, cuda or cuda:N, got {text!r}")


def name_list(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"must be column names separated by commas, got {text!r}")
    return names


def fraction(text: str) -> float:
    return _checked(text, float, lambda v: 0 < v < 1, "a number between 0 and 1")


def positive_int_list(text: str) -> list[int]:
    try:
        return [positive_int(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be positive integers separated by commas, such as 10,100; got {text!r}"
        ) from None


def positive_float_list(text: str) -> list[float]:
    try:
        return [positive_float(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be positive numbers separated by commas, such as 0.01,0.1; got {text!r}"
        ) from None


def add_data_args(p: Parser) -> None:
    """Where the data come from: the book's synthetic problem, or a file (train and sweep)."""
    data = p.add_argument_group("synthetic data (the default)")
    data.add_argument("--num-examples", type=positive_int, metavar="N", help="default: 1000")
    data.add_argument(
        "--num-features",
        type=positive_int,
        metavar="D",
        help="default: the length of --true-w, else 2 (the book's w = [2, -3.4], b = 4.2); "
        "other counts draw w from the seed",
    )
    data.add_argument("--true-w", type=float_list, metavar="W1,W2,...")
    data.add_argument("--true-b", type=finite_float, metavar="B", help="default: 4.2")
    data.add_argument("--noise", type=nonnegative_float, metavar="SIGMA", help="default: 0.01")
    files = p.add_argument_group("data from a file")
    files.add_argument("--data", metavar="FILE", help="a .csv, .parquet or .npy table")
    files.add_argument("--dataset", choices=DATASETS, help="a data set shipped with linscratch")
    files.add_argument(
        "--target", metavar="COL", help="the target column, by name or index (default: the last)"
    )
    files.add_argument(
        "--features",
        type=name_list,
        metavar="A,B,...",
        help="the feature columns (default: every other column)",
    )
    files.add_argument(
        "--standardize",
        action="store_true",
        help="train on standardized features and target (reported in original units)",
    )
    files.add_argument(
        "--val-fraction",
        type=fraction,
        metavar="F",
        help="hold out this fraction of rows (seeded) and report their loss and R²",
    )


def add_training_args(p: Parser):
    """How to train, besides the learning rate and batch size (train and sweep)."""
    opt = p.add_argument_group("training")
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
        "--device",
        type=device_name,
        default="cpu",
        help="cpu, or cuda (cuda:N) for the analytic engine",
    )
    opt.add_argument(
        "--init",
        choices=("book", "zero"),
        default="book",
        help="initial w: the book's N(0, 0.01²) draw, or zeros (b starts at 0 either way)",
    )
    opt.add_argument(
        "--short-batch",
        choices=("mean", "book"),
        default="mean",
        help="a short last batch steps along its own mean gradient (mean), or is divided by "
        "the nominal batch size as the book's sgd does (book)",
    )
    return opt


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
        help="train by minibatch SGD (the book's experiment by default, or a data file)",
        description="Train y = Xw + b by minibatch SGD, beside the exact least-squares answer. "
        "Without flags: the book's experiment.",
    )
    add_data_args(train)
    opt = add_training_args(train)
    opt.add_argument("--batch-size", type=positive_int, default=10, metavar="B")
    opt.add_argument("--lr", type=positive_float, default=0.03, metavar="LR")
    opt.add_argument(
        "--check-grad",
        action="store_true",
        help="compare the analytic and autograd gradients on every batch",
    )
    out = train.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--lang", choices=("en", "zh"), default="en", help="labels of the output")
    out.add_argument("--save", metavar="MODEL.json", help="save the fitted model")
    out.add_argument("--plot", metavar="FILE", help="draw how it learned, to a .png or .svg file")
    out.add_argument(
        "--checkpoint", metavar="DIR", help="save the run's state after each epoch, atomically"
    )
    out.add_argument("--resume", metavar="DIR", help="continue the run checkpointed in DIR")
    out.add_argument(
        "--force", action="store_true", help="replace existing --save/--plot/--checkpoint files"
    )
    out.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown only on a terminal)"
    )
    train.set_defaults(module="train")

    sweep = sub.add_parser(
        "sweep",
        help="train every pair of learning rates and batch sizes on the same data",
        description="Train each (learning rate, batch size) pair on the same data and seed, "
        "in parallel across the cores, and compare them.",
    )
    add_data_args(sweep)
    opt = add_training_args(sweep)
    opt.add_argument(
        "--lr", type=positive_float_list, required=True, metavar="L1,L2,...", help="learning rates"
    )
    opt.add_argument(
        "--batch-size",
        type=positive_int_list,
        required=True,
        metavar="B1,B2,...",
        help="batch sizes",
    )
    opt.add_argument(
        "--jobs", type=positive_int, metavar="J", help="processes (default: the number of cores)"
    )
    out = sweep.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--plot", metavar="FILE", help="loss curves and a heatmap, .png or .svg")
    out.add_argument("--force", action="store_true", help="replace an existing --plot file")
    sweep.set_defaults(module="sweep")

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
    grad.set_defaults(module="grad")

    make = sub.add_parser(
        "make-data",
        help="write a synthetic data set to a file, chunk by chunk",
        description="Write y = Xw + b + noise to a .npy (one 2-D array: the features, then "
        "the target) or .parquet file, a chunk of rows at a time.",
    )
    make.add_argument("--num-examples", type=positive_int, required=True, metavar="N")
    make.add_argument("--num-features", type=positive_int, default=2, metavar="D")
    make.add_argument("--seed", type=seed_int, metavar="S", help="default: drawn")
    make.add_argument("--noise", type=nonnegative_float, default=0.01, metavar="SIGMA")
    make.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    make.add_argument("--out", required=True, metavar="FILE", help=".npy or .parquet")
    make.add_argument("--force", action="store_true", help="replace an existing --out file")
    make.add_argument("--json", action="store_true", help="print one JSON object")
    make.set_defaults(module="make_data")

    predict = sub.add_parser(
        "predict",
        help="predict with a saved model",
        description="Apply a model saved by `train --save` to the rows of a data file.",
    )
    predict.add_argument("--model", required=True, metavar="MODEL.json")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", metavar="FILE", help="a .csv, .parquet or .npy table")
    source.add_argument("--dataset", choices=DATASETS, help="a data set shipped with linscratch")
    predict.add_argument("--output", metavar="PREDS.csv", help="write the predictions here")
    predict.add_argument("--force", action="store_true", help="replace an existing --output")
    predict.add_argument("--json", action="store_true", help="print one JSON object")
    predict.set_defaults(module="predict")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv[1:]) and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        command = importlib.import_module(f".commands.{args.module}", __package__)
        return command.run(args)
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
