"""The pieces every command's flags are made of: the parser (its errors raised, absent flags
left out), a flag whose help ends with its default, the defaults of the run settings (the
spec's), and the flags several commands share."""

from __future__ import annotations

import argparse
import re

from linscratch.cli.flags import number, setting, setting_list, whole
from linscratch.cli.helpformat import Formatter, with_default
from linscratch.data.formats import listing, suffixes
from linscratch.datasets import DATASETS
from linscratch.i18n import LANGS, language, tr
from linscratch.spec import DEFAULTS as SPEC_DEFAULTS
from linscratch.spec import SYNTHETIC_DEFAULTS

# Each run setting's default as the help shows it: the spec's, or the synthetic problem's.
DEFAULTS = SPEC_DEFAULTS | SYNTHETIC_DEFAULTS


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


def arg(group, *names: str, help: str, default=None, needed=False, **kwargs) -> argparse.Action:
    """Add a flag whose help ends with its default (`default`: a value or words; None for
    none), or says it is required (`required`, or `needed`: one of a required pair). A switch
    is off unless given. The help and the default are kept apart on the action, for
    `helpformat.flag_table`."""
    if needed or kwargs.get("required"):
        shown, text = tr("required"), tr("{help} (required)").format(help=help)
    else:
        if kwargs.get("action") == "store_true":
            default = tr("off")
        shown = tr("none") if default is None else str(default)
        text = with_default(help, shown)
    action = group.add_argument(*names, help=text, **kwargs)
    action.about, action.shown_default = help, shown
    return action


def setting_arg(group, name: str, field: str, parse=None, *, help: str, **kwargs):
    """A flag for the run setting `field`, its default the spec's; its value parsed by `parse`
    and checked by the field's rule (none for a choice or a switch: argparse checks those)."""
    if parse is not None:
        kwargs["type"] = setting(field, parse)
    return arg(group, name, help=help, default=DEFAULTS[field], **kwargs)


def add_seed(group, default: str) -> None:
    arg(
        group,
        "--seed",
        type=setting("seed", whole),
        metavar="S",
        default=default,
        help=tr("seeds every random draw; the same seed gives the same run"),
    )


def add_lang(group) -> None:
    arg(
        group,
        "--lang",
        choices=LANGS,
        default="en",
        help=tr(
            "the language of everything printed: en (English) or zh (Chinese, the terms "
            "of the book's Chinese edition)"
        ),
    )


def add_json(group) -> None:
    arg(group, "--json", action="store_true", help=tr("print one JSON object instead of text"))


def add_synthetic_args(p: Parser) -> None:
    """The book's synthetic problem, y = Xw + b + noise (train and sweep)."""
    data = p.add_argument_group(tr("synthetic data (the default): y = Xw + b + noise"))
    setting_arg(
        data,
        "--num-examples",
        "num_examples",
        whole,
        metavar="N",
        help=tr("examples (rows) to draw"),
    )
    arg(
        data,
        "--true-w",
        type=setting_list("true_w", number),
        metavar="W1,W2,...",
        default=tr("the book's 2,-3.4"),
        help=tr("the true weights, one per feature (sets --num-features)"),
    )
    setting_arg(data, "--true-b", "true_b", number, metavar="B", help=tr("the true bias"))
    setting_arg(
        data,
        "--noise",
        "noise",
        number,
        metavar="SIGMA",
        help=tr("standard deviation of the noise added to each label"),
    )
    setting_arg(
        data,
        "--num-features",
        "num_features",
        whole,
        metavar="D",
        help=tr(
            "features; a count other than 2 draws the true weights from --seed, "
            "unless --true-w gives them"
        ),
    )


def add_no_header(group, predict: bool = False) -> None:
    """`--no-header`: a CSV file whose first line is data (train, sweep and predict)."""
    if predict:
        about = tr(
            "the CSV file has no header line: every line is data, the columns are named "
            "x1, x2, ... (as a model trained with --no-header names them)"
        )
    else:
        about = tr(
            "the CSV file has no header line: every line is data, the columns are named "
            "x1, x2, ... (the target is the last, or --target by index)"
        )
    arg(group, "--no-header", action="store_true", help=about)


def add_file_args(p: Parser) -> None:
    """Data from a file, and how they are prepared (train and sweep)."""
    files = p.add_argument_group(tr("data from a file"))
    arg(
        files,
        "--data",
        metavar="FILE",
        default=tr("none: synthetic data"),
        help=tr("a {formats} table, one example a row").format(formats=listing(suffixes())),
    )
    arg(
        files,
        "--dataset",
        choices=DATASETS,
        default=tr("none"),
        help=tr("a data set shipped with linscratch"),
    )
    arg(
        files,
        "--target",
        metavar="COL",
        default=tr("the last column"),
        help=tr("the label column, by name or index"),
    )
    arg(
        files,
        "--features",
        type=setting_list("features", str.strip),
        metavar="A,B,...",
        default=tr("every other column"),
        help=tr("the feature columns"),
    )
    arg(
        files,
        "--weights",
        type=setting("weights"),
        metavar="COL",
        default=tr("none: every row counts once"),
        help=tr(
            "a column of non-negative row weights (not a feature): weighted SGD and weighted "
            "least squares; rows of weight 0 are dropped"
        ),
    )
    add_no_header(files)
    arg(
        files,
        "--standardize",
        action="store_true",
        help=tr(
            "train on features and label rescaled to mean 0 and standard deviation 1 "
            "(results reported in the original units)"
        ),
    )
    arg(
        files,
        "--val-fraction",
        type=setting("val_fraction", number),
        metavar="F",
        default=tr("none"),
        help=tr(
            "hold out this fraction of the examples (chosen by --seed) and report their loss and R²"
        ),
    )
