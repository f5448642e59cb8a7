"""The parser of every command, built from its flags' descriptions (`flags.about`: a run
setting's from the spec's metadata, a command's own from `flags.OWN`). A command lists its
flags in the order `--help` shows them; each goes under its group's heading unless the
command names another, and a command changes a flag's description where the flag means
something else there (`but`). Absent flags are left out of the parsed arguments, so that the
spec's defaults are the only defaults; the help shows each. Every text is translated when
the parser is built: build it after setting the language."""

from __future__ import annotations

import argparse
import re

from linscratch import __version__
from linscratch.cli.flags import about, flag
from linscratch.cli.grad import DEFAULTS as GRAD
from linscratch.cli.grad import RANDOM_BATCH
from linscratch.cli.helpformat import Formatter, examples
from linscratch.data.formats import Listed, suffixes, written_suffixes
from linscratch.i18n import LANGS, Words, language, tr
from linscratch.spec import BOOK_EPOCHS

__all__ = ["PARSERS", "BadArguments", "build_parser", "command_parser"]


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
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str):
        raise BadArguments(self.prog, message)

    def format_help(self) -> str:
        """The help; in Chinese, each group's heading ends with a full-width colon."""
        text = super().format_help()
        return re.sub(r"(?m)^(\S.*):$", r"\1：", text) if language() == "zh" else text


def said(words) -> str:
    """Words of a description in the language in use; a value as it is shown."""
    return words.said() if isinstance(words, Words) else str(words)


def but(name: str, about: Words | None = None, **changes) -> tuple[str, dict]:
    """Flag `name` as a command has it: what it does there (`about`), and other changes to
    its description (`shown`, `group`, `required`, `listed`: see `flags.about`)."""
    return name, changes | ({"about": about} if about else {})


def add(container, name: str, **changes) -> argparse.Action:
    """Add flag `name` to `container`, its help ending with its default (`shown`: a value or
    words; None for none) or saying it is required (`required`, or `needed`: one of a
    required pair); a switch is off unless given. The help and the default are kept apart on
    the action, for `helpformat.flag_table`."""
    options = {**about(name, changes.pop("listed", False)), **changes}
    options.pop("group", None)
    if options.get("metavar", "") is None:
        del options["metavar"]  # a switch's or a choice's: argparse names its value
    text, shown = said(options.pop("about")), options.pop("shown", None)
    if options.pop("needed", False) or options.get("required"):
        shown, help = tr("required"), tr("{help} (required)").format(help=text)
    else:
        switch = options.get("action") == "store_true"
        shown = tr("off") if switch else tr("none") if shown is None else said(shown)
        help = tr("{help} (default: {default})").format(help=text, default=shown)
    action = container.add_argument(
        options.pop("flag", flag(name)), dest=name, help=help.replace("%", "%%"), **options
    )
    action.about, action.shown_default = text, shown
    return action


def heading(parser: Parser, group) -> argparse._ArgumentGroup:
    """The parser's group of flags with this heading, made on first use."""
    title = said(group)
    made = [g for g in parser._action_groups if g.title == title]
    return made[0] if made else parser.add_argument_group(title)


def add_flags(parser: Parser, *flags, group=None, defaults=None) -> None:
    """Add each of `flags` (a name, or `but(name, ...)`) under the heading `group`, else
    under its own group's, one of a required pair (`needed`) in that heading's mutually
    exclusive group; `defaults`, the command's own defaults where it has them."""
    for entry in flags:
        name, changes = (entry, {}) if isinstance(entry, str) else entry
        if (defaults or {}).get(name) is not None:
            changes = {"shown": defaults[name], **changes}
        where = heading(parser, group or changes.get("group") or about(name)["group"])
        if changes.get("needed"):
            pair = [g for g in where._mutually_exclusive_groups if g._container is where]
            where = pair[0] if pair else where.add_mutually_exclusive_group(required=True)
        add(where, name, **changes)


def command(sub, name: str, help: Words, description: Words, *examples_) -> Parser:
    """Command `name`'s parser: its line in the list of commands, its description, and its
    examples (each a command line, then what it does)."""
    pairs = zip(examples_[::2], map(said, examples_[1::2]), strict=True)
    epilog = examples(*pairs)
    return sub.add_parser(name, help=said(help), description=said(description), epilog=epilog)


