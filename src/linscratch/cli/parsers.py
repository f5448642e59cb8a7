"""The flags of every command, one function per command, grouped as `--help` lists them. A
flag's value is checked by the library's rule for its field while parsing (`cli.flags`);
absent flags are left out of the parsed arguments, so that the spec's defaults are the only
defaults, and the defaults shown in the help are read from the spec. Every text goes through
`tr`: build the parser after setting the language."""

from __future__ import annotations

from linscratch import __version__
from linscratch.cli.flags import number, setting, setting_list, whole
from linscratch.cli.helpformat import examples
from linscratch.cli.parsing import (
    BadArguments,
    Parser,
    add_file_args,
    add_json,
    add_lang,
    add_seed,
    add_synthetic_args,
    arg,
    setting_arg,
)
from linscratch.cli.run_flags import (
    add_early_stopping,
    add_how_it_runs,
    add_schedule,
    add_weight_decay,
)
from linscratch.cli.tool_parsers import add_grad, add_make_data, add_predict
from linscratch.i18n import LANGS, tr
from linscratch.rules import EXACT

__all__ = ["PARSERS", "BadArguments", "build_parser", "command_parser"]


def add_train(sub) -> None:
    train = sub.add_parser(
        "train",
        help=tr("train by minibatch SGD: the book's experiment, or your data file"),
        description=tr(
            "Train y = Xw + b by minibatch stochastic gradient descent (SGD), and compare\n"
            "with the exact least-squares answer. Without flags: the book's experiment."
        ),
        epilog=examples(
            ("linscratch train --seed 1", tr("the book's experiment; --seed 1 repeats it")),
            (
                "linscratch train --lr 0.1 --batch-size 32 --epochs 5 --plot learn.png",
                tr("other settings, and a figure of how it learned"),
            ),
            (
                "linscratch train --data houses.csv --target price --standardize --save m.json",
                tr("your own data; the model saved for `linscratch predict`"),
            ),
        ),
    )
    exp = train.add_argument_group(tr("the experiment"))
    setting_arg(
        exp,
        "--epochs",
        "num_epochs",
        whole,
        dest="num_epochs",
        metavar="N",
        help=tr("epochs: passes over all the examples"),
    )
    setting_arg(
        exp,
        "--lr",
        "lr",
        number,
        metavar="LR",
        help=tr("learning rate: each step moves w and b by LR times the minibatch's mean gradient"),
    )
    setting_arg(
        exp, "--batch-size", "batch_size", whole, metavar="B", help=tr("examples per minibatch")
    )
    add_weight_decay(exp)
    add_early_stopping(exp)
    add_schedule(exp)
    _add_average(exp)
    add_seed(exp, tr("drawn at random and printed"))
    add_synthetic_args(train)
    add_file_args(train)
    run = add_how_it_runs(train)
    _add_checks(run)
    _add_outputs(train)


def _add_average(exp) -> None:
    """`--average [K]`: iterate averaging (`averaging`)."""
    setting_arg(
        exp,
        "--average",
        "average",
        whole,
        nargs="?",
        const=2,
        metavar="K",
        help=tr(
            "report the mean of the iterates w, b after every step from the start of epoch K "
            "on (Polyak–Ruppert; K = 2 when the flag has no value: the first epoch's way in "
            "from the start is left out); 0 reports the last iterate"
        ),
    )


def _add_checks(run) -> None:
    """`--check-grad` and `--exact`: what `train` checks and computes beside SGD."""
    setting_arg(
        run,
        "--check-grad",
        "check_grad",
        action="store_true",
        help=tr(
            "compare the hand-derived and autograd gradients on every minibatch (autograd engine)"
        ),
    )
    setting_arg(
        run,
        "--exact",
        "exact",
        choices=EXACT,
        help=tr(
            "compute the exact least-squares answer beside SGD's (one pass over the rows, "
            "before training): always, never (SGD alone, no further pass), or auto: unless it "
            "would cost more than a few seconds and more than the rest of the run"
        ),
    )


def _add_outputs(train) -> None:
    """`train`'s output group: JSON, language, figure, model, checkpoints."""
    out = train.add_argument_group(tr("output"))
    add_json(out)
    add_lang(out)
    arg(out, "--plot", metavar="FILE", help=tr("draw how it learned, to a .png or .svg file"))
    arg(out, "--save", metavar="MODEL.json", help=tr("save the fitted model"))
    arg(out, "--checkpoint", metavar="DIR", help=tr("save the run's state after each epoch"))
    arg(
        out,
        "--resume",
        metavar="DIR",
        help=tr("continue the run saved in DIR (a larger --epochs trains further)"),
    )
    arg(
        out,
        "--force",
        action="store_true",
        help=tr("replace an existing --save file or --checkpoint (a --plot is always replaced)"),
    )
    arg(
        out,
        "--quiet",
        action="store_true",
        help=tr("no progress bar or phase labels (shown on a terminal)"),
    )


def add_sweep(sub) -> None:
    sweep = sub.add_parser(
        "sweep",
        help=tr("train every pair of learning rates and batch sizes on the same data"),
        description=tr(
            "Train each (learning rate, batch size) pair on the same data and seed, in\n"
            "parallel across the cores, and compare their losses."
        ),
        epilog=examples(
            (
                "linscratch sweep --lr 0.01,0.03,0.1 --batch-size 10,100 --seed 1",
                tr("six runs, one table"),
            ),
            (
                "linscratch sweep --lr 0.03,0.3,3 --batch-size 10 --plot sweep.png",
                tr("where the learning rate becomes too large, as a figure"),
            ),
        ),
    )
    exp = sweep.add_argument_group(tr("the experiment"))
    arg(
        exp,
        "--lr",
        type=setting_list("lr", number),
        required=True,
        metavar="L1,L2,...",
        help=tr("the learning rates to try"),
    )
    arg(
        exp,
        "--batch-size",
        type=setting_list("batch_size", whole),
        required=True,
        metavar="B1,B2,...",
        help=tr("the batch sizes to try"),
    )
    setting_arg(
        exp,
        "--epochs",
        "num_epochs",
        whole,
        dest="num_epochs",
        metavar="N",
        help=tr("epochs: passes over all the examples"),
    )
    add_schedule(exp)
    add_weight_decay(exp)
    add_seed(exp, tr("drawn at random and printed"))
    add_synthetic_args(sweep)
    add_file_args(sweep)
    run = add_how_it_runs(sweep)
    arg(
        run,
        "--jobs",
        type=setting("jobs", whole),
        metavar="J",
        default=tr("as many as pay"),
        help=tr(
            "runs at a time, each in its own process (forked: the data is shared, not loaded "
            "again); by default the first run is timed, and the others go to up to one "
            "process an idle core only when that saves time"
        ),
    )
    out = sweep.add_argument_group(tr("output"))
    add_json(out)
    add_lang(out)
    arg(
        out,
        "--plot",
        metavar="FILE",
        help=tr(
            "the loss curves beside a map of the final losses (for one learning rate or one "
            "batch size, final loss against the other), to a .png or .svg file; replaced if "
            "it exists"
        ),
    )
    arg(out, "--force", action="store_true", help=tr("not needed: a --plot file is replaced"))


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
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help=tr("show this help message and exit"))
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
    for add in PARSERS.values():
        add(sub)
    return parser


def command_parser(name: str) -> Parser:
    """The parser of command `name` alone, in the language in use (for its help or its flag
    table, `helpformat.flag_table`)."""
    sub = Parser(prog="linscratch").add_subparsers(parser_class=Parser)
    PARSERS[name](sub)
    return sub.choices[name]
