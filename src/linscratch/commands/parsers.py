"""The flags of every command, one function per command. A flag's value is checked by the
library's rule for its field while parsing (`commands.flags`); absent flags are left out of
the parsed arguments, so that the spec's defaults are the only defaults."""

from __future__ import annotations

import argparse
import re

from .. import __version__
from ..datasets import DATASETS
from ..i18n import LANGS
from ..rules import DTYPES, ENGINES, INITS, SHORT_BATCHES, SHUFFLES
from .flags import number, setting, setting_list, whole


class BadArguments(Exception):
    """A command line argparse could not parse: `prog` (the command) and `message`."""

    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog, self.message = prog, message


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised as `BadArguments` (the CLI prints one line
    and exits with status 2), and whose absent flags are left out of the result. Values that
    start with a minus and a digit, such as `--true-w -3.4,2`, are values, not flags."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("argument_default", argparse.SUPPRESS)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str):
        raise BadArguments(self.prog, message)


def add_data_args(p: Parser) -> None:
    """Where the data come from: the book's synthetic problem, or a file (train and sweep)."""
    data = p.add_argument_group("synthetic data (the default)")
    data.add_argument(
        "--num-examples", type=setting("num_examples", whole), metavar="N", help="default: 1000"
    )
    data.add_argument(
        "--num-features",
        type=setting("num_features", whole),
        metavar="D",
        help="default: the length of --true-w, else 2 (the book's w = [2, -3.4], b = 4.2); "
        "other counts draw w from the seed",
    )
    data.add_argument("--true-w", type=setting_list("true_w", number), metavar="W1,W2,...")
    data.add_argument("--true-b", type=setting("true_b", number), metavar="B", help="default: 4.2")
    data.add_argument(
        "--noise", type=setting("noise", number), metavar="SIGMA", help="default: 0.01"
    )
    files = p.add_argument_group("data from a file")
    files.add_argument("--data", metavar="FILE", help="a .csv, .parquet or .npy table")
    files.add_argument("--dataset", choices=DATASETS, help="a data set shipped with linscratch")
    files.add_argument(
        "--target", metavar="COL", help="the target column, by name or index (default: the last)"
    )
    files.add_argument(
        "--features",
        type=setting_list("features", str.strip),
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
        type=setting("val_fraction", number),
        metavar="F",
        help="hold out this fraction of rows (seeded) and report their loss and R²",
    )


def add_training_args(p: Parser):
    """How to train, besides the learning rate and batch size (train and sweep)."""
    opt = p.add_argument_group("training")
    opt.add_argument("--epochs", dest="num_epochs", type=setting("num_epochs", whole), metavar="N")
    opt.add_argument(
        "--seed",
        type=setting("seed", whole),
        metavar="S",
        help="default: drawn at random and printed",
    )
    opt.add_argument(
        "--engine",
        choices=ENGINES,
        help="auto (default): the book's loop (autograd) below 100,000 row visits (rows x "
        "epochs), the compiled numba engine above",
    )
    opt.add_argument(
        "--shuffle",
        choices=SHUFFLES,
        help="row order per epoch; auto (default): the book's for autograd, else full while the "
        "data fit in 32 MiB, block beyond",
    )
    opt.add_argument("--dtype", choices=DTYPES, help="default: float32")
    opt.add_argument(
        "--device",
        type=setting("device"),
        help="cpu (default), or cuda (cuda:N) for the analytic engine",
    )
    opt.add_argument(
        "--init",
        choices=INITS,
        help="initial w: the book's N(0, 0.01²) draw (default), or zeros (b starts at 0 either "
        "way)",
    )
    opt.add_argument(
        "--no-intercept",
        dest="fit_intercept",
        action="store_false",
        help="fit y = Xw, a model through the origin (b stays 0; the exact answer, its standard "
        "errors and an uncentered R² are those of that model)",
    )
    opt.add_argument(
        "--short-batch",
        choices=SHORT_BATCHES,
        help="a short last batch steps along its own mean gradient (mean, the default), or is "
        "divided by the nominal batch size as the book's sgd does (book)",
    )
    return opt


def add_train(sub) -> None:
    train = sub.add_parser(
        "train",
        help="train by minibatch SGD (the book's experiment by default, or a data file)",
        description="Train y = Xw + b by minibatch SGD, beside the exact least-squares answer. "
        "Without flags: the book's experiment.",
    )
    add_data_args(train)
    opt = add_training_args(train)
    opt.add_argument("--batch-size", type=setting("batch_size", whole), metavar="B")
    opt.add_argument("--lr", type=setting("lr", number), metavar="LR")
    opt.add_argument(
        "--check-grad",
        action="store_true",
        help="compare the analytic and autograd gradients on every batch",
    )
    out = train.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--lang", choices=LANGS, help="labels of the output (default: en)")
    out.add_argument("--save", metavar="MODEL.json", help="save the fitted model")
    out.add_argument("--plot", metavar="FILE", help="draw how it learned, to a .png or .svg file")
    out.add_argument(
        "--checkpoint", metavar="DIR", help="save the run's state after each epoch, atomically"
    )
    out.add_argument(
        "--resume",
        metavar="DIR",
        help="continue the run checkpointed in DIR (to more epochs with a larger --epochs)",
    )
    out.add_argument(
        "--force", action="store_true", help="replace existing --save/--plot/--checkpoint files"
    )
    out.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown only on a terminal)"
    )