# The flags of the data and of how a run trains, which train and sweep share, in help's order.
SHARED = (
    *("num_examples", "true_w", "true_b", "noise", "num_features"),
    *("data", "dataset", "target", "features", "weights", "no_header", "drop_missing"),
    *("categorical", "formula", "standardize"),
    *("val_fraction", "engine", "shuffle", "dtype", "device", "init", "fit_intercept"),
    *("loss", "huber_delta", "epsilon", "short_batch"),
)
SCHEDULE = ("lr_schedule", "power_t", "lr_step_epochs", "lr_step_factor")


def add_train(sub) -> None:
    train = command(
        sub,
        "train",
        Words("train by minibatch SGD: the book's experiment, or your data file"),
        Words(
            "Train y = Xw + b by minibatch stochastic gradient descent (SGD), and compare\n"
            "with the exact least-squares answer. Without flags: the book's experiment."
        ),
        "linscratch train --seed 1",
        Words("the book's experiment; --seed 1 repeats it"),
        "linscratch train --lr 0.1 --batch-size 32 --epochs 5 --plot learn.png",
        Words("other settings, and a figure of how it learned"),
        "linscratch train --data houses.csv --target price --standardize --save m.json",
        Words("your own data; the model saved for `linscratch predict`"),
    )
    stopping = ("early_stopping", "tol", "n_iter_no_change")
    experiment = ("num_epochs", "lr", "batch_size", "l2", *stopping, *SCHEDULE, "average", "seed")
    outputs = ("json", "lang", "plot", "save", "save_exact", "checkpoint", "resume")
    outputs += ("tensorboard", "force", "summary", "quiet")
    add_flags(train, *experiment, *SHARED, "check_grad", "exact", "threads", *outputs)


def add_sweep(sub) -> None:
    sweep = command(
        sub,
        "sweep",
        Words("train every pair of learning rates and batch sizes on the same data"),
        Words(
            "Train each (learning rate, batch size) pair on the same data and seed, in\n"
            "parallel across the cores, and compare their losses."
        ),
        "linscratch sweep --lr 0.01,0.03,0.1 --batch-size 10,100 --seed 1",
        Words("six runs, one table"),
        "linscratch sweep --lr 0.03,0.3,3 --batch-size 10 --plot sweep.png",
        Words("where the learning rate becomes too large, as a figure"),
    )
    pairs = dict(listed=True, required=True)
    plot = Words(
        "the loss curves beside a map of the final losses (for one learning rate or one batch "
        "size, final loss against the other), to a .png or .svg file; replaced if it exists"
    )
    add_flags(
        sweep,
        but("lr", Words("the learning rates to try"), metavar="L1,L2,...", **pairs),
        but("batch_size", Words("the batch sizes to try"), metavar="B1,B2,...", **pairs),
        but("num_epochs", shown=BOOK_EPOCHS),
        *(*SCHEDULE, "l2", "seed", *SHARED, "jobs", "json", "lang"),
        but("plot", plot),
        but(
            "tensorboard",
            Words("write TensorBoard's files in DIR, a folder for each pair with its settings"),
        ),
        but("force", Words("replace existing --tensorboard files (a --plot file is replaced)")),
    )


def add_grad(sub) -> None:
    grad = command(
        sub,
        "grad",
        Words("derive a minibatch's gradients step by step and check them three ways"),
        Words(
            "Walk through dL/dw = Xᵀ(ŷ − y) and dL/db = Σ(ŷ − y) with real numbers, and\n"
            "compare the hand-derived, autograd and finite-difference gradients."
        ),
        "linscratch grad",
        Words("the worked 10x2 batch whose gradients the book prints"),
        "linscratch grad --example random --num-examples 5 --seed 1",
        Words("a batch of 5 examples drawn from seed 1"),
        "linscratch grad --w 1,-2 --b 0.5 --json",
        Words("the book's batch at other parameters, as JSON"),
    )
    defaults = GRAD | RANDOM_BATCH
    seed = Words("draws the random batch, and the starting w as the book initialises it")
    add_flags(
        grad,
        "example",
        but("seed", seed, shown=Words("drawn at random and printed, for a random batch")),
        but("num_examples", Words("examples in a random batch")),
        but("num_features", Words("features of a random batch")),
        group=Words("the minibatch"),
        defaults=defaults,
    )
    l2 = Words("weight decay: each row's loss gains (LAMBDA/2)‖w‖², the gradient |B|·LAMBDA·w")
    add_flags(
        grad,
        *("w", "b", "sample_weight"),
        but("lr", Words("the learning rate of the SGD step shown at the end")),
        *("dtype", but("l2", l2), "loss", "huber_delta", "epsilon"),
        group=Words("the parameters"),
        defaults=defaults,
    )
    add_flags(grad, "json", "lang")


