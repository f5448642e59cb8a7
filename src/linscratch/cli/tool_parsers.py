"""The flags of the tool commands: `grad` (one minibatch's gradients), `make-data` (a
synthetic data set written to a file) and `predict` (a saved model applied to a file)."""

from __future__ import annotations

from linscratch.cli.flags import number, setting, setting_list, whole
from linscratch.cli.grad import DEFAULTS as GRAD
from linscratch.cli.grad import RANDOM_BATCH
from linscratch.cli.helpformat import examples
from linscratch.cli.make_data import CORRUPT_SHIFT
from linscratch.cli.parsing import add_json, add_lang, add_no_header, add_seed, arg, setting_arg
from linscratch.data.formats import listing, suffixes, written_suffixes
from linscratch.datasets import DATASETS
from linscratch.i18n import tr
from linscratch.rules import DTYPES, LOSSES
from linscratch.spec import ModelSpec


def _example(text: str) -> str:
    """`--example`'s value: `seed`, its first name, is kept as another name for `book`."""
    return "book" if text == "seed" else text


def _add_grad_batch(grad) -> None:
    """Which minibatch `grad` takes its gradients on."""
    batch = grad.add_argument_group(tr("the minibatch"))
    arg(
        batch,
        "--example",
        type=_example,
        choices=("book", "random"),
        default="book",
        help=tr(
            "book: the worked 10x2 batch whose gradients the book prints (seed is another "
            "name for it); random: a batch drawn from --seed"
        ),
    )
    arg(
        batch,
        "--seed",
        type=setting("seed", whole),
        metavar="S",
        default=tr("drawn at random and printed, for a random batch"),
        help=tr("draws the random batch, and the starting w as the book initialises it"),
    )
    arg(
        batch,
        "--num-examples",
        type=setting("num_examples", whole),
        metavar="N",
        default=RANDOM_BATCH["num_examples"],
        help=tr("examples in a random batch"),
    )
    arg(
        batch,
        "--num-features",
        type=setting("num_features", whole),
        metavar="D",
        default=RANDOM_BATCH["num_features"],
        help=tr("features of a random batch"),
    )


def add_grad(sub) -> None:
    grad = sub.add_parser(
        "grad",
        help=tr("derive a minibatch's gradients step by step and check them three ways"),
        description=tr(
            "Walk through dL/dw = Xᵀ(ŷ − y) and dL/db = Σ(ŷ − y) with real numbers, and\n"
            "compare the hand-derived, autograd and finite-difference gradients."
        ),
        epilog=examples(
            ("linscratch grad", tr("the worked 10x2 batch whose gradients the book prints")),
            (
                "linscratch grad --example random --num-examples 5 --seed 1",
                tr("a batch of 5 examples drawn from seed 1"),
            ),
            (
                "linscratch grad --w 1,-2 --b 0.5 --json",
                tr("the book's batch at other parameters, as JSON"),
            ),
        ),
    )
    _add_grad_batch(grad)
    params = grad.add_argument_group(tr("the parameters"))
    arg(
        params,
        "--w",
        type=setting_list("w", number),
        metavar="W1,W2,...",
        default=tr("the book's starting w, drawn from --seed if given"),
        help=tr("the weights at which the gradients are taken"),
    )
    arg(
        params,
        "--b",
        type=setting("b", number),
        metavar="B",
        default=0,
        help=tr("the bias at which the gradients are taken"),
    )
    arg(
        params,
        "--weights",
        dest="sample_weight",
        type=setting_list("sample_weight", number),
        metavar="S1,S2,...",
        default=tr("none: every row counts once"),
        help=tr("the rows' weights, one per example of the batch (non-negative)"),
    )
    arg(
        params,
        "--lr",
        type=setting("lr", number),
        metavar="LR",
        default=GRAD["lr"],
        help=tr("the learning rate of the SGD step shown at the end"),
    )
    arg(
        params,
        "--dtype",
        choices=DTYPES,
        default=GRAD["dtype"],
        help=tr("the precision of the arithmetic"),
    )
    _add_grad_objective(params)
    out = grad.add_argument_group(tr("output"))
    add_json(out)
    add_lang(out)