def add_sweep(sub) -> None:
    sweep = sub.add_parser(
        "sweep",
        help="train every pair of learning rates and batch sizes on the same data",
        description="Train each (learning rate, batch size) pair on the same data and seed, "
        "in parallel across the cores, and compare them.",
    )
    add_data_args(sweep)
    opt = add_training_args(sweep)
    opt.add_argument(
        "--lr",
        type=setting_list("lr", number),
        required=True,
        metavar="L1,L2,...",
        help="learning rates",
    )
    opt.add_argument(
        "--batch-size",
        type=setting_list("batch_size", whole),
        required=True,
        metavar="B1,B2,...",
        help="batch sizes",
    )
    opt.add_argument(
        "--jobs",
        type=setting("jobs", whole),
        metavar="J",
        help="processes (default: the number of cores)",
    )
    out = sweep.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--plot", metavar="FILE", help="loss curves and a heatmap, .png or .svg")
    out.add_argument("--force", action="store_true", help="replace an existing --plot file")


def add_grad(sub) -> None:
    grad = sub.add_parser(
        "grad",
        help="derive a batch's gradients step by step and check them three ways",
        description="Walk through dL/dw = Xᵀ(ŷ − y) and dL/db = Σ(ŷ − y) with real numbers, "
        "and compare the analytic, autograd and finite-difference gradients.",
    )
    grad.add_argument(
        "--example",
        choices=("seed", "random"),
        help="seed (default): the worked 10x2 batch of the book's derivation; random: a batch "
        "drawn from --seed",
    )
    grad.add_argument(
        "--seed", type=setting("seed", whole), metavar="S", help="default: drawn and printed"
    )
    grad.add_argument(
        "--num-examples",
        type=setting("num_examples", whole),
        metavar="N",
        help="rows (random; default 10)",
    )
    grad.add_argument(
        "--num-features",
        type=setting("num_features", whole),
        metavar="D",
        help="features (random; default 2)",
    )
    grad.add_argument(
        "--w",
        type=setting_list("w", number),
        metavar="W1,W2,...",
        help="default: the book's initialisation drawn from --seed (for the seed batch without "
        "--seed, the w the book's derivation used)",
    )
    grad.add_argument("--b", type=setting("b", number), metavar="B", help="default: 0")
    grad.add_argument("--dtype", choices=DTYPES, help="default: float64")
    grad.add_argument(
        "--lr", type=setting("lr", number), help="for the update shown (default: 0.03)"
    )
    grad.add_argument("--json", action="store_true", help="print one JSON object")
    grad.add_argument("--lang", choices=LANGS, help="labels of the output (default: en)")


def add_make_data(sub) -> None:
    make = sub.add_parser(
        "make-data",
        help="write a synthetic data set to a file, chunk by chunk",
        description="Write y = Xw + b + noise to a .npy (one 2-D array: the features, then "
        "the target) or .parquet file, a chunk of rows at a time.",
    )
    make.add_argument(
        "--num-examples", type=setting("num_examples", whole), required=True, metavar="N"
    )
    make.add_argument(
        "--num-features", type=setting("num_features", whole), metavar="D", help="default: 2"
    )
    make.add_argument("--seed", type=setting("seed", whole), metavar="S", help="default: drawn")
    make.add_argument(
        "--noise", type=setting("noise", number), metavar="SIGMA", help="default: 0.01"
    )
    make.add_argument("--dtype", choices=DTYPES, help="default: float32")
    make.add_argument("--out", required=True, metavar="FILE", help=".npy or .parquet")
    make.add_argument("--force", action="store_true", help="replace an existing --out file")
    make.add_argument("--json", action="store_true", help="print one JSON object")


def add_predict(sub) -> None:
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


PARSERS = {
    "train": add_train,
    "sweep": add_sweep,
    "grad": add_grad,
    "make-data": add_make_data,
    "predict": add_predict,
}


def build_parser() -> Parser:
    parser = Parser(
        prog="linscratch",
        description="Linear regression by minibatch SGD from scratch, as in Dive into Deep "
        "Learning 3.2.",
    )
    parser.add_argument("--version", action="version", version=f"linscratch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for add in PARSERS.values():
        add(sub)
    return parser