def add_make_data(sub) -> None:
    make = command(
        sub,
        "make-data",
        Words("write a synthetic data set to a file, a chunk at a time"),
        Words(
            "Write y = Xw + b + noise to a .npy file (one 2-D array: the features, then the\n"
            "label) or a {formats} file, a chunk of examples at a time: it may exceed memory.",
            formats=Listed([s for s in written_suffixes() if s != ".npy"]),
        ),
        "linscratch make-data --num-examples 100000 --seed 1 --out data.npy",
        Words("the book's problem, 100,000 examples"),
        "linscratch make-data --num-examples 1000000 --num-features 20 --out big.parquet",
        Words("20 features, their true weights drawn from the seed"),
    )
    features = Words("features; a count other than 2 draws the true weights from --seed")
    add_flags(
        make,
        but("num_examples", Words("examples (rows) to write"), required=True),
        *(but("num_features", features), "noise", "corrupt"),
        but("seed", shown=Words("drawn at random")),
        but("dtype", Words("the precision of the numbers written")),
        group=Words("the data"),
    )
    force = but("force", Words("replace an existing --out file"))
    add_flags(make, "out", force, "json", "lang")


def add_predict(sub) -> None:
    predict = command(
        sub,
        "predict",
        Words("predict with a saved model"),
        Words("Apply a model saved by `linscratch train --save` to a data file."),
        "linscratch predict --model m.json --data new.csv",
        Words("print one prediction per example"),
        "linscratch predict --model m.json --data new.csv --output preds.csv",
        Words("write them to a file; with labels, also the loss and R²"),
    )
    data = Words(
        "a {formats} table with the model's feature columns; this or --dataset",
        formats=Listed(suffixes()),
    )
    dataset = Words("a data set shipped with linscratch; this or --data")
    no_header = Words(
        "the CSV file has no header line: every line is data, the columns are named "
        "x1, x2, ... (as a model trained with --no-header names them)"
    )
    source = (but("data", data, needed=True), but("dataset", dataset, needed=True))
    add_flags(predict, "model", *source, but("no_header", no_header), group=Words("input"))
    force = but("force", Words("replace an existing --output file"))
    add_flags(predict, "output", "keep_columns", force, "json", "lang")


PARSERS = {
    "train": add_train,
    "sweep": add_sweep,
    "grad": add_grad,
    "make-data": add_make_data,
    "predict": add_predict,
}


def build_parser() -> Parser:
    """The parser of every command, in the language in use."""
    parser = Parser(
        prog="linscratch",
        description=tr(
            "Linear regression by minibatch SGD from scratch, as in Dive into Deep Learning\n"
            "3.2. Run `linscratch COMMAND --help` for a command's flags and examples."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"linscratch {__version__}",
        help=tr("show the version and exit"),
    )
    parser.add_argument("--lang", choices=LANGS, help=tr("the language of the help: en or zh"))
    sub = parser.add_subparsers(
        dest="command", title=tr("commands"), metavar="COMMAND", parser_class=Parser
    )
    for add_command in PARSERS.values():
        add_command(sub)
    return parser


def command_parser(name: str) -> Parser:
    """The parser of command `name` alone, in the language in use (for its help or its flag
    table, `helpformat.flag_table`)."""
    sub = Parser(prog="linscratch").add_subparsers(parser_class=Parser)
    PARSERS[name](sub)
    return sub.choices[name]