def _add_grad_objective(params) -> None:
    """`grad`'s loss and penalty: weight decay, Huber's loss and its δ."""
    arg(
        params,
        "--l2",
        type=setting("l2", number),
        metavar="LAMBDA",
        default=GRAD["l2"],
        help=tr("weight decay: each row's loss gains (LAMBDA/2)‖w‖², the gradient |B|·LAMBDA·w"),
    )
    arg(
        params,
        "--loss",
        choices=LOSSES,
        default=GRAD["loss"],
        help=tr("the loss: squared (the book's) or huber (its residuals clipped at ±δ)"),
    )
    arg(
        params,
        "--huber-delta",
        type=setting("huber_delta", number),
        metavar="δ",
        default=ModelSpec.huber_delta,
        help=tr("with --loss huber: where the loss turns from square to straight"),
    )


def add_make_data(sub) -> None:
    make = sub.add_parser(
        "make-data",
        help=tr("write a synthetic data set to a file, a chunk at a time"),
        description=tr(
            "Write y = Xw + b + noise to a .npy file (one 2-D array: the features, then the\n"
            "label) or a {formats} file, a chunk of examples at a time: it may exceed memory."
        ).format(formats=listing([s for s in written_suffixes() if s != ".npy"])),
        epilog=examples(
            (
                "linscratch make-data --num-examples 100000 --seed 1 --out data.npy",
                tr("the book's problem, 100,000 examples"),
            ),
            (
                "linscratch make-data --num-examples 1000000 --num-features 20 --out big.parquet",
                tr("20 features, their true weights drawn from the seed"),
            ),
        ),
    )
    data = make.add_argument_group(tr("the data"))
    arg(
        data,
        "--num-examples",
        type=setting("num_examples", whole),
        required=True,
        metavar="N",
        help=tr("examples (rows) to write"),
    )
    setting_arg(
        data,
        "--num-features",
        "num_features",
        whole,
        metavar="D",
        help=tr("features; a count other than 2 draws the true weights from --seed"),
    )
    setting_arg(
        data,
        "--noise",
        "noise",
        number,
        metavar="SIGMA",
        help=tr("standard deviation of the noise added to each label"),
    )
    arg(
        data,
        "--corrupt",
        type=setting("corrupt", number),
        metavar="F",
        default=0,
        help=tr(
            "corrupt the labels of a fraction F of the examples, drawn from --seed: each moves "
            "up by {shift:g} (outliers, for --loss huber)"
        ).format(shift=CORRUPT_SHIFT),
    )
    add_seed(data, tr("drawn at random"))
    setting_arg(
        data, "--dtype", "dtype", choices=DTYPES, help=tr("the precision of the numbers written")
    )
    out = make.add_argument_group(tr("output"))
    arg(
        out,
        "--out",
        required=True,
        metavar="FILE",
        help=tr("a {formats} file").format(formats=listing(written_suffixes())),
    )
    arg(out, "--force", action="store_true", help=tr("replace an existing --out file"))
    add_json(out)
    add_lang(out)


def add_predict(sub) -> None:
    predict = sub.add_parser(
        "predict",
        help=tr("predict with a saved model"),
        description=tr("Apply a model saved by `linscratch train --save` to a data file."),
        epilog=examples(
            (
                "linscratch predict --model m.json --data new.csv",
                tr("print one prediction per example"),
            ),
            (
                "linscratch predict --model m.json --data new.csv --output preds.csv",
                tr("write them to a file; with labels, also the loss and R²"),
            ),
        ),
    )
    given = predict.add_argument_group(tr("input"))
    arg(
        given,
        "--model",
        required=True,
        metavar="MODEL.json",
        help=tr("a model saved by train --save"),
    )
    source = given.add_mutually_exclusive_group(required=True)
    arg(
        source,
        "--data",
        metavar="FILE",
        needed=True,
        help=tr("a {formats} table with the model's feature columns; this or --dataset").format(
            formats=listing(suffixes())
        ),
    )
    arg(
        source,
        "--dataset",
        choices=DATASETS,
        needed=True,
        help=tr("a data set shipped with linscratch; this or --data"),
    )
    add_no_header(given, predict=True)
    out = predict.add_argument_group(tr("output"))
    arg(
        out,
        "--output",
        metavar="PREDS.csv",
        default=tr("none: printed"),
        help=tr("write the predictions to this CSV file (.csv or .txt)"),
    )
    arg(
        out,
        "--keep-columns",
        action="store_true",
        help=tr("write every column of the data file, then the prediction"),
    )
    arg(out, "--force", action="store_true", help=tr("replace an existing --output file"))
    add_json(out)
    add_lang(out)
